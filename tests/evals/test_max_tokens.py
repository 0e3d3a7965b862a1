"""The reply cap of an evaluation run (``run_suite(max_tokens=...)``, ``punie eval run
--max-tokens``): it reaches the model's ``GenerationSettings`` in every run (repetitions and
perturbed prompts included), is recorded in the report, and a cap below 1 is refused.

The model is ``runtime.ScriptedModel``, which honours ``GenerationSettings.max_tokens`` the way a
real backend does (it cuts the reply at that many tokens and finishes with ``length``): what the
cap did is visible in the report's per-turn token counts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import VARIANTS, Case, EvalReport, EvalUsageError, Suite, load_suite, run_suite
from runtime import ScriptedModel
from tests.evals.cli_support import cli

CASE = "direct-yield-keyword"
LONG = "A generator function, one value at a time, " * 5
"""40 tokens for ``ScriptedModel`` (whitespace-separated chunks): an answer when uncapped."""
SHORT = "A generator."
"""2 tokens: the answer after the capped (hence rejected) first reply."""


@pytest.fixture(scope="module")
def suite() -> Suite:
    return load_suite("standard").select([CASE])


def scripted(case: Case) -> ScriptedModel:
    """A fresh model per run: its first reply is long, its second short."""
    return ScriptedModel([LONG, SHORT], name="long-then-short")


def turns(report: EvalReport) -> list[list[tuple[str, int]]]:
    """Per run: (kind, completion tokens) of each turn."""
    return [[(t.kind, t.completion_tokens) for t in case.turns] for case in report.cases]


def test_without_a_cap_the_model_default_applies_and_the_report_says_none(suite: Suite) -> None:
    report = run_suite(suite, model=scripted)
    assert report.max_tokens is None
    assert turns(report) == [[("answer", 40)]]


def test_a_cap_cuts_every_reply_and_is_recorded(suite: Suite) -> None:
    report = run_suite(suite, model=scripted, max_tokens=10)
    assert report.max_tokens == 10
    # cut at the cap, the first reply is not an answer: the model is told and tries again
    assert turns(report) == [[("rejected", 10), ("answer", 2)]]
    assert report.cases[0].turns[0].reply == " ".join(LONG.split()[:10])
    assert report.cases[0].completion_tokens == 12


def test_a_cap_above_the_runtime_default_is_honoured(suite: Suite) -> None:
    """The agent generates min(settings.max_tokens, limits.max_reply_tokens): the cap sets both,
    so 1,050 is not silently lowered to the default 1,024."""
    words = "word " * 1100

    def model(case: Case) -> ScriptedModel:
        return ScriptedModel([words, SHORT])

    report = run_suite(suite, model=model, max_tokens=1050)
    assert turns(report) == [[("rejected", 1050), ("answer", 2)]]


def test_the_cap_applies_to_every_repetition_and_perturbed_run(suite: Suite) -> None:
    report = run_suite(suite, model=scripted, max_tokens=10, repeat=2, perturb=True)
    runs = sorted((c.variant, c.repeat) for c in report.cases)
    assert runs == sorted([("base", 0), ("base", 1), *((v, 0) for v in VARIANTS[1:])])
    assert turns(report) == [[("rejected", 10), ("answer", 2)]] * len(runs)


@pytest.mark.parametrize("cap", [0, -3])
def test_a_cap_below_1_is_a_typed_error_naming_the_option(suite: Suite, cap: int) -> None:
    with pytest.raises(EvalUsageError) as raised:
        run_suite(suite, model=scripted, max_tokens=cap)
    assert str(raised.value) == (
        f"max_tokens={cap}: cap each model reply at 1 or more new tokens, or pass None for the "
        "runtime's default"
    )


def test_a_report_written_before_the_option_reads_as_uncapped(suite: Suite) -> None:
    data = run_suite(suite, model="oracle").model_dump(mode="json")
    del data["max_tokens"]
    assert EvalReport.model_validate(data).max_tokens is None


# -- punie eval run --max-tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "cap", "expected"),
    [
        ((), None, [("answer", 40)]),
        (("--max-tokens", "10"), 10, [("rejected", 10), ("answer", 2)]),
    ],
)
def test_the_flag_reaches_the_model_and_the_report(
    tmp_path: Path, flag: tuple[str, ...], cap: int | None, expected: list[tuple[str, int]]
) -> None:
    replies = tmp_path / "replies.json"  # a new path: the scripted model is new too
    replies.write_text(json.dumps([LONG, SHORT]))
    out = tmp_path / "out"
    done = cli(
        "eval", "run", "--suite", "standard", "--model", f"scripted:{replies}", "--cases", CASE,
        *flag, "--no-inspect", "--out", out, "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["max_tokens"] == cap
    assert [(t["kind"], t["completion_tokens"]) for t in report["cases"][0]["turns"]] == expected


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_bad_flag_value_exits_2_naming_the_flag(value: str) -> None:
    done = cli("eval", "run", "--suite", "standard", "--model", "oracle", "--max-tokens", value)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"punie eval run: error: argument --max-tokens: '{value}' is not a positive whole number"
    )
    assert done.stdout == ""


def test_the_help_says_what_the_flag_caps_and_when_to_use_it() -> None:
    done = cli("eval", "run", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert (
        "--max-tokens N cap every model reply at N new tokens (default: the runtime's 1,024), in "
        "every repetition and perturbed run; for a quick smoke run or a slow local model."
    ) in text
