"""What a run returns: ``RunResult``, its ``SnippetError`` and the ``HostCall`` records.

Everything here is plain, JSON-serialisable data: a run's result can be logged as a trace,
shown to a model, or compared in a test without touching a worker object.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["ERROR_KINDS", "ErrorKind", "HostCall", "RunResult", "SnippetError"]

ErrorKind = Literal[
    "syntax",
    "policy",
    "runtime",
    "timeout",
    "run_timeout",
    "memory",
    "output_limit",
    "call_limit",
    "host_function",
    "crash",
]
"""Why a run failed. ``syntax``/``policy`` are found before anything runs; ``runtime`` is an
exception the snippet raised; ``host_function`` a failed host call; the rest are limits (``timeout``
is the snippet's own wall time, ``run_timeout`` the whole run's, host calls included) or a
worker that died."""

ERROR_KINDS: tuple[str, ...] = ErrorKind.__args__  # type: ignore[attr-defined]


class SnippetError(BaseModel):
    """Why a snippet failed, written for a model to act on."""

    model_config = ConfigDict(frozen=True)

    kind: ErrorKind
    """The failure family (see ``ErrorKind``)."""
    message: str
    """What was refused or went wrong, where, and what to do instead."""
    line: int | None = None
    """1-based line of the snippet the error points at, when known."""
    traceback: str | None = None
    """For ``runtime`` errors: the traceback limited to the snippet's own lines."""


class HostCall(BaseModel):
    """One call of a host function made by a snippet."""

    model_config = ConfigDict(frozen=True)

    name: str
    arguments: dict[str, Any]
    """The keyword arguments as sent by the snippet (plain data)."""
    ok: bool
    duration_s: float
    error: str | None = None
    """The message the snippet saw when the call failed."""
    started_ns: int | None = None
    """Wall time the host began the call (``time.time_ns()``); ``None`` for a call refused
    before it was made (over the call limit). Calls gathered with ``asyncio.gather`` overlap:
    their start times, not their order, say when each ran."""


class RunResult(BaseModel):
    """The outcome of one run: value, captured output, host calls, timing and error."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    value: Any = None
    """The last expression's value as JSON-compatible data (its bounded ``repr`` when it is not
    plain data); ``None`` when the snippet does not end with an expression."""
    stdout: str = ""
    """Captured ``print`` output (bounded by ``Limits.output_bytes``)."""
    error: SnippetError | None = None
    calls: list[HostCall] = []
    duration_s: float = 0.0
    """Wall time of the whole run as seen by the host, host calls included."""
