"""The names a snippet binds, so that the next snippet's pre-run check knows them.

One definition for every caller that runs snippets one after another against the pre-run check:
the agent loop, the REPL, the MCP/ACP code sessions and the LoRA dataset builder.
"""

from __future__ import annotations

import ast

__all__ = ["bound_names"]


def bound_names(code: str) -> set[str]:
    """Names ``code`` assigns or defines (empty when it does not parse: the sandbox will say why)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names
