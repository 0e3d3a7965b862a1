"""Run bridge examples in-process: the pre-run check, then the snippet with the bound bridges.

The shared example test of the bridges package runs every example through the real sandbox; this
in-process runner is a fast second opinion for the cst and validator families, so that a broken
example is found by ``pytest tests/bridges/validators`` alone.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from bridges import Bridge, BridgeContext, BridgeExample, registry
from sandbox import HostFunction, HostFunctionError, Prechecker

__all__ = ["bound_functions", "family_examples", "run_example"]


def bound_functions(workspace: Path, *, allow_write: bool = False) -> dict[str, HostFunction]:
    context = BridgeContext(workspace=workspace.resolve(), allow_write=allow_write)
    return {record.name: record.bind(context) for record in registry()}


def run_example(example: BridgeExample, functions: dict[str, HostFunction]) -> list[str]:
    """Problems found running ``example`` (empty when it behaves as it states)."""
    problems: list[str] = []
    checker = Prechecker(functions.values())
    namespace: dict[str, object] = {name: fn.function for name, fn in functions.items()}
    for number, step in enumerate(example.steps, start=1):
        issues = checker.check(step.snippet)
        if issues:
            problems.append(f"step {number} fails the pre-run check: {issues}")
            continue
        output = io.StringIO()
        ok = True
        with contextlib.redirect_stdout(output):
            try:
                exec(compile(step.snippet, "<example>", "exec"), namespace)
            except HostFunctionError as error:
                ok = False
                print(error)
        rendered = output.getvalue()
        if ok != step.expect_ok:
            problems.append(f"step {number}: ok={ok}, expected {step.expect_ok}:\n{rendered}")
        missing = list(step.unmet(rendered)) if ok else []
        if missing:
            problems.append(f"step {number}: output lacks {missing}:\n{rendered}")
    return problems


def family_examples(bridges: tuple[Bridge, ...]) -> list[tuple[str, int, BridgeExample]]:
    return [
        (bridge.name, index, example)
        for bridge in bridges
        for index, example in enumerate(bridge.examples)
    ]
