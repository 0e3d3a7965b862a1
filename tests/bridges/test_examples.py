"""Every bridge ships examples, and every example is true of the sample workspace.

For each registered bridge (all families): at least 8 single-turn and 4 multi-turn examples in
which it takes part (a call to it appears in a snippet); every snippet passes the pre-run check;
every step runs in the real ``Sandbox`` with ``default_bridges(<shop workspace>)`` and has the
stated outcome (``expect_ok``, each ``expect_lines`` entry equal to a whole line of the output —
printed output, last value, error message — and each ``expect_contains`` text in it). Examples that call a writing bridge run with writing allowed,
each in a fresh copy of the workspace.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeExample, default_bridges, registry, sample_workspace
from sandbox import Limits, RunResult, Sandbox, precheck

RECORDS = registry()
WRITING_BRIDGES = {record.name for record in RECORDS if record.writes}
ALL_EXAMPLES: list[tuple[str, int, BridgeExample]] = [
    (record.name, index, example)
    for record in RECORDS
    for index, example in enumerate(record.examples)
]


def called(example: BridgeExample) -> set[str]:
    names: set[str] = set()
    for step in example.steps:
        for node in ast.walk(ast.parse(step.snippet)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                names.add(node.func.id)
    return names


def writes(example: BridgeExample) -> bool:
    return bool(called(example) & WRITING_BRIDGES)


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: record.name)
def test_each_bridge_takes_part_in_enough_examples(record) -> None:
    single = [e for _, _, e in ALL_EXAMPLES if not e.multi_turn and record.name in called(e)]
    multi = [e for _, _, e in ALL_EXAMPLES if e.multi_turn and record.name in called(e)]
    assert len(single) >= 8, f"{record.name} takes part in {len(single)} single-turn examples"
    assert len(multi) >= 4, f"{record.name} takes part in {len(multi)} multi-turn examples"


def test_example_requests_are_not_repeated() -> None:
    requests = [example.request for _, _, example in ALL_EXAMPLES]
    repeated = {request for request in requests if requests.count(request) > 1}
    assert not repeated


def test_every_snippet_passes_the_precheck(tmp_path: Path) -> None:
    functions = default_bridges(tmp_path, allow_write=True)
    problems = []
    for name, index, example in ALL_EXAMPLES:
        for number, step in enumerate(example.steps, start=1):
            issues = precheck(step.snippet, functions)
            if issues:
                problems.append(f"{name}[{index}] step {number}: {issues}")
    assert problems == []


@pytest.fixture(scope="module")
def shared_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """One read-only workspace and sandbox for all examples that do not write."""
    workspace = sample_workspace(tmp_path_factory.mktemp("examples") / "shop")
    with Sandbox(default_bridges(workspace), Limits(timeout_s=120.0)) as sandbox:
        yield sandbox


def rendered(result: RunResult) -> str:
    parts = [result.stdout, "" if result.value is None else str(result.value)]
    if result.error is not None:
        parts.append(result.error.message)
    return "\n".join(parts)


def check(sandbox: Sandbox, example: BridgeExample) -> None:
    for number, step in enumerate(example.steps, start=1):
        result = sandbox.run(step.snippet)
        text = rendered(result)
        assert result.ok == step.expect_ok, f"step {number}: {text}"
        assert step.unmet(text) == (), f"step {number} printed {text!r}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "example",
    [example for _, _, example in ALL_EXAMPLES if not writes(example)],
    ids=[example.id for _, _, example in ALL_EXAMPLES if not writes(example)],
)
def test_read_only_example_runs_as_stated(shared_sandbox: Sandbox, example: BridgeExample) -> None:
    check(shared_sandbox, example)


@pytest.mark.slow
@pytest.mark.parametrize(
    "example",
    [example for _, _, example in ALL_EXAMPLES if writes(example)],
    ids=[example.id for _, _, example in ALL_EXAMPLES if writes(example)],
)
def test_writing_example_runs_as_stated(tmp_path: Path, example: BridgeExample) -> None:
    workspace = sample_workspace(tmp_path / "shop")
    with Sandbox(
        default_bridges(workspace, allow_write=True), Limits(timeout_s=120.0), pool_size=1
    ) as sandbox:
        check(sandbox, example)
