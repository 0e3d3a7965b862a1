"""Code navigation through a real language server (``ty server``), as typed bridges.

``BRIDGES`` (read by the bridge registry): ``goto_definition``, ``find_references``, ``hover``,
``document_symbols``, ``workspace_symbols``. Behind them, one warm server per workspace
(``session_for``), started lazily, restarted once if it dies, shut down at exit
(``close_all_sessions``). punie's own editor-facing server lives in ``runtime.lsp``.
"""

from bridges._record import Bridge
from bridges.lsp._records import NAVIGATION_BRIDGES
from bridges.lsp._session import (
    SERVERS,
    LanguageServerSession,
    close_all_sessions,
    session_for,
)

__all__ = [
    "BRIDGES",
    "SERVERS",
    "LanguageServerSession",
    "close_all_sessions",
    "session_for",
]

BRIDGES: tuple[Bridge, ...] = NAVIGATION_BRIDGES
