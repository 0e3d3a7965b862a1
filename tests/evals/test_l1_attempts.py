"""L1 counts tool-call attempts, not noise: a blank reply or prose cut off at the length limit
tried nothing, a reply the runtime rejects as a broken tool call tried one. Through the real
Agent with scripted replies, on one tool case and one direct case of the standard suite."""

from __future__ import annotations

from typing import Any

import pytest

from evals import Case, load_suite, run_suite
from runtime import ScriptedModel

TOOL_CASE = "single-typecheck-shop-error-count"
DIRECT_CASE = "direct-yield-keyword"
BROKEN_CALL = "<tool_call>\nprint(1)\n</tool_call>"  # no <function=...> tag: rejected


def _l1(replies: list[str]) -> dict[str, tuple[str, str | None]]:
    suite = load_suite("standard").select([TOOL_CASE, DIRECT_CASE])

    def model_for(case: Case) -> Any:
        return ScriptedModel(list(replies), name="scripted")

    report = run_suite(suite, model=model_for, max_turns=len(replies))
    return {c.case_id: (c.layers["L1"].status, c.layers["L1"].error) for c in report.cases}


def test_blank_replies_try_no_tool_call() -> None:
    assert _l1(["   \n", "\n\n"]) == {
        TOOL_CASE: ("fail", "no_call"),
        DIRECT_CASE: ("pass", None),
    }


def test_a_broken_tool_call_is_an_attempt() -> None:
    assert _l1(["\n", BROKEN_CALL]) == {
        TOOL_CASE: ("pass", None),
        DIRECT_CASE: ("fail", "called_tool"),
    }


@pytest.mark.parametrize("answer", ["A generator function.", "It makes a generator."])
def test_a_direct_answer_is_answered_directly(answer: str) -> None:
    assert _l1([answer]) == {
        TOOL_CASE: ("fail", "answered_directly"),
        DIRECT_CASE: ("pass", None),
    }
