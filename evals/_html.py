"""One self-contained HTML file per report or comparison: it opens with no network.

Charts are drawn by matplotlib (imported lazily: ``matplotlib.figure.Figure`` rendered by its SVG
backend, never ``pyplot``, so no GUI backend and no global figure state) and inlined as ``<svg>``
elements; the style sheet is inline too. The only URLs in the file are the SVG namespaces
(``http://www.w3.org/2000/svg``, ``http://www.w3.org/1999/xlink``), which a browser never fetches.
Everything that came from a case or a model (queries, replies, snippets, answers) is escaped and
cut to ``_TEXT_LIMIT`` characters, so a hostile reply cannot inject markup or bloat the page.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from evals._compare import Comparison
from evals._report import LAYER_TITLES, LAYERS, CaseResult, EvalReport, LayerName
from evals._report_markdown import format_delta, format_rate

__all__ = ["comparison_html", "report_html"]

_TEXT_LIMIT = 4000
"""Characters of one reply, snippet or tool message shown in the per-case details."""

_PASS, _FAIL, _NA = "#2e7d32", "#c62828", "#9e9e9e"

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.rate { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #2e7d32; } .fail { color: #c62828; font-weight: bold; } .na { color: #9e9e9e; }
.ok { color: #2e7d32; } .worse { color: #c62828; }
figure { margin: 0.5em 0; } figure svg { max-width: 100%; height: auto; }
pre { background: #f7f7f7; padding: 0.5em; overflow-x: auto; white-space: pre-wrap; }
details { margin: 0.2em 0; } summary { cursor: pointer; }
.muted { color: #666; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cut(text: str | None) -> str:
    if text is None:
        return ""
    if len(text) <= _TEXT_LIMIT:
        return text
    return text[:_TEXT_LIMIT] + f"\n... ({len(text) - _TEXT_LIMIT} more characters)"


def _rate_colour(rate: float | None) -> str:
    """A light background from red (0%) to green (100%); grey for n/a."""
    if rate is None:
        return "#eeeeee"
    low, high = (248, 205, 205), (200, 235, 200)
    red, green, blue = (round(a + (b - a) * rate) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


# -- charts ---------------------------------------------------------------------------------------


def _svg(figure: Any, title: str) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog, no DOCTYPE, no metadata)."""
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    return f'<figure aria-label="{_e(title)}">{text}</figure>'


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    matplotlib.rcParams["svg.hashsalt"] = "punie-eval"  # stable element ids between runs
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _layer_chart(rates: dict[str, float | None], title: str) -> str:
    figure = _figure(7, 3.2)
    axes = figure.add_subplot()
    labels = [f"{layer} {LAYER_TITLES[layer]}" for layer in LAYERS]
    values = [(rates[layer] or 0.0) * 100 for layer in LAYERS]
    colours = [
        _NA if rates[layer] is None else _PASS if v >= 99.95 else _FAIL
        for v, layer in zip(values, LAYERS, strict=True)
    ]
    bars = axes.barh(labels[::-1], values[::-1], color=colours[::-1])
    for bar, layer in zip(bars, LAYERS[::-1], strict=True):
        axes.text(
            bar.get_width() + 1,
            bar.get_y() + bar.get_height() / 2,
            format_rate(rates[layer]),
            va="center",
            fontsize=8,
        )
    axes.set_xlim(0, 112)
    axes.set_xlabel("pass rate (%)")
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title)


def _error_chart(report: EvalReport) -> str | None:
    counts = [
        (f"{layer} {error}", count)
        for layer in LAYERS
        for error, count in report.layer_summary[layer].errors.items()
    ]
    if not counts:
        return None
    figure = _figure(7, 0.8 + 0.28 * len(counts))
    axes = figure.add_subplot()
    labels = [label for label, _ in counts][::-1]
    values = [count for _, count in counts][::-1]
    axes.barh(labels, values, color=_FAIL)
    axes.set_xlabel("failed cases")
    axes.set_title("Error types per layer", fontsize=10)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, "Error types per layer")


def _latency_chart(cases: Sequence[CaseResult], report: EvalReport) -> str:
    figure = _figure(7, 2.8)
    axes = figure.add_subplot()
    latencies = [c.latency_s for c in cases]
    axes.hist(latencies or [0.0], bins=min(30, max(5, len(latencies) // 3)), color="#1565c0")
    for value, label, style in (
        (report.latency_p50_s, "p50", "--"),
        (report.latency_p95_s, "p95", ":"),
    ):
        axes.axvline(value, color="#222", linestyle=style, linewidth=1)
        axes.annotate(
            f"{label} {value:.2f} s",
            (value, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
        )
    axes.set_xlabel("latency per case (s): model, sandbox and bridges")
    axes.set_ylabel("cases")
    axes.set_title("Latency distribution", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, "Latency distribution")


def _comparison_chart(comparison: Comparison) -> str:
    figure = _figure(7, 3.4)
    axes = figure.add_subplot()
    positions = list(range(len(LAYERS)))
    width = 0.4
    baseline = [(comparison.layers[layer].baseline or 0.0) * 100 for layer in LAYERS]
    candidate = [(comparison.layers[layer].candidate or 0.0) * 100 for layer in LAYERS]
    axes.bar([p - width / 2 for p in positions], baseline, width, label="baseline", color="#90a4ae")
    axes.bar(
        [p + width / 2 for p in positions], candidate, width, label="candidate", color="#1565c0"
    )
    for position, layer in zip(positions, LAYERS, strict=True):
        axes.annotate(
            format_delta(comparison.layers[layer].delta),
            (position, 102),
            ha="center",
            fontsize=7,
        )
    axes.set_xticks(positions, list(LAYERS))
    axes.set_ylim(0, 112)
    axes.set_ylabel("pass rate (%)")
    axes.set_title("Per-layer rates and deltas (candidate - baseline)", fontsize=10)
    axes.legend(loc="lower right", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, "Per-layer rates and deltas")


# -- tables ---------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are HTML already (escape before)."""
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _rate_cell(rate: float | None) -> str:
    return f'<td class="rate" style="background:{_rate_colour(rate)}">{format_rate(rate)}</td>'


def _layer_table(report: EvalReport) -> str:
    rows = []
    for layer in LAYERS:
        s = report.layer_summary[layer]
        errors = ", ".join(f"{_e(name)} {count}" for name, count in s.errors.items()) or "-"
        rows.append(
            [
                f"<td>{layer} {LAYER_TITLES[layer]}</td>",
                _rate_cell(s.rate),
                f'<td class="rate">{s.passed}</td>',
                f'<td class="rate">{s.failed}</td>',
                f'<td class="rate">{s.not_applicable}</td>',
                f"<td>{errors}</td>",
            ]
        )
    return _table(["layer", "rate", "passed", "failed", "n/a", "error types"], rows)


def _category_table(report: EvalReport) -> str:
    return _table(
        ["category", *LAYERS],
        (
            [f"<td>{_e(category)}</td>", *(_rate_cell(rates[layer]) for layer in LAYERS)]
            for category, rates in report.categories.items()
        ),
    )


def _status_cell(case: CaseResult, layer: LayerName) -> str:
    result = case.layers[layer]
    if result.status == "pass":
        return '<td class="pass">pass</td>'
    if result.status == "n/a":
        return '<td class="na">n/a</td>'
    return f'<td class="fail" title="{_e(result.detail)}">{_e(result.error or "fail")}</td>'


def _case_details(case: CaseResult) -> str:
    parts = [
        f"<p class='muted'>outcome {_e(case.outcome)}; {case.n_turns} turn(s), "
        f"{case.n_calls} call(s); {case.latency_s:.2f} s</p>"
    ]
    failures = [
        f"<li>{layer} {_e(r.error)}: {_e(r.detail)}</li>"
        for layer, r in case.layers.items()
        if r.status == "fail"
    ]
    if failures:
        parts.append("<ul>" + "".join(failures) + "</ul>")
    if case.error:
        parts.append(f"<p class='fail'>{_e(case.error)}</p>")
    for turn in case.turns:
        stage = f" (failed at {_e(turn.stage)})" if turn.stage else ""
        parts.append(f"<p>turn {turn.turn}: {_e(turn.kind)}{stage}</p>")
        shown = turn.code if turn.code is not None else turn.reply
        parts.append(f"<pre>{_e(_cut(shown))}</pre>")
        if turn.result:
            parts.append(f"<pre class='muted'>{_e(_cut(turn.result))}</pre>")
    return "".join(parts)


def _case_table(cases: Sequence[CaseResult], repeat: int) -> str:
    rows = []
    for case in cases:
        label = _e(case.case_id) if repeat == 1 else f"{_e(case.case_id)} #{case.repeat}"
        summary = f"<details><summary>{label}</summary>{_case_details(case)}</details>"
        rows.append(
            [
                f"<td>{summary}</td>",
                f"<td>{_e(case.category)}</td>",
                *(_status_cell(case, layer) for layer in LAYERS),
            ]
        )
    return _table(["case", "category", *LAYERS], rows)


def _page(title: str, body: list[str]) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def report_html(report: EvalReport) -> str:
    """The report of one run: layer bars, category table, error types, latency, every case."""
    base = report.base_cases()
    title = f"punie eval: {report.model} on {report.suite}"
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p>{len({c.case_id for c in base})} cases, {len(report.cases)} runs (repeat "
        f"{report.repeat}, perturb {'on' if report.perturb else 'off'}), {report.workers} "
        f"worker(s), seed {report.seed}, temperature {report.temperature}, max tokens "
        f"{report.max_tokens or 'default'}; started "
        f"{_e(report.created)}, {report.duration_s:.1f} s.</p>",
        f"<p><b>Strict</b> (every layer that applies passed): {format_rate(report.strict)}. "
        f"<b>Single-shot</b>: {format_rate(report.single_shot)}.</p>",
        "<h2>Layers</h2>",
        _layer_chart(dict(report.layers), "Pass rate per layer"),
        _layer_table(report),
        "<h2>Categories</h2>",
        _category_table(report),
        "<h2>Error types</h2>",
        _error_chart(report) or "<p>No failures.</p>",
    ]
    if report.perturbation:
        body += [
            "<h2>Robustness</h2><p>Rate under each prompt variant minus the base rate.</p>",
            _table(
                ["variant", *LAYERS],
                (
                    [
                        f"<td>{_e(variant)}</td>",
                        *(
                            f'<td class="rate">{format_delta(deltas[layer])}</td>'
                            for layer in LAYERS
                        ),
                    ]
                    for variant, deltas in report.perturbation.items()
                ),
            ),
        ]
    body += [
        "<h2>Latency and cost</h2>",
        _latency_chart(base, report),
        f"<p>Turns per case {report.turns_mean:.2f}, bridge calls per case "
        f"{report.calls_mean:.2f}; tokens {report.prompt_tokens} prompt, "
        f"{report.completion_tokens} completion; evaluator overhead per case (median) "
        f"{report.overhead_p50_s * 1000:.2f} ms.</p>",
        "<h2>Cases</h2><p>Open a case for its turns; hover a failed layer for the detail.</p>",
        _case_table(base, report.repeat),
    ]
    return _page(title, body)


def comparison_html(comparison: Comparison, *, margin: float = 0.02) -> str:
    """Per-layer bars of both runs with the deltas, per-category deltas, and the verdict."""
    verdict = comparison.verdict(margin)
    title = f"punie eval compare: {comparison.candidate} against {comparison.baseline}"
    layer_rows = []
    for layer, delta in [*comparison.layers.items(), ("strict", comparison.strict)]:
        name = f"{layer} {LAYER_TITLES[layer]}" if layer in LAYER_TITLES else layer
        layer_rows.append(
            [
                f"<td>{name}</td>",
                _rate_cell(delta.baseline),
                _rate_cell(delta.candidate),
                f'<td class="rate">{format_delta(delta.delta)}</td>',
            ]
        )
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p class='{'ok' if verdict.ok else 'worse'}'><b>Verdict: "
        f"{'OK' if verdict.ok else 'WORSE'}</b>: {_e(verdict.message)}.</p>",
        "<h2>Layers</h2>",
        _comparison_chart(comparison),
        _table(["layer", "baseline", "candidate", "delta"], layer_rows),
        "<h2>Categories (delta per layer)</h2>",
        _table(
            ["category", *LAYERS],
            (
                [
                    f"<td>{_e(category)}</td>",
                    *(
                        f'<td class="rate">{format_delta(deltas[layer].delta)}</td>'
                        for layer in LAYERS
                    ),
                ]
                for category, deltas in comparison.categories.items()
            ),
        ),
    ]
    return _page(title, body)
