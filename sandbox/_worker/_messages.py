"""Every message between host and worker, as TypedDicts: the wire format's vocabulary.

Host to worker (``marshal`` frames; the worker trusts them)::

    InitMessage    once, first: limits, host function names and result shapes
    RunMessage     run a snippet (stateless, or in the session namespace)
    ResetMessage   forget the session namespace
    DumpMessage    describe the session namespace as data (``Session.dump``)
    RestoreMessage a new session namespace from a saved one (``Sandbox.restore``)
    CallAnswer     the answer to a CallMessage: CallResult or CallFailure
    CallAnswers    the answers to a CallsMessage, in order

Worker to host (JSON frames; the host trusts nothing in them)::

    ReadyMessage   after lockdown: what the worker layer enforces
    CallMessage    a host function call: name and keyword arguments as data
    CallsMessage   several calls made at the same time (``asyncio.gather``)
    DoneMessage    the outcome of a request

A TypedDict here says what a well-behaved peer sends, not what arrives: the host reads every
field of a worker's message with ``.get`` and validates it (``sandbox._sandbox``,
``sandbox._calls``). The worker imports this module only for type checking (a worker does not
import ``typing``: it would slow every worker's start); the host imports it as it is.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

__all__ = [
    "CallAnswer",
    "CallAnswers",
    "CallFailure",
    "CallItem",
    "CallMessage",
    "CallResult",
    "CallsMessage",
    "DoneMessage",
    "DumpMessage",
    "ErrorData",
    "FunctionEntry",
    "HostMessage",
    "InitMessage",
    "LockdownReport",
    "ReadyMessage",
    "ResetMessage",
    "RestoreMessage",
    "RunMessage",
    "Shape",
    "WorkerLimits",
    "WorkerMessage",
    "WorkerRequest",
]

Shape: TypeAlias = dict[str, Any] | None
"""A result shape (``sandbox._shapes``): ``{"m": model, "f": {field: shape}}``, ``{"l": shape}``,
``{"d": shape}``, or ``None`` for plain data."""


class WorkerLimits(TypedDict):
    """The part of ``sandbox.Limits`` a worker enforces itself."""

    timeout_s: float
    memory_mb: int
    output_bytes: int
    argument_bytes: int
    nesting_depth: int
    recursion_depth: int
    value_chars: int


class FunctionEntry(TypedDict):
    name: str
    shape: Shape


class InitMessage(TypedDict):
    op: Literal["init"]
    limits: WorkerLimits
    functions: list[FunctionEntry]
    unsafe_skip_policy: bool
    """Tests only: compile without the language policy (``Sandbox(_unsafe_skip_policy=True)``)."""
    no_seccomp: NotRequired[bool]
    deterministic: NotRequired[bool]
    """Freeze the clock and seed ``random`` for every new namespace (``Sandbox(deterministic=True)``)."""


class RunMessage(TypedDict):
    op: Literal["run"]
    source: str
    session: bool


class ResetMessage(TypedDict):
    op: Literal["reset"]


class DumpMessage(TypedDict):
    op: Literal["dump"]


class RestoreMessage(TypedDict):
    """A saved session, validated by the host (``sandbox._session_blob``): bind ``names``
    (encoded values), then replay ``definitions`` (``[name, source]``) under the policy."""

    op: Literal["restore"]
    names: dict[str, Any]
    definitions: list[list[str]]


class CallResult(TypedDict):
    ok: Literal[True]
    result: Any
    """The host function's result as JSON data (validated against its result type)."""


class CallFailure(TypedDict):
    ok: Literal[False]
    kind: Literal["host_function", "call_limit", "run_timeout"]
    message: str


CallAnswer: TypeAlias = CallResult | CallFailure


class CallAnswers(TypedDict):
    answers: list[CallAnswer]


WorkerRequest: TypeAlias = RunMessage | ResetMessage | DumpMessage | RestoreMessage
"""What the worker serves after ``init``."""
HostMessage: TypeAlias = InitMessage | WorkerRequest | CallResult | CallFailure | CallAnswers


class LockdownReport(TypedDict):
    """Which layers of the worker's lockdown are active (``Sandbox.lockdown_report``)."""

    seccomp: bool
    landlock: bool
    rlimits: bool


class ReadyMessage(LockdownReport):
    op: Literal["ready"]
    pid: int


class CallMessage(TypedDict):
    op: Literal["call"]
    name: str
    args: dict[str, Any]


class CallItem(TypedDict):
    name: str
    args: dict[str, Any]


class CallsMessage(TypedDict):
    """Calls awaited at the same time: the host runs them concurrently and answers with one
    ``CallAnswers``, in this order."""

    op: Literal["calls"]
    calls: list[CallItem]


class ErrorData(TypedDict):
    """A failed run's error as data (validated into ``sandbox.SnippetError`` by the host)."""

    kind: str
    message: str
    line: int | None
    traceback: NotRequired[str | None]


class DoneMessage(TypedDict):
    op: Literal["done"]
    ok: bool
    value: NotRequired[Any]
    stdout: NotRequired[str]
    error: NotRequired[ErrorData]
    retire: NotRequired[bool]
    """The worker stops after this answer (memory limit, broken conversation): start another."""


WorkerMessage: TypeAlias = ReadyMessage | CallMessage | CallsMessage | DoneMessage
