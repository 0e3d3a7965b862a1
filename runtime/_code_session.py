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

``CodeSession`` is thread-safe (one run at a time). It never raises for a snippet's mistakes:
they are in the text and the report.

``interrupt()`` (from any thread: a client's cancel) stops the run in progress: the sandbox kills
the session's worker (``sandbox.Session.interrupt``), so every name the session's snippets bound
is lost, as after a timeout. The stopped run returns ``error_kind`` ``cancelled``; since whoever
cancelled it usually never shows that result, the *next* run's text starts with
``CANCELLED_NOTE`` (and its report carries it in ``note``), so the model learns its names are gone.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from runtime.template import (
    SnippetOutcome,
    outcome_from_precheck,
    outcome_from_run,
    render_tool_result,
)
from sandbox import HostFunction, Prechecker, PrecheckIssue, Sandbox, bound_names

__all__ = ["CANCELLED_NOTE", "CodeRun", "CodeSession", "SnippetCall", "SnippetReport"]

CANCELLED_NOTE = (
    "Note: your previous snippet was cancelled and stopped before it finished; the session "
    "started afresh, so every name defined by earlier snippets is gone: define again what you need."
)
"""The first line of the text of the run after one ``interrupt()`` stopped (and ``note``)."""

_IDLE, _CHECKING, _RUNNING, _FINISHING = 0, 1, 2, 3
"""Where ``run`` is (none; pre-run check; in the sandbox; rendering): what ``interrupt`` does."""
_RETRY_S = 0.01
"""How often ``interrupt`` tries again while the run's worker is still being started."""


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
    """``precheck`` (refused before running, nothing ran), ``cancelled`` (stopped by
    ``CodeSession.interrupt``) or the sandbox's ``ErrorKind`` (``syntax``, ``policy``,
    ``runtime``, ``timeout``, ``host_function``...); None when ok."""
    calls: list[SnippetCall] = []
    """The bridge calls the snippet made, in order."""
    duration_s: float = 0.0
    """Wall time of the check and the run, in seconds."""
    note: str | None = None
    """Something the model must know about the session before this snippet ran: after a
    cancelled run, ``CANCELLED_NOTE`` (its names are gone). Also the text's first line."""


@dataclass(frozen=True, slots=True)
class CodeRun:
    """A finished snippet: the text a model reads, and the same outcome as data."""

    text: str
    """``render_tool_result(outcome)``: the tool message punie's own model would see."""
    report: SnippetReport


class CodeSession:
    """A sandbox session that runs snippets the way the agent loop does, and keeps names.

    Names a snippet binds persist until ``reset`` or an ``interrupt`` (in the sandbox worker, and
    in the pre-run check, which must know them so it does not call them unknown). ``checker``
    defaults to a ``Prechecker`` over the sandbox's host functions; pass one to share it between
    sessions.
    """

    def __init__(self, sandbox: Sandbox, *, checker: Prechecker | None = None) -> None:
        self._sandbox = sandbox
        self._session = sandbox.session()
        self._checker = checker or Prechecker(sandbox.host_functions)
        self._known: set[str] = set()
        self._unsettled: list[str] = []
        """Snippets run whose names are not in ``_known`` yet (see ``settle``)."""
        self._lock = threading.Lock()
        self._running = threading.Lock()
        """Held by ``run``: one at a time, so ``interrupt`` knows which run it stops."""
        self._phase = _IDLE
        self._generation = 0
        """Counts runs, so a late retry of ``interrupt`` never stops the next one."""
        self._stop = False
        """``interrupt`` was called during the current run."""
        self._killed = False
        """... and killed its worker: the session's names are gone."""
        self._note: str | None = None
        """For the next run's text and report (``CANCELLED_NOTE``)."""

    @property
    def host_functions(self) -> tuple[HostFunction, ...]:
        return self._sandbox.host_functions

    def run(self, code: str) -> CodeRun:
        """Check, then run, one snippet in the session's namespace."""
        with self._running:
            with self._lock:
                self._phase, self._stop, self._killed = _CHECKING, False, False
                self._generation += 1
            try:
                return self._run(code)
            finally:
                with self._lock:
                    self._phase = _IDLE

    def interrupt(self) -> bool:
        """Stop the run in progress, from any thread; False when there is none (nothing changes).

        Before the snippet reaches the sandbox, it is not run at all; once it has, the session's
        worker is killed (``sandbox.Session.interrupt``) and the session's names are lost. Either
        way that run returns ``error_kind`` ``cancelled``. Returns at once: when the worker for
        the run is still being started, a helper thread stops it as soon as it is there. A
        bridge call in progress in the host is not cut short: ``run`` returns when it does.
        """
        with self._lock:
            if self._phase in (_IDLE, _FINISHING):
                return False  # nothing runs, or the snippet has finished: nothing to stop
            self._stop = True
            if self._phase == _CHECKING:
                return True  # ``_run`` sees ``_stop`` before it hands the snippet over
            if self._session.interrupt():
                self._killed = True
                return True
            generation = self._generation
        threading.Thread(
            target=self._interrupt_once_started, args=(generation,), daemon=True
        ).start()
        return True

    def _run(self, code: str) -> CodeRun:
        started = time.perf_counter()
        issues = self._check(code)
        with self._lock:
            stopped = self._stop
            if not stopped and not issues:
                self._phase = _RUNNING
        if stopped:
            return self._cancelled("the call was cancelled before the snippet ran", started)
        if issues:
            outcome = outcome_from_precheck(issues)
            report = SnippetReport(
                ok=False,
                error=outcome.error,
                error_kind="precheck",
                duration_s=time.perf_counter() - started,
            )
            return self._delivered(outcome, report)
        result = self._session.run(code)
        with self._lock:
            self._phase = _FINISHING  # past the sandbox: ``interrupt`` has nothing to stop
            killed = self._killed
            if self._session.alive and not killed:
                self._unsettled.append(code)
            else:  # a cancel, a timeout or a crash took the worker and its names
                self._known.clear()
                self._unsettled.clear()
                if killed:  # the caller may never show this result: the next one says so
                    self._note = CANCELLED_NOTE
        if killed:
            return self._cancelled(
                "the call was cancelled and the snippet stopped; the session's names were lost",
                started,
            )
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
        return self._delivered(outcome, report)

    def _delivered(self, outcome: SnippetOutcome, report: SnippetReport) -> CodeRun:
        """The run's text and report, with the session's pending note (once)."""
        text = render_tool_result(outcome)
        if self._note is None:  # the common case: no lock
            return CodeRun(text=text, report=report)
        with self._lock:
            note, self._note = self._note, None
        if note is None:
            return CodeRun(text=text, report=report)
        return CodeRun(text=f"{note}\n{text}", report=report.model_copy(update={"note": note}))

    @staticmethod
    def _cancelled(error: str, started: float) -> CodeRun:
        report = SnippetReport(
            ok=False, error=error, error_kind="cancelled", duration_s=time.perf_counter() - started
        )
        return CodeRun(
            text=render_tool_result(SnippetOutcome(ok=False, error=error)), report=report
        )

    def _interrupt_once_started(self, generation: int) -> None:
        """``interrupt``'s helper: kill the run's worker once the sandbox has started it."""
        while True:
            time.sleep(_RETRY_S)
            with self._lock:
                if self._generation != generation or self._phase != _RUNNING:
                    return
                if self._session.interrupt():
                    self._killed = True
                    return

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
            self._note = None

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
