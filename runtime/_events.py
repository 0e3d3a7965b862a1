"""Typed events: every step of a run, as data, delivered to subscribers in order.

One run emits::

    run_started
    ( model_request  model_response
      ( reply_rejected | snippet_checked [snippet_executed bridge_called*] )
      turn_finished )*
    run_finished

``turn_finished`` carries the exact ``Step`` the conversation gained, so that a trace renders back
into the very messages the model read (``runtime.traces.conversation_from_trace``). Every event has
the run id, a sequence number and a wall-clock time; they are pydantic models so the recorder, the
CLI and any subscriber serialise them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from runtime.template import SnippetOutcome, Step

__all__ = [
    "BridgeCalled",
    "CheckIssue",
    "Event",
    "EventAdapter",
    "ModelRequest",
    "ModelResponse",
    "Outcome",
    "ReplyRejected",
    "RunFinished",
    "RunStarted",
    "SnippetChecked",
    "SnippetExecuted",
    "Subscriber",
    "TurnFinished",
    "Usage",
]

Outcome = Literal["success", "max_turns", "time_limit", "token_limit", "cancelled", "error"]
"""How a run ended. Only ``success`` has an answer from the model."""


class Usage(BaseModel):
    """Token counts summed over the model requests of a run (as the backend reports them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_requests: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class _Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    seq: int
    """Position in the run, from 0; a gap in a trace file means an event was lost."""
    at: float
    """Unix time when the event was emitted."""


class RunStarted(_Base):
    type: Literal["run_started"] = "run_started"
    question: str
    model: str
    workspace: str | None
    system: str
    """The full system prompt (bridge stubs and rules) this run used."""
    functions: list[str]
    limits: dict[str, Any]


class ModelRequest(_Base):
    type: Literal["model_request"] = "model_request"
    turn: int
    messages: int
    """Number of chat messages sent (the messages are the conversation so far)."""


class ModelResponse(_Base):
    type: Literal["model_response"] = "model_response"
    turn: int
    text: str
    latency_s: float
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


class ReplyRejected(_Base):
    """The reply tried to call the tool but could not be read (or was empty, or cut off)."""

    type: Literal["reply_rejected"] = "reply_rejected"
    turn: int
    problem: str


class CheckIssue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    message: str
    code: str


class SnippetChecked(_Base):
    type: Literal["snippet_checked"] = "snippet_checked"
    turn: int
    code: str
    form: str
    """How the model wrote the call: xml, json or fenced."""
    issues: list[CheckIssue]
    duration_s: float


class SnippetExecuted(_Base):
    type: Literal["snippet_executed"] = "snippet_executed"
    turn: int
    code: str
    outcome: SnippetOutcome
    error_kind: str | None
    duration_s: float
    """Wall time of the sandbox run, bridges included."""


class BridgeCalled(_Base):
    type: Literal["bridge_called"] = "bridge_called"
    turn: int
    name: str
    arguments: dict[str, Any]
    duration_s: float
    ok: bool
    error: str | None = None


class TurnFinished(_Base):
    type: Literal["turn_finished"] = "turn_finished"
    turn: int
    step: Step


class RunFinished(_Base):
    type: Literal["run_finished"] = "run_finished"
    outcome: Outcome
    answer: str | None
    turns: int
    usage: Usage
    duration_s: float
    error: str | None = None


Event = Annotated[
    RunStarted
    | ModelRequest
    | ModelResponse
    | ReplyRejected
    | SnippetChecked
    | SnippetExecuted
    | BridgeCalled
    | TurnFinished
    | RunFinished,
    Field(discriminator="type"),
]

EventAdapter: TypeAdapter[Event] = TypeAdapter(Event)
"""Validates one event from JSON (``EventAdapter.validate_json(line)``)."""

Subscriber = Callable[[Event], None]
"""Receives every event of every run, in order, on the thread running the loop."""
