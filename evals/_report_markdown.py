"""Markdown summaries of an ``EvalReport`` and a ``Comparison``: what a person pastes into a pull
request or reads in a terminal, the same figures as the HTML report without the charts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evals._compare import Comparison, LayerDelta
from evals._report import LAYER_TITLES, LAYERS, EvalReport

__all__ = ["comparison_markdown", "format_delta", "format_rate", "report_markdown"]


def format_rate(rate: float | None) -> str:
    """``87.5%``, or ``n/a`` for a layer that applies to no case."""
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def format_delta(delta: float | None) -> str:
    """``+12.5 pts`` / ``-3.0 pts`` / ``±0.0 pts``, or ``n/a``."""
    if delta is None:
        return "n/a"
    points = delta * 100
    if abs(points) < 0.05:
        return "±0.0 pts"
    return f"{points:+.1f} pts"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(r) for r in rows)]


def report_markdown(report: EvalReport) -> str:
    """The summary of one run: settings, layers, categories, errors, robustness, costs, failures."""
    base = report.base_cases()
    cases = len({c.case_id for c in base})
    lines = [
        f"# punie eval: {report.model} on {report.suite}",
        "",
        f"{cases} cases, {len(report.cases)} runs (repeat {report.repeat}, "
        f"perturb {'on' if report.perturb else 'off'}), {report.workers} worker(s), "
        f"seed {report.seed}, temperature {report.temperature}, "
        f"max tokens {report.max_tokens or 'default'}, started {report.created}, "
        f"{report.duration_s:.1f} s.",
        "",
        f"**Strict** (every layer that applies passed): {format_rate(report.strict)}. "
        f"**Single-shot** (no error feedback needed): {format_rate(report.single_shot)}.",
        "",
        "## Layers",
        "",
    ]
    spread = bool(report.spread)
    header = ["layer", "rate", "passed", "failed", "n/a", "error types"]
    if spread:
        header.append("spread (min-max)")
    rows = []
    for layer in LAYERS:
        summary = report.layer_summary[layer]
        errors = ", ".join(f"{name} {count}" for name, count in summary.errors.items()) or "-"
        row = [
            f"{layer} {LAYER_TITLES[layer]}",
            format_rate(summary.rate),
            str(summary.passed),
            str(summary.failed),
            str(summary.not_applicable),
            errors,
        ]
        if spread:
            s = report.spread.get(layer)
            row.append(f"{format_rate(s.minimum)}-{format_rate(s.maximum)}" if s else "n/a")
        rows.append(row)
    lines += _table(header, rows)
    lines += ["", "## Categories", ""]
    lines += _table(
        ["category", *LAYERS],
        (
            [category, *(format_rate(rates[layer]) for layer in LAYERS)]
            for category, rates in report.categories.items()
        ),
    )
    if report.perturbation:
        lines += ["", "## Robustness (rate under the variant minus the base rate)", ""]
        lines += _table(
            ["variant", *LAYERS],
            (
                [variant, *(format_delta(deltas[layer]) for layer in LAYERS)]
                for variant, deltas in report.perturbation.items()
            ),
        )
    lines += [
        "",
        "## Cost",
        "",
        f"- latency per case: p50 {report.latency_p50_s:.2f} s, p95 {report.latency_p95_s:.2f} s",
        f"- turns per case {report.turns_mean:.2f}, bridge calls per case {report.calls_mean:.2f}",
        f"- tokens: {report.prompt_tokens} prompt, {report.completion_tokens} completion",
        f"- evaluator overhead per case (median): {report.overhead_p50_s * 1000:.2f} ms",
    ]
    failures = [c for c in base if not c.passed]
    lines += ["", f"## Failed cases ({len(failures)})", ""]
    if not failures:
        lines.append("None.")
    else:
        rows = []
        for case in failures:
            failed = [
                f"{layer} {result.error}"
                for layer, result in case.layers.items()
                if result.status == "fail"
            ]
            label = case.case_id if report.repeat == 1 else f"{case.case_id} (#{case.repeat})"
            rows.append([label, case.category, ", ".join(failed), case.error or ""])
        lines += _table(["case", "category", "failed layers", "harness error"], rows)
    return "\n".join(lines) + "\n"


def _delta_cells(delta: LayerDelta) -> list[str]:
    return [format_rate(delta.baseline), format_rate(delta.candidate), format_delta(delta.delta)]


def comparison_markdown(comparison: Comparison, *, margin: float = 0.02) -> str:
    """Per-layer and per-category deltas of ``candidate`` against ``baseline``, and the verdict."""
    verdict = comparison.verdict(margin)
    lines = [
        f"# punie eval compare: {comparison.candidate} against {comparison.baseline}",
        "",
        f"**Verdict: {'OK' if verdict.ok else 'WORSE'}**: {verdict.message}.",
        "",
        "## Layers",
        "",
    ]
    rows = [
        [f"{layer} {LAYER_TITLES[layer]}", *_delta_cells(delta)]
        for layer, delta in comparison.layers.items()
    ]
    rows.append(["strict", *_delta_cells(comparison.strict)])
    lines += _table(["layer", "baseline", "candidate", "delta"], rows)
    lines += ["", "## Categories (delta per layer)", ""]
    lines += _table(
        ["category", *LAYERS],
        (
            [category, *(format_delta(deltas[layer].delta) for layer in LAYERS)]
            for category, deltas in comparison.categories.items()
        ),
    )
    return "\n".join(lines) + "\n"
