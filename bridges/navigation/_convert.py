"""Language-server answers (plain JSON) -> punie's navigation contracts.

The answers to the five navigation requests arrive as the JSON the server sent (dicts and
lists; see ``RAW_RESULTS`` in ``_connection``): they are turned into contracts here anyway, and
skipping lsprotocol's cattrs structuring on the way saves more than the whole conversion costs
(it grows with every location of a large references answer). The shapes follow the LSP
specification — a Location, a list of Locations or LocationLinks, DocumentSymbols or
SymbolInformation/WorkspaceSymbols, a Hover — and anything else raises ``KeyError``,
``TypeError`` or ``ValueError``, which the bridges report as a tool error.

The server speaks URIs and 0-based positions in its negotiated encoding; contracts carry
workspace-relative paths, 1-based character columns and the text of the line. Files are read at
most once per call through ``SourceLines``. Contracts are validated in one batch per answer
(``TypeAdapter`` over the list): pydantic-core then loops in Rust instead of being entered once
per model from Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pydantic import TypeAdapter

from bridges._workspace import relative_path
from bridges.navigation._positions import Outline, from_server
from bridges.navigation._scopes import split_lines
from bridges.navigation._session_cache import SessionCache, path_of
from parsers.contracts.lsp import SourceLocation, SymbolInfo

__all__ = [
    "SourceLines",
    "flatten_symbols",
    "hover_text",
    "location_fields",
    "locations",
    "outline_of",
    "path_of",
    "symbol_fields",
    "symbol_kind",
]

_HOVER_LIMIT = 4000
_LOCATIONS = TypeAdapter(list[SourceLocation])
_SYMBOLS = TypeAdapter(list[SymbolInfo])
Json = Any
"""A decoded JSON value as the server sent it."""


class SourceLines:
    """Lines of files for one call; knows the workspace and the negotiated position encoding.

    ``stamp(path)`` (from the session's change tracker) says whether a file changed since it was
    last read; unchanged files are served from ``cache`` (the session's ``SessionCache``), so a
    call with hundreds of locations does not read hundreds of files again. Without a cache the
    call remembers what it read for itself alone.
    """

    def __init__(
        self,
        workspace: Path,
        encoding: str,
        stamp: Callable[[str], object | None] | None = None,
        cache: SessionCache | None = None,
    ) -> None:
        self.workspace = workspace
        self.encoding = encoding
        self.cache = SessionCache() if cache is None else cache
        self._stamp = stamp or (lambda _path: None)
        self._prefix = self.cache.file_uri(workspace).rstrip("/") + "/"
        self._root = self.cache.uri_path(self._prefix) or ""
        self._files: dict[str, list[str]] = {}
        self._shown: dict[str, str] = {}

    def remember(self, path: Path, text: str) -> list[str]:
        """Serve ``path`` from ``text`` (what the server is told the file holds); its lines."""
        known_lines = self.cache.split(text)
        self._files[self.cache.file_uri(path)] = known_lines
        return known_lines

    def lines(self, uri: str) -> list[str]:
        found = self._files.get(uri)
        if found is not None:
            return found
        cache = self.cache
        key = cache.uri_path(uri)
        if key is None:
            found = []
        else:
            stamp = self._stamp(key)
            cached = None if stamp is None else cache.lines(key, stamp)
            if cached is not None:
                found = cached
            else:
                try:
                    found = split_lines(Path(key).read_text(encoding="utf-8", errors="replace"))
                except OSError:
                    found = []
                if stamp is not None:
                    cache.keep_lines(key, stamp, found)
        self._files[uri] = found
        return found

    def line(self, uri: str, number: int) -> str:
        lines = self.lines(uri)
        return lines[number] if 0 <= number < len(lines) else ""

    def column(self, uri: str, position: Json) -> int:
        return from_server(self.line(uri, position["line"]), position["character"], self.encoding)

    def display(self, uri: str) -> str:
        shown = self._shown.get(uri)
        if shown is None:
            if uri.startswith(self._prefix):
                shown = (self.cache.uri_path(uri) or "")[len(self._root) :]
            else:
                path = path_of(uri)
                shown = uri if path is None else relative_path(self.workspace, path)
            self._shown[uri] = shown
        return shown

    def location(self, uri: str, span: Json) -> dict[str, Any]:
        """The fields of a ``SourceLocation`` for ``span`` (a Range) in ``uri``."""
        lines = self.lines(uri)  # once: a references answer can hold hundreds of locations
        start, end = span["start"], span["end"]
        start_line, end_line = start["line"], end["line"]
        first = lines[start_line] if 0 <= start_line < len(lines) else ""
        if end_line == start_line:
            last = first
        else:
            last = lines[end_line] if 0 <= end_line < len(lines) else ""
        return {
            "file": self.display(uri),
            "line": start_line + 1,
            "column": from_server(first, start["character"], self.encoding),
            "end_line": end_line + 1,
            "end_column": max(from_server(last, end["character"], self.encoding), 1),
            "context": first.strip(),
        }


def location_fields(found: Json, lines: SourceLines) -> list[dict[str, Any]]:
    """A definition/references answer (one, many, links or null) as the fields of
    ``SourceLocation`` contracts, for a result model to validate together with its own."""
    if found is None:
        return []
    items = [found] if isinstance(found, dict) else found
    fields = []
    for item in items:
        if "targetUri" in item:  # a LocationLink
            fields.append(lines.location(item["targetUri"], item["targetSelectionRange"]))
        else:
            fields.append(lines.location(item["uri"], item["range"]))
    return fields


def locations(found: Json, lines: SourceLines) -> list[SourceLocation]:
    """Normalise a definition/references answer (one, many, links or null) into locations."""
    return _LOCATIONS.validate_python(location_fields(found, lines))


_KINDS: dict[int, str] = {kind.value: kind.name.lower() for kind in types.SymbolKind}


def symbol_kind(kind: int) -> str:
    """'class', 'function', 'method'... from an LSP symbol kind."""
    name = _KINDS.get(kind)
    return f"kind-{int(kind)}" if name is None else name


def flatten_symbols(found: Json, lines: SourceLines, *, uri: str | None = None) -> list[SymbolInfo]:
    """Document or workspace symbols, hierarchical or flat, as a flat outer-before-inner list."""
    return _SYMBOLS.validate_python(symbol_fields(found, lines, uri=uri))


def symbol_fields(
    found: Json, lines: SourceLines, *, uri: str | None = None
) -> list[dict[str, Any]]:
    """``flatten_symbols`` as the fields of ``SymbolInfo`` contracts, for a result model to
    validate together with its own."""
    fields: list[dict[str, Any]] = []

    def walk(symbol: Json, container: str | None, owner: str) -> None:
        start = symbol["selectionRange"]["start"]
        name = symbol["name"]
        fields.append(
            {
                "name": name,
                "kind": symbol_kind(symbol["kind"]),
                "container": container,
                "file": lines.display(owner),
                "line": start["line"] + 1,
                "column": lines.column(owner, start),
                "end_line": symbol["range"]["end"]["line"] + 1,
            }
        )
        inner = name if container is None else f"{container}.{name}"
        for child in symbol.get("children") or ():
            walk(child, inner, owner)

    for item in found or ():
        if "selectionRange" in item:  # a DocumentSymbol
            walk(item, None, uri or "")
            continue
        location = item["location"]
        span = location.get("range")
        if span is not None:
            start, end_line = span["start"], span["end"]["line"]
        else:  # a WorkspaceSymbol with only a URI
            start, end_line = {"line": 0, "character": 0}, 0
        line, column = _name_position(lines, location["uri"], item["name"], start, end_line)
        fields.append(
            {
                "name": item["name"],
                "kind": symbol_kind(item["kind"]),
                "container": item.get("containerName") or None,
                "file": lines.display(location["uri"]),
                "line": line,
                "column": column,
                "end_line": end_line + 1,
            }
        )
    return fields


def _name_position(
    lines: SourceLines, uri: str, name: str, start: Json, end_line: int
) -> tuple[int, int]:
    """1-based line and column of ``name`` in a symbol's range (flat symbols give only the range,
    which starts at a decorator for decorated classes and functions)."""
    first = start["line"]
    source = lines.lines(uri)
    for number in range(max(first, 0), min(end_line, first + 50, len(source) - 1) + 1):
        text = source[number]
        offset = start["character"] if number == first else 0
        found = _find_name(text, name, min(offset, len(text)))
        if found >= 0:
            return number + 1, found + 1
    return first + 1, lines.column(uri, start)


def _find_name(text: str, name: str, start: int) -> int:
    """Index of ``name`` in ``text`` from ``start`` as a whole word (like the regular expression
    ``(?<!\\w)name(?!\\w)``, whose word characters are ``isalnum()`` ones and '_'), or -1.
    A plain ``find`` because this runs once per symbol of an answer."""
    if not name:
        return -1
    index = text.find(name, start)
    while index >= 0:
        end = index + len(name)
        before = text[index - 1] if index else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):
            return index
        index = text.find(name, index + 1)
    return -1


def outline_of(symbols: Iterable[SymbolInfo]) -> list[Outline]:
    """Qualified names with name positions, for resolving ``symbol='Cart.total'``."""
    return [
        Outline(
            qualified=symbol.name
            if symbol.container is None
            else f"{symbol.container}.{symbol.name}",
            line=symbol.line,
            column=symbol.column,
        )
        for symbol in symbols
    ]


def hover_text(hover: Json) -> str:
    """The plain text of a hover answer, whatever shape the server chose."""
    if hover is None:
        return ""
    contents = hover["contents"]
    parts: list[str] = []
    for item in contents if isinstance(contents, list) else [contents]:
        if isinstance(item, str):
            parts.append(item)
        else:  # MarkupContent or MarkedString {language, value}
            value = item["value"]
            if not isinstance(value, str):
                raise TypeError(f"hover value is {type(value).__name__}, not text")
            parts.append(value)
    text = "\n".join(part.strip("\n") for part in parts).strip()
    return text if len(text) <= _HOVER_LIMIT else text[:_HOVER_LIMIT] + "\n…(truncated)"
