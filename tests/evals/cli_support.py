"""``punie`` run in the test's own process, for the quick commands of the evals tests."""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

from runtime.cli import main

__all__ = ["cli"]


def cli(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    """``punie ARGS`` in this process, stdout and stderr captured (argparse's exit included)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(a) for a in arguments])
        except SystemExit as exit_:  # argparse
            status = int(exit_.code or 0)
    return subprocess.CompletedProcess(arguments, status, out.getvalue(), err.getvalue())
