"""An Inspect AI evaluation log of a run, so it opens in ``inspect view`` beside other evaluations.

Written with Inspect's own log API (``inspect_ai.log.EvalLog`` + ``write_eval_log``), never by
hand-made JSON, so the file follows whatever log format the installed ``inspect_ai`` reads. It is
an optional extra (``pip install 'punie[inspect]'``): without it ``write_inspect_log`` returns
None and the caller prints a one-line note.

Mapping: the task is ``punie/<suite>``; each base run of a case is a sample (``id`` the case id,
``epoch`` the repetition + 1) whose messages are the user query, each model reply (a tool call
of ``execute_code`` when it held a snippet) and each tool message the model read; each layer that
applies is a score (``C`` pass, ``I`` fail, the error type as the explanation); the results hold
one score per layer with its ``accuracy`` (the layer's rate) plus ``strict``. Perturbation deltas
and the other aggregates are in the results' metadata.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from evals._report import LAYER_TITLES, LAYERS, CaseResult, EvalReport

__all__ = ["INSPECT_LOG_NAME", "inspect_available", "write_inspect_log"]

INSPECT_LOG_NAME = "inspect.eval"
"""The log's file name in the output folder (Inspect's binary ``.eval`` format)."""

_MODULE = "inspect_ai"


def inspect_available() -> bool:
    """Whether ``inspect_ai`` can be imported (the optional extra ``inspect``)."""
    try:
        return importlib.util.find_spec(_MODULE) is not None
    except (ImportError, ValueError):
        return False


def _messages(case: CaseResult, query: str) -> list[Any]:
    from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ChatMessageUser
    from inspect_ai.tool import ToolCall

    messages: list[Any] = [ChatMessageUser(content=query)]
    for turn in case.turns:
        if turn.code is not None and turn.kind == "tool_call":
            call_id = f"turn-{turn.turn}"
            messages.append(
                ChatMessageAssistant(
                    content=turn.reply,
                    tool_calls=[
                        ToolCall(id=call_id, function="execute_code", arguments={"code": turn.code})
                    ],
                )
            )
            messages.append(
                ChatMessageTool(
                    content=turn.result or "", tool_call_id=call_id, function="execute_code"
                )
            )
        else:
            messages.append(ChatMessageAssistant(content=turn.reply))
            if turn.result:
                messages.append(ChatMessageUser(content=turn.result))
    return messages


def _sample(case: CaseResult, queries: dict[str, tuple[str, str]], model: str) -> Any:
    from inspect_ai.log import EvalSample
    from inspect_ai.model import ModelOutput, ModelUsage
    from inspect_ai.scorer import Score

    query, target = queries.get(case.case_id, ("", ""))
    scores: dict[str, Score] = {
        layer: Score(
            value="C" if result.status == "pass" else "I",
            answer=case.answer,
            explanation=(f"{result.error}: {result.detail}" if result.status == "fail" else None),
        )
        for layer, result in case.layers.items()
        if result.status != "n/a"
    }
    scores["strict"] = Score(value="C" if case.passed else "I", answer=case.answer)
    usage = ModelUsage(
        input_tokens=case.prompt_tokens,
        output_tokens=case.completion_tokens,
        total_tokens=case.prompt_tokens + case.completion_tokens,
    )
    return EvalSample(
        id=case.case_id,
        epoch=case.repeat + 1,
        input=query,
        target=target,
        messages=_messages(case, query),
        output=ModelOutput.from_content(model, case.answer or ""),
        scores=scores,
        metadata={
            "category": case.category,
            "workspace": case.workspace,
            "seed": case.seed,
            "outcome": case.outcome,
            "turns": case.n_turns,
            "calls": case.n_calls,
            "single_shot": case.single_shot,
            "recovered": case.recovered,
            "fields_read": case.fields_read,
            "error": case.error,
        },
        model_usage={model: usage},
        total_time=case.latency_s,
        working_time=case.latency_s,
    )


def _completed(report: EvalReport) -> str:
    try:
        started = datetime.fromisoformat(report.created)
    except ValueError:
        return report.created
    return (started + timedelta(seconds=report.duration_s)).isoformat(timespec="seconds")


def write_inspect_log(
    report: EvalReport,
    path: Path,
    *,
    queries: dict[str, tuple[str, str]] | None = None,
) -> Path | None:
    """Write ``report`` as an Inspect AI log at ``path``; None when ``inspect_ai`` is missing.

    ``queries`` maps a case id to its (query, reference answer), the sample's input and target
    (the report itself does not carry the query).
    """
    if not inspect_available():
        return None
    from inspect_ai.log import (
        EvalConfig,
        EvalDataset,
        EvalLog,
        EvalMetric,
        EvalResults,
        EvalScore,
        EvalSpec,
        EvalStats,
        write_eval_log,
    )
    from inspect_ai.model import ModelUsage

    queries = queries or {}
    base = report.base_cases()
    ids = list(dict.fromkeys(c.case_id for c in base))
    model = f"punie/{report.model}"
    layer_scores = [
        EvalScore(
            name=layer,
            scorer=f"punie_{layer}",
            scored_samples=report.layer_summary[layer].passed + report.layer_summary[layer].failed,
            unscored_samples=report.layer_summary[layer].not_applicable,
            metrics={"accuracy": EvalMetric(name="accuracy", value=rate)},
            metadata={
                "title": LAYER_TITLES[layer],
                "errors": report.layer_summary[layer].errors,
            },
        )
        for layer in LAYERS
        if (rate := report.layers[layer]) is not None
    ]
    layer_scores.append(
        EvalScore(
            name="strict",
            scorer="punie_strict",
            scored_samples=len(base),
            metrics={"accuracy": EvalMetric(name="accuracy", value=report.strict)},
        )
    )
    log = EvalLog(
        status="success",
        eval=EvalSpec(
            created=report.created,
            task=f"punie/{report.suite}",
            task_args={
                "suite": report.suite,
                "workers": report.workers,
                "repeat": report.repeat,
                "perturb": report.perturb,
            },
            dataset=EvalDataset(name=report.suite, samples=len(ids), sample_ids=ids),
            model=model,
            config=EvalConfig(epochs=report.repeat),
            metadata={
                "seed": report.seed,
                "temperature": report.temperature,
                "max_tokens": report.max_tokens,
            },
        ),
        results=EvalResults(
            total_samples=len(base),
            completed_samples=len(base),
            scores=layer_scores,
            metadata={
                "layers": report.layers,
                "categories": report.categories,
                "perturbation": report.perturbation,
                "single_shot": report.single_shot,
                "latency_p50_s": report.latency_p50_s,
                "latency_p95_s": report.latency_p95_s,
            },
        ),
        stats=EvalStats(
            started_at=report.created,
            completed_at=_completed(report),
            model_usage={
                model: ModelUsage(
                    input_tokens=report.prompt_tokens,
                    output_tokens=report.completion_tokens,
                    total_tokens=report.prompt_tokens + report.completion_tokens,
                )
            },
        ),
        samples=[_sample(case, queries, model) for case in base],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(log, str(path))
    return path
