"""Every example of the cst and validator bridges runs against the sample workspace as stated."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges import BridgeExample, sample_workspace
from bridges.cst import BRIDGES as CST_BRIDGES
from bridges.validators import BRIDGES as VALIDATOR_BRIDGES
from tests.bridges.validators.validator_helpers import bound_functions, family_examples, run_example

OURS = (*CST_BRIDGES, *VALIDATOR_BRIDGES)
CASES = family_examples(OURS)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One read-only copy for all examples: none of them writes (the session is read-only)."""
    return sample_workspace(tmp_path_factory.mktemp("examples") / "shop")


@pytest.mark.parametrize("bridge", OURS, ids=lambda bridge: bridge.name)
def test_every_bridge_ships_enough_examples(bridge) -> None:
    single = [example for example in bridge.examples if not example.multi_turn]
    multi = [example for example in bridge.examples if example.multi_turn]
    assert len(single) >= 8, f"{bridge.name} has {len(single)} single-turn examples"
    assert len(multi) >= 4, f"{bridge.name} has {len(multi)} multi-turn examples"
    for example in multi:
        assert any(bridge.name in step.snippet for step in example.steps)
    for example in single:
        assert bridge.name in example.steps[0].snippet


@pytest.mark.parametrize(
    ("name", "index", "example"), CASES, ids=[f"{name}-{index}" for name, index, _ in CASES]
)
def test_example_runs_as_stated(
    workspace: Path, name: str, index: int, example: BridgeExample
) -> None:
    assert run_example(example, bound_functions(workspace)) == []
