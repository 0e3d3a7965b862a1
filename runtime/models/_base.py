"""The model protocol: one method, ``complete(messages, settings) -> Completion``.

A backend takes the chat messages rendered by ``runtime.template`` and returns the assistant's
reply as text. Tool calls that a server returns in the API's ``tool_calls`` field are turned back
into the canonical XML text by the backend, so the loop sees one shape whatever the server does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from runtime.template import Message

__all__ = ["Completion", "FinishReason", "GenerationSettings", "Model"]

FinishReason = Literal["stop", "length", "tool_call", "cancelled"]

STOP_AT_TOOL_CALL_END = "</tool_call>"


@dataclass(frozen=True, slots=True)
class GenerationSettings:
    """How to generate one reply. Greedy by default so that runs are reproducible."""

    max_tokens: int = 1024
    """Upper bound of new tokens for one reply (an endless answer ends here, as ``length``)."""
    temperature: float = 0.0
    """0 means greedy decoding."""
    seed: int | None = None
    """Seed for sampling when ``temperature > 0`` (ignored by servers that do not support it)."""
    stop: tuple[str, ...] = (STOP_AT_TOOL_CALL_END,)
    """Stop sequences; generation ends at the end of a tool call."""
    should_stop: Callable[[], bool] | None = None
    """Polled during generation where the backend can; True aborts with ``cancelled``."""
    deadline: float | None = None
    """A ``time.monotonic()`` instant the request must not outlive (the run's time limit):
    HTTP backends shorten their timeouts to it and do not retry past it; MLX stops generating."""
    on_token: Callable[[str], None] | None = None
    """Called with each piece of the reply as it is generated, so a person sees the model work
    (a 30B model takes 20+ s a turn). Backends that can stream call it, and the pieces joined are
    the reply's text (except tool calls a server sends in its ``tool_calls`` field, which arrive
    whole); the others never call it, and a display falls back to a spinner."""

    def __post_init__(self) -> None:
        if self.max_tokens <= 0:
            raise ValueError("GenerationSettings.max_tokens must be positive")
        if self.temperature < 0:
            raise ValueError("GenerationSettings.temperature must be 0 (greedy) or more")


@dataclass(frozen=True, slots=True)
class Completion:
    """One assistant reply with the token counts the backend reports."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: FinishReason = "stop"


@runtime_checkable
class Model(Protocol):
    """Anything that turns chat messages into the next assistant reply."""

    @property
    def name(self) -> str:
        """A short description for traces and logs (spec string, server URL and model, ...)."""
        ...

    def complete(self, messages: Sequence[Message], settings: GenerationSettings) -> Completion:
        """Generate the next assistant reply; raise a ``ModelError`` when that is impossible."""
        ...
