"""The thorough pre-run check: ``ty`` on the snippet against the host functions' stubs.

``sandbox.precheck`` catches the common slips without leaving the process; this option asks the
real type checker instead, which also sees wrong argument types, ``None`` handling and misuse of
standard-library functions. It costs a ``ty`` process per snippet, so it is opt-in.

The stubs become a ``.pyi`` module that the snippet star-imports, so the snippet's line numbers
shift by exactly one; diagnostics in the stubs themselves are ours, not the model's, and are
dropped.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bridges._errors import ToolOutputError
from bridges._runner import run_tool, tool_version
from sandbox import HostFunction, PrecheckIssue, render_stubs

__all__ = ["typecheck_snippet"]

_STUB_MODULE = "punie_host_functions"
_HEADER = "from typing import Any, Literal\n\n"
_SNIPPET_FILE = "snippet.py"


def typecheck_snippet(
    source: str, host_functions: Iterable[HostFunction | Any], *, timeout_s: float = 30.0
) -> list[PrecheckIssue]:
    """Type-check ``source`` with ``ty`` as if the host functions were imported.

    Returns one ``PrecheckIssue`` per diagnostic on the snippet's own lines, with the snippet's
    line numbers, ty's message and rule name, and code ``"syntax"`` for syntax errors, ``"type"``
    for everything else. A missing or failing ``ty`` raises a ``bridges.ToolError``.
    """
    # Imported here: ``import bridges`` loads this module, and importing the whole ``parsers``
    # package would slow every run for what only a snippet check needs (issue 11, finding 14).
    from parsers import ParseError, parse_ty_gitlab

    with tempfile.TemporaryDirectory(prefix="punie-snippet-") as folder:
        root = Path(folder)
        (root / f"{_STUB_MODULE}.pyi").write_text(
            _HEADER + render_stubs(host_functions), encoding="utf-8"
        )
        (root / _SNIPPET_FILE).write_text(
            f"from {_STUB_MODULE} import *  # noqa\n{source}", encoding="utf-8"
        )
        run = run_tool(
            "ty",
            ["check", "--output-format", "gitlab", "--python-version", "3.11", _SNIPPET_FILE],
            cwd=root,
            timeout_s=timeout_s,
        )
        try:
            result = parse_ty_gitlab(run.stdout, version=tool_version("ty"), root=str(root))
        except ParseError as error:
            raise ToolOutputError(str(error), tool="ty") from None
    issues = []
    for diagnostic in result.errors:
        if Path(diagnostic.file).name != _SNIPPET_FILE or diagnostic.line < 2:
            continue
        line = diagnostic.line - 1
        issues.append(
            PrecheckIssue(
                line=line,
                message=f"line {line}: {diagnostic.message} [{diagnostic.code}]",
                code="syntax" if diagnostic.code == "invalid-syntax" else "type",
            )
        )
    return issues
