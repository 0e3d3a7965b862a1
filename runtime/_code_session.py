"""One snippet run, as a code tool reports it: the model's text plus a structured report.

Every face that offers punie's sandbox as *one tool* to somebody else's model (``punie mcp``, an
ACP agent's tool calls) does the same thing the agent loop does for its own model: pre-run check
against the stubs, run in a sandbox session that keeps names between calls, and render the outcome
with the one template (``runtime.template.outcome_from_run`` + ``render_tool_result``). It lives
here, once, so the text an outside model reads is the text punie's model reads and trains on::

    with Sandbox(host_functions) as sandbox:
        session = CodeSession(sandbox)
        run = session.run("x = 20\\nx + 22")
        run.text            # '42', exactly the tool message punie's model would see
        run.report.ok       # True; .output, .value, .error_kind, .calls, .duration_s
        session.close()

``CodeSession`` is thread-safe (runs are serialised by the sandbox session). It never raises for
a snippet's mistakes: they are in the text and the report.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from runtime.template import outcome_from_precheck, outcome_from_run, render_tool_result
from sandbox import HostFunction, Prechecker, PrecheckIssue, Sandbox, bound_names

__all__ = ["CodeRun", "CodeSession", "SnippetCall", "SnippetReport"]


class SnippetCall(BaseModel):
    """One bridge call the snippet made."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """The bridge (host function) called."""
    arguments: dict[str, Any]
    """Its keyword arguments as the snippet sent them (long values cut)."""
    ok: bool
    """False when the call failed (bad argument, tool error, policy refusal)."""
    duration_s: float
    """Wall time of the call in the host, in seconds."""
    error: str | None = None
    """The message the snippet saw when the call failed."""


class SnippetReport(BaseModel):
    """What one snippet did, as data: the structured twin of the tool's text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    """False when the snippet was refused (pre-run check, policy) or failed while running."""
    output: str = ""
    """Everything the snippet printed."""
    value: str | None = None
    """The value of its last expression, rendered as the model reads it (None: no value)."""
    error: str | None = None
    """The error written for the model: what went wrong, where, what to do."""
    error_kind: str | None = None
    """``precheck`` (refused before running, nothing ran) or the sandbox's ``ErrorKind``
    (``syntax``, ``policy``, ``runtime``, ``timeout``, ``host_function``...); None when ok."""
    calls: list[SnippetCall] = []
    """The bridge calls the snippet made, in order."""
    duration_s: float = 0.0
    """Wall time of the check and the run, in seconds."""


@dataclass(frozen=True, slots=True)
class CodeRun:
    """A finished snippet: the text a model reads, and the same outcome as data."""

    text: str
    """``render_tool_result(outcome)``: the tool message punie's own model would see."""
    report: SnippetReport


class CodeSession:
    """A sandbox session that runs snippets the way the agent loop does, and keeps names.

    Names a snippet binds persist until ``reset`` (in the sandbox worker, and in the pre-run
    check, which must know them so it does not call them unknown). ``checker`` defaults to a
    ``Prechecker`` over the sandbox's host functions; pass one to share it between sessions.
    """

    def __init__(self, sandbox: Sandbox, *, checker: Prechecker | None = None) -> None:
        self._sandbox = sandbox
        self._session = sandbox.session()
        self._checker = checker or Prechecker(sandbox.host_functions)
        self._known: set[str] = set()
        self._unsettled: list[str] = []
        """Snippets run whose names are not in ``_known`` yet (see ``settle``)."""
        self._lock = threading.Lock()

    @property
    def host_functions(self) -> tuple[HostFunction, ...]:
        return self._sandbox.host_functions

    def run(self, code: str) -> CodeRun:
        """Check, then run, one snippet in the session's namespace."""
        started = time.perf_counter()
        issues = self._check(code)
        if issues:
            outcome = outcome_from_precheck(issues)
            report = SnippetReport(
                ok=False,
                error=outcome.error,
                error_kind="precheck",
                duration_s=time.perf_counter() - started,
            )
            return CodeRun(text=render_tool_result(outcome), report=report)
        result = self._session.run(code)
        with self._lock:
            self._unsettled.append(code)
        outcome = outcome_from_run(result)
        error = result.error
        report = SnippetReport(
            ok=outcome.ok,
            output=outcome.output,
            value=outcome.value,
            error=outcome.error,
            error_kind=None if outcome.ok or error is None else error.kind,
            calls=[
                SnippetCall.model_validate(call.model_dump(exclude={"started_ns"}))
                for call in result.calls
            ],
            duration_s=time.perf_counter() - started,
        )
        return CodeRun(text=render_tool_result(outcome), report=report)

    def settle(self) -> None:
        """Learn the names the snippets run so far bound, for the next pre-run check.

        ``run`` does this itself before it checks; a server calls it in idle time, after it
        has answered, so that the parse is not part of the next call's round trip.
        """
        with self._lock:
            unsettled, self._unsettled = self._unsettled, []
            for code in unsettled:
                self._known |= self._bound_names(code)

    def reset(self) -> None:
        """Forget every name the session's snippets defined."""
        self._session.reset()
        with self._lock:
            self._known.clear()
            self._unsettled.clear()

    def close(self) -> None:
        """End the session; its worker goes back to the sandbox's pool."""
        self._session.close()

    def _check(self, code: str) -> list[PrecheckIssue]:
        # The sandbox refuses oversized or too deeply nested snippets with its own message; the
        # host-side check must not parse them first (ast.parse of hostile nesting can blow the
        # host's stack), so it leaves those to the sandbox.
        limit = self._sandbox.limits.source_bytes
        if not isinstance(code, str):
            return []
        if len(code) * 4 > limit and len(code.encode("utf-8", "surrogatepass")) > limit:
            return []
        self.settle()
        with self._lock:
            known = frozenset(self._known)
        try:
            return self._checker.check(code, known_names=known)
        except (RecursionError, MemoryError):
            return []

    def _bound_names(self, code: str) -> set[str]:
        # As ``_check``: a snippet the sandbox refused for its size is not parsed here.
        limit = self._sandbox.limits.source_bytes
        if len(code) * 4 > limit and len(code.encode("utf-8", "surrogatepass")) > limit:
            return set()
        try:
            return bound_names(code)
        except (RecursionError, MemoryError):
            return set()
