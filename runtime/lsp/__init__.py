"""punie's own language server for editors (``punie lsp``).

Diagnostics from the same bridges a snippet calls (``punie/ty``, ``punie/ruff``,
``punie/<domain>`` for the domain validators), quick fixes as workspace edits, and the commands
``punie.runSnippet`` and ``punie.ask``. See docs/editor.md for editor set-up and settings.
"""

from runtime.lsp._server import COMMANDS, PunieLanguageServer, create_server
from runtime.lsp._settings import CHECKS, ServerSettings, parse_settings

__all__ = [
    "CHECKS",
    "COMMANDS",
    "PunieLanguageServer",
    "ServerSettings",
    "create_server",
    "parse_settings",
]
