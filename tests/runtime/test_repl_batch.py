"""``punie repl`` with input that is not a terminal: a batch mode, no prompts, a useful status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PUNIE = Path(sys.executable).parent / "punie"


def repl(stdin: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PUNIE), "repl", "--workspace", str(workspace), "--history", str(workspace / "h")],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_piped_input_runs_as_one_session_and_prints_only_its_output(tmp_path: Path) -> None:
    session = (
        "x = 6\n"
        "for i in range(2):\n"
        "    x += i\n"
        "\n"
        "print(x * 6)\n"
        "len(list_files().files)\n"
        ":quit\n"
        "print('never')\n"
    )
    (tmp_path / "a.py").write_text("A = 1\n")
    done = repl(session, tmp_path)
    assert done.stdout == "42\n1\n"
    assert done.returncode == 0
    assert "Traceback" not in done.stderr


def test_a_failed_snippet_is_reported_and_the_status_is_1(tmp_path: Path) -> None:
    done = repl("undefined_name\nprint('after')\n", tmp_path)
    assert done.stdout == (
        "runtime: line 1: NameError: name 'undefined_name' is not defined\nafter\n"
    )
    assert done.returncode == 1
