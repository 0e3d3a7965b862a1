"""Worker processes of ``run_suite`` end with the process that started them: a killed
``punie eval run`` (``kill -9``, a CI timeout) leaves nothing running a model behind it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARENT = """
import multiprocessing, sys, time
from evals import load_suite, run_suite

def progress(update):
    if update.done == 1:
        pids = sorted(p.pid for p in multiprocessing.active_children())
        print(" ".join(map(str, pids)), flush=True)
        time.sleep(3600)  # the test kills this process now

run_suite(load_suite("standard"), model="oracle", workers=2, progress=progress)
"""


def _alive(pid: int) -> bool:
    """Running or sleeping, not gone and not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "zombie" not in state and "(dead)" not in state


@pytest.mark.timeout(300)
def test_workers_end_when_the_run_is_killed() -> None:
    workers: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as parent:
        try:
            assert parent.stdout is not None
            workers = [int(pid) for pid in parent.stdout.readline().split()]
            assert len(workers) == 2 and all(_alive(pid) for pid in workers)
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            deadline = time.monotonic() + 30
            while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [pid for pid in workers if _alive(pid)] == []
        finally:
            parent.kill()
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
