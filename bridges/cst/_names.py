"""Small helpers on LibCST expressions shared by the finders and the validators."""

from __future__ import annotations

import libcst as cst

__all__ = ["dotted_name", "import_module_name"]


def dotted_name(node: cst.BaseExpression | cst.Name | cst.Attribute) -> str | None:
    """``a.b.c`` for a chain of names and attributes; None for anything else (calls, subscripts)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


def import_module_name(node: cst.ImportFrom) -> str:
    """The module of a ``from ... import`` with its leading dots: ``..models``, ``shop.models``."""
    dots = "." * len(node.relative)
    module = dotted_name(node.module) if node.module is not None else ""
    return f"{dots}{module or ''}"
