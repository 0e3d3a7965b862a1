"""Trace files: written as the run happens, readable after a crash, listed, filtered, rendered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runtime import (
    Agent,
    ModelResponseError,
    ScriptedModel,
    TraceError,
    TraceStore,
    conversation_from_trace,
    data_dir,
    render_tool_call,
)
from runtime.template import training_record
from runtime.traces import TRACE_SCHEMA_VERSION
from tests.runtime.runtime_fakes import typecheck

HERE = Path(__file__).parent


def ask(replies: list[str], question: str = "How many errors?") -> str:
    model = ScriptedModel(replies)
    with Agent(model=model, host_functions=[typecheck]) as agent:
        return agent.ask(question).trace_id


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PUNIE_DATA_DIR", str(tmp_path / "p"))
    assert data_dir() == tmp_path / "p"
    monkeypatch.delenv("PUNIE_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "punie"


def test_trace_file_has_a_versioned_header_and_one_event_per_line(punie_data_dir: Path) -> None:
    trace_id = ask([render_tool_call('print(typecheck(path="s").error_count)'), "2"])
    lines = (punie_data_dir / "traces" / f"{trace_id}.jsonl").read_text().splitlines()
    header = json.loads(lines[0])
    assert header["schema"] == "punie.trace" and header["version"] == TRACE_SCHEMA_VERSION
    assert header["trace_id"] == trace_id
    events = [json.loads(line) for line in lines[1:]]
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert events[0]["type"] == "run_started" and events[-1]["type"] == "run_finished"
    bridge = next(e for e in events if e["type"] == "bridge_called")
    assert (bridge["name"], bridge["arguments"], bridge["ok"]) == ("typecheck", {"path": "s"}, True)


def test_store_lists_loads_by_prefix_and_selects(punie_data_dir: Path) -> None:
    first = ask(["answer one"], "q1")
    with pytest.raises(ModelResponseError):
        ask([render_tool_call("print(1)")], "q2")  # runs out of replies: outcome error
    (second,) = [p.stem for p in (punie_data_dir / "traces").glob("*.jsonl") if p.stem != first]
    store = TraceStore()
    assert [t.trace_id for t in store.all()] == [first, second]
    assert store.load(first[:-2]).question == "q1"
    assert [t.trace_id for t in store.select(outcome="success")] == [first]
    future = datetime.now(UTC) + timedelta(days=1)
    assert store.select(since=future) == []
    with pytest.raises(TraceError, match="no trace 'nope'"):
        store.load("nope")


def test_traces_of_one_second_are_listed_in_the_order_they_started(punie_data_dir: Path) -> None:
    """Ids carry whole seconds; within a second the random suffix must not decide the order."""
    directory = punie_data_dir / "traces"
    directory.mkdir(parents=True)
    for trace_id, created in [
        ("20261128T100000-ffffffff", "2026-11-28T10:00:00.100000+00:00"),
        ("20261128T100000-00000000", "2026-11-28T10:00:00.900000+00:00"),
    ]:
        header = {"schema": "punie.trace", "version": 1, "trace_id": trace_id, "created": created}
        (directory / f"{trace_id}.jsonl").write_text(json.dumps(header) + "\n")
    assert [t.trace_id for t in TraceStore().all()] == [
        "20261128T100000-ffffffff",
        "20261128T100000-00000000",
    ]


def test_partial_last_line_is_skipped(punie_data_dir: Path) -> None:
    trace_id = ask(["fine"])
    path = punie_data_dir / "traces" / f"{trace_id}.jsonl"
    with path.open("a") as handle:
        handle.write('{"type": "model_req')
    trace = TraceStore().load(trace_id)
    assert (trace.outcome, trace.skipped_lines) == ("success", 1)


def test_foreign_or_future_files_are_rejected(punie_data_dir: Path) -> None:
    directory = punie_data_dir / "traces"
    directory.mkdir(parents=True)
    (directory / "a.jsonl").write_text('{"schema": "other"}\n')
    (directory / "b.jsonl").write_text('{"schema": "punie.trace", "version": 99}\n')
    with pytest.raises(TraceError, match="not a punie trace"):
        TraceStore().load("a")
    with pytest.raises(TraceError, match="version 99"):
        TraceStore().load("b")
    assert list(TraceStore().all()) == []


def test_trace_survives_kill_9(punie_data_dir: Path) -> None:
    """A run killed mid-way leaves a readable trace (outcome incomplete), every event intact."""
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(HERE)!r})
        from runtime_fakes import typecheck
        from runtime import Agent, ScriptedModel, render_tool_call

        def reply(messages):
            if len(messages) > 2:
                print("READY", flush=True)
                time.sleep(60)
            return render_tool_call('print(typecheck(path="x").error_count)')

        Agent(model=ScriptedModel(reply), host_functions=[typecheck]).ask("hang")
        """
    )
    env = dict(os.environ, PUNIE_DATA_DIR=str(punie_data_dir))
    process = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "READY"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    (trace,) = TraceStore().all()
    assert trace.outcome == "incomplete"
    assert trace.skipped_lines == 0
    assert [e.type for e in trace.events][-2:] == ["turn_finished", "model_request"]


def test_trace_renders_byte_identically_for_inference_and_training(punie_data_dir: Path) -> None:
    model = ScriptedModel(
        [
            "Let me look.\n" + render_tool_call('r = typecheck(path="src")\nr.error_count'),
            "<tool_call>oops</tool_call>",
            "```python\nprint(r.errors[0])\n```",
            "There are 2 errors; the first is in src/app.py line 3.",
        ]
    )
    with Agent(model=model, host_functions=[typecheck]) as agent:
        result = agent.ask("How many type errors are in src?")
    final_request = model.requests[-1]
    conversation = conversation_from_trace(TraceStore().load(result.trace_id))
    assert conversation[:-1] == final_request
    assert conversation[-1].content == result.answer
    inference = training_record([*final_request, conversation[-1]])
    assert training_record(conversation).encode() == inference.encode()


def test_a_trace_replays_to_the_same_run(punie_data_dir: Path) -> None:
    replies = [render_tool_call('print(typecheck(path="s").error_count)'), "2 errors."]
    first = TraceStore().load(ask(replies))
    with Agent(model=ScriptedModel.from_trace(first), host_functions=[typecheck]) as agent:
        again = agent.ask(first.question)
    assert again.answer == "2 errors."
    second = TraceStore().load(again.trace_id)
    assert conversation_from_trace(second) == conversation_from_trace(first)


def test_unwritable_trace_directory_is_a_typed_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the trace folder should be")
    with (
        Agent(model=ScriptedModel(["hi"]), trace_dir=blocker / "traces") as agent,
        pytest.raises(TraceError, match="cannot write the trace"),
    ):
        agent.ask("hello")
