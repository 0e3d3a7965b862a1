"""The CLI as a person meets it (issue 11): Ctrl-C, piped output, errors that name the flag.

Everything runs the installed ``punie`` script for real: interrupts through a pseudo-terminal or a
real SIGINT, piped output through a subprocess whose stdout is a pipe, not a terminal.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from runtime import AgentLimits, render_tool_call
from runtime.cli import main
from tests.runtime.repl_terminal import PROMPT, enter, spawn_punie, wait_for_file

PUNIE = str(Path(sys.executable).parent / "punie")
LONG_QUESTION = (
    "How many type errors are there in this workspace, and which of them is the most serious "
    "one to fix first?"
)


def punie(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``punie ARGUMENTS`` with stdout and stderr piped (not a terminal), no stdin."""
    return subprocess.run(
        [PUNIE, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def start(*arguments: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PUNIE, *arguments],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def has_children(pid: int) -> bool:
    """Whether the process has started a child (the sandbox worker): its handler is running."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        if (task / "children").read_text().split():
            return True
    return False


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text('count: int = "three"\n')
    count = render_tool_call('r = typecheck(path=".")\nprint(r.error_count)')
    (root / "replies.json").write_text(json.dumps([count, "There is 1 type error."]))
    return root


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a model that takes forever."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


# -- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_in_run_stops_the_snippet_with_one_line_and_status_130() -> None:
    process = start("run", "--timeout", "60", "-c", "while True:\n    pass")
    try:
        while not has_children(process.pid):  # the sandbox worker exists: the handler runs
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        time.sleep(0.3)  # let the snippet reach its loop
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, out, err) == (
        130,
        "",
        "punie run: interrupted (Ctrl-C); the snippet was stopped\n",
    )


def test_ctrl_c_in_ask_ends_the_run_in_one_line_with_status_130(
    workspace: Path, silent_server: int
) -> None:
    spec = f"openai:http://127.0.0.1:{silent_server}/v1#m"
    process = start("ask", "hi", "--model", spec, "--workspace", str(workspace))
    try:
        assert process.stdout is not None
        header = process.stdout.readline()  # printed once the run has started
        assert header.startswith("punie "), process.communicate()
        time.sleep(0.3)  # the request is on its way to the silent server
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    lines = out.splitlines()
    assert process.returncode == 130
    assert lines[0] == "run ended: cancelled (interrupted with Ctrl-C)"
    assert lines[1].startswith("0 turns, 0+0 tokens, ")
    assert len(lines) == 2
    assert err.splitlines()[-1] == "punie ask: interrupted (Ctrl-C)"
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in out + err


INTERRUPTED = (
    "interrupted: the snippet was stopped and its sandbox worker replaced; names bound in this "
    "session are lost (':load FILE' restores a ':save')"
)
NOT_RUN = "interrupted: Ctrl-C came before the input started; it was not run, the session is intact"


def spawn_repl(tmp_path: Path, transcript: io.StringIO) -> pexpect.spawn:
    """``punie repl --allow-write`` on a pseudo-terminal in an empty workspace (write_file lets
    a snippet leave a marker that it runs)."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    history = str(tmp_path / "history")
    arguments = ["repl", "--workspace", str(workspace), "--history", history, "--allow-write"]
    return spawn_punie(arguments, transcript)


@pytest.mark.slow
def test_ctrl_c_in_the_repl_stops_the_snippet_and_keeps_the_repl(tmp_path: Path) -> None:
    transcript = io.StringIO()
    child = spawn_repl(tmp_path, transcript)
    try:
        child.expect_exact(PROMPT)
        child.send("x = 7\r")
        enter(child, "print(x * 6)", shows="42")  # x = 7 ran: the session has a name to lose
        # The marker is written by the snippet itself, just before its endless loop: Ctrl-C is
        # sent while the snippet runs, never while the REPL still reads the input.
        child.send('if write_file(path="running.txt", content="running").created:\r')
        child.send("while True: pass\r")
        child.send("\r")  # ends the block
        wait_for_file(tmp_path / "ws" / "running.txt", child)  # the 5 s limit starts about now
        child.sendintr()
        child.expect_exact(INTERRUPTED + "\r\n")
        child.expect_exact(PROMPT)
        # the REPL serves the next input, in a fresh worker without the session's names
        enter(child, "print(6 * 9)", shows="54")
        enter(child, "x", shows="runtime: line 1: NameError: name 'x' is not defined")
        child.send(":quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Traceback" not in transcript.getvalue()
    assert "timeout" not in transcript.getvalue()  # stopped by Ctrl-C, not by the time limit
    assert child.exitstatus == 0


@pytest.mark.slow
def test_ctrl_c_typed_right_after_enter_cancels_the_input_and_keeps_the_session(
    tmp_path: Path,
) -> None:
    """A REPL that lags behind its input (a loaded machine) reads Enter and Ctrl-C in one go: the
    Ctrl-C cancels that input instead of being left over to cancel the next prompt."""
    transcript = io.StringIO()
    child = spawn_repl(tmp_path, transcript)
    try:
        child.expect_exact(PROMPT)
        child.send("x = 7\r")
        enter(child, "print(x * 6)", shows="42")  # the prompt is up, its terminal in raw mode
        assert child.pid is not None
        os.kill(child.pid, signal.SIGSTOP)  # the REPL gets no CPU while the person types
        try:
            child.send("while True: pass\r")
            child.send("\r")
            child.sendintr()
        finally:
            os.kill(child.pid, signal.SIGCONT)
        child.expect_exact(NOT_RUN + "\r\n")
        child.expect_exact(PROMPT)
        # nothing ran: the session kept its worker and its names
        enter(child, "print(x * 6)", shows="42")
        child.send(":quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Traceback" not in transcript.getvalue()
    assert "timeout" not in transcript.getvalue()
    assert child.exitstatus == 0


# -- piped output -------------------------------------------------------------------------------


def test_piped_traces_list_keeps_each_trace_on_one_line(workspace: Path) -> None:
    asked = punie("ask", LONG_QUESTION, "--model", "scripted:replies.json", "--json", cwd=workspace)
    assert asked.returncode == 0, asked.stderr
    trace_id = json.loads(asked.stdout)["trace_id"]
    listed = punie("traces", "list")
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if trace_id in line]
    assert len(rows) == 1, listed.stdout
    cells = [cell.strip() for cell in rows[0].split("│")[1:-1]]
    created = cells[1]
    assert cells == [trace_id, created, "success", "2", LONG_QUESTION[:57] + "..."]
    assert "\x1b" not in listed.stdout


def test_piped_ask_shows_long_lines_whole_and_a_failure_once(workspace: Path) -> None:
    from tests.runtime.runtime_test_support import free_port

    spec = f"openai:http://127.0.0.1:{free_port()}/v1#m"
    asked = punie("ask", LONG_QUESTION, "--model", spec, "--workspace", str(workspace))
    assert asked.returncode == 1
    trace_id = asked.stderr.split("punie trace id: ")[1].split()[0]
    events = punie("traces", "show", trace_id, "--json").stdout.splitlines()
    error = json.loads(events[-1])["error"]
    assert error.startswith("ModelUnavailableError: ")
    assert len(error) > 80  # long enough that wrapping at 80 columns would break it
    assert f"run ended: error: {error}" in asked.stdout.splitlines()
    assert (asked.stdout + asked.stderr).count("ModelUnavailableError") == 1
    assert "\x1b" not in asked.stdout + asked.stderr


# -- errors that name the flag ------------------------------------------------------------------


def test_a_timeout_names_the_timeout_flag() -> None:
    ran = punie("run", "--timeout", "1", "-c", "while True:\n    pass")
    assert (ran.returncode, ran.stderr.splitlines()) == (
        1,
        [
            "error (timeout): the snippet ran longer than 1 s and was stopped; do less work per "
            "snippet (smaller inputs, fewer iterations, no endless loops)",
            "hint: this run's limit was 1 s; pass --timeout S to allow more",
        ],
    )


def test_running_out_of_memory_names_the_memory_flag() -> None:
    ran = punie("run", "--memory", "64", "-c", "x = 'a' * (200 * 1024 * 1024)")
    assert ran.returncode == 1
    assert ran.stderr.splitlines()[-1] == (
        "hint: this run's limit was 64 MiB; pass --memory MB to allow more"
    )


def test_a_refused_write_names_the_allow_write_flag(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x  =  1\n")
    ran = punie("run", "--workspace", str(tmp_path), "-c", 'ruff_format(path="a.py", apply=True)')
    assert (ran.returncode, ran.stderr.splitlines()) == (
        1,
        [
            "error (host_function): line 1: ruff_format(apply=True) needs writing, which this "
            "session does not allow; call ruff_format() without apply to see the diffs and show "
            "them to the user",
            "hint: pass --allow-write to let the snippet change files in the workspace",
        ],
    )
    assert (tmp_path / "a.py").read_text() == "x  =  1\n"


def test_an_ordinary_error_gets_no_hint() -> None:
    ran = punie("run", "-c", "1 / 0")
    assert ran.returncode == 1
    assert not any(line.startswith("hint:") for line in ran.stderr.splitlines())


# -- CLI basics ---------------------------------------------------------------------------------


def test_ask_help_shows_the_max_time_default(capsys: pytest.CaptureFixture[str]) -> None:
    from runtime.cli._ask import MAX_TIME_DEFAULT_S

    assert AgentLimits().max_time_s == MAX_TIME_DEFAULT_S
    with pytest.raises(SystemExit):
        main(["ask", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--max-time MAX_TIME_S seconds per question (default 300)" in help_text


def test_run_on_a_terminal_without_a_snippet_says_it_reads_stdin() -> None:
    child = pexpect.spawn(PUNIE, ["run"], encoding="utf-8", timeout=60)
    try:
        child.expect_exact(
            "punie run: reading the snippet from stdin; end it with Ctrl-D (or pass -c CODE or "
            "FILE)"
        )
        child.send("6 * 7\n")
        child.sendeof()
        child.expect("42")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_run_from_a_pipe_prints_no_hint() -> None:
    ran = subprocess.run(
        [PUNIE, "run"], input="6 * 7\n", capture_output=True, text=True, timeout=60, check=False
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "42\n", "")
