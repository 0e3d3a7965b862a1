"""Driving ``punie repl`` through a pseudo-terminal without racing it on a loaded machine.

Three rules, each learnt from a test that failed only under load (``pytest -n 2`` on 2 cores):

- Wait for an input's *output*, then for the prompt. prompt_toolkit redraws ``>>> line`` when
  Enter accepts it, so waiting for ``>>>`` alone can match that redraw while the snippet has not
  even started, and the next keys land while the REPL is still busy.
- Send Ctrl-C only once the snippet has said it runs (``wait_for_file``: the snippet writes a
  marker with ``write_file`` just before its loop). Sent earlier, it reaches a REPL that has not
  read the Enter yet, and then cancels the input instead of stopping a running snippet.
- Waits are long (``WAIT_S``): they end as soon as the awaited text comes, so only a slow
  machine ever uses their length.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import pexpect

__all__ = ["PROMPT", "PUNIE", "WAIT_S", "enter", "spawn_punie", "wait_for_file"]

PUNIE = str(Path(sys.executable).parent / "punie")
PROMPT = ">>>"
"""What prompt_toolkit draws of the prompt (its trailing space is drawn as a cursor move)."""
WAIT_S = 180
"""The longest a wait may take: a cold sandbox worker and a ty run on a busy machine fit."""


def spawn_punie(arguments: list[str], transcript: io.StringIO) -> pexpect.spawn:
    """``punie ARGUMENTS`` on a 40x200 pseudo-terminal; everything it prints is also kept in
    ``transcript``, for assertions about the whole session (no traceback, no timeout)."""
    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", NO_COLOR="1", TERM="xterm")
    child = pexpect.spawn(
        PUNIE, arguments, env=env, encoding="utf-8", timeout=WAIT_S, dimensions=(40, 200)
    )
    child.logfile_read = transcript
    return child


def enter(child: pexpect.spawn, line: str, *, shows: str) -> None:
    """Type ``line`` and Enter; wait for the whole output line ``shows``, then the next prompt.

    ``shows`` is plain text: rich styles a value it pretty-prints (bold numbers even with
    NO_COLOR), so a test that needs an exact line prints the value.
    """
    child.send(line + "\r")
    child.expect_exact(shows + "\r\n")
    child.expect_exact(PROMPT)


def wait_for_file(path: Path, child: pexpect.spawn) -> None:
    """Wait until a snippet has written ``path``: from then on it runs in its worker, and a
    Ctrl-C is a SIGINT to the REPL (whose terminal is out of raw mode), not a key."""
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        assert child.isalive(), child.before
        assert time.monotonic() < deadline, f"the snippet did not write {path} in {WAIT_S} s"
        time.sleep(0.02)
