"""Running one case through the real ``runtime.Agent`` and scoring it.

The case gets a fresh copy of its workspace (copied from a per-process template, so the git
history is made once per process and workspace), the host functions of its bridge selection
(pinned bridges replaced by functions returning the pinned contract JSON), and the same loop a
user runs: extraction, pre-run check, sandbox, the one template. Everything the model does is
collected from the Agent's events.
"""

from __future__ import annotations

import ast
import atexit
import fnmatch
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from evals._fields import field_reads
from evals._report import CallLog, CaseResult, TurnLog, Variant
from evals._schema import PROFILES, Case, Pin
from evals._score import PRE_RUN_STAGES, score_case
from evals._workspaces import prepare_workspace

if TYPE_CHECKING:
    from runtime import AgentLimits, GenerationSettings

__all__ = [
    "CLEANER",
    "REWORDED_RULES",
    "CaseOptions",
    "offered_functions",
    "run_case",
    "warm_templates",
]

REWORDED_RULES = """\
You are punie, an assistant for the Python project in the user's workspace. Questions about that
project are answered by running small Python snippets that call the typed functions listed below.
How to work:
- Run code by replying with a single tool call in exactly this form:
<tool_call>
<function=execute_code>
<parameter=code>
print(typecheck(path="src").error_count)
</parameter>
</function>
</tool_call>
- Pass every argument by keyword. There are no imports; use only the functions below.
- Print just what you need, or finish with an expression whose value you want to see.
- The printed output, the last value or the error comes back to you; correct errors and try again.
- Once you know the answer, write it as plain text with no tool call. If the question does not
  concern the workspace, answer it directly without a tool call."""
"""The usage rules reworded (same content) for the ``reworded_rules`` perturbation."""


@dataclass(frozen=True)
class CaseOptions:
    """How to run a case (everything but the model)."""

    seed: int = 0
    temperature: float = 0.0
    max_turns: int = 8
    max_time_s: float = 300.0
    variant: Variant = "base"
    repeat: int = 0
    max_tokens: int | None = None
    """New tokens per model reply; None keeps the runtime's default (``GenerationSettings``)."""


class _Templates:
    """Per-process prepared workspaces: prepared once, copied per case.

    A model object runs its cases in threads of one process, so preparing is done under a lock:
    two threads preparing the same template at once would collide in its folder."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.ready: dict[str, Path] = {}
        self.lock = threading.Lock()

    def copy(self, name: str, dest: Path, *, link: bool = True) -> Path:
        with self.lock:
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(prefix="punie-eval-templates-"))
                atexit.register(shutil.rmtree, self.root, True)
            template = self.ready.get(name)
            if template is None:
                template = prepare_workspace(name, self.root / name)
                self.ready[name] = template
        copier = _link_or_copy if link else shutil.copy2
        shutil.copytree(template, dest, symlinks=True, copy_function=copier)
        return dest.resolve()


def _link_or_copy(source: str, dest: str) -> None:
    """Hard links: cases run read-only (``allow_write=False``), and git, pytest and ruff replace
    or add files rather than write into existing ones, so the template stays intact."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


class _Cleaner:
    """Closes agents and removes scratch folders in a background thread.

    Stopping a sandbox's worker processes and deleting a workspace copy take hundreds of
    milliseconds of waiting on a busy disk; the next case need not wait for them. ``drain``
    (registered at exit, called by ``run_suite``) waits until everything is gone.
    """

    def __init__(self) -> None:
        self.pending: queue.Queue[Callable[[], object] | None] = queue.Queue()
        self.thread: threading.Thread | None = None

    def put(self, job: Callable[[], object]) -> None:
        if self.thread is None or not self.thread.is_alive():
            self.thread = threading.Thread(
                target=self._work, name="punie-eval-cleaner", daemon=True
            )
            self.thread.start()
            atexit.register(self.drain)
        self.pending.put(job)

    def _work(self) -> None:
        while True:
            job = self.pending.get()
            try:
                if job is not None:
                    job()
            except Exception:  # cleanup is best effort; a leftover temp folder is harmless
                pass
            finally:
                self.pending.task_done()

    def drain(self) -> None:
        if self.thread is not None:
            self.pending.join()


CLEANER = _Cleaner()


@cache
def _records() -> tuple[Any, ...]:
    from bridges import registry

    return tuple(registry())


_TEMPLATES = _Templates()


def warm_templates(names: set[str]) -> None:
    """Prepare the templates of these workspaces now (before worker processes fork)."""
    for name in sorted(names):
        if name not in _TEMPLATES.ready:
            scratch = Path(tempfile.mkdtemp(prefix="punie-eval-warm-"))
            _TEMPLATES.copy(name, scratch / "ws")
            shutil.rmtree(scratch, ignore_errors=True)


def _pinned_function(original: Any, pins: Sequence[Pin]) -> Any:
    from bridges import BridgeError
    from sandbox import HostFunction

    results = [
        None if pin.result is None else original.result_type.model_validate(pin.result)
        for pin in pins
    ]
    served = [0]

    def call(**_: Any) -> Any:
        index = min(served[0], len(pins) - 1)
        served[0] += 1
        pin = pins[index]
        if pin.error is not None:
            raise BridgeError(pin.error)
        return results[index]

    call.__name__ = original.name
    return HostFunction(
        name=original.name,
        function=call,
        argument_model=original.argument_model,
        result_type=original.result_type,
        docstring=original.docstring,
    )


def _selection(case: Case, variant: Variant, names: Sequence[str]) -> list[str]:
    chosen = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in case.selection)]
    if variant != "other_selection":
        return chosen
    needed = {c.bridge for c in case.calls} | set(case.allow)
    if len(chosen) >= 8:  # a large selection: offer only what is needed plus a few others
        others = [n for n in chosen if n not in needed][:2]
        return [n for n in chosen if n in needed or n in others]
    core = PROFILES["core"].bridges
    return [n for n in names if n in chosen or n in core]


def offered_functions(case: Case, workspace: Path, variant: Variant = "base") -> list[Any]:
    """The host functions a case offers: its selection, pinned bridges replaced."""
    from bridges import BridgeContext

    context = BridgeContext(workspace=workspace.resolve(), allow_write=case.allow_write)
    functions = [  # what default_bridges(workspace, allow_write=...) returns, records cached
        record.bind(context) for record in _records() if case.allow_write or not record.writes
    ]
    keep = set(_selection(case, variant, [f.name for f in functions]))
    offered = [f for f in functions if f.name in keep]
    pins: dict[str, list[Pin]] = {}
    for pin in case.pinned:
        pins.setdefault(pin.bridge, []).append(pin)
    offered = [_pinned_function(f, pins[f.name]) if f.name in pins else f for f in offered]
    if variant == "reordered_stubs":
        offered.reverse()
    return offered


def _static_calls(code: str, turn: int, bridges: set[str]) -> list[CallLog]:
    """Bridge calls written in a snippet that did not run (literal arguments only)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id not in bridges:
                continue
            arguments: dict[str, Any] = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    continue
                try:
                    arguments[keyword.arg] = ast.literal_eval(keyword.value)
                except (ValueError, SyntaxError, TypeError):
                    arguments[keyword.arg] = "<expr>"
            calls.append(
                CallLog(turn=turn, bridge=node.func.id, arguments=arguments, executed=False)
            )
    calls.sort(key=lambda c: c.turn)
    return calls


def _generation(options: CaseOptions) -> tuple[GenerationSettings, AgentLimits]:
    """The settings and limits a case's agent runs with. A reply cap (``max_tokens``) goes into
    both ``GenerationSettings.max_tokens`` and ``AgentLimits.max_reply_tokens``: the agent
    generates the smaller of the two, so a cap above the runtime's default of 1,024 is honoured
    rather than silently lowered."""
    from runtime import AgentLimits, GenerationSettings

    settings = GenerationSettings(temperature=options.temperature, seed=options.seed)
    limits = AgentLimits(max_turns=options.max_turns, max_time_s=options.max_time_s)
    if options.max_tokens is not None:
        settings = replace(settings, max_tokens=options.max_tokens)
        limits = replace(limits, max_reply_tokens=options.max_tokens)
    return settings, limits


def run_case(
    case: Case,
    model_for: Callable[[Case, Sequence[Any]], Any],
    options: CaseOptions,
    *,
    all_results: dict[str, type[BaseModel]],
) -> CaseResult:
    """Run ``case`` with the model ``model_for(case, offered)`` returns, and score it."""
    from runtime import (
        Agent,
        BridgeCalled,
        ModelError,
        ModelResponse,
        ProfileMismatchError,
        RunFinished,
        SnippetChecked,
        SnippetExecuted,
    )
    from runtime.template import USAGE_RULES

    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="punie-eval-"))
    try:
        workspace = _TEMPLATES.copy(case.workspace, scratch / "ws", link=not case.allow_write)
        offered = offered_functions(case, workspace, options.variant)
        model = model_for(case, offered)
        settings, limits = _generation(options)
        mismatch: str | None = None
        try:
            agent: Agent | None = Agent(
                model=model,
                workspace=workspace,
                host_functions=offered,
                record_traces=False,
                allow_write=case.allow_write,
                settings=settings,
                limits=limits,
                rules=REWORDED_RULES if options.variant == "reworded_rules" else USAGE_RULES,
            )
        except ProfileMismatchError as refused:
            # a model trained on a profile cannot run a case that offers other bridges: the
            # case is failed with the reason, and the rest of the suite runs on
            agent, mismatch = None, f"ProfileMismatchError: {refused}"
        prepared = time.perf_counter()
        checked: dict[int, list[str]] = {}
        executed: dict[int, str | None] = {}
        responses: dict[int, ModelResponse] = {}
        bridge_events: list[BridgeCalled] = []
        execution_s = 0.0
        run_duration = [0.0]

        def collect(event: Any) -> None:
            nonlocal execution_s
            if isinstance(event, RunFinished):
                run_duration[0] = event.duration_s
            elif isinstance(event, SnippetChecked):
                checked[event.turn] = [issue.code for issue in event.issues]
            elif isinstance(event, SnippetExecuted):
                executed[event.turn] = event.error_kind
                execution_s += event.duration_s
            elif isinstance(event, ModelResponse):
                responses[event.turn] = event
            elif isinstance(event, BridgeCalled):
                bridge_events.append(event)

        error: str | None = mismatch
        result = None
        ran = time.perf_counter()
        if agent is not None:
            agent.subscribe(collect)
            try:
                result = agent.ask(case.query)
            except ModelError as failure:
                error = f"{type(failure).__name__}: {failure}"
            CLEANER.put(agent.close)
        finished = time.perf_counter()
    finally:
        CLEANER.put(lambda: shutil.rmtree(scratch, ignore_errors=True))

    bridge_names = set(all_results)
    turns: list[TurnLog] = []
    calls: list[CallLog] = []
    for record in result.turns if result is not None else []:
        stage: str | None = None
        if record.kind == "rejected":
            stage = "extract"
        elif record.kind == "tool_call":
            issues = checked.get(record.turn, [])
            if issues:
                stage = "parse" if "syntax" in issues else "precheck"
            else:
                kind = executed.get(record.turn)
                stage = {"syntax": "parse", "policy": "policy"}.get(kind or "", kind)
        response = responses.get(record.turn)
        turns.append(
            TurnLog(
                turn=record.turn,
                kind=record.kind,
                reply=record.reply,
                code=record.code,
                stage=stage,
                result=record.result,
                latency_s=record.latency_s,
                prompt_tokens=response.prompt_tokens if response else 0,
                completion_tokens=response.completion_tokens if response else 0,
            )
        )
        if stage in PRE_RUN_STAGES and record.code is not None:
            calls.extend(_static_calls(record.code, record.turn, bridge_names))
        else:
            calls.extend(
                CallLog(
                    turn=e.turn,
                    bridge=e.name,
                    arguments=e.arguments,
                    executed=True,
                    ok=e.ok,
                    error=e.error,
                    duration_s=e.duration_s,
                )
                for e in bridge_events
                if e.turn == record.turn
            )
    reads: dict[str, set[str]] = {}
    unknown: dict[str, set[str]] = {}
    for turn in turns:
        if turn.code is None:
            continue
        found = field_reads(turn.code, all_results)
        for bridge, paths in found.reads.items():
            reads.setdefault(bridge, set()).update(paths)
        for bridge, paths in found.unknown.items():
            unknown.setdefault(bridge, set()).update(paths)
    answer = result.answer if result is not None else None
    layers = score_case(
        case,
        turns=turns,
        calls=calls,
        reads=reads,
        unknown=unknown,
        arguments={f.name: f.argument_model for f in offered},
        answer=answer,
        error=error,
    )
    tool_turns = [t for t in turns if t.kind != "answer"]
    failed = [t.turn for t in tool_turns if t.stage is not None]
    model_s = sum(r.latency_s for r in responses.values())
    prepare_s = prepared - started
    setup_s = max(0.0, (finished - ran) - run_duration[0]) if run_duration[0] else 0.0
    scored = time.perf_counter()
    return CaseResult(
        case_id=case.id,
        category=case.category,
        workspace=case.workspace,
        variant=options.variant,
        repeat=options.repeat,
        seed=options.seed,
        layers=layers,
        passed=all(layer.status != "fail" for layer in layers.values()),
        outcome=result.outcome if result is not None else "error",
        answer=answer,
        turns=turns,
        calls=calls,
        fields_read={bridge: sorted(paths) for bridge, paths in sorted(reads.items())},
        n_turns=len(turns),
        n_calls=sum(1 for c in calls if c.executed),
        single_shot=not failed,
        recovered=bool(failed) and any(t.turn > failed[-1] and t.stage is None for t in tool_turns),
        latency_s=finished - ran,
        model_s=model_s,
        execution_s=execution_s,
        prepare_s=prepare_s,
        sandbox_setup_s=setup_s,
        overhead_s=max(0.0, (scored - started) - prepare_s - setup_s - model_s - execution_s),
        prompt_tokens=sum(r.prompt_tokens for r in responses.values()),
        completion_tokens=sum(r.completion_tokens for r in responses.values()),
        error=error,
    )
