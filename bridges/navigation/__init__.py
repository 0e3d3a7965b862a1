"""Code navigation through a real language server (``ty server``), as typed bridges.

``BRIDGES`` (read by the bridge registry): ``goto_definition``, ``find_references``, ``hover``,
``document_symbols``, ``workspace_symbols``. Behind them, one warm server per workspace
(``session_for``), started lazily, restarted once if it dies, shut down at exit
(``close_all_sessions``). A bridge set that wants its servers to itself gets its own
``SessionRegistry`` (``default_bridges(..., navigation=SessionRegistry())``) and closes it.
A symbol name that means several things in the file, or nothing there, is an
``AmbiguousSymbol`` or ``SymbolNotFound`` error (``BridgeArgumentError``s); a file too large or
too deeply nested to resolve a name in is ``UnreadableSource``. ``to_server_character`` /
``from_server_character`` convert 1-based character columns to and from LSP offsets
(UTF-8/16/32). punie's own editor-facing server lives in ``runtime.lsp``.

The session names load on first use (module ``__getattr__``): listing the bridges must not import
the language-server client (lsprotocol, pygls), which only a navigation call needs.
"""

from typing import TYPE_CHECKING, Any

from bridges._bridge import Bridge
from bridges.navigation._positions import (
    from_server as from_server_character,
    to_server as to_server_character,
)
from bridges.navigation._records import NAVIGATION_BRIDGES
from bridges.navigation._scopes import AmbiguousSymbol, SymbolNotFound, UnreadableSource

if TYPE_CHECKING:
    from bridges.navigation._session import (
        SERVERS,
        LanguageServerSession,
        SessionRegistry,
        close_all_sessions,
        session_for,
    )

__all__ = [
    "BRIDGES",
    "SERVERS",
    "AmbiguousSymbol",
    "LanguageServerSession",
    "SessionRegistry",
    "SymbolNotFound",
    "UnreadableSource",
    "close_all_sessions",
    "from_server_character",
    "session_for",
    "to_server_character",
]

BRIDGES: tuple[Bridge, ...] = NAVIGATION_BRIDGES


_SESSION_NAMES = frozenset(
    {"SERVERS", "LanguageServerSession", "SessionRegistry", "close_all_sessions", "session_for"}
)


def __getattr__(name: str) -> Any:
    """Import the session module when one of its names is first asked for."""
    if name in _SESSION_NAMES:
        from bridges.navigation import _session

        return getattr(_session, name)
    raise AttributeError(f"module 'bridges.navigation' has no attribute {name!r}")
