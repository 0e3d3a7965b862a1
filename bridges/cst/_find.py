"""``cst_find_pattern``: find syntax nodes by kind and (glob) name across workspace files."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import cast, get_args

import libcst as cst

from bridges._record import BridgeContext
from bridges.cst._cache import MODULE_CACHE, ParsedSource
from bridges.cst._errors import PatternError
from bridges.cst._names import dotted_name, import_module_name
from bridges.cst._workspace import python_files, relative_to_workspace
from parsers.contracts.cst import CstFindResult, CstMatch, PatternKind

__all__ = ["KINDS", "find_pattern", "parse_pattern"]

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
    parsed: ParsedSource, relative: str, kind: PatternKind, node: cst.CSTNode, name: str
) -> CstMatch:
    lines = parsed.lines()
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        # The node starts at its first decorator; point at the 'def'/'class' line instead.
        line = parsed.positions()[node.name].start.line
        text = lines[line - 1] if line - 1 < len(lines) else ""
        column = len(text) - len(text.lstrip())
    else:
        start = parsed.positions()[node].start
        line, column = start.line, start.column
        text = lines[line - 1] if line - 1 < len(lines) else ""
    return CstMatch(
        file=relative,
        line=line,
        column=column + 1,
        kind=kind,
        name=name,
        code=text[column:].rstrip()[:120],
    )


def find_pattern(context: BridgeContext, *, pattern: str, path: str, limit: int) -> CstFindResult:
    """Every node matching ``pattern`` in the Python files under ``path``, in file/line order."""
    kind, glob = parse_pattern(pattern)
    files = python_files(context.workspace, path)
    matches: list[CstMatch] = []
    truncated = False
    searched = 0
    for file in files:
        searched += 1
        relative = relative_to_workspace(context.workspace, file)
        parsed = MODULE_CACHE.parse_file(file, display=relative)

        def collect(
            parsed: ParsedSource = parsed, relative: str = relative
        ) -> tuple[CstMatch, ...]:
            collector = _Collector(kind, glob)
            parsed.module.visit(collector)
            found = [_match(parsed, relative, kind, node, name) for node, name in collector.found]
            return tuple(sorted(found, key=lambda match: (match.line, match.column)))

        found = MODULE_CACHE.derived(("find", kind, glob, relative, parsed.digest), collect)
        room = limit - len(matches)
        if len(found) > room:
            matches.extend(found[:room])
            truncated = True
            break
        matches.extend(found)
    return CstFindResult(
        pattern=f"{kind}:{glob}",
        match_count=len(matches),
        matches=matches,
        files_searched=searched,
        truncated=truncated,
    )
