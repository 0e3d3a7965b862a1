"""``run_suite``: every case through the real agent, in parallel worker processes, scored.

The model may be a spec string (``oracle``, ``fault:NAME``, or anything
``runtime.model_from_spec`` takes: ``mlx:...``, ``openai:...``, ``scripted:...``), a
``runtime.models.Model`` object, or a function ``(case) -> Model``. A spec string is resolved in
each worker process (an MLX model is loaded once per worker; with ``openai:`` the workers send up
to ``workers`` requests at once). A model object or function cannot cross into another process,
so those run in ``workers`` threads of this process instead. Worker processes are forked
(POSIX), so they start with the packages imported and the workspaces prepared.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel

from evals._errors import EvalUsageError
from evals._load import Suite, load_suite
from evals._models import case_model, is_case_model_spec
from evals._report import VARIANTS, CaseResult, EvalReport, Variant, summarise
from evals._run_case import CLEANER, CaseOptions, run_case, warm_templates
from evals._schema import Case

__all__ = ["ModelSource", "Progress", "ProgressUpdate", "run_suite"]

_SPEC_KINDS = ("mlx", "openai", "scripted")


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    """Sent to the ``progress`` callback after each case run."""

    done: int
    """Runs finished so far."""
    total: int
    """Runs in the whole evaluation (cases x repeat x variants)."""
    passed: int
    """Finished runs that passed every layer."""
    last: CaseResult
    """The run that just finished."""
    elapsed_s: float
    """Wall time since the evaluation started (for an ETA: elapsed / done * (total - done))."""


Progress = Callable[[ProgressUpdate], None]
ModelSource = str | Any | Callable[[Case], Any]


@cache
def _all_results() -> dict[str, type[BaseModel]]:
    from bridges import registry

    return {record.name: record.result for record in registry()}


@cache
def _shared_model(spec: str) -> Any:
    from runtime import model_from_spec

    return model_from_spec(spec)


def _spec_model_for(spec: str) -> Callable[[Case, Sequence[Any]], Any]:
    if is_case_model_spec(spec):
        return lambda case, offered: case_model(spec, case, offered)
    return lambda case, offered: _shared_model(spec)


def _run_in_worker(case: Case, spec: str, options: CaseOptions) -> CaseResult:
    """Entry point of a worker process (module level, so it pickles)."""
    return run_case(case, _spec_model_for(spec), options, all_results=_all_results())


def _check_spec(spec: str) -> None:
    if is_case_model_spec(spec):
        from evals._models import FAULTS

        if spec != "oracle" and spec.removeprefix("fault:") not in FAULTS:
            raise EvalUsageError(
                f"unknown fault model {spec!r}; the fault models are "
                + ", ".join(f"fault:{f}" for f in FAULTS)
            )
        return
    kind, separator, rest = spec.partition(":")
    if not separator or not rest or kind not in _SPEC_KINDS:
        raise EvalUsageError(
            f"model spec {spec!r} is not understood; use oracle, fault:NAME, mlx:PATH, "
            "openai:URL#MODEL or scripted:FILE.json"
        )


def run_suite(
    suite: Suite | str,
    *,
    model: ModelSource = "oracle",
    workers: int = 1,
    repeat: int = 1,
    perturb: bool = False,
    progress: Progress | None = None,
    seed: int = 0,
    temperature: float = 0.0,
    max_turns: int = 8,
    max_time_s: float = 300.0,
    max_tokens: int | None = None,
) -> EvalReport:
    """Run every case of ``suite`` (a ``Suite`` or a name/path for ``load_suite``) and score it.

    ``repeat`` runs the whole suite that many times (seeds ``seed``, ``seed + 1``...) and the
    report gives the spread per layer; ``perturb`` also runs it once under each prompt
    perturbation (reworded rules, reordered stubs, another equivalent bridge selection) and
    reports the per-layer delta. Decoding is greedy (``temperature=0``) unless you say otherwise.
    ``max_tokens`` caps the new tokens of every model reply (every repetition and variant; None:
    the runtime's default of 1,024): for a quick smoke run, or a slow local model whose replies
    would otherwise run long. A reply cut at the cap is not an answer: the agent tells the model
    so and the turn counts against ``max_turns``. The report records the cap.
    """
    if workers < 1:
        raise EvalUsageError(f"workers={workers}: use 1 or more worker processes")
    if repeat < 1:
        raise EvalUsageError(f"repeat={repeat}: run the suite at least once")
    if max_tokens is not None and max_tokens < 1:
        raise EvalUsageError(
            f"max_tokens={max_tokens}: cap each model reply at 1 or more new tokens, or pass "
            "None for the runtime's default"
        )
    if isinstance(suite, str):
        suite = load_suite(suite)
    if model == "promoted":  # the model punie lora gate promoted last, read from its registry
        from runtime import ModelSpecError
        from runtime.models import promoted_spec

        try:
            model = promoted_spec()
        except ModelSpecError as error:
            raise EvalUsageError(str(error)) from None
    if isinstance(model, str):
        _check_spec(model)
        name = model
    else:
        name = getattr(model, "name", None) or getattr(model, "__name__", type(model).__name__)
    variants: tuple[Variant, ...] = VARIANTS if perturb else ("base",)
    jobs: list[tuple[Case, CaseOptions]] = []
    for variant in variants:
        for number in range(repeat if variant == "base" else 1):
            options = CaseOptions(
                seed=seed + number,
                temperature=temperature,
                max_turns=max_turns,
                max_time_s=max_time_s,
                variant=variant,
                repeat=number,
                max_tokens=max_tokens,
            )
            jobs.extend((case, options) for case in suite.cases)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    results: list[CaseResult | None] = [None] * len(jobs)
    passed = 0

    def finished(index: int, result: CaseResult, done: int) -> None:
        nonlocal passed
        results[index] = result
        passed += result.passed
        if progress is not None:
            progress(
                ProgressUpdate(
                    done=done,
                    total=len(jobs),
                    passed=passed,
                    last=result,
                    elapsed_s=time.perf_counter() - started,
                )
            )

    if isinstance(model, str) and workers == 1:
        for index, (case, options) in enumerate(jobs):
            finished(index, _run_in_worker(case, model, options), index + 1)
    else:
        executor: concurrent.futures.Executor
        if isinstance(model, str):
            # Forked workers inherit the imported packages, the bridge records and the prepared
            # workspace templates (spawned ones would rebuild all three, about a second each).
            _all_results()
            warm_templates({case.workspace for case in suite.cases})
            CLEANER.drain()
            executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        else:
            executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        with executor:
            if isinstance(model, str):
                futures = {
                    executor.submit(_run_in_worker, case, model, options): index
                    for index, (case, options) in enumerate(jobs)
                }
            else:
                model_for = _object_model_for(model)
                futures = {
                    executor.submit(
                        run_case, case, model_for, options, all_results=_all_results()
                    ): index
                    for index, (case, options) in enumerate(jobs)
                }
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                finished(futures[future], future.result(), done)
    CLEANER.drain()
    settings = {
        "suite": suite.name,
        "model": str(name),
        "created": created,
        "workers": workers,
        "repeat": repeat,
        "perturb": perturb,
        "temperature": temperature,
        "seed": seed,
        "max_turns": max_turns,
        "max_tokens": max_tokens,
    }
    return summarise(
        [r for r in results if r is not None],
        settings=settings,
        duration_s=time.perf_counter() - started,
    )


def die_with_parent(parent: int) -> None:
    """A worker process's first act: end when the process that started it is gone.

    A killed ``punie eval run`` (``kill -9``, a CI timeout) would otherwise leave its workers
    running a model for minutes with no one to read their results. The parent's id is watched
    (``PR_SET_PDEATHSIG`` fires when the parent *thread* that forked ends, which may be any
    thread that called ``run_suite``); half a second of delay costs nothing.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="punie-eval-parent-watch", daemon=True).start()


def _object_model_for(model: Any) -> Callable[[Case, Sequence[Any]], Any]:
    from runtime import Model

    if isinstance(model, Model):
        return lambda case, offered: model
    if callable(model):
        return lambda case, offered: model(case)
    raise EvalUsageError(
        "model must be a spec string, a runtime Model (name and complete()) or a function "
        f"(case) -> Model; got {type(model).__name__}"
    )
