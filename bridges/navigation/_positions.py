"""From what a model knows (a file and a name) to what a language server wants (a position).

Models are bad at counting columns, so the navigation bridges accept a symbol name and find its
position themselves, by scope (``bridges.navigation._scopes`` indexes the file's syntax): a dotted name
is the definition in that class or function (``Cart.total``, ``Outer.Inner.method``) or a use of
exactly that chain (``Style.parse``, ``p.join`` through ``import os.path as p``); a plain name is
a module-level definition or import first, then the one member or local of that name. A name that
means several things is an ``AmbiguousSymbol`` error listing them; a name the file does not hold
is a ``SymbolNotFound`` error. Neither ever falls back to a different symbol that shares the last
part of the name. A line narrows the search to that line; a line and a column pin the position.

Columns shown to models are 1-based characters. Language servers count in UTF-16 code units
(unless the client negotiates UTF-32, which punie asks for): ``to_server`` / ``from_server``
convert between the two for one line of text.
"""

from __future__ import annotations

import functools
import io
import keyword
import re
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bridges._errors import BridgeArgumentError
from bridges.navigation._scopes import (
    SIZE_LIMIT,
    AmbiguousSymbol,
    Binding,
    ScopeIndexes,
    SymbolIndex,
    SymbolNotFound,
    UnreadableSource,
    Use,
    split_lines,
)

__all__ = ["Outline", "Target", "find_target", "from_server", "identifier_at", "to_server"]

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


@dataclass(frozen=True)
class Outline:
    """One definition from the file's outline: qualified name and the 1-based name position."""

    qualified: str
    line: int
    column: int


@dataclass(frozen=True)
class Target:
    """The resolved position to ask about (1-based line and character column) and its name."""

    line: int
    column: int
    name: str = ""
    """The name, when resolving the position found it; else read off ``line_text``."""
    line_text: str = ""
    fallback: str = ""
    """The name the caller gave, for a position that covers no identifier."""

    @property
    def symbol(self) -> str:
        """The name asked about. For a line and column it is read off the line only when a
        result needs it — after the request is on its way, while the server works."""
        return self.name or identifier_at(self.line_text, self.column) or self.fallback


def to_server(line_text: str, column: int, encoding: str) -> int:
    """0-based server character offset for a 1-based character ``column`` of ``line_text``."""
    prefix = line_text[: max(column - 1, 0)]
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    return len(prefix)


def from_server(line_text: str, character: int, encoding: str) -> int:
    """1-based character column for a 0-based server ``character`` offset in ``line_text``."""
    if encoding == "utf-32":
        return character + 1
    unit = 2 if encoding == "utf-16" else 1
    codec = "utf-16-le" if encoding == "utf-16" else "utf-8"
    data = line_text.encode(codec, errors="surrogatepass")
    prefix = data[: character * unit].decode(codec, errors="ignore")
    return len(prefix) + 1


def identifier_at(line_text: str, column: int) -> str:
    """The identifier covering (or starting right after) 1-based ``column``, '' if none."""
    for match in _IDENTIFIER.finditer(line_text):
        if match.start() <= column - 1 < match.end():
            return match.group()
    return ""


@functools.lru_cache(maxsize=128)
def _name_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """(1-based line, 1-based column, name) of every identifier token outside strings/comments.

    A memo of a pure function of the text, so it is safely process-wide (whichever session
    asks, a text has one answer) and holds nothing that ``close()`` must release: at most 128
    texts, each within ``SIZE_LIMIT``, and only of files punie's own Python cannot parse.
    Remembered because a snippet asks about the same file often and tokenizing it is the
    slowest step of resolving a name there.
    """
    found: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
                found.append((token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # Unfinished code: fall back to a plain scan of every line.
        found = [
            (number, match.start() + 1, match.group())
            for number, line in enumerate(text.splitlines(), start=1)
            for match in _IDENTIFIER.finditer(line)
            if not keyword.iskeyword(match.group())
        ]
    return tuple(found)


def find_target(
    *,
    file: str,
    text: str,
    symbol: str | None,
    line: int | None,
    column: int | None,
    outline: Callable[[], Sequence[Outline]] = tuple,
    text_lines: Sequence[str] | None = None,
    indexes: ScopeIndexes | None = None,
) -> Target:
    """Resolve the position a navigation bridge should ask about.

    ``text_lines`` is the file's lines when the caller has them already; ``outline`` gives the
    server's outline, asked for only when punie cannot parse the file itself; ``indexes`` keeps
    the file's syntax index for the next call (the session's; without it the index is built for
    this call alone). Raises
    ``BridgeArgumentError`` (``AmbiguousSymbol`` and ``SymbolNotFound`` among them) with a
    message that tells the model what to pass instead.
    """
    if line is None:
        lines: Sequence[str] = []  # only a line needs them
    else:
        lines = (split_lines(text) if text_lines is None else text_lines) or [""]
    symbol = (symbol or "").strip() or None
    if line is not None and not 1 <= line <= len(lines):
        raise BridgeArgumentError(
            f"line={line} is outside {file}, which has {len(lines)} lines; pass a line between "
            f"1 and {len(lines)}, or only symbol='Name'"
        )
    if line is not None and column is not None:
        line_text = lines[line - 1]
        if not 1 <= column <= len(line_text) + 1:
            raise BridgeArgumentError(
                f"column={column} is outside line {line} of {file} ({len(line_text)} characters:"
                f" {line_text.strip()!r}); pass symbol='Name' instead of counting columns"
            )
        return Target(line=line, column=column, line_text=line_text, fallback=symbol or "")
    if symbol is None:
        raise BridgeArgumentError(
            f"say which name to look up in {file}: pass symbol='Name' (e.g. a class, function "
            "or variable name), optionally with line=N; or pass both line= and column="
        )
    parts = symbol.split(".")
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        raise BridgeArgumentError(
            f"symbol={symbol!r} is not a Python name; pass a name such as 'Cart' or 'Cart.total'"
        )
    last = parts[-1]
    index: SymbolIndex | None = None
    if line is None or len(text) <= SIZE_LIMIT:  # a line says where: no need to parse a huge file
        try:
            index = (ScopeIndexes() if indexes is None else indexes).index_of(file, text, file=file)
        except UnreadableSource:
            if line is None:
                raise
    if line is not None:
        found = (
            _on_line(index, symbol, line)
            if index is not None
            else _on_line_text(lines[line - 1], symbol)
        )
        if found is None:
            raise BridgeArgumentError(
                f"{symbol!r} does not appear on line {line} of {file} (the line reads "
                f"{lines[line - 1].strip()!r}); leave out line= to search the whole file"
            )
        return Target(line=line, column=found, name=last)
    if index is not None:
        where = (
            _resolve_dotted(index, symbol, file)
            if len(parts) > 1
            else _resolve_plain(index, symbol, file)
        )
    else:
        where = _resolve_unparsed(text, symbol, file, outline())
    return Target(line=where[0], column=where[1], name=last)


# -- resolution on a parsed file ------------------------------------------------------------


def _listing(bindings: Iterable[Binding]) -> list[str]:
    return [f"{b.qualified} (line {b.line}, {b.kind})" for b in bindings]


def _resolve_plain(index: SymbolIndex, name: str, file: str) -> tuple[int, int]:
    """Module-level definitions and imports first (an imported ``cell_len`` beats the property
    ``Text.cell_len``); then a member or local, if only one scope defines the name (parameters
    count only when nothing else does: ``self.plain = plain`` makes ``plain`` the attribute);
    then a use of a name the file does not define (a builtin, a star import)."""
    bindings = index.by_last.get(name, [])
    for binding in bindings:
        if binding.module_level and binding.qualified == name:
            return binding.line, binding.column
    scopes: dict[str, Binding] = {}
    for binding in bindings:
        if binding.kind != "parameter":
            scopes.setdefault(binding.qualified, binding)
    if not scopes:  # parameters only: a parameter is named by itself only when it is the one
        for binding in bindings:
            scopes.setdefault(binding.qualified, binding)
    if len(scopes) == 1:
        only = next(iter(scopes.values()))
        return only.line, only.column
    if scopes:
        candidates = _listing(scopes.values())
        example = next(iter(scopes))
        raise AmbiguousSymbol(
            f"{name!r} means {len(scopes)} different things in {file}: "
            f"{', '.join(candidates[:12])}; pass the dotted name of the one you mean, e.g. "
            f"symbol={example!r}",
            candidates=candidates,
        )
    plain_uses = index.names.get(name)
    if plain_uses:
        return plain_uses[0]
    chains: dict[str, Use] = {}
    for use in index.uses.get(name, []):
        chains.setdefault(use.dotted, use)
    if len(chains) == 1:
        only_use = next(iter(chains.values()))
        return only_use.line, only_use.column
    if chains:
        candidates = [f"{use.dotted} (line {use.line})" for use in chains.values()]
        raise AmbiguousSymbol(
            f"{file} does not define {name!r}; it uses attributes of that name on "
            f"{len(chains)} different objects: {', '.join(candidates[:12])}; pass the dotted "
            "name as written there (e.g. symbol='obj.name'), or call workspace_symbols(query="
            f"{name!r}) to find where {name} is defined",
            candidates=candidates,
        )
    raise _not_found(index, name, file)


def _resolve_dotted(index: SymbolIndex, symbol: str, file: str) -> tuple[int, int]:
    """The definition in that scope (``Class.method``, ``Outer.Inner.method``, ``function.local``);
    else a use of exactly that chain (``Style.parse``, ``p.join``; ``MarkdownIt().parse`` counts
    for ``MarkdownIt.parse``); else the import of the name from that module. Never another
    object's attribute of the same name."""
    defined = index.bindings.get(symbol)
    if defined:
        return defined[0].line, defined[0].column
    prefix, _, last = symbol.rpartition(".")
    uses = index.uses.get(last, [])
    for wanted in (lambda use: use.dotted == symbol, lambda use: use.through_calls == symbol):
        for use in uses:
            if wanted(use):
                return use.line, use.column
    for binding in index.bindings.get(last, []):
        if binding.kind == "import" and _imports_from(binding, prefix, last):
            return binding.line, binding.column
    raise _dotted_not_found(index, symbol, file)


def _imports_from(binding: Binding, module: str, name: str) -> bool:
    """Whether an import binding is ``from <...module> import name``."""
    source = binding.source.lstrip(".")
    return source == f"{module}.{name}" or source.endswith(f".{module}.{name}")


def _dotted_not_found(index: SymbolIndex, symbol: str, file: str) -> SymbolNotFound:
    prefix, _, last = symbol.rpartition(".")
    lookup = f"workspace_symbols(query={last!r})"
    owner = index.bindings.get(prefix, [])
    if owner and owner[0].kind == "class":
        members = sorted(
            {
                q.rpartition(".")[2]
                for q, found in index.bindings.items()
                if q.rpartition(".")[0] == prefix and found[0].kind != "parameter"
            }
        )
        shown = f" (its members: {', '.join(members[:20])})" if members else ""
        return SymbolNotFound(
            f"class {prefix} in {file} defines no {last!r}{shown}, and punie does not answer "
            f"another {last!r}; it may inherit it from a base class: call {lookup} to find "
            "where it is defined"
        )
    head = symbol.partition(".")[0]
    imported = [b for b in index.bindings.get(head, []) if b.kind == "import"]
    if imported:
        where = imported[0]
        return SymbolNotFound(
            f"{symbol!r} does not occur in {file}: {head} is imported there (line {where.line}, "
            f"from {where.source}) but {symbol} is never used in that file, and punie does not "
            f"answer another {last!r}. Ask in the file that defines it: goto_definition(file="
            f"{file!r}, symbol={head!r}) gives that file; or call {lookup}"
        )
    return _not_found(index, symbol, file)


def _not_found(index: SymbolIndex, symbol: str, file: str) -> SymbolNotFound:
    defined = sorted(
        qualified
        for qualified, found in index.bindings.items()
        if found[0].kind in ("class", "function", "method")
        or (found[0].module_level and found[0].kind == "variable")
    )[:15]
    hint = f"; names defined there: {', '.join(defined)}" if defined else ""
    last = symbol.rpartition(".")[2]
    return SymbolNotFound(
        f"{symbol!r} does not appear in {file}{hint}. Call workspace_symbols(query="
        f"{last!r}) to find the file that defines it"
    )


def _on_line(index: SymbolIndex, symbol: str, line: int) -> int | None:
    """Column of ``symbol`` on ``line``: a definition or plain name there first (so that
    ``cell_len`` on ``text.cell_len + cell_len(s)`` is the function), then an attribute use."""
    prefix, _, last = symbol.rpartition(".")
    if prefix:
        columns = [b.column for b in index.bindings.get(symbol, []) if b.line == line]
        columns += [
            use.column
            for use in index.uses.get(last, [])
            if use.line == line and symbol in (use.dotted, use.through_calls)
        ]
        columns += [
            b.column
            for b in index.bindings.get(last, [])
            if b.line == line and b.kind == "import" and _imports_from(b, prefix, last)
        ]
        return min(columns, default=None)
    columns = [b.column for b in index.by_last.get(last, []) if b.line == line]
    columns += [column for number, column in index.names.get(last, []) if number == line]
    if not columns:
        columns = [use.column for use in index.uses.get(last, []) if use.line == line]
    if not columns:  # in a string or a comment: still the text the model pointed at
        return _on_line_text(index.lines[line - 1], symbol)
    return min(columns)


# -- a file punie cannot parse --------------------------------------------------------------


def _on_line_text(line_text: str, symbol: str) -> int | None:
    """Column of ``symbol`` in one line of text: the whole dotted chain, or a plain name."""
    pattern = r"\s*\.\s*".join(re.escape(part) for part in symbol.split("."))
    found = re.search(rf"(?<![\w.]){pattern}(?!\w)", line_text)
    if found is None:
        return None
    return found.end() - len(symbol.rpartition(".")[2]) + 1


def _resolve_unparsed(
    text: str, symbol: str, file: str, outline: Sequence[Outline]
) -> tuple[int, int]:
    """Resolve without a syntax tree (a syntax error, or syntax newer than punie's Python),
    from the server's outline and the file's tokens. Cruder, but a dotted name still resolves
    only to that definition or that exact chain, never to another object's attribute."""
    for entry in outline:
        if entry.qualified == symbol:
            return entry.line, entry.column
    last = symbol.rpartition(".")[2]
    if "." not in symbol:
        nested = {
            entry.qualified: entry for entry in outline if entry.qualified.endswith(f".{last}")
        }
        if len(nested) > 1:
            candidates = [f"{q} (line {e.line})" for q, e in nested.items()]
            raise AmbiguousSymbol(
                f"{symbol!r} means {len(nested)} different things in {file}: "
                f"{', '.join(candidates[:12])}; pass the dotted name of the one you mean, e.g. "
                f"symbol={next(iter(nested))!r}",
                candidates=candidates,
            )
        tokens = _name_tokens(text)
        for token_line, token_column, name in tokens:
            if name == last:
                return token_line, token_column
    else:
        lines = split_lines(text)
        for number, line_text in enumerate(lines, start=1):
            if last in line_text:
                found = _on_line_text(line_text, symbol)
                if found is not None:
                    return number, found
    defined = sorted({entry.qualified for entry in outline})[:15]
    hint = f"; names defined there: {', '.join(defined)}" if defined else ""
    raise SymbolNotFound(
        f"{symbol!r} does not appear in {file}{hint} (punie could not parse the file, so it "
        f"looked for that exact name). Call workspace_symbols(query={last!r}) to find the file "
        "that defines it"
    )
