"""OpenTelemetry spans of a run: the whole tree, recorded with the SDK's in-memory exporter.

Each test passes its own ``TracerProvider`` to ``Agent(tracer_provider=...)``: the global
provider can be set only once per process, so no test touches it (and the other runtime tests
keep running with the API's default no-op tracer, as a user without an SDK does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from bridges import sample_workspace
from runtime import (
    Agent,
    Event,
    ModelResponse,
    ModelResponseError,
    ScriptedModel,
    UsageError,
    render_tool_call,
)
from runtime._telemetry import bridge_spans, get_tracer
from sandbox import HostCall

SNIPPET = (
    'status = git_status()\nreadme = read_file(path="README.md")\nread_file(path="missing.txt")'
)
MISSING = (
    "path 'missing.txt' does not exist in the workspace; call list_files() to see the files that do"
)


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_workspace(tmp_path_factory.mktemp("telemetry") / "shop")


def tree(spans: tuple[ReadableSpan, ...]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(name, parent's name, attributes) of every span, in the order they started."""
    names = {span.context.span_id: span.name for span in spans}
    ordered = sorted(spans, key=lambda span: span.start_time or 0)
    return [
        (
            span.name,
            names[span.parent.span_id] if span.parent is not None else None,
            dict(span.attributes or {}),
        )
        for span in ordered
    ]


def test_a_two_turn_run_with_bridge_calls_is_one_span_tree(
    workspace: Path, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    model = ScriptedModel([render_tool_call(SNIPPET), "The tree has changes."])
    events: list[Event] = []
    with Agent(
        model=model,
        workspace=workspace,
        bridges=["git_status", "read_file"],
        tracer_provider=provider,
    ) as agent:
        agent.subscribe(events.append)
        result = agent.ask("What changed?")
    assert result.outcome == "success"
    first, second = [e for e in events if isinstance(e, ModelResponse)]
    spans = exporter.get_finished_spans()
    assert tree(spans) == [
        (
            "punie.agent.ask",
            None,
            {
                "punie.model": "scripted",
                "punie.workspace": str(workspace),
                "punie.run_id": result.trace_id,
                "punie.outcome": "success",
                "punie.turns": 2,
            },
        ),
        (
            "punie.model.request",
            "punie.agent.ask",
            {
                "punie.turn": 1,
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "scripted",
                "gen_ai.usage.input_tokens": first.prompt_tokens,
                "gen_ai.usage.output_tokens": first.completion_tokens,
                "gen_ai.response.finish_reasons": ("tool_call",),
            },
        ),
        (
            "punie.snippet.run",
            "punie.agent.ask",
            {
                "punie.turn": 1,
                "punie.snippet.ok": False,
                "punie.snippet.error_kind": "host_function",
                "punie.snippet.bridge_calls": 3,
            },
        ),
        (
            "punie.bridge.git_status",
            "punie.snippet.run",
            {
                "punie.turn": 1,
                "punie.bridge.name": "git_status",
                "punie.bridge.ok": True,
                "punie.bridge.arguments_size": len("{}"),
            },
        ),
        (
            "punie.bridge.read_file",
            "punie.snippet.run",
            {
                "punie.turn": 1,
                "punie.bridge.name": "read_file",
                "punie.bridge.ok": True,
                "punie.bridge.arguments_size": len('{"path": "README.md"}'),
            },
        ),
        (
            "punie.bridge.read_file",
            "punie.snippet.run",
            {
                "punie.turn": 1,
                "punie.bridge.name": "read_file",
                "punie.bridge.ok": False,
                "punie.bridge.arguments_size": len('{"path": "missing.txt"}'),
                "punie.bridge.error": MISSING,
            },
        ),
        (
            "punie.model.request",
            "punie.agent.ask",
            {
                "punie.turn": 2,
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "scripted",
                "gen_ai.usage.input_tokens": second.prompt_tokens,
                "gen_ai.usage.output_tokens": second.completion_tokens,
                "gen_ai.response.finish_reasons": ("stop",),
            },
        ),
    ]
    assert (first.prompt_tokens > 0, first.completion_tokens, second.completion_tokens) == (
        True,
        13,
        4,
    )
    assert len({span.context.trace_id for span in spans}) == 1
    by_name = {span.name: span for span in spans}
    assert [(span.name, span.status.status_code, span.status.description) for span in spans] == [
        ("punie.model.request", StatusCode.UNSET, None),
        ("punie.bridge.git_status", StatusCode.UNSET, None),
        ("punie.bridge.read_file", StatusCode.UNSET, None),
        ("punie.bridge.read_file", StatusCode.ERROR, MISSING),
        ("punie.snippet.run", StatusCode.ERROR, "snippet failed: host_function"),
        ("punie.model.request", StatusCode.UNSET, None),
        ("punie.agent.ask", StatusCode.UNSET, None),
    ]
    # Bridge spans are made from the recorded calls: exact durations, one after another,
    # inside the snippet's span.
    snippet = by_name["punie.snippet.run"]
    bridges = [span for span in spans if span.name.startswith("punie.bridge.")]
    assert [(b.end_time or 0) - (b.start_time or 0) for b in bridges] == [
        int(call.duration_s * 1e9) for call in result.calls
    ]
    edges = [snippet.start_time or 0] + [
        t or 0 for b in bridges for t in (b.start_time, b.end_time)
    ]
    assert edges == sorted(edges)
    assert (bridges[-1].end_time or 0) <= (snippet.end_time or 0)


def test_a_failing_model_marks_the_run_and_the_request_as_errors(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    with (
        Agent(model=ScriptedModel([]), tracer_provider=provider) as agent,
        pytest.raises(ModelResponseError),
    ):
        agent.ask("Anything?")
    spans = exporter.get_finished_spans()
    message = (
        "ModelResponseError: the scripted model has no reply left: it was given 0 replies and "
        "asked for another; add a final answer to the script"
    )
    assert [
        (
            span.name,
            span.status.status_code,
            span.status.description,
            [event.name for event in span.events],
        )
        for span in spans
    ] == [
        ("punie.model.request", StatusCode.ERROR, message, ["exception"]),
        ("punie.agent.ask", StatusCode.ERROR, message, ["exception"]),
    ]
    ask = spans[-1]
    assert (ask.attributes or {})["punie.outcome"] == "error"
    assert (ask.attributes or {})["punie.turns"] == 0


def test_without_a_configured_sdk_spans_do_not_record(
    workspace: Path, exporter: InMemorySpanExporter
) -> None:
    """The default (global) provider is the API's no-op one: nothing is recorded anywhere."""
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    tracer = get_tracer()
    with tracer.start_as_current_span("punie.agent.ask") as span:
        assert span.is_recording() is False
        bridge_spans(tracer, span, [object()], started_ns=0, turn=1)  # not even looked at
    model = ScriptedModel([render_tool_call("git_status()"), "Clean."])
    with Agent(model=model, workspace=workspace, bridges=["git_status"]) as agent:
        assert agent.ask("Status?").outcome == "success"
    assert exporter.get_finished_spans() == ()


def test_a_tracer_provider_that_is_not_one_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        Agent(model=ScriptedModel(["x"]), tracer_provider="otlp")  # ty: ignore[invalid-argument-type]
    assert str(raised.value) == (
        "tracer_provider must be an OpenTelemetry TracerProvider (for example "
        "opentelemetry.sdk.trace.TracerProvider()); got str"
    )


def test_bridge_spans_start_when_each_call_began(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    """Gathered calls overlap in the trace as they did in the host; a call refused before it
    was made (no start time) follows the one before it; nothing starts before the snippet."""
    run_ns = 1_000_000_000
    calls = [
        HostCall(name="typecheck", arguments={}, ok=True, duration_s=0.3, started_ns=run_ns + 10),
        HostCall(name="ruff_check", arguments={}, ok=True, duration_s=0.1, started_ns=run_ns + 20),
        HostCall(name="pytest_run", arguments={}, ok=False, duration_s=0.0, error="limit"),
        HostCall(name="git_status", arguments={}, ok=True, duration_s=0.2, started_ns=run_ns - 5),
    ]
    tracer = get_tracer(provider)
    with tracer.start_as_current_span("punie.snippet.run") as span:
        bridge_spans(tracer, span, calls, started_ns=run_ns, turn=1)
    spans = {s.name: s for s in exporter.get_finished_spans() if s.name.startswith("punie.bridge")}
    assert {name: (s.start_time, s.end_time) for name, s in spans.items()} == {
        "punie.bridge.typecheck": (run_ns + 10, run_ns + 10 + 300_000_000),
        "punie.bridge.ruff_check": (run_ns + 20, run_ns + 20 + 100_000_000),
        "punie.bridge.pytest_run": (run_ns + 20 + 100_000_000, run_ns + 20 + 100_000_000),
        "punie.bridge.git_status": (run_ns, run_ns + 200_000_000),
    }
