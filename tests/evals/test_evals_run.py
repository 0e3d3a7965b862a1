"""The runner and the scorer, end to end through the real Agent: the oracle scores 100% on every
layer of the template cases, and each fault model fails exactly the layers it should."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals import (
    LAYERS,
    SUITES_DIR,
    Case,
    EvalReport,
    EvalUsageError,
    ProgressUpdate,
    Suite,
    compare,
    load_suite,
    run_suite,
)
from runtime import ScriptedModel

TEMPLATES = (
    "direct-yield-keyword",
    "single-typecheck-shop-error-count",
    "identity-lint-codes-pricing",
    "field-failing-test-line",
    "cross-inventory-types-and-lint",
    "multi-status-then-diff",
    "irrelevant-book-restaurant",
    "recover-missing-settings-module",
    "edge-no-shipping-tests",
)
"""D1's template cases, one per category (their facts are the sample workspace's)."""


TEMPLATE_FILES = (
    "direct_answer",
    "single_bridge",
    "bridge_identity",
    "field_access",
    "cross_bridge",
    "multi_turn",
    "irrelevance",
    "error_recovery",
    "edge_case",
)


@pytest.fixture(scope="module")
def suite() -> Suite:
    """Only D1's template files, so that cases still being written elsewhere cannot break these
    tests (tests/evals/test_standard_suite.py covers the whole suite)."""
    cases = [
        case
        for name in TEMPLATE_FILES
        for case in load_suite(SUITES_DIR / "standard" / f"{name}.toml").cases
        if case.id in TEMPLATES
    ]
    return Suite(name="templates", cases=tuple(cases))


@pytest.fixture(scope="module")
def oracle(suite: Suite) -> EvalReport:
    return run_suite(suite, model="oracle", workers=2)


def applicable(case: Case) -> dict[str, bool]:
    tool = case.expect == "tool"
    return {
        "L0": tool,
        "L1": True,
        "L2": tool,
        "L3": tool and any(c.arguments for c in case.calls),
        "L4": tool and any(c.fields for c in case.calls),
        "L5": tool and case.multi_turn,
        "L6": case.answer is not None,
    }


def expected_layers(case: Case, fails: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """Layer -> (status, error type) when the layers in ``fails`` fail with those errors."""
    out: dict[str, tuple[str, str | None]] = {}
    for layer, applies in applicable(case).items():
        if not applies:
            out[layer] = ("n/a", None)
        elif layer in fails:
            out[layer] = ("fail", fails[layer])
        else:
            out[layer] = ("pass", None)
    return out


def fault_failures(fault: str, case: Case) -> dict[str, str]:
    """The documented effect of each fault model (evals/_models.py) on one case."""
    if case.expect == "direct":
        return {
            "extra_call": {"L1": "called_bridge"},
            "ignore_result": {"L6": "wrong_answer"},
        }.get(fault, {})
    if fault == "no_call":
        return {"L0": "no_call", "L1": "answered_directly"} | {
            layer: "no_call" for layer in ("L2", "L3", "L4", "L5")
        }
    if fault == "wrong_bridge":
        fails = {"L2": "wrong_bridge", "L3": "name", "L4": "missing_field"}
        return fails | ({"L5": "sequence"} if case.order == "sequence" else {})
    return {
        "bad_field": {"L0": "precheck", "L4": "unknown_field"},
        "extra_call": {"L2": "extra_bridge"},
        "bad_argument": {"L3": "value"},
        "ignore_result": {"L6": "wrong_answer"},
    }[fault]


def layers_of(report: EvalReport) -> dict[str, dict[str, tuple[str, str | None]]]:
    return {
        c.case_id: {layer: (r.status, r.error) for layer, r in c.layers.items()}
        for c in report.cases
    }


def test_the_oracle_scores_100_percent_on_every_layer(suite: Suite, oracle: EvalReport) -> None:
    assert layers_of(oracle) == {case.id: expected_layers(case, {}) for case in suite.cases}
    assert oracle.layers == dict.fromkeys(LAYERS, 1.0)
    assert (oracle.strict, oracle.single_shot < 1.0, len(oracle.cases)) == (1.0, True, 9)
    assert set(oracle.categories) == {case.category for case in suite.cases}


def test_the_report_records_what_the_model_did(oracle: EvalReport) -> None:
    case = next(c for c in oracle.cases if c.case_id == "multi-status-then-diff")
    assert [(t.turn, t.kind, t.stage) for t in case.turns] == [
        (1, "tool_call", None),
        (2, "tool_call", None),
        (3, "answer", None),
    ]
    assert [(c.turn, c.bridge, c.arguments, c.executed, c.ok) for c in case.calls] == [
        (1, "git_status", {}, True, True),
        (2, "git_diff", {"path": "shop/cart.py"}, True, True),
    ]
    assert "['shop/cart.py']" in (case.turns[0].result or "")  # the pinned result, not the sample
    assert case.fields_read == {
        "git_diff": ["files", "files.added"],
        "git_status": ["changes", "changes.path"],
    }
    assert (case.n_turns, case.n_calls, case.single_shot, case.outcome) == (3, 2, True, "success")
    recovery = next(c for c in oracle.cases if c.case_id == "recover-missing-settings-module")
    assert [t.stage for t in recovery.turns] == ["host_function", None, None]
    assert (recovery.single_shot, recovery.recovered) == (False, True)
    assert oracle.model_dump(mode="json")["layers"] == dict.fromkeys(LAYERS, 1.0)


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    ["no_call", "wrong_bridge", "bad_field", "extra_call", "bad_argument", "ignore_result"],
)
def test_each_fault_fails_exactly_its_layers(suite: Suite, fault: str) -> None:
    report = run_suite(suite, model=f"fault:{fault}", workers=2)
    assert layers_of(report) == {
        case.id: expected_layers(case, fault_failures(fault, case)) for case in suite.cases
    }


def test_compare_and_the_verdict(suite: Suite, oracle: EvalReport) -> None:
    worse = run_suite(suite.select(["single-*", "direct-*"]), model="fault:ignore_result")
    comparison = compare(oracle, worse)
    assert {layer: d.delta for layer, d in comparison.layers.items()} == {
        "L0": 0.0,
        "L1": 0.0,
        "L2": 0.0,
        "L3": 0.0,
        "L4": 0.0,
        "L5": None,
        "L6": -1.0,
    }
    verdict = comparison.verdict(margin=0.02)
    assert (verdict.ok, verdict.worse) == (False, {"L6": -1.0})
    assert verdict.message == "worse than the baseline by more than 0.020 on L6 -1.000"
    assert compare(oracle, oracle).verdict().ok
    assert comparison.categories["single_bridge"]["L6"].delta == -1.0


def test_progress_repeat_and_a_model_object(suite: Suite) -> None:
    updates: list[ProgressUpdate] = []
    small = suite.select(["direct-yield-keyword", "irrelevant-book-restaurant"])
    answers = {"direct-yield-keyword": "A generator.", "irrelevant-book-restaurant": "Sure!"}

    def model_for(case: Case) -> Any:
        return ScriptedModel([answers[case.id]], name="two-answers")

    report = run_suite(small, model=model_for, repeat=2, progress=updates.append)
    assert [(u.done, u.total) for u in updates] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert updates[-1].passed == 2
    assert (report.model, report.layers["L6"], sorted(report.spread)) == (
        "model_for",
        0.5,
        ["L1", "L6"],
    )
    assert [(c.repeat, c.seed) for c in report.cases] == [(0, 0), (0, 0), (1, 1), (1, 1)]


def test_perturbation_runs_each_variant_and_reports_the_delta(suite: Suite) -> None:
    report = run_suite(suite.select(["single-*"]), model="oracle", perturb=True)
    assert sorted({c.variant for c in report.cases}) == [
        "base",
        "other_selection",
        "reordered_stubs",
        "reworded_rules",
    ]
    assert report.perturbation["reworded_rules"] == {
        "L0": 0.0,
        "L1": 0.0,
        "L2": 0.0,
        "L3": 0.0,
        "L4": 0.0,
        "L5": None,
        "L6": 0.0,
    }


def test_bad_arguments_are_usage_errors(suite: Suite) -> None:
    with pytest.raises(EvalUsageError, match="unknown fault model 'fault:typo'"):
        run_suite(suite, model="fault:typo")
    with pytest.raises(EvalUsageError, match="model spec 'gpt' is not understood"):
        run_suite(suite, model="gpt")
    with pytest.raises(EvalUsageError, match="workers=0"):
        run_suite(suite, workers=0)


def test_a_model_whose_profile_the_case_cannot_offer_fails_that_case_only(suite: Suite) -> None:
    """An adapter trained on a profile (here ``hover`` only) meets a case that does not offer it:
    that case fails with the reason, the suite runs on (it used to end the whole run)."""
    from runtime import Profile

    small = suite.select(["direct-yield-keyword", "irrelevant-book-restaurant"])

    def model_for(case: Case) -> Any:
        model = ScriptedModel(["A generator."], name="core-adapter")
        if case.id == "irrelevant-book-restaurant":
            profile = Profile(name="hover-only", bridges=("hover",), stub_style="compact")
            model.profile = profile  # ty: ignore[missing-attribute]
        return model

    report = run_suite(small, model=model_for)
    errors = {c.case_id: (c.error or "").split(":")[0] for c in report.cases}
    assert errors == {
        "direct-yield-keyword": "",
        "irrelevant-book-restaurant": "ProfileMismatchError",
    }
    assert [c.passed for c in report.cases] == [True, False]


def test_promoted_runs_the_model_the_registry_names(
    suite: Suite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUNIE_DATA_DIR", str(tmp_path))
    with pytest.raises(EvalUsageError, match="no model has been promoted yet"):
        run_suite(suite.select(["direct-yield-keyword"]), model="promoted")
    (tmp_path / "models.json").write_text('{"promoted": "oracle"}')
    report = run_suite(suite.select(["direct-yield-keyword"]), model="promoted")
    assert (report.model, [c.passed for c in report.cases]) == ("oracle", [True])


def test_a_bad_argument_is_one_its_rule_refuses() -> None:
    """``fault:bad_argument`` must fail L3 even where ``"."`` is an accepted path."""
    from evals._models import _wrong_value
    from evals._schema import ArgumentRule

    accepts_root = ArgumentRule(one_of=["src/meteo/alerts.py", "."])
    assert _wrong_value(accepts_root, "src/meteo/alerts.py", "path") == "tests"
    assert _wrong_value(ArgumentRule(exact="shop"), "shop", "path") == "."
    assert _wrong_value(ArgumentRule(exact=3), 3, "limit") == 4
