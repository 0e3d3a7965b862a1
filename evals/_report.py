"""``EvalReport``: every case, every layer, error types, snippets, timings — and the aggregates.

Plain pydantic data: ``report.model_dump_json()`` is the JSON report, and the CLI, the Markdown,
HTML and Inspect writers read nothing else. Rates are ``passed / (passed + failed)`` over the
cases where a layer applies; a layer that applies to no case has rate ``None``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "LAYERS",
    "LAYER_TITLES",
    "VARIANTS",
    "CallLog",
    "CaseResult",
    "EvalReport",
    "LayerName",
    "LayerResult",
    "LayerSummary",
    "Spread",
    "Status",
    "TurnLog",
    "Variant",
    "summarise",
]

LayerName = Literal["L0", "L1", "L2", "L3", "L4", "L5", "L6"]
LAYERS: tuple[LayerName, ...] = ("L0", "L1", "L2", "L3", "L4", "L5", "L6")
LAYER_TITLES: dict[str, str] = {
    "L0": "validity",
    "L1": "discrimination",
    "L2": "selection",
    "L3": "arguments",
    "L4": "field access",
    "L5": "multi-turn",
    "L6": "final answer",
}
Status = Literal["pass", "fail", "n/a"]
Variant = Literal["base", "reworded_rules", "reordered_stubs", "other_selection"]
VARIANTS: tuple[Variant, ...] = ("base", "reworded_rules", "reordered_stubs", "other_selection")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class LayerResult(_Model):
    """One layer of one case."""

    status: Status
    error: str | None = None
    """The error type of a failure (``wrong_bridge``, ``unknown_field``, ``precheck``...)."""
    detail: str = ""
    """What exactly was wrong, for a person reading the report."""


class CallLog(_Model):
    """A bridge call the model made (or attempted in a snippet that was refused)."""

    turn: int
    bridge: str
    arguments: dict[str, Any]
    executed: bool
    """False: read from a snippet the pre-run check or policy refused (arguments are the
    literal values written; anything else is ``"<expr>"``)."""
    ok: bool = True
    error: str | None = None
    duration_s: float = 0.0


class TurnLog(_Model):
    """One model reply and what became of it."""

    turn: int
    kind: Literal["tool_call", "rejected", "answer"]
    reply: str
    """The model's raw reply."""
    code: str | None = None
    """The snippet, when one could be extracted."""
    stage: str | None = None
    """Where it failed: ``extract``, ``parse``, ``policy``, ``precheck``, or a run error kind
    (``runtime``, ``host_function``, ``timeout``...); None when it ran cleanly."""
    result: str | None = None
    """The tool message the model read next."""
    latency_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class CaseResult(_Model):
    """One run of one case: the layers, what the model did, and what it cost."""

    case_id: str
    category: str
    workspace: str
    variant: Variant = "base"
    """The prompt variant (``base`` or a perturbation)."""
    repeat: int = 0
    """Which repetition (0-based) of the suite this run belongs to."""
    seed: int
    """The seed given to the model backend (greedy decoding ignores it)."""
    layers: dict[LayerName, LayerResult]
    passed: bool
    """Every layer that applies passed (strict)."""
    outcome: str
    """The run's outcome (``success``, ``max_turns``, ``error``...)."""
    answer: str | None = None
    turns: list[TurnLog] = Field(default_factory=list)
    calls: list[CallLog] = Field(default_factory=list)
    fields_read: dict[str, list[str]] = Field(default_factory=dict)
    """Bridge -> result fields the snippets read (dotted paths)."""
    n_turns: int = 0
    n_calls: int = 0
    single_shot: bool = True
    """No tool turn failed: the model got there without error feedback."""
    recovered: bool = False
    """Some tool turn failed and a later one succeeded."""
    latency_s: float = 0.0
    """Wall time of the agent run (model, sandbox and bridges)."""
    model_s: float = 0.0
    """Time spent waiting for the model."""
    execution_s: float = 0.0
    """Time the sandbox spent running snippets, bridges included."""
    prepare_s: float = 0.0
    """Time to prepare the workspace copy, the host functions and the agent (its prompt)."""
    sandbox_setup_s: float = 0.0
    """Time the agent spent opening and closing its sandbox session around the run (worker
    processes start and stop): the part of ``Agent.ask`` outside the run itself."""
    overhead_s: float = 0.0
    """The evaluator's own time for this case: everything but preparation, sandbox setup, model
    and snippet execution (bridges included): the agent loop, event collection and scoring."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None
    """A failure of the model backend or the harness (the case then fails every layer)."""


class LayerSummary(_Model):
    """One layer over many cases."""

    rate: float | None
    """passed / (passed + failed); None when the layer applies to no case."""
    passed: int
    failed: int
    not_applicable: int
    errors: dict[str, int] = Field(default_factory=dict)
    """Error type -> number of cases failing with it."""


class Spread(_Model):
    """How a layer's rate moved across ``repeat`` runs."""

    minimum: float
    maximum: float
    stdev: float


class EvalReport(_Model):
    """The whole evaluation: settings, every case, aggregates and robustness."""

    suite: str
    model: str
    created: str
    """UTC ISO time the run started."""
    workers: int
    repeat: int
    perturb: bool
    temperature: float
    seed: int
    """Base seed; case i of repetition r runs with ``seed + r``."""
    max_turns: int
    max_tokens: int | None = None
    """The cap on new tokens per model reply the run used (``--max-tokens``); None: the
    runtime's default (1,024). Absent from reports written before the option existed."""
    cases: list[CaseResult]
    """Every run: all repetitions and variants (``variant``, ``repeat``)."""
    layers: dict[LayerName, float | None]
    """Rate per layer over the base runs (all repetitions)."""
    layer_summary: dict[LayerName, LayerSummary]
    categories: dict[str, dict[LayerName, float | None]]
    """Category -> layer -> rate (base runs)."""
    strict: float
    """Share of base runs that passed every layer that applies."""
    single_shot: float
    """Share of base runs with no failed tool turn."""
    spread: dict[LayerName, Spread] = Field(default_factory=dict)
    """Per layer, across repetitions (only with ``repeat > 1``)."""
    perturbation: dict[str, dict[LayerName, float | None]] = Field(default_factory=dict)
    """Variant -> layer -> rate under the variant minus the base rate (only with perturb)."""
    latency_p50_s: float
    latency_p95_s: float
    overhead_p50_s: float
    """Median evaluator overhead per case (see ``CaseResult.overhead_s``)."""
    prompt_tokens: int
    completion_tokens: int
    turns_mean: float
    calls_mean: float
    duration_s: float

    def base_cases(self) -> list[CaseResult]:
        """The runs of the unperturbed prompt (every repetition)."""
        return [c for c in self.cases if c.variant == "base"]


def _percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def layer_summary(results: Iterable[CaseResult]) -> dict[LayerName, LayerSummary]:
    """Counts and rates per layer."""
    results = list(results)
    summary: dict[LayerName, LayerSummary] = {}
    for layer in LAYERS:
        passed = failed = na = 0
        errors: dict[str, int] = {}
        for result in results:
            score = result.layers[layer]
            if score.status == "pass":
                passed += 1
            elif score.status == "fail":
                failed += 1
                key = score.error or "unknown"
                errors[key] = errors.get(key, 0) + 1
            else:
                na += 1
        judged = passed + failed
        summary[layer] = LayerSummary(
            rate=passed / judged if judged else None,
            passed=passed,
            failed=failed,
            not_applicable=na,
            errors=dict(sorted(errors.items())),
        )
    return summary


def _rates(results: Iterable[CaseResult]) -> dict[LayerName, float | None]:
    return {layer: s.rate for layer, s in layer_summary(results).items()}


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def summarise(
    cases: list[CaseResult], *, settings: dict[str, Any], duration_s: float
) -> EvalReport:
    """Build the report (aggregates, spread, perturbation deltas) from every run."""
    base = [c for c in cases if c.variant == "base"]
    summary = layer_summary(base)
    categories: dict[str, dict[LayerName, float | None]] = {}
    for category in sorted({c.category for c in base}):
        categories[category] = _rates(c for c in base if c.category == category)
    spread: dict[LayerName, Spread] = {}
    repeats = sorted({c.repeat for c in base})
    if len(repeats) > 1:
        per_repeat = [_rates(c for c in base if c.repeat == r) for r in repeats]
        for layer in LAYERS:
            values = [v for rates in per_repeat if (v := rates[layer]) is not None]
            if values:
                spread[layer] = Spread(
                    minimum=min(values),
                    maximum=max(values),
                    stdev=statistics.pstdev(values),
                )
    perturbation: dict[str, dict[LayerName, float | None]] = {}
    first = _rates(c for c in base if c.repeat == 0)
    for variant in VARIANTS[1:]:
        runs = [c for c in cases if c.variant == variant]
        if not runs:
            continue
        rates = _rates(runs)
        perturbation[variant] = {layer: _minus(rates[layer], first[layer]) for layer in LAYERS}
    count = len(base) or 1
    return EvalReport(
        **settings,
        cases=cases,
        layers={layer: s.rate for layer, s in summary.items()},
        layer_summary=summary,
        categories=categories,
        strict=sum(c.passed for c in base) / count,
        single_shot=sum(c.single_shot for c in base) / count,
        spread=spread,
        perturbation=perturbation,
        latency_p50_s=_percentile([c.latency_s for c in base], 0.5),
        latency_p95_s=_percentile([c.latency_s for c in base], 0.95),
        overhead_p50_s=_percentile([c.overhead_s for c in base], 0.5),
        prompt_tokens=sum(c.prompt_tokens for c in base),
        completion_tokens=sum(c.completion_tokens for c in base),
        turns_mean=sum(c.n_turns for c in base) / count,
        calls_mean=sum(c.n_calls for c in base) / count,
        duration_s=duration_s,
    )
