"""Language-server answers (lsprotocol types) -> punie's navigation contracts.

The server speaks URIs and 0-based positions in its negotiated encoding; contracts carry
workspace-relative paths, 1-based character columns and the text of the line. Files are read at
most once per call through ``SourceLines``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from bridges._workspace import relative_path
from bridges.lsp._positions import Outline, from_server
from parsers.contracts.lsp import SourceLocation, SymbolInfo

__all__ = [
    "SourceLines",
    "flatten_symbols",
    "hover_text",
    "locations",
    "outline_of",
    "path_of",
    "symbol_kind",
]

_HOVER_LIMIT = 4000


def path_of(uri: str) -> Path | None:
    """The local path of a ``file://`` URI, None for other schemes (vendored stubs...)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


_CACHE_LIMIT = 4000
_line_cache: dict[str, tuple[object, list[str]]] = {}
"""path -> (stamp, lines): file contents shared across calls while the file is unchanged."""


class SourceLines:
    """Lines of files for one call; knows the workspace and the negotiated position encoding.

    ``stamp(path)`` (from the session's change tracker) says whether a file changed since it was
    last read; unchanged files are served from a process-wide cache, so a call with hundreds of
    locations does not read hundreds of files again.
    """

    def __init__(
        self,
        workspace: Path,
        encoding: str,
        stamp: Callable[[str], object | None] | None = None,
    ) -> None:
        self.workspace = workspace
        self.encoding = encoding
        self._stamp = stamp or (lambda _path: None)
        self._prefix = workspace.as_uri().rstrip("/") + "/"
        self._files: dict[str, list[str]] = {}
        self._shown: dict[str, str] = {}

    def remember(self, path: Path, text: str) -> None:
        self._files[path.as_uri()] = text.splitlines()

    def lines(self, uri: str) -> list[str]:
        found = self._files.get(uri)
        if found is not None:
            return found
        if uri.startswith("file:///"):  # the usual shape: no need to parse the URI
            key: str | None = unquote(uri[7:])
        else:
            path = path_of(uri)
            key = None if path is None else str(path)
        if key is None:
            found = []
        else:
            stamp = self._stamp(key)
            cached = _line_cache.get(key)
            if stamp is not None and cached is not None and cached[0] == stamp:
                found = cached[1]
            else:
                try:
                    found = Path(key).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    found = []
                if stamp is not None:
                    if len(_line_cache) >= _CACHE_LIMIT:
                        _line_cache.clear()
                    _line_cache[key] = (stamp, found)
        self._files[uri] = found
        return found

    def line(self, uri: str, number: int) -> str:
        lines = self.lines(uri)
        return lines[number] if 0 <= number < len(lines) else ""

    def column(self, uri: str, position: types.Position) -> int:
        return from_server(self.line(uri, position.line), position.character, self.encoding)

    def display(self, uri: str) -> str:
        shown = self._shown.get(uri)
        if shown is None:
            if uri.startswith(self._prefix):
                shown = unquote(uri[len(self._prefix) :])
            else:
                path = path_of(uri)
                shown = uri if path is None else relative_path(self.workspace, path)
            self._shown[uri] = shown
        return shown

    def location(self, uri: str, span: types.Range) -> SourceLocation:
        lines = self.lines(uri)  # once: a references answer can hold hundreds of locations
        start, end = span.start, span.end
        first = lines[start.line] if 0 <= start.line < len(lines) else ""
        if end.line == start.line:
            last = first
        else:
            last = lines[end.line] if 0 <= end.line < len(lines) else ""
        return SourceLocation(
            file=self.display(uri),
            line=start.line + 1,
            column=from_server(first, start.character, self.encoding),
            end_line=end.line + 1,
            end_column=max(from_server(last, end.character, self.encoding), 1),
            context=first.strip(),
        )


def locations(
    found: types.Location | Sequence[types.Location | types.LocationLink] | None,
    lines: SourceLines,
) -> list[SourceLocation]:
    """Normalise a definition/references answer (one, many, links or None) into locations."""
    if found is None:
        return []
    items = [found] if isinstance(found, types.Location) else list(found)
    result: list[SourceLocation] = []
    for item in items:
        if isinstance(item, types.LocationLink):
            result.append(lines.location(item.target_uri, item.target_selection_range))
        else:
            result.append(lines.location(item.uri, item.range))
    return result


def symbol_kind(kind: types.SymbolKind | int) -> str:
    """'class', 'function', 'method'... from an LSP symbol kind."""
    try:
        return types.SymbolKind(kind).name.lower()
    except ValueError:
        return f"kind-{int(kind)}"


def flatten_symbols(
    found: Sequence[types.DocumentSymbol | types.SymbolInformation | types.WorkspaceSymbol] | None,
    lines: SourceLines,
    *,
    uri: str | None = None,
) -> list[SymbolInfo]:
    """Document or workspace symbols, hierarchical or flat, as a flat outer-before-inner list."""
    result: list[SymbolInfo] = []

    def walk(symbol: types.DocumentSymbol, container: str | None, owner: str) -> None:
        start = symbol.selection_range.start
        result.append(
            SymbolInfo(
                name=symbol.name,
                kind=symbol_kind(symbol.kind),
                container=container,
                file=lines.display(owner),
                line=start.line + 1,
                column=lines.column(owner, start),
                end_line=symbol.range.end.line + 1,
            )
        )
        inner = symbol.name if container is None else f"{container}.{symbol.name}"
        for child in symbol.children or ():
            walk(child, inner, owner)

    for item in found or ():
        if isinstance(item, types.DocumentSymbol):
            walk(item, None, uri or "")
            continue
        location = item.location
        if isinstance(location, types.Location):
            start, end_line = location.range.start, location.range.end.line
        else:  # WorkspaceSymbol with only a URI
            start, end_line = types.Position(line=0, character=0), 0
        line, column = _name_position(lines, location.uri, item.name, start, end_line)
        result.append(
            SymbolInfo(
                name=item.name,
                kind=symbol_kind(item.kind),
                container=item.container_name or None,
                file=lines.display(location.uri),
                line=line,
                column=column,
                end_line=end_line + 1,
            )
        )
    return result


def _name_position(
    lines: SourceLines, uri: str, name: str, start: types.Position, end_line: int
) -> tuple[int, int]:
    """1-based line and column of ``name`` in a symbol's range (flat symbols give only the range,
    which starts at a decorator for decorated classes and functions)."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    for number in range(start.line, min(end_line, start.line + 50) + 1):
        text = lines.line(uri, number)
        offset = start.character if number == start.line else 0
        match = pattern.search(text, min(offset, len(text)))
        if match:
            return number + 1, match.start() + 1
    return start.line + 1, lines.column(uri, start)


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


def hover_text(hover: types.Hover | None) -> str:
    """The plain text of a hover answer, whatever shape the server chose."""
    if hover is None:
        return ""
    contents = hover.contents
    parts: list[str] = []
    items = contents if isinstance(contents, (list, tuple)) else [contents]
    for item in items:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, (types.MarkupContent, types.MarkedStringWithLanguage)):
            parts.append(item.value)
    text = "\n".join(part.strip("\n") for part in parts).strip()
    return text if len(text) <= _HOVER_LIMIT else text[:_HOVER_LIMIT] + "\n…(truncated)"
