"""Every navigation example runs in the real sandbox against the sample workspace.

A multi-turn example runs its steps in one sandbox session (the namespace carries over, as it
does for a model); each step must succeed or fail as stated and show the expected text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeContext, BridgeExample
from bridges.lsp import BRIDGES
from sandbox import Sandbox

pytestmark = pytest.mark.slow

EXAMPLES = [
    pytest.param(example, id=f"{record.name}-{index}")
    for record in BRIDGES
    for index, example in enumerate(record.examples)
]


@pytest.fixture(scope="module")
def sandbox(nav_workspace: Path) -> Iterator[Sandbox]:
    context = BridgeContext(workspace=nav_workspace)
    with Sandbox([record.bind(context) for record in BRIDGES], pool_size=1) as box:
        yield box


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs_as_stated(sandbox: Sandbox, example: BridgeExample) -> None:
    with sandbox.session() as session:
        for number, step in enumerate(example.steps, start=1):
            result = session.run(step.snippet)
            shown = result.stdout + ("" if result.value is None else repr(result.value))
            if result.error is not None:
                shown += result.error.message
            assert result.ok == step.expect_ok, f"step {number}: {shown}"
            for expected in step.expect_contains:
                assert expected in shown, f"step {number}: {expected!r} not in {shown!r}"
