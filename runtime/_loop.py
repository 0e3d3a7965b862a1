"""The agent loop for one question: prompt → model → extraction → check → sandbox → result → …

Everything the model gets wrong comes back to it as the next tool message — an unreadable reply,
a pre-run check failure, a policy refusal, a runtime error, a failed bridge — and it may try
again until it answers or a limit ends the run. Failures of the *runtime's* collaborators (the
model backend down, a bug) raise after ``run_finished`` has been emitted, so the trace is whole.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from opentelemetry.trace import Span, Status, StatusCode, Tracer

from runtime._errors import ModelError
from runtime._events import (
    BridgeCalled,
    CheckIssue,
    Event,
    ModelRequest,
    ModelResponse,
    Outcome,
    ReplyRejected,
    RunFinished,
    RunStarted,
    SnippetChecked,
    SnippetExecuted,
    TurnFinished,
    Usage,
)
from runtime._extract import Extraction, extract
from runtime._results import AgentLimits, AgentResult, BridgeCallRecord, CancelToken, TurnRecord
from runtime._telemetry import bridge_spans, get_tracer, set_attributes
from runtime.models import GenerationSettings, Model
from runtime.template import (
    Step,
    outcome_from_precheck,
    outcome_from_run,
    render_conversation,
    render_tool_result,
)
from sandbox import HostFunction, PrecheckIssue, RunResult, bound_names

__all__ = ["RunLoop", "SnippetCheck", "SnippetSession", "new_run_id"]


class SnippetSession(Protocol):
    """The part of a sandbox session the loop uses (``sandbox.Sandbox.session()``)."""

    def run(self, source: str) -> RunResult: ...

    @property
    def alive(self) -> bool:
        """False when the last run lost the session's names (``sandbox.Session.alive``)."""
        ...


class SnippetCheck(Protocol):
    """The pre-run check the loop calls on every snippet (``sandbox.Prechecker.check``)."""

    def __call__(
        self, source: str, *, known_names: Iterable[str] = ()
    ) -> Sequence[PrecheckIssue]: ...


def new_run_id() -> str:
    """UTC start time plus randomness: unique, and sorts by time."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(4)}"


class RunLoop:
    """One question's run; ``execute()`` drives it to the end and returns the result."""

    def __init__(
        self,
        *,
        question: str,
        model: Model,
        system: str,
        functions: Sequence[HostFunction],
        session: SnippetSession,
        check: SnippetCheck,
        limits: AgentLimits,
        settings: GenerationSettings,
        emit: Callable[[Event], None],
        cancel: CancelToken,
        workspace: str | None,
        tracer: Tracer | None = None,
    ) -> None:
        self.question = question
        self.model = model
        self.system = system
        self.functions = functions
        self.session = session
        self.check = check
        self.limits = limits
        self.settings = dataclasses.replace(
            settings,
            max_tokens=min(settings.max_tokens, limits.max_reply_tokens),
            should_stop=lambda: cancel.cancelled,
        )
        self.emit_to = emit
        self.cancel = cancel
        self.workspace = workspace
        self.tracer = tracer or get_tracer()
        """OpenTelemetry spans (see ``runtime._telemetry``); the global, no-op one by default."""
        self.run_id = new_run_id()
        self.seq = 0
        self.steps: list[Step] = []
        self.turns: list[TurnRecord] = []
        self.usage = Usage()
        self.known_names: set[str] = set()

    def emit(self, factory: Callable[..., Event], **fields: Any) -> None:
        event = factory(run_id=self.run_id, seq=self.seq, at=time.time(), **fields)
        self.seq += 1
        self.emit_to(event)

    def execute(self) -> AgentResult:
        with self.tracer.start_as_current_span(
            "punie.agent.ask", record_exception=False, set_status_on_exception=False
        ) as span:
            set_attributes(
                span,
                {
                    "punie.model": self.model.name,
                    "punie.workspace": self.workspace,
                    "punie.run_id": self.run_id,
                },
            )
            return self._execute(span)

    def _execute(self, span: Span) -> AgentResult:
        started = time.monotonic()
        self.emit(
            RunStarted,
            question=self.question,
            model=self.model.name,
            workspace=self.workspace,
            system=self.system,
            functions=[f.name for f in self.functions],
            limits=dataclasses.asdict(self.limits),
        )
        outcome: Outcome = "max_turns"
        answer: str | None = None
        failure: BaseException | None = None
        try:
            outcome, answer = self._turns(started)
        except BaseException as error:  # recorded, then re-raised below
            failure = error
            outcome = "cancelled" if isinstance(error, KeyboardInterrupt) else "error"
        duration = time.monotonic() - started
        self.emit(
            RunFinished,
            outcome=outcome,
            answer=answer,
            turns=len(self.turns),
            usage=self.usage,
            duration_s=duration,
            error=None if failure is None else f"{type(failure).__name__}: {failure}",
        )
        set_attributes(span, {"punie.outcome": outcome, "punie.turns": len(self.turns)})
        if failure is not None:
            if span.is_recording():
                span.record_exception(failure)
                span.set_status(Status(StatusCode.ERROR, f"{type(failure).__name__}: {failure}"))
            failure.add_note(f"punie trace id: {self.run_id}")
            raise failure
        return AgentResult(
            question=self.question,
            answer=answer,
            outcome=outcome,
            turns=self.turns,
            usage=self.usage,
            trace_id=self.run_id,
            duration_s=duration,
        )

    def _turns(self, started: float) -> tuple[Outcome, str | None]:
        for turn in range(1, self.limits.max_turns + 1):
            if self.cancel.cancelled:
                return "cancelled", None
            if time.monotonic() - started > self.limits.max_time_s:
                return "time_limit", None
            messages = render_conversation(
                system=self.system, question=self.question, steps=self.steps
            )
            self.emit(ModelRequest, turn=turn, messages=len(messages))
            asked = time.monotonic()
            deadline = started + self.limits.max_time_s
            with self.tracer.start_as_current_span("punie.model.request") as span:
                set_attributes(
                    span,
                    {
                        "punie.turn": turn,
                        "gen_ai.operation.name": "chat",
                        "gen_ai.request.model": self.model.name,
                    },
                )
                try:
                    completion = self.model.complete(
                        messages, dataclasses.replace(self.settings, deadline=deadline)
                    )
                except ModelError:
                    if time.monotonic() >= deadline:
                        return "time_limit", None  # the model was cut off by the run's time limit
                    raise
                known = completion.prompt_tokens > 0 or completion.completion_tokens > 0
                set_attributes(
                    span,
                    {
                        "gen_ai.usage.input_tokens": completion.prompt_tokens if known else None,
                        "gen_ai.usage.output_tokens": (
                            completion.completion_tokens if known else None
                        ),
                        "gen_ai.response.finish_reasons": (completion.finish_reason,),
                    },
                )
            latency = time.monotonic() - asked
            self.usage = Usage(
                prompt_tokens=self.usage.prompt_tokens + completion.prompt_tokens,
                completion_tokens=self.usage.completion_tokens + completion.completion_tokens,
                model_requests=self.usage.model_requests + 1,
            )
            self.emit(
                ModelResponse,
                turn=turn,
                text=completion.text,
                latency_s=latency,
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
                finish_reason=completion.finish_reason,
            )
            if completion.finish_reason == "cancelled" or self.cancel.cancelled:
                return "cancelled", None
            if time.monotonic() >= deadline:
                return "time_limit", None
            extraction = extract(completion.text)
            if extraction.kind == "answer" and completion.finish_reason != "length":
                self.turns.append(
                    TurnRecord(turn=turn, kind="answer", reply=completion.text, latency_s=latency)
                )
                return "success", extraction.answer
            if (
                extraction.kind == "tool_call"
                and not extraction.closed
                and completion.finish_reason == "length"
            ):
                extraction = Extraction(
                    kind="malformed",
                    problem=f"your reply was cut off after {completion.completion_tokens} tokens "
                    "in the middle of the tool call, so the snippet was not run; write a shorter "
                    "snippet",
                )
            if extraction.kind == "tool_call":
                step, record = self._snippet(
                    turn,
                    completion.text,
                    extraction.code,
                    extraction.preamble,
                    extraction.form,
                    latency,
                )
            else:
                problem = extraction.problem or (
                    f"your reply was cut off after {completion.completion_tokens} tokens "
                    "without a tool call; answer in a few sentences, or write one short snippet"
                )
                self.emit(ReplyRejected, turn=turn, problem=problem)
                result = f"Error: your reply could not be used: {problem}"
                step = Step(code=None, raw=completion.text, result=result)
                record = TurnRecord(
                    turn=turn,
                    kind="rejected",
                    reply=completion.text,
                    result=result,
                    ok=False,
                    error_kind="reply",
                    latency_s=latency,
                )
            self.steps.append(step)
            self.turns.append(record)
            self.emit(TurnFinished, turn=turn, step=step)
            if self.usage.total_tokens >= self.limits.max_tokens:
                return "token_limit", None
        return "max_turns", None

    def _snippet(
        self, turn: int, reply: str, code: str, preamble: str, form: str, latency: float
    ) -> tuple[Step, TurnRecord]:
        with self.tracer.start_as_current_span("punie.snippet.run") as span:
            step, record = self._check_and_run(turn, reply, code, preamble, form, latency, span)
            set_attributes(
                span,
                {
                    "punie.turn": turn,
                    "punie.snippet.ok": record.ok,
                    "punie.snippet.error_kind": record.error_kind,
                    "punie.snippet.bridge_calls": len(record.calls),
                },
            )
            if not record.ok and span.is_recording():
                span.set_status(Status(StatusCode.ERROR, f"snippet failed: {record.error_kind}"))
            return step, record

    def _check_and_run(
        self,
        turn: int,
        reply: str,
        code: str,
        preamble: str,
        form: str,
        latency: float,
        span: Span,
    ) -> tuple[Step, TurnRecord]:
        checked = time.monotonic()
        issues = list(self.check(code, known_names=self.known_names))
        self.emit(
            SnippetChecked,
            turn=turn,
            code=code,
            form=form,
            issues=[CheckIssue(line=i.line, message=i.message, code=str(i.code)) for i in issues],
            duration_s=time.monotonic() - checked,
        )
        calls: list[BridgeCallRecord] = []
        if issues:
            outcome = outcome_from_precheck(issues)
            kind: str | None = "precheck"
        else:
            ran = time.monotonic()
            ran_ns = time.time_ns()
            run = self.session.run(code)
            bridge_spans(self.tracer, span, run.calls, started_ns=ran_ns, turn=turn)
            outcome = outcome_from_run(run)
            kind = run.error.kind if run.error is not None and not run.ok else None
            if self.session.alive:
                self.known_names |= bound_names(code)
            else:  # a timeout or crash took the worker and its names with it
                self.known_names = set()
            self.emit(
                SnippetExecuted,
                turn=turn,
                code=code,
                outcome=outcome,
                error_kind=kind,
                duration_s=time.monotonic() - ran,
            )
            for call in run.calls:
                self.emit(
                    BridgeCalled,
                    turn=turn,
                    name=call.name,
                    arguments=call.arguments,
                    duration_s=call.duration_s,
                    ok=call.ok,
                    error=call.error,
                )
                calls.append(
                    BridgeCallRecord(
                        turn=turn,
                        name=call.name,
                        arguments=call.arguments,
                        ok=call.ok,
                        duration_s=call.duration_s,
                        error=call.error,
                    )
                )
        result = render_tool_result(outcome)
        step = Step(code=code, preamble=preamble, result=result)
        record = TurnRecord(
            turn=turn,
            kind="tool_call",
            reply=reply,
            code=code,
            result=result,
            ok=outcome.ok,
            error_kind=kind,
            calls=calls,
            latency_s=latency,
        )
        return step, record
