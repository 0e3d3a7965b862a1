"""``cst_find_pattern``: find syntax nodes by kind and (glob) name across workspace files."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import cast, get_args

import libcst as cst

from bridges._bridge import BridgeContext
from bridges.cst._child_main import Source
from bridges.cst._errors import PatternError
from bridges.cst._fast_find import fast_matches
from bridges.cst._names import dotted_name, import_module_name
from bridges.cst._scan import scan
from parsers.contracts.cst import CstFindResult, CstMatch, PatternKind

__all__ = ["KINDS", "find_pattern", "literal_pieces", "matches_in_source", "parse_pattern"]

KINDS: tuple[str, ...] = get_args(PatternKind)


def parse_pattern(pattern: str) -> tuple[PatternKind, str]:
    """Split ``kind:name`` (name defaults to ``*``) and check the kind."""
    kind, _, name = pattern.strip().partition(":")
    kind, name = kind.strip(), name.strip() or "*"
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f"did you mean '{close[0]}:{name}'? " if close else ""
        raise PatternError(
            f"unknown pattern kind {kind!r} in {pattern!r}; {hint}"
            f"use 'KIND:NAME' with KIND one of {', '.join(KINDS)} (NAME may use * and ?)"
        )
    if any(char.isspace() for char in name):
        raise PatternError(
            f"pattern name {name!r} contains spaces; give one (dotted) name such as 'html' or "
            "'registry.register_factory', optionally with * wildcards"
        )
    return cast(PatternKind, kind), name


class _Collector(cst.CSTVisitor):
    """Collect ``(node, name)`` pairs of one kind whose name matches the glob."""

    def __init__(self, kind: PatternKind, glob: str) -> None:
        self.kind = kind
        self.glob = glob
        self.found: list[tuple[cst.CSTNode, str]] = []
        self.not_names: set[int] = set()
        """Names after a dot and keyword argument names: not 'name' matches (as in cst_rename)."""

    def _offer(self, node: cst.CSTNode, name: str | None, *alternatives: str) -> None:
        if name is None:
            return
        if any(fnmatchcase(candidate, self.glob) for candidate in (name, *alternatives)):
            self.found.append((node, name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.kind == "function":
            self._offer(node, node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.kind == "class":
            self._offer(node, node.name.value)

    def visit_Call(self, node: cst.Call) -> None:
        if self.kind == "call":
            name = dotted_name(node.func)
            last = name.rsplit(".", 1)[-1] if name else None
            self._offer(node, name, *([last] if last else []))

    def visit_Import(self, node: cst.Import) -> None:
        if self.kind == "import":
            for alias in node.names:
                module = dotted_name(alias.name)
                if module is not None:
                    self._offer(node, module, *_prefixes(module))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.kind == "import":
            module = import_module_name(node)
            names = (
                [dotted_name(alias.name) or "" for alias in node.names]
                if isinstance(node.names, Sequence)
                else ["*"]
            )
            stripped = module.lstrip(".")
            self._offer(
                node,
                module,
                *_prefixes(stripped),
                *(f"{stripped}.{name}" for name in names if stripped),
            )

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if self.kind == "decorator":
            target = node.decorator
            if isinstance(target, cst.Call):
                target = target.func
            self._offer(node, dotted_name(target))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.not_names.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if self.kind == "name" and id(node) not in self.not_names:
            self._offer(node, node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.not_names.add(id(node.attr))
        if self.kind == "attribute":
            full = dotted_name(node)
            self._offer(node, full or node.attr.value, node.attr.value)


def _prefixes(module: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b`` so that 'import:shop' also finds 'import shop.models'."""
    parts = module.split(".")
    return [".".join(parts[:index]) for index in range(1, len(parts))]


def _match(
    source: Source, kind: PatternKind, node: cst.CSTNode, name: str
) -> tuple[int, int, str, str]:
    lines = source.lines()
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        # The node starts at its first decorator; point at the 'def'/'class' line instead.
        line = source.positions()[node.name].start.line
        text = lines[line - 1] if line - 1 < len(lines) else ""
        column = len(text) - len(text.lstrip())
    else:
        start = source.positions()[node].start
        line, column = start.line, start.column
        text = lines[line - 1] if line - 1 < len(lines) else ""
    return line, column + 1, name, text[column:].rstrip()[:120]


def matches_in_source(
    source: Source, *, kind: PatternKind, glob: str, strict: bool = False
) -> list[list[object]]:
    """``[line, column, name, code]`` of every match in one file (runs in a parser child).

    A file whose text lacks a literal part of the name cannot match and is not parsed. The
    kinds ``ast`` can answer identically are answered by ``ast`` (far cheaper than LibCST);
    ``name`` and ``attribute``, and any file where ``ast`` might differ, use LibCST.
    ``strict`` (the one file asked about) parses even without the literal parts, so that a
    syntax error is reported rather than "no match".
    """
    if not strict and not all(piece in source.text for piece in literal_pieces(glob)):
        return []
    found = fast_matches(source.text, source.lines(), kind, glob)
    if found is None:
        collector = _Collector(kind, glob)
        source.module().visit(collector)
        found = [_match(source, kind, node, name) for node, name in collector.found]
    found.sort(key=lambda match: (match[0], match[1]))
    return [list(match) for match in found]


def literal_pieces(glob: str) -> list[str]:
    """Texts every file with a match must contain: the glob's literal runs, split at dots.

    The parts of a dotted name may be apart in the source (``registry . register``), so each
    part is tested alone; ``[...]`` classes, ``*`` and ``?`` are wildcards.
    """
    plain = re.sub(r"\[[^\]]*\]|[*?\[\]]", "\0", glob)
    return [piece for run in plain.split("\0") for piece in run.split(".") if piece]


def find_pattern(context: BridgeContext, *, pattern: str, path: str, limit: int) -> CstFindResult:
    """Every node matching ``pattern`` in the Python files under ``path``, in file/line order.

    Files are parsed in child processes (``scan``); a file that cannot be decoded or parsed, or
    that crashes the parser, is listed in ``skipped`` and the search goes on. At the call's time
    limit the files not done yet are skipped as 'timeout' and the rest is returned.
    """
    kind, glob = parse_pattern(pattern)
    pieces = [piece.encode() for piece in literal_pieces(glob)]
    scanned = scan(
        context,
        path=path,
        task=("find", kind, glob),
        bridge="cst_find_pattern",
        wanted=lambda data: all(piece in data for piece in pieces),
        unwanted=[],
    )
    matches: list[CstMatch] = []
    truncated = False
    searched = 0
    for relative, found in scanned.values:
        searched += 1
        room = limit - len(matches)
        rows = [
            CstMatch(file=relative, line=line, column=column, kind=kind, name=name, code=code)
            for line, column, name, code in found[: room + 1]
        ]
        if len(rows) > room:
            matches.extend(rows[:room])
            truncated = True
            break
        matches.extend(rows)
    return CstFindResult(
        pattern=f"{kind}:{glob}",
        match_count=len(matches),
        matches=matches,
        files_searched=searched,
        truncated=truncated,
        skipped=scanned.skipped,
    )
