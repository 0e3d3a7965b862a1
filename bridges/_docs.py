"""The reference part of docs/bridges.md, rendered from the bridge records.

``render_reference()`` returns Markdown for every registered bridge: its stub (signature and
docstring, exactly as the model sees it), its result contract's fields, one example, and its
failure modes. ``tests/bridges/test_docs.py`` checks that docs/bridges.md ends with exactly this
text; rewrite it with ``PUNIE_UPDATE_DOCS=1 uv run pytest tests/bridges/test_docs.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pydantic import BaseModel

from bridges._bridge import Bridge, BridgeContext
from bridges._examples import BridgeExample
from bridges._registry import registry
from sandbox import render_stub

__all__ = ["REFERENCE_MARKER", "render_reference", "render_section"]

REFERENCE_MARKER = "<!-- Everything below is generated from the bridge records. Do not edit. -->"


def render_reference() -> str:
    """The generated reference: one section per registered bridge, in registry order."""
    parts = [REFERENCE_MARKER, "", "## Reference", ""]
    parts += [render_section(record) for record in registry()]
    return "\n".join(parts).rstrip() + "\n"


def render_section(record: Bridge) -> str:
    """The reference section of one bridge."""
    context = BridgeContext(workspace=Path("/workspace"), allow_write=True)
    return _bridge(record, context, _multi_turn_count(record.name))


def _multi_turn_count(name: str) -> int:
    count = 0
    for record in registry():
        for example in record.examples:
            if example.multi_turn and name in _called(example):
                count += 1
    return count


def _called(example: BridgeExample) -> set[str]:
    names: set[str] = set()
    for step in example.steps:
        for node in ast.walk(ast.parse(step.snippet)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                names.add(node.func.id)
    return names


def _bridge(record: Bridge, context: BridgeContext, multi_count: int) -> str:
    lines = [f"### `{record.name}`", ""]
    if record.writes:
        lines += ["Writes files: offered only with `allow_write=True`.", ""]
    lines += ["```text", render_stub(record.bind(context), with_models=False).rstrip(), "```", ""]
    if isinstance(record.result, type) and issubclass(record.result, BaseModel):
        lines += [f"Returns `{record.result.__name__}`:", ""]
        for name, field in record.result.model_fields.items():
            lines.append(f"- `{name}`: {field.description or ''}".rstrip())
        lines.append("")
    single = [example for example in record.examples if not example.multi_turn]
    if single:
        example = single[0]
        lines += [f"Example: *{example.request}*", "", "```text", example.steps[0].snippet.rstrip()]
        lines += ["```", "", f"Answer: {example.answer}", ""]
    lines.append(
        f"Examples: {len(single)} single-turn in this record; takes part in {multi_count} "
        "multi-turn sequences."
    )
    lines.append("")
    if record.failures:
        lines += ["Failure modes:", ""]
        lines += [f"- {failure}" for failure in record.failures]
        lines.append("")
    return "\n".join(lines)
