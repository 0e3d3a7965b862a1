"""Every navigation example runs in the real sandbox against the sample workspace.

A multi-turn example runs its steps in one sandbox session (the namespace carries over, as it
does for a model); each step must succeed or fail as stated and show the expected whole lines
(output as ``bridges._examples`` defines it: printed output, last value, error message).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeContext, BridgeExample
from bridges.navigation import BRIDGES
from sandbox import Sandbox

pytestmark = pytest.mark.slow

EXAMPLES = [
    pytest.param(example, id=example.id) for record in BRIDGES for example in record.examples
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
            parts = [result.stdout, "" if result.value is None else str(result.value)]
            if result.error is not None:
                parts.append(result.error.message)
            shown = "\n".join(parts)
            assert result.ok == step.expect_ok, f"step {number}: {shown}"
            assert step.unmet(shown) == (), f"step {number} printed {shown!r}"
