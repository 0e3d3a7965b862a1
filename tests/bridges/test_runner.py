"""The tool runner turns every failure of a tool process into a typed error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bridges import (
    ToolCrashed,
    ToolMissing,
    ToolOutputError,
    ToolTimeout,
    locate_tool,
    run_tool,
    tool_environment,
    tool_version,
)
from bridges._core._common import parsed
from parsers import parse_ty_gitlab

PYTHON = Path(sys.executable).name


def test_tools_are_found_next_to_the_interpreter_first() -> None:
    for tool in ("ty", "ruff", "pytest"):
        assert locate_tool(tool).parent == Path(sys.executable).parent
    assert tool_version("ruff") == "ruff 0.17.6"
    assert tool_version("ty").startswith("ty 0.0.108")


def test_a_missing_tool(tmp_path: Path) -> None:
    with pytest.raises(ToolMissing, match="'punie-no-such-tool' is not installed") as caught:
        run_tool("punie-no-such-tool", [], cwd=tmp_path, timeout_s=5)
    assert caught.value.tool == "punie-no-such-tool"


def test_a_hanging_tool_is_killed(tmp_path: Path) -> None:
    with pytest.raises(ToolTimeout, match=r"did not finish within 0\.5 s"):
        run_tool(PYTHON, ["-c", "import time; time.sleep(30)"], cwd=tmp_path, timeout_s=0.5)


def test_a_tool_that_closes_its_output_but_keeps_running_is_killed(tmp_path: Path) -> None:
    script = "import os, time; os.close(1); os.close(2); time.sleep(30)"
    with pytest.raises(ToolTimeout, match=r"did not finish within 0\.5 s"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=0.5)


@pytest.mark.timeout(15)  # the bug was a hang: pytest-timeout turns it into a failure
def test_a_timeout_does_not_wait_for_a_process_that_left_the_tool_s_group(tmp_path: Path) -> None:
    # A daemon in a session of its own survives the group kill and holds the output pipes; the
    # old code then read them until the daemon ended (here 40 s, past the test's limit).
    script = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(40)'],"
        " start_new_session=True)\n"
        "time.sleep(30)\n"
    )
    with pytest.raises(ToolTimeout, match=r"did not finish within 0\.5 s"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=0.5)


def test_an_unexpected_exit_status(tmp_path: Path) -> None:
    script = "import sys; print('boom: disk on fire', file=sys.stderr); sys.exit(3)"
    with pytest.raises(ToolCrashed, match="exit status 3: boom: disk on fire"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=10)


def test_death_by_a_signal(tmp_path: Path) -> None:
    script = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    with pytest.raises(ToolCrashed, match="killed by signal SIGKILL"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=10)


def test_a_stdout_sink_sees_the_output_while_the_tool_still_runs(tmp_path: Path) -> None:
    # The child prints, then waits until the sink has seen that line (a file the test's sink
    # creates), then prints more: it can only finish if chunks reach the sink during the run.
    flag = tmp_path / "seen"
    script = (
        "import os, sys, time\n"
        "sys.stdout.write('first\\n'); sys.stdout.flush()\n"
        f"while not os.path.exists({str(flag)!r}): time.sleep(0.01)\n"
        "print('x' * 200_000); print('oops', file=sys.stderr)\n"
    )
    chunks: list[bytes] = []

    def sink(chunk: bytes) -> None:
        chunks.append(chunk)
        flag.touch()

    run = run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=20, stdout_sink=sink)
    assert chunks[0] == b"first\n"
    assert b"".join(chunks).decode() == run.stdout == "first\n" + "x" * 200_000 + "\n"
    assert run.stderr == "oops\n"
    assert run.returncode == 0


def test_a_stdout_sink_does_not_lift_the_time_limit(tmp_path: Path) -> None:
    script = "import time; print('start', flush=True); time.sleep(30)"
    chunks: list[bytes] = []
    with pytest.raises(ToolTimeout, match=r"did not finish within 0\.5 s"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=0.5, stdout_sink=chunks.append)
    assert chunks == [b"start\n"]


def test_a_failing_sink_leaves_no_tool_running(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "print('chunk', flush=True); time.sleep(30)"
    )

    def sink(chunk: bytes) -> None:
        raise RuntimeError("parser bug")

    with pytest.raises(RuntimeError, match="parser bug"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=20, stdout_sink=sink)
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left sleeping
        os.kill(int(pid_file.read_text()), 0)


def test_a_crash_is_reported_with_a_sink_too(tmp_path: Path) -> None:
    script = "import sys; print('[1,'); print('boom', file=sys.stderr); sys.exit(3)"
    with pytest.raises(ToolCrashed, match="exit status 3: boom"):
        run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=10, stdout_sink=lambda _: None)


def test_the_environment_is_scrubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNIE_SECRET_TOKEN", "hunter2")
    script = "import os, json; print(json.dumps(dict(os.environ)))"
    run = run_tool(PYTHON, ["-c", script], cwd=tmp_path, timeout_s=10)
    assert "PUNIE_SECRET_TOKEN" not in run.stdout
    assert '"NO_COLOR": "1"' in run.stdout
    assert tool_environment()["LC_ALL"] == "C.UTF-8"
    assert run.returncode == 0
    assert run.argv[0].endswith(PYTHON)


def test_garbage_output_becomes_a_tool_output_error() -> None:
    with pytest.raises(ToolOutputError, match="could not be read") as caught:
        parsed("ty", lambda: parse_ty_gitlab("Segmentation fault", version="ty 0.0.108"))
    assert caught.value.tool == "ty"
