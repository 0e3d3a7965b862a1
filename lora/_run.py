"""Run bridge examples for real, so every tool message in the dataset is a real result.

Each example runs in a fresh copy of the sample workspace (``bridges.sample_workspace``): the
read-only examples share one copy and one ``Sandbox``; an example that calls a writing bridge gets
its own copy and sandbox, so its writes cannot change what the next example sees. A step goes
through what the agent loop does at inference: the pre-run check (with the names earlier steps
bound), then the sandbox, then ``outcome_from_precheck``/``outcome_from_run`` and
``render_tool_result``. An example whose run no longer meets its expectations (``expect_ok``,
``expect_lines``, ``expect_contains``) is refused with the reason. Nothing is cached between runs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lora._sources import ExampleSource, Row
from runtime import Step, outcome_from_precheck, outcome_from_run, render_conversation
from runtime.profiles import Profile
from runtime.template import SnippetOutcome, render_tool_result
from sandbox import Limits, Prechecker, RunResult, Sandbox, Session, bound_names

__all__ = ["RunReport", "run_examples"]

_SHOWN = 300
"""Characters of a run's output quoted in a refusal."""


@dataclass
class RunReport:
    """What running the examples produced, and how long the sandbox took."""

    rows: list[Row]
    refused: list[tuple[str, str]]
    sandbox_s: float = 0.0
    """Wall time of the sandbox work (workspace copies, checks and runs)."""


def _output(run: RunResult | None, outcome: SnippetOutcome) -> str:
    """A step's output as its expectations read it: printed output, ``str()`` of the value,
    then the error message (``bridges.ExampleStep``)."""
    if run is None:  # refused by the pre-run check: the error is all there is
        return outcome.error or ""
    parts = [run.stdout]
    if run.value is not None:
        parts.append(str(run.value))
    if not run.ok and run.error is not None:
        parts.append(run.error.message)
    return "\n".join(parts)


def _unmet(step: Any, output: str) -> tuple[str, ...]:
    unmet = getattr(step, "unmet", None)
    if callable(unmet):
        return tuple(unmet(output))
    return tuple(f"text {t!r}" for t in getattr(step, "expect_contains", ()) if t not in output)


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _run_one(
    source: ExampleSource, session: Session, checker: Prechecker, system: str
) -> Row | tuple[str, str]:
    known: set[str] = set()
    steps: list[Step] = []
    for number, (code, expected) in enumerate(zip(source.snippets, source.steps, strict=True), 1):
        issues = checker.check(code, known_names=known)
        run: RunResult | None = None
        if issues:
            outcome = outcome_from_precheck(issues)
        else:
            run = session.run(code)
            outcome = outcome_from_run(run)
            known |= bound_names(code)
        output = _output(run, outcome)
        want_ok = getattr(expected, "expect_ok", True)
        if outcome.ok != want_ok:
            said = "succeed" if want_ok else "fail"
            return source.id, (
                f"stale: step {number} should {said} but "
                f"{'succeeded' if outcome.ok else 'failed'}: {_shown(output) or '(no output)'}"
            )
        missing = _unmet(expected, output)
        if missing:
            return source.id, (
                f"stale: step {number} output lacks {', '.join(missing)}; it was: "
                f"{_shown(output) or '(no output)'}"
            )
        steps.append(Step(code=code, result=render_tool_result(outcome)))
    messages = render_conversation(
        system=system, question=source.request, steps=steps, answer=source.answer
    )
    return Row(
        id=source.id,
        origin="example",
        bridge=source.bridge,
        categories=source.categories,
        request=source.request,
        snippets=source.snippets,
        messages=tuple(messages),
    )


def _functions(workspace: Path, profile: Profile, *, allow_write: bool) -> list[Any]:
    from bridges import default_bridges

    return profile.select(default_bridges(workspace, allow_write=allow_write))


def run_examples(
    sources: Sequence[ExampleSource],
    *,
    profile: Profile,
    system: str,
    writing: frozenset[str],
    workers: int = 2,
    limits: Limits | None = None,
    on_done: Callable[[], None] | None = None,
) -> RunReport:
    """Run every example; rows in the order of ``sources``, refusals with their reasons.

    ``writing`` names the bridges that change files (their examples get a workspace each).
    """
    from bridges import sample_workspace

    limits = limits or Limits(timeout_s=120.0)
    started = time.monotonic()
    results: list[Row | tuple[str, str] | None] = [None] * len(sources)
    shared = [i for i, s in enumerate(sources) if not (s.calls & writing)]
    alone = [i for i, s in enumerate(sources) if s.calls & writing]

    def finish(index: int, result: Row | tuple[str, str]) -> None:
        results[index] = result
        if on_done is not None:
            on_done()

    with tempfile.TemporaryDirectory(prefix="punie-dataset-") as scratch:
        root = Path(scratch)
        if shared:
            workspace = sample_workspace(root / "shared")
            functions = _functions(workspace, profile, allow_write=False)
            checker = Prechecker(functions)
            with Sandbox(functions, limits, pool_size=max(1, workers)) as box:

                def run_shared(index: int) -> None:
                    with box.session() as session:
                        finish(index, _run_one(sources[index], session, checker, system))

                with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                    list(pool.map(run_shared, shared))
        for index in alone:
            workspace = sample_workspace(root / f"write-{index}")
            functions = _functions(workspace, profile, allow_write=True)
            with Sandbox(functions, limits, pool_size=1) as box, box.session() as session:
                finish(index, _run_one(sources[index], session, Prechecker(functions), system))
    rows = [r for r in results if isinstance(r, Row)]
    refused = [r for r in results if isinstance(r, tuple)]
    return RunReport(rows=rows, refused=refused, sandbox_s=time.monotonic() - started)
