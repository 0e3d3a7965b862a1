"""The agent loop end to end: ScriptedModel + the real sandbox + plain host functions."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from runtime import (
    Agent,
    AgentLimits,
    AgentResult,
    CancelToken,
    Event,
    Message,
    ModelResponseError,
    ScriptedModel,
    TraceStore,
    UsageError,
    render_tool_call,
)
from tests.runtime.runtime_fakes import broken, typecheck


def call(code: str) -> str:
    return render_tool_call(code)


def make_agent(replies: list[str] | ScriptedModel, *, limits: AgentLimits | None = None) -> Agent:
    model = replies if isinstance(replies, ScriptedModel) else ScriptedModel(replies)
    return Agent(model=model, host_functions=[typecheck, broken], limits=limits)


def tool_messages(model: ScriptedModel) -> list[str]:
    return [m.content for m in model.requests[-1] if m.role == "tool"]


def test_direct_answer_without_tools() -> None:
    events: list[Event] = []
    with make_agent(["Python lists are mutable."]) as agent:
        agent.subscribe(events.append)
        result = agent.ask("Are lists mutable?")
    assert (result.outcome, result.answer) == ("success", "Python lists are mutable.")
    assert [t.kind for t in result.turns] == ["answer"]
    assert [e.type for e in events] == [
        "run_started",
        "model_request",
        "model_response",
        "run_finished",
    ]
    assert len({e.run_id for e in events}) == 1
    assert [e.seq for e in events] == [0, 1, 2, 3]


def test_snippet_result_goes_back_and_the_answer_ends_the_run() -> None:
    model = ScriptedModel(
        [call('r = typecheck(path="src")\nprint(r.error_count)\nr.errors[0]'), "2 errors."]
    )
    events: list[Event] = []
    with make_agent(model) as agent:
        agent.subscribe(events.append)
        result = agent.ask("How many type errors?")
    assert (result.outcome, result.answer) == ("success", "2 errors.")
    assert tool_messages(model) == ["2\nsrc/app.py:3: bad"]
    assert [c.name for c in result.calls] == ["typecheck"]
    assert result.calls[0].arguments == {"path": "src"}
    assert result.usage.model_requests == 2
    types = [e.type for e in events]
    assert types == [
        "run_started",
        "model_request",
        "model_response",
        "snippet_checked",
        "snippet_executed",
        "bridge_called",
        "turn_finished",
        "model_request",
        "model_response",
        "run_finished",
    ]


def test_precheck_failure_is_fed_back_without_running() -> None:
    model = ScriptedModel([call('typecheck(pth="src")'), "Sorry."])
    events: list[Event] = []
    with make_agent(model) as agent:
        agent.subscribe(events.append)
        result = agent.ask("Check src")
    (message,) = tool_messages(model)
    assert message.startswith("Error: the snippet was not run; fix these first:\nline 1:")
    assert "pth" in message and "path" in message
    assert "snippet_executed" not in [e.type for e in events]
    assert (result.turns[0].ok, result.turns[0].error_kind) == (False, "precheck")


def test_snippet_that_does_not_parse_is_fed_back() -> None:
    model = ScriptedModel([call("print((1)"), "Sorry."])
    with make_agent(model) as agent:
        result = agent.ask("Try")
    (message,) = tool_messages(model)
    assert "SyntaxError" in message and "line 1" in message
    assert result.turns[0].error_kind == "precheck"


@pytest.mark.parametrize(
    ("code", "fragment", "kind"),
    [
        ("x = 1\nx / 0", "ZeroDivisionError", "runtime"),
        ('broken(reason="disk full")', "cannot do that: disk full", "host_function"),
        ("import os", "Error:", "policy"),
    ],
)
def test_errors_in_the_sandbox_are_fed_back(code: str, fragment: str, kind: str) -> None:
    model = ScriptedModel([call(code), "I could not."])
    with make_agent(model) as agent:
        result = agent.ask("Try it")
    (message,) = tool_messages(model)
    assert message.startswith("Error:") and fragment in message
    assert (result.outcome, result.turns[0].error_kind) == ("success", kind)


def test_malformed_reply_is_fed_back_and_the_model_recovers() -> None:
    model = ScriptedModel(
        [
            "<tool_call><function=typecheck></function></tool_call>",
            call('print(typecheck(path="a").error_count)'),
            "2",
        ]
    )
    with make_agent(model) as agent:
        result = agent.ask("Count")
    first, second = tool_messages(model)
    assert first.startswith(
        "Error: your reply could not be used: there is no tool named 'typecheck'"
    )
    assert second == "2"
    assert [t.kind for t in result.turns] == ["rejected", "tool_call", "answer"]


def test_other_call_forms_are_accepted_and_stored_canonically() -> None:
    json_call = '<tool_call>{"name": "execute_code", "arguments": {"code": "print(1)"}}</tool_call>'
    model = ScriptedModel([json_call, "```python\nprint(2)\n```", "done"])
    with make_agent(model) as agent:
        agent.ask("Go")
    assistant = [m.content for m in model.requests[-1] if m.role == "assistant"]
    assert assistant == [call("print(1)"), call("print(2)")]
    assert tool_messages(model) == ["1", "2"]


def test_session_state_lasts_for_one_question_only() -> None:
    model = ScriptedModel(
        [
            call('r = typecheck(path="a")'),
            call("print(r.error_count)"),
            "2",
            call("print(r)"),
            "gone",
        ]
    )
    with make_agent(model) as agent:
        agent.ask("first")
        assert tool_messages(model) == ["(no output)", "2"]
        agent.ask("second")
    (message,) = tool_messages(model)
    assert message.startswith("Error:") and "r" in message


def test_turn_limit() -> None:
    model = ScriptedModel(lambda messages: call("print(1)"))
    with make_agent(model, limits=AgentLimits(max_turns=3)) as agent:
        result = agent.ask("loop forever")
    assert (result.outcome, result.answer, len(result.turns)) == ("max_turns", None, 3)


def test_token_limit() -> None:
    model = ScriptedModel(lambda messages: call("print(1)"))
    with make_agent(model, limits=AgentLimits(max_tokens=30)) as agent:
        result = agent.ask("loop forever")
    assert result.outcome == "token_limit"
    assert result.usage.total_tokens >= 30


def test_time_limit() -> None:
    gate = threading.Event()

    def slow(messages: list[Message]) -> str:
        gate.wait(0.05)
        return call("print(1)")

    with make_agent(ScriptedModel(slow), limits=AgentLimits(max_time_s=0.01)) as agent:
        result = agent.ask("slow")
    assert (result.outcome, result.turns) == ("time_limit", [])


def test_endless_reply_is_cut_and_fed_back() -> None:
    model = ScriptedModel(["blah " * 500, "Short answer."])
    with make_agent(model, limits=AgentLimits(max_reply_tokens=20)) as agent:
        result = agent.ask("talk")
    (message,) = tool_messages(model)
    assert "cut off after 20 tokens" in message
    assert result.answer == "Short answer."


@pytest.mark.parametrize(
    "reply",
    [
        call("\n".join(f"ran_{i} = {i}" for i in range(40)) + "\nprint('done')"),
        "```python\n" + "\n".join(f"ran_{i} = {i}" for i in range(40)) + "\nprint('done')\n```",
    ],
)
def test_a_tool_call_cut_off_by_the_token_limit_is_not_run(reply: str) -> None:
    """Half a snippet may be valid Python that does something else: it must not run."""
    model = ScriptedModel([reply, "Gave up."])
    with make_agent(model, limits=AgentLimits(max_reply_tokens=30)) as agent:
        result = agent.ask("count")
    first = result.turns[0]
    assert (first.kind, first.error_kind, first.calls) == ("rejected", "reply", [])
    (message,) = tool_messages(model)
    assert "cut off after 30 tokens in the middle of the tool call" in message


def test_an_unclosed_tool_call_that_was_not_cut_off_still_runs() -> None:
    """Servers drop the stop sequence: an unclosed call that ended normally is a call."""
    unclosed = "<tool_call>\n<function=execute_code>\n<parameter=code>\nprint(6 * 7)\n"
    model = ScriptedModel([unclosed, "42."])
    with make_agent(model) as agent:
        result = agent.ask("multiply")
    assert (result.turns[0].kind, result.turns[0].result) == ("tool_call", "42")


def test_cancellation_from_a_subscriber() -> None:
    token = CancelToken()
    model = ScriptedModel(lambda messages: call("print(1)"))
    with make_agent(model) as agent:
        agent.subscribe(lambda e: token.cancel() if e.type == "turn_finished" else None)
        result = agent.ask("go", cancel=token)
    assert (result.outcome, len(result.turns)) == ("cancelled", 1)


def test_model_failure_raises_after_the_trace_is_complete(punie_data_dir: Path) -> None:
    with make_agent([call("print(1)")]) as agent, pytest.raises(ModelResponseError) as caught:
        agent.ask("runs out of replies")
    (trace,) = TraceStore(punie_data_dir / "traces").all()
    assert trace.outcome == "error"
    assert trace.finished is not None and "no reply left" in (trace.finished.error or "")
    assert f"punie trace id: {trace.trace_id}" in caught.value.__notes__


def test_unsubscribe_and_empty_question() -> None:
    seen: list[Event] = []
    with make_agent(["a", "b"]) as agent:
        unsubscribe = agent.subscribe(seen.append)
        agent.ask("one")
        unsubscribe()
        agent.ask("two")
        with pytest.raises(UsageError, match="empty"):
            agent.ask("  ")
    assert {e.run_id for e in seen} == {seen[0].run_id}


def test_async_ask() -> None:
    with make_agent(["async answer"]) as agent:
        result = asyncio.run(agent.ask_async("hello?"))
    assert result.answer == "async answer"


def test_cancelling_the_async_task_cancels_the_run(punie_data_dir: Path) -> None:
    entered = threading.Event()
    release = threading.Event()

    def blocking(messages: list[Message]) -> str:
        entered.set()
        release.wait(10)
        return call("print(1)")

    async def scenario(agent: Agent) -> None:
        task = asyncio.ensure_future(agent.ask_async("hang"))
        await asyncio.to_thread(entered.wait, 10)
        task.cancel()
        await asyncio.sleep(0)
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    with make_agent(ScriptedModel(blocking)) as agent:
        asyncio.run(scenario(agent))
    (trace,) = TraceStore(punie_data_dir / "traces").all()
    assert trace.outcome == "cancelled"


def test_result_serialises_with_calls_for_the_cli() -> None:
    with make_agent([call('typecheck(path="x").error_count'), "2"]) as agent:
        result = agent.ask("count")
    data = json.loads(result.model_dump_json())
    assert data["answer"] == "2"
    assert data["calls"][0]["name"] == "typecheck"
    assert data["turns"][0]["result"] == "2"
    assert data["trace_id"] == result.trace_id
    assert AgentResult.model_validate_json(result.model_dump_json()) == result


def test_names_lost_with_a_timed_out_worker_are_refused_before_running() -> None:
    """After a timeout took the session's worker, a function an earlier snippet defined is gone:
    the pre-run check refuses a call of it (not a NameError at run time), as for a name never
    bound."""
    from sandbox import Limits

    model = ScriptedModel(
        [
            call("def found():\n    return 3"),
            call("while True:\n    pass"),
            call("print(found())"),
            "Lost it.",
        ]
    )
    agent = Agent(
        model=model,
        host_functions=[typecheck, broken],
        sandbox_limits=Limits(timeout_s=0.5),
    )
    with agent:
        result = agent.ask("Count, then loop, then print")
    assert [(t.ok, t.error_kind) for t in result.turns[:3]] == [
        (True, None),
        (False, "timeout"),
        (False, "precheck"),
    ]
    assert "'found' is not defined" in tool_messages(model)[2]
