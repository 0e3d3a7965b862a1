"""Issue 11 finding 7: a sign of life while a model works.

``GenerationSettings.on_token`` receives the reply's pieces from backends that stream (MLX
in-process, an OpenAI-compatible server); ``punie ask`` on a terminal shows them on a progress line
(a spinner with elapsed seconds where nothing streams); ``--json`` and piped output get nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from runtime import GenerationSettings, MLXModel, OpenAIModel, ScriptedModel, render_tool_call
from runtime.cli._display import TurnPrinter
from tests.runtime.runtime_test_support import mlx_environment
from tests.runtime.test_mlx import QUESTION, mlx_server  # noqa: F401  (a fixture, used by name)
from tests.runtime.test_openai import HELLO, PlannedServer, completion, model_for, server  # noqa: F401

PUNIE = str(Path(sys.executable).parent / "punie")
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
"""Terminal control sequences (colours, cursor moves): left out of the text the tests read."""


def run_in_pty(*arguments: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``punie ARGUMENTS`` with stdout and stderr on one pseudo-terminal: (status, all output)."""
    import pty

    parent, child = pty.openpty()
    environment = dict(env if env is not None else os.environ)
    environment.update({"TERM": "xterm-256color", "COLUMNS": "200", "LINES": "50"})
    process = subprocess.Popen(
        [PUNIE, *arguments],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
        env=environment,
    )
    os.close(child)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(parent)
    status = process.wait(timeout=300)
    return status, ESCAPE.sub("", b"".join(chunks).decode("utf-8", "replace"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text("count: int = 3\n")
    code = render_tool_call("print(1 + 1)")
    (root / "replies.json").write_text(json.dumps([code, "Two."]))
    return root


# -- the hook -----------------------------------------------------------------------------------


def test_scripted_model_ignores_on_token() -> None:
    pieces: list[str] = []
    model = ScriptedModel(["Two."])
    completion = model.complete(QUESTION, GenerationSettings(on_token=pieces.append))
    assert (completion.text, pieces) == ("Two.", [])


def test_turn_printer_off_a_terminal_adds_no_progress() -> None:
    console = Console(file=open(os.devnull, "w"), force_terminal=False)  # noqa: SIM115
    printer = TurnPrinter(console, progress=True)
    assert printer.progress is False
    printer.on_token("ignored")  # no turn running: nothing to show, nothing raised
    printer.close()
    console.file.close()


def test_openai_backend_reads_a_plain_answer_when_the_server_does_not_stream(
    server: PlannedServer,  # noqa: F811
) -> None:
    server.respond(200, completion("not streamed"))
    pieces: list[str] = []
    got = model_for(server).complete(HELLO, GenerationSettings(on_token=pieces.append))
    assert (got.text, pieces) == ("not streamed", [])
    assert server.requests[0]["body"]["stream"] is True  # asked, because someone listens


def test_openai_backend_does_not_stream_when_nobody_listens(
    server: PlannedServer,  # noqa: F811
) -> None:
    server.respond(200, completion("plain"))
    assert model_for(server).complete(HELLO, GenerationSettings()).text == "plain"
    assert server.requests[0]["body"]["stream"] is False


# -- punie ask on a terminal and with --json ------------------------------------------------------


def test_ask_on_a_terminal_shows_the_model_working(workspace: Path) -> None:
    status, output = run_in_pty(
        "ask", "one plus one?", "--model", "scripted:replies.json", cwd=workspace
    )
    assert status == 0, output
    assert "turn 1: model working, 0.0 s" in output
    assert "turn 2: model working, 0.0 s" in output


def test_ask_json_on_a_terminal_is_one_json_document(workspace: Path) -> None:
    status, output = run_in_pty(
        "ask", "one plus one?", "--model", "scripted:replies.json", "--json", cwd=workspace
    )
    assert status == 0, output
    result = json.loads(output)
    assert (result["outcome"], result["answer"]) == ("success", "Two.")


def test_piped_ask_has_no_progress(workspace: Path) -> None:
    asked = subprocess.run(
        [PUNIE, "ask", "one plus one?", "--model", "scripted:replies.json"],
        cwd=workspace,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert asked.returncode == 0, asked.stderr
    turns = [line for line in asked.stdout.splitlines() if line.startswith("turn ")]
    assert [line.split(":")[0] for line in turns] == ["turn 1", "turn 2"]
    assert "model working" not in asked.stdout + asked.stderr
    assert "tokens/s" not in asked.stdout + asked.stderr


# -- backends that stream (the tiny model) --------------------------------------------------------


@pytest.mark.slow
def test_mlx_in_process_streams_pieces_that_make_the_reply(tiny_model: Path) -> None:
    pieces: list[str] = []
    model = MLXModel(tiny_model)
    completion = model.complete(QUESTION, GenerationSettings(max_tokens=16, on_token=pieces.append))
    assert len(pieces) > 3
    assert "".join(pieces) == completion.text
    assert completion == model.complete(QUESTION, GenerationSettings(max_tokens=16))


@pytest.mark.slow
def test_mlx_stream_stops_at_a_stop_sequence_in_the_pieces_too(tiny_model: Path) -> None:
    model = MLXModel(tiny_model)
    free = model.complete(QUESTION, GenerationSettings(max_tokens=16, stop=()))
    stop = free.text[len(free.text) // 2 :][:2]  # a stop sequence the reply is sure to contain
    pieces: list[str] = []
    cut = model.complete(
        QUESTION, GenerationSettings(max_tokens=16, stop=(stop,), on_token=pieces.append)
    )
    assert cut.text == free.text[: free.text.index(stop) + len(stop)]
    assert "".join(pieces) == cut.text


@pytest.mark.slow
def test_openai_backend_streams_from_mlx_lm_server(mlx_server: str) -> None:  # noqa: F811
    pieces: list[str] = []
    model = OpenAIModel(f"{mlx_server}/v1")  # stream=None: streams because someone listens
    try:
        plain = model.complete(QUESTION, GenerationSettings(max_tokens=12))
        streamed = model.complete(
            QUESTION, GenerationSettings(max_tokens=12, on_token=pieces.append)
        )
    finally:
        model.close()
    assert len(pieces) > 3
    assert "".join(pieces) == streamed.text
    assert (streamed.text, streamed.completion_tokens) == (plain.text, plain.completion_tokens)
    assert streamed.completion_tokens > 0  # usage from the stream's last chunk


@pytest.mark.slow
def test_ask_with_mlx_on_a_terminal_shows_streamed_tokens(
    workspace: Path, tiny_model: Path
) -> None:
    status, output = run_in_pty(
        "ask",
        "one plus one?",
        "--model",
        f"mlx:{tiny_model}",
        "--max-turns",
        "1",
        "--no-trace",
        cwd=workspace,
        env=mlx_environment(),
    )
    assert status == 1, output  # the tiny model never answers: the turn limit ends the run
    progress = [line for line in output.splitlines() if "turn 1: model working" in line]
    assert any(" tokens, " in line and " tokens/s " in line for line in progress), output
    ended = [line for line in output.splitlines() if line.startswith("turn 1: ")]
    assert ended and ended[-1].rstrip().endswith(" tokens/s)"), output
