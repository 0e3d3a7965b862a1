"""A case's ``bridges = "<profile>"`` resolves through ``runtime.profiles``: one definition."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import EVAL_PROFILES, PROFILE_ALIASES, PROFILES, SuiteError, load_suite
from runtime.profiles import PROFILES as RUNTIME_PROFILES

CASE = """
[[case]]
id = "p-one"
category = "single_bridge"
query = "How many type errors are in shop?"
expect = "tool"
bridges = "{profile}"
answer = {{ number = 3 }}

[[case.calls]]
bridge = "typecheck"

[case.reference]
snippets = ["print(typecheck(path='shop').error_count)"]
answer = "3 errors."
"""


def test_runtime_profiles_are_used_as_they_are() -> None:
    for name, profile in RUNTIME_PROFILES.items():
        assert PROFILES[name] is profile
    assert PROFILES["all"] is RUNTIME_PROFILES["full"]
    assert PROFILE_ALIASES == {"all": "full"}
    assert not set(EVAL_PROFILES) & set(RUNTIME_PROFILES), "an evals profile shadows a runtime one"
    assert list(PROFILES) == [*RUNTIME_PROFILES, "all", *EVAL_PROFILES]


@pytest.mark.parametrize("name", ["core", "quality", "all"])
def test_a_case_offers_its_profiles_selection(name: str, tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    path.write_text(CASE.format(profile=name), encoding="utf-8")
    (case,) = load_suite(path).cases
    assert case.selection == PROFILES[name].bridges


def test_an_unknown_profile_is_refused_with_the_names(tmp_path: Path) -> None:
    path = tmp_path / "case.toml"
    path.write_text(CASE.format(profile="tiny"), encoding="utf-8")
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    assert str(caught.value) == (
        f"{path}: case 'p-one': field bridges: unknown profile 'tiny'; the profiles are "
        f"{', '.join(PROFILES)} (or give a list of bridge names) (got 'tiny')"
    )
