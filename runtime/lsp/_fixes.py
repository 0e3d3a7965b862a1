"""Code actions for fixable findings, as workspace edits.

- A ruff diagnostic whose ``data.fixable`` is true gets "Fix <code> (ruff)": ``ruff check
  --fix-only --select <code>`` runs on the document's current text (through stdin, so unsaved
  edits count) and the difference becomes line-level text edits. Every fixable diagnostic also
  offers "Fix all auto-fixable problems (ruff)" (kind ``source.fixAll``) for the configured rules.
- A validator diagnostic with a suggestion gets "Add TODO: <suggestion>", which inserts the
  advice as a comment above the offending line (validators describe fixes in words, they do not
  compute edits; the comment keeps the advice next to the code until someone acts on it).
"""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types

from bridges import ToolCrashed, ToolTimeout, locate_tool, tool_environment

__all__ = ["code_actions", "ruff_fixed_text", "text_edits"]

_RULE = re.compile(r"^[A-Z]{1,4}[0-9]{0,4}$")


def ruff_fixed_text(
    *, workspace: Path, relative: str, text: str, select: Sequence[str], timeout_s: float
) -> str:
    """``text`` after ruff's safe fixes for ``select``; raises a ``ToolError`` on failure."""
    codes = [code for code in select if _RULE.match(code)]
    if not codes:
        return text
    argv = [
        str(locate_tool("ruff")),
        "check",
        "--no-cache",
        "--fix-only",
        "--exit-zero",
        "--select",
        ",".join(codes),
        "--stdin-filename",
        relative,
        "-",
    ]
    try:
        done = subprocess.run(
            argv,
            input=text.encode("utf-8"),
            capture_output=True,
            cwd=workspace,
            env=tool_environment(),
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolTimeout(
            f"ruff did not fix {relative} within {timeout_s:g} s", tool="ruff"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", errors="replace").strip()[-500:]
        raise ToolCrashed(f"ruff could not fix {relative}: {detail}", tool="ruff")
    return done.stdout.decode("utf-8")


def text_edits(old: str, new: str) -> list[types.TextEdit]:
    """Line-level edits turning ``old`` into ``new`` (whole lines, so no column arithmetic)."""
    before = old.splitlines(keepends=True)
    after = new.splitlines(keepends=True)
    edits: list[types.TextEdit] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            types.TextEdit(
                range=types.Range(
                    start=types.Position(line=i1, character=0),
                    end=types.Position(line=i2, character=0),
                ),
                new_text="".join(after[j1:j2]),
            )
        )
    return edits


def _edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def _data(diagnostic: types.Diagnostic) -> dict:
    data = diagnostic.data
    return data if isinstance(data, dict) else {}


def code_actions(
    *,
    workspace: Path,
    relative: str,
    uri: str,
    text: str,
    diagnostics: Sequence[types.Diagnostic],
    ruff_select: Sequence[str] | None,
    timeout_s: float,
    only: Sequence[str] = (),
) -> list[types.CodeAction]:
    """The quick fixes for ``diagnostics`` (those the editor sent for the requested range).

    ``only`` is the editor's ``context.only``: kinds are matched hierarchically, so ``source``
    admits ``source.fixAll``.
    """
    actions = _actions(
        workspace=workspace,
        relative=relative,
        uri=uri,
        text=text,
        diagnostics=diagnostics,
        ruff_select=ruff_select,
        timeout_s=timeout_s,
    )
    if not only:
        return actions
    return [action for action in actions if _kind_matches(action.kind, only)]


def _kind_matches(kind: object, only: Sequence[str]) -> bool:
    value = str(getattr(kind, "value", kind))
    return any(value == wanted or value.startswith(f"{wanted}.") for wanted in only)


def _actions(
    *,
    workspace: Path,
    relative: str,
    uri: str,
    text: str,
    diagnostics: Sequence[types.Diagnostic],
    ruff_select: Sequence[str] | None,
    timeout_s: float,
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    fixable = [
        d
        for d in diagnostics
        if d.source == "punie/ruff" and _data(d).get("fixable") and isinstance(d.code, str)
    ]
    seen: set[str] = set()
    for diagnostic in fixable:
        code = str(diagnostic.code)
        if code in seen:
            continue
        seen.add(code)
        fixed = ruff_fixed_text(
            workspace=workspace, relative=relative, text=text, select=[code], timeout_s=timeout_s
        )
        edits = text_edits(text, fixed)
        if edits:
            actions.append(
                types.CodeAction(
                    title=f"Fix {code} (ruff)",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[d for d in fixable if d.code == code],
                    edit=_edit(uri, edits),
                    is_preferred=True,
                )
            )
    if fixable:
        select = list(ruff_select) if ruff_select else sorted(seen)
        fixed = ruff_fixed_text(
            workspace=workspace, relative=relative, text=text, select=select, timeout_s=timeout_s
        )
        edits = text_edits(text, fixed)
        if edits:
            actions.append(
                types.CodeAction(
                    title="Fix all auto-fixable problems (ruff)",
                    kind=types.CodeActionKind.SourceFixAll,
                    diagnostics=fixable,
                    edit=_edit(uri, edits),
                )
            )
    lines = text.splitlines()
    for diagnostic in diagnostics:
        suggestion = _data(diagnostic).get("suggestion")
        source = diagnostic.source or ""
        if not suggestion or not source.startswith("punie/") or source == "punie/ruff":
            continue
        line = diagnostic.range.start.line
        current = lines[line] if line < len(lines) else ""
        indent = current[: len(current) - len(current.lstrip())]
        comment = f"{indent}# TODO({diagnostic.code}): {suggestion}\n"
        actions.append(
            types.CodeAction(
                title=f"Add TODO: {suggestion}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=_edit(
                    uri,
                    [
                        types.TextEdit(
                            range=types.Range(
                                start=types.Position(line=line, character=0),
                                end=types.Position(line=line, character=0),
                            ),
                            new_text=comment,
                        )
                    ],
                ),
            )
        )
    return actions
