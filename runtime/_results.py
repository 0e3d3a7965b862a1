"""What a run gives back to the caller: ``AgentResult`` with its turns and bridge calls.

Plain pydantic data, so ``punie ask --json`` prints exactly ``result.model_dump_json()`` and a
test can compare results without touching the agent. Limits and cancellation end a run with an
``outcome``; failures of the model backend raise a ``ModelError`` instead (after the trace has
recorded them).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from runtime._events import Outcome, Usage

__all__ = ["AgentLimits", "AgentResult", "BridgeCallRecord", "CancelToken", "TurnRecord"]


@dataclass(frozen=True, slots=True)
class AgentLimits:
    """Bounds of one run. A limit that is hit ends the run with its outcome, never a crash."""

    max_turns: int = 8
    """Model replies per question, the final answer included."""
    max_time_s: float = 300.0
    """Wall time of the whole run, checked before every model request."""
    max_tokens: int = 100_000
    """Prompt plus completion tokens summed over the run's model requests."""
    max_reply_tokens: int = 1024
    """New tokens per model reply; an endless reply is cut here and the model told so."""

    def __post_init__(self) -> None:
        for name in ("max_turns", "max_time_s", "max_tokens", "max_reply_tokens"):
            if getattr(self, name) <= 0:
                raise ValueError(f"AgentLimits.{name} must be positive")


class CancelToken:
    """Cancel a run from another thread (or from an ``asyncio`` task being cancelled).

    The loop checks it before each model request and after each snippet; the MLX backend also
    checks it between generated tokens. The run ends with outcome ``cancelled``.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class BridgeCallRecord(BaseModel):
    """One bridge (host function) call a snippet made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    turn: int
    name: str
    arguments: dict[str, Any]
    ok: bool
    duration_s: float
    error: str | None = None


class TurnRecord(BaseModel):
    """One model reply and what the runtime did with it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    turn: int
    kind: Literal["tool_call", "rejected", "answer"]
    """``tool_call``: a snippet was checked (and run if the check passed); ``rejected``: the reply
    could not be used and the model was told why; ``answer``: the final answer."""
    reply: str
    """The model's raw reply."""
    code: str | None = None
    result: str | None = None
    """The tool message the model got back (None for the answer)."""
    ok: bool = True
    """False when the snippet was refused or failed, or the reply was rejected."""
    error_kind: str | None = None
    """``precheck``, a sandbox error kind (``runtime``, ``timeout``, ...) or ``reply``."""
    calls: list[BridgeCallRecord] = Field(default_factory=list)
    latency_s: float = 0.0
    """Time the model took for this reply."""


class AgentResult(BaseModel):
    """Everything about one question: the answer, each turn, the bridge calls and the usage."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # "calls" is computed

    question: str
    answer: str | None
    """The model's final answer; None unless ``outcome == "success"``."""
    outcome: Outcome
    turns: list[TurnRecord]
    usage: Usage
    trace_id: str
    """Id of the trace file (``punie traces show ID``)."""
    duration_s: float

    @computed_field  # type: ignore[prop-decorator]
    @property
    def calls(self) -> list[BridgeCallRecord]:
        """All bridge calls of the run, in order."""
        return [call for turn in self.turns for call in turn.calls]
