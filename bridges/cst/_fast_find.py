"""``cst_find_pattern`` answered with ``ast``, where its answer is the one LibCST would give.

Parsing with LibCST costs far more than ``ast.parse``; for the kinds function, class, call,
import and decorator, ``ast`` sees the same nodes at the same places, so the finder uses it and
answers ``name`` and ``attribute`` too (``_NameFinder``), where LibCST and ``ast`` differ more:

- LibCST has a ``Name`` node wherever an identifier is spelt: besides ``ast.Name``, the names
  of ``def``/``class`` (found on their line), parameters (``ast.arg``), import aliases and the
  head of a ``from`` module, and ``True``/``False``/``None`` (``ast.Constant``). Names ``ast``
  keeps as bare strings (``global``, ``except ... as e``, match patterns) send a matching file
  to LibCST; keyword argument names and names after a dot are not matches in either.
- A dotted module name in an import is a LibCST ``Attribute``; ``ast`` has only the alias.
- Positions agree: LibCST's position of a node leaves out its own parentheses, as ``ast``
  does, and both count the parentheses of an attribute's head (``(a).b`` starts at ``(``).

Where the two could differ, ``fast_matches`` returns None and the caller uses LibCST for that
file: a file ``ast`` cannot parse, text that Python normalises (NFKC identifiers), a ``def`` or
``@`` continued onto another line, and matches inside f-strings (whose positions Python 3.11
does not report reliably). ``benchmarks/cst.py --verify`` checks the identity on rich and Django,
``name:*`` and ``attribute:*`` included.

Columns: ``ast`` counts UTF-8 bytes, LibCST characters; lines for the ``code`` field come from
``str.splitlines`` as in the LibCST path, so both give the same text.
"""

from __future__ import annotations

import ast
import functools
import re
import unicodedata
from collections.abc import Sequence
from fnmatch import fnmatchcase

__all__ = ["FAST_KINDS", "ast_dotted_name", "fast_matches", "respelt_identifiers"]

FAST_KINDS = frozenset({"function", "class", "call", "import", "decorator", "name", "attribute"})
_NEWLINES = re.compile(r"\r\n|\r|\n")


class _Fallback(Exception):
    """This file needs LibCST to be answered exactly."""


def ast_dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of ``ast`` names and attributes; None for anything else (the
    ``ast`` twin of ``bridges.cst._names.dotted_name``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = ast_dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:index]) for index in range(1, len(parts))]


class _Finder:
    def __init__(self, text: str, lines: Sequence[str], kind: str, glob: str) -> None:
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
                    name = ast_dotted_name(target)
                    if self.offer(decorator, name):
                        assert name is not None
                        self.add_keyword_line(decorator.lineno, "@", name)
        elif kind == "call" and isinstance(node, ast.Call):
            name = ast_dotted_name(node.func)
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


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.cache
def _identifier_char(char: str) -> bool:
    """Whether ``char`` may continue an identifier (Python refuses any other in a name).

    A memo of a pure function of one character (``functools.cache``): safe to share by every
    caller, and bounded by the code points a source can hold."""
    return f"a{char}".isidentifier()


def _respelt_words(text: str) -> set[str]:
    """The NFKC forms of the identifier-like words of ``text`` that NFKC changes.

    Python accepts only identifier characters in a name and then applies NFKC to the whole
    name, so ``ast`` spells it differently from the source exactly when such a word changes.
    A word is a maximal run of identifier characters around a non-ASCII one; in strings and
    comments it is a word too, which ``respelt_identifiers`` sorts out.
    """
    found: set[str] = set()
    end = 0
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        if at < end or not _identifier_char(text[at]):
            continue
        start = at
        while start and _identifier_char(text[start - 1]):
            start -= 1
        end = at + 1
        while end < len(text) and _identifier_char(text[end]):
            end += 1
        word = text[start:end]
        normal = unicodedata.normalize("NFKC", word)
        if normal != word:
            found.add(normal)
    return found


def _identifiers(tree: ast.Module) -> set[str]:
    """Every identifier ``tree`` holds, as ``ast`` spells it (dotted names split at dots)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            continue
        for _, value in ast.iter_fields(node):
            if isinstance(value, str):
                names.update(value.split("."))
            elif isinstance(value, list):
                names.update(
                    part for item in value if isinstance(item, str) for part in item.split(".")
                )
    return names


def respelt_identifiers(text: str, tree: ast.Module) -> bool:
    """Whether some identifier of the code is spelt differently in ``ast`` (which applies NFKC
    to names) than in the source. Words that NFKC changes but that are no identifier of the
    tree (superscripts, symbols and accents in strings and comments) do not count: rich's
    ``progress.py`` (a '²' in a string) and ``_emoji_codes.py`` stay on the fast path."""
    respelt = _respelt_words(text)
    return bool(respelt) and not respelt.isdisjoint(_identifiers(tree))


_WORD = re.compile(r"\w")
_NAMED_CONSTANTS = {True: "True", False: "False", None: "None"}


class _NameFinder(_Finder):
    """``name`` and ``attribute`` matches where LibCST would report them (module docstring).

    Inside f-strings Python 3.11 computes positions by searching the string's text, so a match
    there is kept only when the text at its position spells it as a whole word and no other
    match claims the same place; otherwise LibCST decides.
    """

    def __init__(self, text: str, lines: Sequence[str], kind: str, glob: str) -> None:
        super().__init__(text, lines, kind, glob)
        self.fstring_places: set[tuple[int, int]] = set()

    def offer(self, node: ast.AST, name: str | None, *alternatives: str) -> bool:
        return name is not None and any(
            fnmatchcase(candidate, self.glob) for candidate in (name, *alternatives)
        )

    def _check_fstring_position(self, node: ast.AST, line: int, column: int) -> None:
        if id(node) not in self.in_fstring:
            return
        physical = self.physical[line - 1]
        if isinstance(node, ast.Attribute):
            assert node.end_lineno is not None and node.end_col_offset is not None
            end_text = self.physical[node.end_lineno - 1]
            end = self._column(node.end_lineno, node.end_col_offset)
            spelt, at, after = node.attr, end - len(node.attr), end_text
        elif isinstance(node, ast.Name):
            spelt, at, after = node.id, column, physical
        else:
            raise _Fallback
        word = after[at : at + len(spelt)]
        edge = after[at + len(spelt) : at + len(spelt) + 1]
        before = after[at - 1 : at] if at else ""
        if word != spelt or _WORD.match(edge) or _WORD.match(before):
            raise _Fallback
        if (line, column) in self.fstring_places:
            raise _Fallback
        self.fstring_places.add((line, column))

    def add_node(self, node: ast.expr, name: str) -> None:
        """A Name, Attribute or named constant: LibCST's position is ``ast``'s (both leave out
        the node's own parentheses and count those of its head)."""
        line, column = node.lineno, self._column(node.lineno, node.col_offset)
        self._check_fstring_position(node, line, column)
        self.add(line, column, name)

    def add_spelt(self, number: int, column: int, spelt: str, name: str | None = None) -> None:
        """A match (``name``, default ``spelt``) whose text ``spelt`` starts at a character
        column; checked against the line, else LibCST decides."""
        if self.physical[number - 1][column : column + len(spelt)] != spelt:
            raise _Fallback
        self.add(number, column, spelt if name is None else name)

    def visit_name(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if self.offer(node, node.id):
                self.add_node(node, node.id)
        elif isinstance(node, ast.Constant):
            if node.value is None or node.value is True or node.value is False:
                spelt = _NAMED_CONSTANTS[node.value]
                if self.offer(node, spelt):
                    self.add_node(node, spelt)
        elif isinstance(node, ast.arg):
            if self.offer(node, node.arg):
                self._check_fstring_position(node, node.lineno, node.col_offset)
                self.add_spelt(node.lineno, self._column(node.lineno, node.col_offset), node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if self.offer(node, node.name):
                keyword = "class" if isinstance(node, ast.ClassDef) else r"(?:async[ \t\f]+)?def"
                found = re.match(
                    rf"[ \t\f]*{keyword}[ \t\f]+({re.escape(node.name)})\b",
                    self.physical[node.lineno - 1],
                )
                if found is None:
                    raise _Fallback
                self.add(node.lineno, found.start(1), node.name)
        elif isinstance(node, ast.alias):
            self._alias_names(node)
        elif isinstance(node, ast.ImportFrom):
            head = (node.module or "").split(".")[0]
            if head and self.offer(node, head):
                self.add(*self._from_module(node), head)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self._refuse(node, *node.names)
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            if node.name is not None and self.offer(node, node.name):
                self._handler_name(node, node.type, node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)):
            self._refuse(node, node.name)
        elif isinstance(node, ast.MatchMapping):
            self._refuse(node, node.rest)
        elif isinstance(node, ast.MatchClass):
            self._refuse(node, *node.kwd_attrs)

    def _handler_name(self, node: ast.AST, type_: ast.expr, name: str) -> None:
        """``except E as name``: the name follows the exception's type on its last line."""
        if id(node) in self.in_fstring or type_.end_lineno is None or type_.end_col_offset is None:
            raise _Fallback
        line = type_.end_lineno
        end = self._column(line, type_.end_col_offset)
        found = re.compile(rf"[ \t\f]+as[ \t\f]+({re.escape(name)})\b").match(
            self.physical[line - 1], end
        )
        if found is None:
            raise _Fallback
        self.add(line, found.start(1), name)

    def _refuse(self, node: ast.AST, *names: str | None) -> None:
        """Names ``ast`` gives no position for: a match there needs LibCST."""
        if any(name is not None and self.offer(node, name) for name in names):
            raise _Fallback

    def _alias_names(self, node: ast.alias) -> None:
        head = node.name.split(".")[0]
        line, column = node.lineno, self._column(node.lineno, node.col_offset)
        if head != "*" and self.offer(node, head):
            self.add_spelt(line, column, head)
        if node.asname is not None and self.offer(node, node.asname):
            if node.end_lineno != line or node.end_col_offset is None:
                raise _Fallback
            end = self._column(line, node.end_col_offset)
            self.add_spelt(line, end - len(node.asname), node.asname)

    def _from_module(self, node: ast.ImportFrom) -> tuple[int, int]:
        """Where the module of ``from module import ...`` starts (after its dots)."""
        physical = self.physical[node.lineno - 1]
        start = self._column(node.lineno, node.col_offset)
        found = re.compile(r"from[ \t\f]+[. \t\f]*").match(physical, start)
        if found is None:
            raise _Fallback
        return node.lineno, found.end()

    def visit_attribute(self, node: ast.AST) -> None:
        if isinstance(node, ast.Attribute):
            full = ast_dotted_name(node)
            if self.offer(node, full or node.attr, node.attr):
                self.add_node(node, full or node.attr)
        elif isinstance(node, ast.alias) and "." in node.name:
            line, column = node.lineno, self._column(node.lineno, node.col_offset)
            for dotted in _outermost_first(node.name):
                if self.offer(node, dotted, dotted.rsplit(".", 1)[-1]):
                    self.add_spelt(line, column, dotted.split(".")[0], dotted)
        elif isinstance(node, ast.ImportFrom) and node.module and "." in node.module:
            for dotted in _outermost_first(node.module):
                if self.offer(node, dotted, dotted.rsplit(".", 1)[-1]):
                    line, column = self._from_module(node)
                    self.add_spelt(line, column, dotted.split(".")[0], dotted)


def _outermost_first(module: str) -> list[str]:
    """The dotted prefixes that are LibCST ``Attribute`` nodes, in LibCST's visiting order:
    ``a.b.c`` -> ``a.b.c``, ``a.b``."""
    return [module, *reversed(_prefixes(module)[1:])]


def _name_matches(finder: _NameFinder, tree: ast.Module) -> None:
    visit = finder.visit_name if finder.kind == "name" else finder.visit_attribute
    for node in ast.walk(tree):  # breadth first: an f-string before what it holds
        if isinstance(node, ast.JoinedStr):
            finder.in_fstring.update(id(inner) for inner in ast.walk(node) if inner is not node)
        visit(node)


def fast_matches(
    text: str, lines: Sequence[str], kind: str, glob: str
) -> list[tuple[int, int, str, str]] | None:
    """The matches LibCST would report, found with ``ast``; None when LibCST must decide."""
    if kind not in FAST_KINDS:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not text.isascii() and respelt_identifiers(text, tree):
        return None
    try:
        if kind in ("name", "attribute"):
            finder = _NameFinder(text, lines, kind, glob)
            _name_matches(finder, tree)
        else:
            finder = _Finder(text, lines, kind, glob)
            for node in ast.walk(tree):
                finder.visit(node)
    except (_Fallback, IndexError, UnicodeDecodeError):
        return None
    return finder.found
