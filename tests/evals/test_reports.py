"""The report files: Markdown, the self-contained HTML page, the Inspect AI log, reading back."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from evals import (
    SUITES_DIR,
    Case,
    EvalReport,
    EvalUsageError,
    Suite,
    compare,
    comparison_html,
    comparison_markdown,
    load_suite,
    read_report,
    report_html,
    report_markdown,
    report_summary,
    run_suite,
    write_reports,
)
from runtime import ScriptedModel

CASES = ("single-typecheck-shop-error-count", "multi-status-then-diff", "direct-yield-keyword")

URL = re.compile(r"https?://[^\s\"'<>)]*")
ALLOWED_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
"""The SVG namespaces: identifiers a browser never fetches."""


@pytest.fixture(scope="module")
def suite() -> Suite:
    cases = [
        case
        for name in ("single_bridge", "multi_turn", "direct_answer")
        for case in load_suite(SUITES_DIR / "standard" / f"{name}.toml").cases
        if case.id in CASES
    ]
    return Suite(name="three", cases=tuple(cases))


@pytest.fixture(scope="module")
def faulty(suite: Suite) -> EvalReport:
    return run_suite(suite, model="fault:bad_field")


@pytest.fixture(scope="module")
def oracle(suite: Suite) -> EvalReport:
    return run_suite(suite, model="oracle")


def test_markdown_summary_is_the_whole_table(faulty: EvalReport) -> None:
    text = report_markdown(faulty)
    assert text.splitlines()[0] == "# punie eval: fault:bad_field on three"
    layers = text.split("## Layers\n\n", 1)[1].split("\n\n", 1)[0]
    assert layers.splitlines() == [
        "| layer | rate | passed | failed | n/a | error types |",
        "| --- | --- | --- | --- | --- | --- |",
        "| L0 validity | 0.0% | 0 | 2 | 1 | precheck 2 |",
        "| L1 discrimination | 100.0% | 3 | 0 | 0 | - |",
        "| L2 selection | 100.0% | 2 | 0 | 1 | - |",
        "| L3 arguments | 100.0% | 2 | 0 | 1 | - |",
        "| L4 field access | 0.0% | 0 | 2 | 1 | unknown_field 2 |",
        "| L5 multi-turn | 100.0% | 1 | 0 | 2 | - |",
        "| L6 final answer | 100.0% | 3 | 0 | 0 | - |",
    ]
    failed = text.split("## Failed cases (2)\n\n", 1)[1].splitlines()
    assert failed == [
        "| case | category | failed layers | harness error |",
        "| --- | --- | --- | --- |",
        "| single-typecheck-shop-error-count | single_bridge | L0 precheck, L4 unknown_field |  |",
        "| multi-status-then-diff | multi_turn | L0 precheck, L4 unknown_field |  |",
    ]


def test_html_is_self_contained_with_the_charts(faulty: EvalReport) -> None:
    page = report_html(faulty)
    assert set(URL.findall(page)) <= ALLOWED_URLS
    assert "<script" not in page and "<link" not in page and "<img" not in page
    charts = re.findall(r'<figure aria-label="([^"]+)"><svg', page)
    assert charts == ["Pass rate per layer", "Error types per layer", "Latency distribution"]
    # matplotlib drew them (its SVG backend marks each figure), with the layers' labels as text
    assert page.count('<g id="figure_1">') == 3
    for label in ("L0 validity", "L6 final answer", "L4 unknown_field", "p95"):
        assert label in page
    assert "<td>single_bridge</td>" in page  # the per-category table
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_html_escapes_what_the_model_wrote(suite: Suite) -> None:
    hostile = "<script>alert('x')</script> <img src=https://evil.example/x.png>"

    def model(case: Case) -> ScriptedModel:
        return ScriptedModel([hostile], name="hostile")

    report = run_suite(suite.select(["direct-yield-keyword"]), model=model)
    page = report_html(report)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=https://evil.example/x.png&gt;" in page  # text, never fetched


def test_comparison_html_and_markdown_show_the_deltas(
    oracle: EvalReport, faulty: EvalReport
) -> None:
    comparison = compare(oracle, faulty)
    page = comparison_html(comparison)
    assert set(URL.findall(page)) <= ALLOWED_URLS
    assert re.findall(r'<figure aria-label="([^"]+)"><svg', page) == ["Per-layer rates and deltas"]
    assert (
        "Verdict: WORSE</b>: worse than the baseline by more than 0.020 on L0 -1.000, L4 -1.000"
        in page
    )
    text = comparison_markdown(comparison)
    layers = text.split("## Layers\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert layers == [
        "| layer | baseline | candidate | delta |",
        "| --- | --- | --- | --- |",
        "| L0 validity | 100.0% | 0.0% | -100.0 pts |",
        "| L1 discrimination | 100.0% | 100.0% | ±0.0 pts |",
        "| L2 selection | 100.0% | 100.0% | ±0.0 pts |",
        "| L3 arguments | 100.0% | 100.0% | ±0.0 pts |",
        "| L4 field access | 100.0% | 0.0% | -100.0 pts |",
        "| L5 multi-turn | 100.0% | 100.0% | ±0.0 pts |",
        "| L6 final answer | 100.0% | 100.0% | ±0.0 pts |",
        "| strict | 100.0% | 33.3% | -66.7 pts |",
    ]


def test_the_inspect_log_reads_back(faulty: EvalReport, suite: Suite, tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log

    queries = {case.id: (case.query, case.reference.answer) for case in suite.cases}
    files = write_reports(faulty, tmp_path, queries=queries)
    assert files.note is None and files.inspect == tmp_path / "inspect.eval"
    log = read_eval_log(str(files.inspect))
    assert log.status == "success"
    assert log.eval.task == "punie/three"
    assert log.eval.model == "punie/fault:bad_field"
    assert log.results is not None
    assert {s.name: s.metrics["accuracy"].value for s in log.results.scores} == {
        "L0": 0.0,
        "L1": 1.0,
        "L2": 1.0,
        "L3": 1.0,
        "L4": 0.0,
        "L5": 1.0,
        "L6": 1.0,
        "strict": pytest.approx(1 / 3),
    }
    assert log.samples is not None
    sample = {s.id: s for s in log.samples}["single-typecheck-shop-error-count"]
    assert sample.input == suite.case("single-typecheck-shop-error-count").query
    assert {name: score.value for name, score in (sample.scores or {}).items()} == {
        "L0": "I",
        "L1": "C",
        "L2": "C",
        "L3": "C",
        "L4": "I",
        "L6": "C",
        "strict": "I",
    }
    assert [m.role for m in sample.messages] == ["user", "assistant", "tool", "assistant"]


def test_without_inspect_ai_the_log_is_skipped_with_a_note(
    faulty: EvalReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "inspect_ai", None)  # import inspect_ai now fails
    files = write_reports(faulty, tmp_path)
    assert files.inspect is None
    assert files.note == (
        "no Inspect AI log written: inspect_ai is not installed (install the extra: "
        "pip install 'punie[inspect]')"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def test_reports_read_back_and_summarise(faulty: EvalReport, tmp_path: Path) -> None:
    files = write_reports(faulty, tmp_path / "out", inspect=False)
    assert read_report(tmp_path / "out") == faulty
    assert read_report(files.json) == faulty
    assert report_summary(faulty, files.json) == {
        "suite": "three",
        "model": "fault:bad_field",
        "cases": 3,
        "layers": {"L0": 0.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 0.0, "L5": 1.0, "L6": 1.0},
        "categories": {
            "direct_answer": {
                "L0": None,
                "L1": 1.0,
                "L2": None,
                "L3": None,
                "L4": None,
                "L5": None,
                "L6": 1.0,
            },
            "multi_turn": {
                "L0": 0.0,
                "L1": 1.0,
                "L2": 1.0,
                "L3": 1.0,
                "L4": 0.0,
                "L5": 1.0,
                "L6": 1.0,
            },
            "single_bridge": {
                "L0": 0.0,
                "L1": 1.0,
                "L2": 1.0,
                "L3": 1.0,
                "L4": 0.0,
                "L5": None,
                "L6": 1.0,
            },
        },
        "report": str(files.json),
    }


def test_a_report_that_is_not_one_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "report.json"
    bad.write_text('{"suite": "x"}', encoding="utf-8")
    with pytest.raises(EvalUsageError) as caught:
        read_report(tmp_path)
    assert str(caught.value) == (
        f"{bad} is not a punie evaluation report (22 problem(s), first at model: Field "
        "required); give a report.json written by 'punie eval run'"
    )


def test_every_report_says_how_replies_were_capped(faulty: EvalReport, tmp_path: Path) -> None:
    from inspect_ai.log import read_eval_log

    capped = faulty.model_copy(update={"max_tokens": 24})
    for report, shown in ((faulty, "default"), (capped, "24")):
        assert f"temperature {report.temperature}, max tokens {shown}, started" in (
            report_markdown(report)
        )
        assert f"temperature {report.temperature}, max tokens {shown}; started" in (
            report_html(report)
        )
    files = write_reports(capped, tmp_path)
    assert files.inspect is not None
    assert read_eval_log(str(files.inspect)).eval.metadata == {
        "seed": capped.seed,
        "temperature": capped.temperature,
        "max_tokens": 24,
    }
