"""OpenTelemetry spans for agent runs: off unless the user installs and configures an SDK.

punie depends on ``opentelemetry-api`` only. Without a configured ``TracerProvider`` the API
hands out a no-op tracer: each span is one small object and the attribute helpers below stop
at ``span.is_recording()``, so a run costs the same as before. With the SDK (and an exporter
the user chooses) a run shows up in any OTel backend as this tree::

    punie.agent.ask                  model, workspace, outcome, turns, run id
    ├── punie.model.request          per turn: model name, tokens in/out, finish reason
    ├── punie.snippet.run            per snippet: ok, error kind, number of bridge calls
    │   └── punie.bridge.<name>      per bridge call: arguments size, ok, error
    └── ...

Bridge spans are made *after* the snippet has finished, from the calls the sandbox recorded
(name, duration, outcome), with explicit start and end times: the sandbox host's call path
stays untouched, and no span crosses the process boundary. The sandbox records each call's
duration but not its start, so the calls are laid out one after another from the snippet's
start (calls are serial within a snippet): durations are exact, start offsets are a lower bound.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode, Tracer, TracerProvider

__all__ = ["ERROR_TEXT_LIMIT", "bridge_spans", "get_tracer", "set_attributes"]

ERROR_TEXT_LIMIT = 1000
"""Characters of an error message kept on a span (messages may quote workspace content)."""


def get_tracer(provider: TracerProvider | None = None) -> Tracer:
    """The ``punie`` tracer of ``provider``, or of the global provider (no-op unless set)."""
    return trace.get_tracer("punie", tracer_provider=provider)


def set_attributes(span: Span, attributes: Mapping[str, Any]) -> None:
    """Set the attributes whose value is not None, and only when the span records (free when
    off: the caller's dict is the only cost)."""
    if span.is_recording():
        span.set_attributes(
            {name: value for name, value in attributes.items() if value is not None}
        )


def _arguments_size(arguments: Any) -> int:
    try:
        text = json.dumps(arguments, default=repr)
    except (TypeError, ValueError):  # a cycle or similar: recorded arguments are plain data
        return -1
    return len(text)  # the sandbox already bounded the recorded arguments


def bridge_spans(
    tracer: Tracer, parent: Span, calls: Sequence[Any], *, started_ns: int, turn: int
) -> None:
    """Record one ``punie.bridge.<name>`` child of ``parent`` per call, after the snippet ran.

    ``calls`` are ``sandbox.HostCall`` records (name, arguments, ok, duration_s, error,
    started_ns); ``started_ns`` is the wall time (``time.time_ns()``) the snippet's run began.
    A call's span starts when the host began it (so gathered calls overlap), kept inside the
    snippet's span; a call without a start time (refused over the call limit) follows the
    previous one. Nothing is done when ``parent``
    does not record.
    """
    if not parent.is_recording() or not calls:
        return
    context = trace.set_span_in_context(parent)
    now = time.time_ns()
    start = started_ns
    for call in calls:
        if call.started_ns is not None:
            start = min(max(call.started_ns, started_ns), now)
        end = min(start + int(call.duration_s * 1e9), now)
        span = tracer.start_span(f"punie.bridge.{call.name}", context=context, start_time=start)
        span.set_attributes(
            {
                "punie.turn": turn,
                "punie.bridge.name": call.name,
                "punie.bridge.ok": call.ok,
                "punie.bridge.arguments_size": _arguments_size(call.arguments),
            }
        )
        if not call.ok:
            error = (call.error or "")[:ERROR_TEXT_LIMIT]
            span.set_attribute("punie.bridge.error", error)
            span.set_status(Status(StatusCode.ERROR, error))
        span.end(end_time=end)
        start = end
