"""Run model-written Python securely: restricted compile, locked-down workers, typed host functions.

Public API (pinned by tests): ``Sandbox``, ``Session``, ``Limits``, ``HostFunction``,
``HostFunctionError``, ``as_host_function``, ``RunResult``, ``SnippetError``, ``HostCall``,
``ErrorKind`` and the caller-error family ``SandboxError`` (``SandboxClosedError``,
``WorkerStartError``, ``SessionBlobError``); saved sessions (``Session.dump``,
``Sandbox.restore``, ``read_session``, ``SavedSession``, ``MAX_SESSION_BYTES``); the lead's stub rendering (``render_stub``, ``render_stubs``) and pre-run
check (``precheck``, ``Prechecker``, ``PrecheckIssue``). See docs/sandbox.md for the threat model and the limits.
"""

from sandbox._errors import SandboxClosedError, SandboxError, WorkerStartError
from sandbox._host import HostFunction, HostFunctionError, as_host_function
from sandbox._limits import Limits
from sandbox._names import bound_names
from sandbox._precheck import Prechecker, PrecheckIssue, precheck
from sandbox._result import ErrorKind, HostCall, RunResult, SnippetError
from sandbox._sandbox import Sandbox, Session
from sandbox._session_blob import MAX_SESSION_BYTES, SavedSession, SessionBlobError, read_session
from sandbox._stubs import render_stub, render_stubs

__all__ = [
    "MAX_SESSION_BYTES",
    "ErrorKind",
    "HostCall",
    "HostFunction",
    "HostFunctionError",
    "Limits",
    "PrecheckIssue",
    "Prechecker",
    "RunResult",
    "Sandbox",
    "SandboxClosedError",
    "SandboxError",
    "SavedSession",
    "Session",
    "SessionBlobError",
    "SnippetError",
    "WorkerStartError",
    "as_host_function",
    "bound_names",
    "precheck",
    "read_session",
    "render_stub",
    "render_stubs",
]
