"""What one language-server session remembers between calls, in one object the session owns.

A warm navigation call is little more than the server's answer, so the small derived facts a
call needs again and again are remembered instead of recomputed on every call: the URI of a
path, the path of a URI, the lines of a file that has not changed, the outline and the syntax
index of a text. Each entry is checked before it is used (a file's change stamp, the text
itself), so a stale entry is never an answer; what the cache must bound is memory, and who may
drop it. ``LanguageServerSession`` creates one ``SessionCache``, hands it to the connection and
to every ``SourceLines`` of its calls, and clears it in ``close()``: two sessions never share
one, and closing a session lets its workspace's texts and indexes go.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from bridges.navigation._positions import Outline
from bridges.navigation._scopes import ScopeIndexes, split_lines
from parsers.contracts.lsp import SymbolInfo

__all__ = ["SessionCache", "path_of"]

_URIS_LIMIT = 4096
_PATHS_LIMIT = 4000
_LINES_LIMIT = 4000
_OUTLINES_LIMIT = 500


def path_of(uri: str) -> Path | None:
    """The local path of a ``file://`` URI, None for other schemes (vendored stubs...)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


class SessionCache:
    """URIs, paths, file lines, outlines and syntax indexes remembered for one session.

    Every part is bounded (a full part is emptied, then refilled) and ``clear()`` empties them
    all. Safe to share between the session's threads as dictionaries are: a lookup and a store
    are each atomic, and two threads computing the same entry store equal values.
    """

    def __init__(self) -> None:
        self._uris: dict[str, str] = {}
        """Path text -> ``file:`` URI."""
        self._paths: dict[str, str] = {}
        """URI -> local path text ('' for other schemes): answers name the same files call
        after call."""
        self._lines: dict[str, tuple[object, list[str]]] = {}
        """Path text -> (change stamp, lines): file contents shared across calls while the file
        is unchanged."""
        self._last_split: tuple[str, list[str]] = ("", [])
        """The last text split into lines: warm calls about one file split it once."""
        self._outlines: dict[tuple[str, str], tuple[str, list[SymbolInfo], list[Outline]]] = {}
        """(path, encoding) -> (text, symbols, qualified names): an outline depends only on the
        text."""
        self.scopes = ScopeIndexes()
        """The syntax indexes that resolve symbol names (``find_target``)."""

    def file_uri(self, path: Path) -> str:
        """``path.as_uri()``, remembered: a warm call needs the URI of its file several times,
        and quoting it costs more than the lookup. Keyed by the path's text, which a ``Path``
        keeps: looking up an equal but different ``Path`` object would compare their parts in
        Python."""
        key = str(path)
        uri = self._uris.get(key)
        if uri is None:
            uri = path.as_uri()
            if len(self._uris) >= _URIS_LIMIT:
                self._uris.clear()
            self._uris[key] = uri
        return uri

    def uri_path(self, uri: str) -> str | None:
        """The local path of a URI as text, None if it is not a ``file:`` URI; remembered."""
        key = self._paths.get(uri)
        if key is None:
            if uri.startswith("file:///"):  # the usual shape: no need to parse the URI
                key = unquote(uri[7:])
            else:
                path = path_of(uri)
                key = "" if path is None else str(path)
            if len(self._paths) >= _PATHS_LIMIT:
                self._paths.clear()
            self._paths[uri] = key
        return key or None

    def split(self, text: str) -> list[str]:
        """``split_lines(text)``, once for a text that comes back as the same object."""
        known_text, known_lines = self._last_split
        if known_text is not text:  # a kept file text comes back as the same object
            known_lines = split_lines(text)
            self._last_split = (text, known_lines)
        return known_lines

    def lines(self, key: str, stamp: object) -> list[str] | None:
        """The lines kept for the file ``key`` if they were read at change stamp ``stamp``."""
        cached = self._lines.get(key)
        return cached[1] if cached is not None and cached[0] == stamp else None

    def keep_lines(self, key: str, stamp: object, lines: list[str]) -> None:
        """Keep the lines of the file ``key`` read at change stamp ``stamp``."""
        if len(self._lines) >= _LINES_LIMIT:
            self._lines.clear()
        self._lines[key] = (stamp, lines)

    def outline(
        self, key: tuple[str, str], text: str
    ) -> tuple[list[SymbolInfo], list[Outline]] | None:
        """The outline kept for ``key`` (path, encoding) if it was made from ``text``."""
        known = self._outlines.get(key)
        if known is not None and known[0] == text:
            return known[1], known[2]
        return None

    def keep_outline(
        self,
        key: tuple[str, str],
        text: str,
        symbols: list[SymbolInfo],
        outline: list[Outline],
    ) -> None:
        """Keep the outline of ``text`` under ``key`` (path, encoding)."""
        if len(self._outlines) >= _OUTLINES_LIMIT:
            self._outlines.clear()
        self._outlines[key] = (text, symbols, outline)

    def clear(self) -> None:
        """Forget everything (``LanguageServerSession.close`` calls it)."""
        self._uris.clear()
        self._paths.clear()
        self._lines.clear()
        self._last_split = ("", [])
        self._outlines.clear()
        self.scopes.clear()

    @property
    def size(self) -> int:
        """How many entries are kept, in all parts (a cleared cache has none)."""
        return (
            len(self._uris)
            + len(self._paths)
            + len(self._lines)
            + (1 if self._last_split[0] else 0)
            + len(self._outlines)
            + self.scopes.size
        )
