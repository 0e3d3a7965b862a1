"""The standard suite: its size, its spread over categories, bridges and workspaces, its pins.

Issue 14 asks for at least 100 cases over every registered bridge and every category, at least a
quarter of them against a fixture workspace other than the sample, pinned results that are valid
contract JSON, and queries held out from the bridges' own training examples. Whether each case's
reference turns are *true* of its workspace is checked by running them (the oracle test).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path

import pytest

from bridges import registry
from evals._load import load_suite
from evals._schema import CATEGORIES, Case
from evals._workspaces import prepare_workspace

SUITE = load_suite("standard")
RECORDS = {record.name: record for record in registry()}


def called_bridges(case: Case) -> set[str]:
    return {call.bridge for call in case.calls}


def normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def test_the_suite_has_at_least_100_cases() -> None:
    assert len(SUITE.cases) >= 100


def test_every_category_has_several_cases() -> None:
    per_category: Counter[str] = Counter(case.category for case in SUITE.cases)
    assert {category: per_category[category] >= 5 for category in CATEGORIES} == dict.fromkeys(
        CATEGORIES, True
    ), per_category


def test_every_registered_bridge_is_expected_by_some_case() -> None:
    expected = set().union(*(called_bridges(case) for case in SUITE.cases))
    assert sorted(set(RECORDS) - expected) == []


def test_every_expected_bridge_is_a_registered_bridge() -> None:
    expected = set().union(*(called_bridges(case) for case in SUITE.cases))
    assert sorted(expected - set(RECORDS)) == []


def test_a_quarter_of_the_cases_run_against_another_workspace() -> None:
    per_workspace = Counter(case.workspace for case in SUITE.cases)
    elsewhere = len(SUITE.cases) - per_workspace["shop"]
    assert elsewhere * 4 >= len(SUITE.cases), per_workspace


def test_the_second_workspace_covers_every_category() -> None:
    categories = {case.category for case in SUITE.cases if case.workspace == "meteo"}
    assert sorted(set(CATEGORIES) - categories) == []


def test_every_pinned_result_validates_against_its_bridge_result_model() -> None:
    problems = []
    pins = 0
    for case in SUITE.cases:
        for pin in case.pinned:
            if pin.result is None:
                continue
            pins += 1
            model = RECORDS[pin.bridge].result
            try:
                model.model_validate(pin.result)
            except ValueError as error:
                problems.append(f"{case.id}: {pin.bridge}: {error}")
    assert problems == []
    assert pins >= 10


def test_every_multi_turn_case_pins_a_result_and_says_what_comes_next() -> None:
    unpinned = [c.id for c in SUITE.cases if c.category == "multi_turn" and not c.pinned]
    no_next = [
        case.id
        for case in SUITE.cases
        for pin in case.pinned
        if case.category == "multi_turn" and pin.next is None
    ]
    assert (unpinned, no_next) == ([], [])


def test_pinned_bridges_are_expected_calls_of_their_case() -> None:
    stray = [
        f"{case.id}: {pin.bridge}"
        for case in SUITE.cases
        for pin in case.pinned
        if pin.bridge not in called_bridges(case)
    ]
    assert stray == []


def test_queries_are_not_copies_of_bridge_example_requests() -> None:
    examples = [
        normalised(example.request) for record in RECORDS.values() for example in record.examples
    ]
    near = []
    for case in SUITE.cases:
        query = normalised(case.query)
        close = difflib.get_close_matches(query, examples, n=1, cutoff=0.8)
        if close:
            near.append(f"{case.id}: {case.query!r} ~ {close[0]!r}")
    assert near == []


def test_queries_are_unique() -> None:
    queries = Counter(normalised(case.query) for case in SUITE.cases)
    assert [query for query, count in queries.items() if count > 1] == []


def test_the_meteo_workspace_is_prepared_with_its_history(tmp_path: Path) -> None:
    from bridges import run_tool

    root = prepare_workspace("meteo", tmp_path / "meteo")

    def git(*args: str) -> str:
        return run_tool("git", list(args), cwd=root, timeout_s=30.0, ok_returncodes=(0,)).stdout

    assert git("log", "--format=%ad %s", "--date=short").splitlines() == [
        "2026-03-02 Add the station dashboard",
        "2026-02-23 Store readings as CSV lines",
        "2026-02-16 Add frost and heat alerts",
        "2026-02-09 Add statistics over readings",
        "2026-02-02 Start meteo: readings and unit conversions",
    ]
    assert git("status", "--porcelain").splitlines() == [" M src/meteo/alerts.py"]
    assert git("diff", "--unified=0", "--no-color").splitlines()[-2:] == [
        "-HEAT_THRESHOLD = 30.0",
        "+HEAT_THRESHOLD = 32.0",
    ]
    # The facts sheet and the history file stay out of the copy: a model must not read answers.
    assert sorted(p.name for p in root.iterdir()) == [
        ".git",
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src",
        "tests",
    ]


@pytest.mark.parametrize("workspace", ["meteo"])
def test_every_case_of_the_second_workspace_names_it(workspace: str) -> None:
    cases = [case for case in SUITE.cases if case.id.startswith(f"{workspace}-")]
    assert {case.workspace for case in cases} == {workspace}
