"""Examples of each core bridge: its single-turn examples plus the multi-turn sequences it owns.

A multi-turn sequence is listed once, under the bridge it starts with, but counts for every bridge
it calls (``tests/bridges/test_examples.py`` finds the calls in the snippets).
"""

from __future__ import annotations

import ast

from bridges._core._examples_multi import MULTI, WRITING
from bridges._core._examples_single import SINGLE
from bridges._examples import BridgeExample

__all__ = ["examples_for"]


def examples_for(name: str) -> tuple[BridgeExample, ...]:
    """The single-turn examples of ``name`` and the multi-turn ones whose first call is ``name``."""
    owned = tuple(example for example in (*MULTI, *WRITING) if _first_call(example) == name)
    return (*SINGLE.get(name, ()), *owned)


def _first_call(example: BridgeExample) -> str | None:
    for node in ast.walk(ast.parse(example.steps[0].snippet)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id
    return None
