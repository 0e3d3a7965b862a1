"""``cst_find_pattern`` answered with ``ast``, where its answer is the one LibCST would give.

Parsing with LibCST costs about ten times ``ast.parse``; for the kinds function, class, call,
import and decorator, ``ast`` sees the same nodes at the same places, so the finder uses it and
keeps LibCST for ``name`` and ``attribute`` (whose LibCST nodes ``ast`` has no positions for).
Where the two could differ, ``fast_matches`` returns None and the caller uses LibCST for that
file: a file ``ast`` cannot parse, text that Python normalises (NFKC identifiers), a ``def`` or
``@`` continued onto another line, and matches inside f-strings (whose positions Python 3.11
does not report reliably). ``benchmarks/cst.py`` checks the identity on rich and Django.

Columns: ``ast`` counts UTF-8 bytes, LibCST characters; lines for the ``code`` field come from
``str.splitlines`` as in the LibCST path, so both give the same text.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from fnmatch import fnmatchcase

__all__ = ["FAST_KINDS", "fast_matches"]

FAST_KINDS = frozenset({"function", "class", "call", "import", "decorator"})
_NEWLINES = re.compile(r"\r\n|\r|\n")


class _Fallback(Exception):
    """This file needs LibCST to be answered exactly."""


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:index]) for index in range(1, len(parts))]


class _Finder:
    def __init__(self, text: str, lines: list[str], kind: str, glob: str) -> None:
        self.physical = _NEWLINES.split(text)
        self.lines = lines
        self.kind = kind
        self.glob = glob
        self.found: list[tuple[int, int, str, str]] = []
        self.in_fstring: set[int] = set()

    def _line(self, number: int) -> str:
        return self.lines[number - 1] if number - 1 < len(self.lines) else ""

    def _column(self, number: int, offset: int) -> int:
        line = self.physical[number - 1]
        return offset if line.isascii() else len(line.encode()[:offset].decode())

    def offer(self, node: ast.AST, name: str | None, *alternatives: str) -> bool:
        if name is None or not any(fnmatchcase(c, self.glob) for c in (name, *alternatives)):
            return False
        if id(node) in self.in_fstring:
            raise _Fallback
        return True

    def add(self, line: int, column: int, name: str) -> None:
        text = self._line(line)
        self.found.append((line, column + 1, name, text[column:].rstrip()[:120]))

    def add_at(self, node: ast.expr | ast.stmt, name: str) -> None:
        self.add(node.lineno, self._column(node.lineno, node.col_offset), name)

    def add_keyword_line(self, number: int, keyword: str, name: str) -> None:
        """A def/class/'@' line: LibCST reports the line's indentation as the column."""
        physical = self.physical[number - 1].lstrip(" \t\f")
        if keyword == "@":
            if not physical.startswith("@"):
                raise _Fallback
        elif not re.match(rf"{keyword}[ \t\f]+{re.escape(name)}\b", physical):
            raise _Fallback
        text = self._line(number)
        self.add(number, len(text) - len(text.lstrip()), name)

    def visit(self, node: ast.AST) -> None:
        kind = self.kind
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            is_class = isinstance(node, ast.ClassDef)
            if kind == ("class" if is_class else "function") and self.offer(node, node.name):
                keyword = "class" if is_class else "def"
                if isinstance(node, ast.AsyncFunctionDef):
                    keyword = r"async[ \t\f]+def"
                self.add_keyword_line(node.lineno, keyword, node.name)
            if kind == "decorator":
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    name = _dotted(target)
                    if self.offer(decorator, name):
                        assert name is not None
                        self.add_keyword_line(decorator.lineno, "@", name)
        elif kind == "call" and isinstance(node, ast.Call):
            name = _dotted(node.func)
            last = name.rsplit(".", 1)[-1] if name else None
            if self.offer(node, name, *([last] if last else [])):
                assert name is not None
                self.add_at(node, name)
        elif kind == "import" and isinstance(node, ast.Import):
            for alias in node.names:
                if self.offer(node, alias.name, *_prefixes(alias.name)):
                    self.add_at(node, alias.name)
        elif kind == "import" and isinstance(node, ast.ImportFrom):
            stripped = node.module or ""
            module = "." * node.level + stripped
            names = [alias.name for alias in node.names]
            if self.offer(
                node,
                module,
                *_prefixes(stripped),
                *(f"{stripped}.{name}" for name in names if stripped),
            ):
                self.add_at(node, module)
        elif isinstance(node, ast.JoinedStr):
            self.in_fstring.update(id(inner) for inner in ast.walk(node) if inner is not node)


def _renamed_by_nfkc(text: str) -> bool:
    """Whether an identifier might be spelt differently in ``ast`` (which applies NFKC to names)
    than in the source: some character changes under NFKC into letters, digits or '_'."""
    for char in {char for char in text if not char.isascii()}:
        normal = unicodedata.normalize("NFKC", char)
        if normal != char and any(part.isalnum() or part == "_" for part in normal):
            return True
    return False


def fast_matches(
    text: str, lines: list[str], kind: str, glob: str
) -> list[tuple[int, int, str, str]] | None:
    """The matches LibCST would report, found with ``ast``; None when LibCST must decide."""
    if kind not in FAST_KINDS:
        return None
    if not text.isascii() and _renamed_by_nfkc(text):
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    finder = _Finder(text, lines, kind, glob)
    try:
        for node in ast.walk(tree):
            finder.visit(node)
    except (_Fallback, IndexError, UnicodeDecodeError):
        return None
    return finder.found
