"""What a symbol name means in one Python file, read from the file's own syntax (``ast``).

A model names what it wants (``cell_len``, ``Style.parse``, ``Outer.Inner.method``); the
language server wants a position. Picking the first text that looks like the name answers a
different symbol whenever a file holds two things of that name (rich's ``text.py`` imports the
function ``cell_len`` and defines the property ``Text.cell_len``; its ``markdown.py`` calls
``MarkdownIt().parse`` but never ``Style.parse``). So the file is indexed by scope, once per text:

- **bindings**: every name a scope defines, with its qualified name — module-level definitions,
  assignments and imports (``cell_len``), class members (``Text.cell_len``, and ``self.x = ...``
  inside a method as ``Text.x``), function locals and parameters (``width.text``);
- **uses**: every attribute chain (``Style.parse``, ``p.join``, ``MarkdownIt().parse``) and every
  plain name.

``resolve`` then answers the one position the name means, or raises a typed error: a name that
means several things (``AmbiguousSymbol``, listing ``Build.run (line 5)``...) or that the file
does not hold (``SymbolNotFound``, saying where to look instead). It never falls back to another
symbol that merely shares the last part of the name.

The file is untrusted. Its size is bounded (``SIZE_LIMIT``), and ``ast.parse`` of hostile nesting
raises ``RecursionError`` or ``MemoryError`` (measured on CPython 3.11: a million ``1+`` or
``a.b`` or ``f()`` gives ``RecursionError``, a million unary ``-`` gives ``MemoryError``, no
input tried crashed the process); both become an ``UnreadableSource`` the caller turns into a
typed error. The index is walked without recursion. A file punie's own Python cannot parse (a
syntax error, or syntax newer than punie's interpreter) gets ``None`` from
``ScopeIndexes.index_of``, and the caller falls back to a cruder search that still never answers
a different dotted name.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from bridges._errors import BridgeArgumentError

__all__ = [
    "SIZE_LIMIT",
    "AmbiguousSymbol",
    "Binding",
    "ScopeIndexes",
    "SymbolIndex",
    "SymbolNotFound",
    "UnreadableSource",
    "Use",
    "split_lines",
]

SIZE_LIMIT = 1_000_000
"""Characters of a file punie parses to resolve a name. Parsing hostile input of this size is
already slow and memory-hungry in the host (benchmarks/README.md, "Figures moved from
comments"); real source files are far smaller (rich 15's largest is 140 KB)."""

_CHAIN_PARTS = 8
"""Attribute chains are rendered up to this many parts (deeper ones never match a name)."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class AmbiguousSymbol(BridgeArgumentError):
    """A plain name means several different things in the file; the message lists them."""

    def __init__(self, message: str, *, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates
        """The qualified names, each as 'Class.method (line N)'."""


class SymbolNotFound(BridgeArgumentError):
    """The file neither defines nor uses the name asked for; the message says where to look."""


class UnreadableSource(BridgeArgumentError):
    """The file is too large or too deeply nested to resolve a name in it."""


@dataclass(frozen=True)
class Binding:
    """A name some scope of the file defines."""

    qualified: str
    """'cell_len', 'Text.cell_len', 'Outer.Inner.method', 'width.text' (a local of width)."""
    line: int
    column: int
    """1-based line and character column of the name itself."""
    kind: str
    """'class', 'function', 'method', 'variable', 'parameter', 'import' or 'attribute'."""
    module_level: bool
    source: str = ""
    """For an import: what it imports, e.g. '.cells.cell_len' or 'os.path'."""


@dataclass(frozen=True)
class Use:
    """An attribute chain in code: ``Style.parse``, ``MarkdownIt().parse``, ``self.plain``."""

    dotted: str
    """The chain as written, calls shown as '()' and subscripts as '[]'."""
    line: int
    column: int
    """Position of the last attribute name."""

    @property
    def through_calls(self) -> str:
        """The chain with its calls dropped: ``MarkdownIt().parse`` -> ``MarkdownIt.parse``,
        the method of the class whose instance the call makes; '' if nothing was dropped."""
        plain = self.dotted.replace("()", "")
        return plain if plain != self.dotted and "[]" not in plain else ""


@dataclass
class SymbolIndex:
    """The bindings and uses of one file's text, looked up by name."""

    lines: list[str]
    """The file's lines split as Python (and LSP) split them: at \\r\\n, \\r and \\n only."""
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    """Qualified name -> its bindings in source order."""
    by_last: dict[str, list[Binding]] = field(default_factory=dict)
    """Last part of the qualified name -> bindings in source order."""
    uses: dict[str, list[Use]] = field(default_factory=dict)
    """Last attribute name -> attribute chains ending in it, in source order."""
    names: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Plain name -> (line, column) of every ``Name`` node, loads and stores, in source order."""


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer and the LSP count them (not ``str.splitlines``, which also
    breaks at form feeds and other separators). Like ``splitlines``, a final line break ends
    the last line rather than starting an empty one."""
    # str.split rather than the regular expression when there is no \r (the usual case): every
    # warm call about a file splits it
    lines = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


_CACHE_LIMIT = 64
_CACHE_CHARACTERS = 4_000_000
"""Kept indexes cover at most this much text: an index takes about 12 bytes per character of
source (1.2 MB for rich's 101 KB ``console.py``)."""


class ScopeIndexes:
    """Indexes of file texts, each built once per text, within a budget of characters.

    A snippet asks about the same unchanged file again and again, and the kept text comes back
    as the same object, so a hit is an identity test. The indexes of a workspace's files are
    tens of megabytes, so they belong to whoever serves that workspace — a language-server
    session keeps one (``SessionCache.scopes``) and ``clear()`` lets the memory go with it.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str, SymbolIndex | UnreadableSource | None]] = {}
        self._characters = 0

    def index_of(self, key: str, text: str, *, file: str) -> SymbolIndex | None:
        """The index of ``text`` (``key`` names the file's slot), None when it does not parse.

        Raises ``UnreadableSource`` for a file too large or too deeply nested to parse safely.
        """
        known = self._entries.get(key)
        if known is not None and (known[0] is text or known[0] == text):
            found = known[1]
        else:
            found = _build(text, file)
            if (
                len(self._entries) >= _CACHE_LIMIT
                or self._characters + len(text) > _CACHE_CHARACTERS
            ):
                self.clear()
            self._entries[key] = (text, found)
            self._characters += len(text)
        if isinstance(found, UnreadableSource):
            raise found
        return found

    def clear(self) -> None:
        """Forget every index."""
        self._entries.clear()
        self._characters = 0

    @property
    def size(self) -> int:
        """How many texts have an index kept."""
        return len(self._entries)


def _build(text: str, file: str) -> SymbolIndex | UnreadableSource | None:
    if len(text) > SIZE_LIMIT:
        return UnreadableSource(
            f"{file} has {len(text):,} characters, more than the {SIZE_LIMIT:,} punie parses "
            "to find a name; pass line= and column= to point at it (grep finds the line)"
        )
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):  # ValueError: NUL bytes
        return None
    except (RecursionError, MemoryError) as error:
        return UnreadableSource(
            f"{file} is nested too deeply for punie to parse ({type(error).__name__}); pass "
            "line= and column= to point at the name (grep finds the line)"
        )
    index = SymbolIndex(lines=split_lines(text))
    _Indexer(index).run(tree)
    return index


class _Indexer:
    """Walks a module without recursion, recording bindings and uses with their scopes."""

    def __init__(self, index: SymbolIndex) -> None:
        self.index = index

    # -- positions ----------------------------------------------------------------------------

    def _column(self, line: int, byte_offset: int) -> int:
        """1-based character column of a UTF-8 byte offset (what ``ast`` counts) in ``line``."""
        text = self.index.lines[line - 1] if 0 < line <= len(self.index.lines) else ""
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1

    def _name_after(
        self, node: ast.stmt | ast.excepthandler, keyword: str, name: str
    ) -> tuple[int, int]:
        """Position of ``name`` after the word ``keyword`` ('def', 'class', 'as'), searched from
        ``node``'s start over at most three lines (``def \\`` continues a line); else the
        node's start."""
        first = node.lineno
        start = self._column(first, node.col_offset) - 1
        seen_keyword = False
        for line in range(first, min(first + 3, len(self.index.lines) + 1)):
            text = self.index.lines[line - 1]
            offset = start if line == first else 0
            if not seen_keyword:
                found = _word(text, keyword, offset)
                if found < 0:
                    continue
                seen_keyword, offset = True, found + len(keyword)
            found = _word(text, name, offset)
            if found >= 0:
                return line, found + 1
        return first, start + 1

    def _end_name(self, node: ast.expr | ast.alias, name: str) -> tuple[int, int]:
        """Position of ``name`` that ends ``node`` (an attribute, an ``as`` name)."""
        line = node.end_lineno or node.lineno
        end = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return line, self._column(line, end - len(name.encode("utf-8")))

    # -- recording ----------------------------------------------------------------------------

    def _bind(
        self,
        qualified: str,
        where: tuple[int, int],
        kind: str,
        *,
        module_level: bool,
        source: str = "",
    ) -> None:
        binding = Binding(qualified, where[0], where[1], kind, module_level, source)
        self.index.bindings.setdefault(qualified, []).append(binding)
        self.index.by_last.setdefault(qualified.rpartition(".")[2], []).append(binding)

    def _chain(self, node: ast.expr) -> str:
        parts: list[str] = []
        while len(parts) < _CHAIN_PARTS:
            if isinstance(node, ast.Attribute):
                parts.append("." + node.attr)
                node = node.value
            elif isinstance(node, ast.Call):
                parts.append("()")
                node = node.func
            elif isinstance(node, ast.Subscript):
                parts.append("[]")
                node = node.value
            elif isinstance(node, ast.Name):
                parts.append(node.id)
                return "".join(reversed(parts))
            else:
                break
        return "…" + "".join(reversed(parts))

    # -- the walk -----------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> None:
        # (node, scope prefix 'Text.', scope kind, the method's self name or '')
        stack: list[tuple[ast.AST, str, str, str]] = [
            (statement, "", "module", "") for statement in reversed(tree.body)
        ]
        while stack:
            node, prefix, scope, self_name = stack.pop()
            children = self._visit(node, prefix, scope, self_name)
            stack.extend(reversed(children))

    def _visit(
        self, node: ast.AST, prefix: str, scope: str, self_name: str
    ) -> list[tuple[ast.AST, str, str, str]]:
        """Record what ``node`` binds or uses; return its children with their scopes."""
        here = (prefix, scope, self_name)
        module_level = scope == "module"
        if isinstance(node, ast.Name):
            position = (node.lineno, self._column(node.lineno, node.col_offset))
            self.index.names.setdefault(node.id, []).append(position)
            if isinstance(node.ctx, ast.Store) and scope != "comprehension":
                self._bind(prefix + node.id, position, "variable", module_level=module_level)
            return []
        if isinstance(node, ast.Attribute):
            where = self._end_name(node, node.attr)
            if (
                self_name
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == self_name
            ):
                owner = prefix.rstrip(".").rpartition(".")[0]  # 'Text.__init__.' -> 'Text'
                self._bind(f"{owner}.{node.attr}", where, "attribute", module_level=False)
            use = Use(self._chain(node), *where)
            self.index.uses.setdefault(node.attr, []).append(use)
            return [(node.value, *here)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            is_class = isinstance(node, ast.ClassDef)
            where = self._name_after(node, "class" if is_class else "def", node.name)
            kind = "class" if is_class else ("method" if scope == "class" else "function")
            self._bind(prefix + node.name, where, kind, module_level=module_level)
            inner = prefix + node.name + "."
            outside: list[ast.AST] = list(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                outside += [*node.bases, *node.keywords]
                return [*((child, *here) for child in outside)] + [
                    (child, inner, "class", "") for child in node.body
                ]
            arguments = node.args
            every = [
                *arguments.posonlyargs,
                *arguments.args,
                *([arguments.vararg] if arguments.vararg else []),
                *arguments.kwonlyargs,
                *([arguments.kwarg] if arguments.kwarg else []),
            ]
            for argument in every:
                where = (argument.lineno, self._column(argument.lineno, argument.col_offset))
                self._bind(inner + argument.arg, where, "parameter", module_level=False)
                if argument.annotation is not None:
                    outside.append(argument.annotation)
            outside += [*arguments.defaults, *(d for d in arguments.kw_defaults if d)]
            if node.returns is not None:
                outside.append(node.returns)
            positional = [*arguments.posonlyargs, *arguments.args]
            method_self = positional[0].arg if scope == "class" and positional else ""
            return [*((child, *here) for child in outside)] + [
                (child, inner, "function", method_self) for child in node.body
            ]
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            base = ""
            if isinstance(node, ast.ImportFrom):
                base = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    continue
                if alias.asname is not None:
                    bound, where = alias.asname, self._end_name(alias, alias.asname)
                else:
                    bound = alias.name.partition(".")[0]
                    where = (alias.lineno, self._column(alias.lineno, alias.col_offset))
                source = f"{base}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
                self._bind(
                    prefix + bound, where, "import", module_level=module_level, source=source
                )
            return []
        if isinstance(node, ast.ExceptHandler) and node.name:
            where = self._name_after(node, "as", node.name)
            self._bind(prefix + node.name, where, "variable", module_level=module_level)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            # a comprehension's variables are its own: their names are uses, not bindings
            inside: list[tuple[ast.AST, str, str, str]] = []
            for generator in node.generators:
                inside.append((generator.target, prefix, "comprehension", self_name))
                inside += [(child, *here) for child in [generator.iter, *generator.ifs]]
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return inside + [(child, *here) for child in elements]
        if isinstance(node, ast.Lambda):
            return [(node.body, *here), *((d, *here) for d in node.args.defaults)]
        return [(child, *here) for child in ast.iter_child_nodes(node)]


def _word(text: str, word: str, start: int) -> int:
    """Index of ``word`` in ``text`` from ``start`` as a whole identifier, or -1 (a plain
    ``find``: a regular expression per name would be compiled once per definition)."""
    index = text.find(word, start)
    while index >= 0:
        end = index + len(word)
        before = text[index - 1] if index else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return index
        index = text.find(word, index + 1)
    return -1
