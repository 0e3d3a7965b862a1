"""``punie mcp``: punie's sandbox and bridges as a Model Context Protocol "code mode" server.

Any MCP client (Claude Code, Cursor, Zed, ...) gets one tool, ``run_python``: its description is
the bridge stubs and usage rules rendered by ``runtime.template``, and a call runs the snippet in
a punie sandbox session that keeps names until ``reset``. Its result is the text punie's own
model reads, plus the same outcome as structured content. Resources: the stubs
(``punie://stubs``) and each bridge's documentation (``punie://bridges/NAME``). See docs/mcp.md.

The ``mcp`` SDK takes about two seconds to import, so names are loaded on first use (PEP 562):
``punie mcp --http 0.0.0.0:80`` is refused (``check_bind``) before the SDK is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runtime.mcp._bind import check_bind, is_loopback
    from runtime.mcp._errors import MCPServerError, NonLoopbackBindError
    from runtime.mcp._serve import serve_http, serve_stdio
    from runtime.mcp._server import RESET_TOOL, RUN_TOOL, STUBS_URI, PunieMCP, build_server
    from runtime.mcp._settings import ServerSettings
    from runtime.mcp._workspaces import MCP_RULES

_SOURCES: dict[str, tuple[str, ...]] = {
    "runtime.mcp._bind": ("check_bind", "is_loopback"),
    "runtime.mcp._errors": ("MCPServerError", "NonLoopbackBindError"),
    "runtime.mcp._serve": ("serve_http", "serve_stdio"),
    "runtime.mcp._server": ("RESET_TOOL", "RUN_TOOL", "STUBS_URI", "PunieMCP", "build_server"),
    "runtime.mcp._settings": ("ServerSettings",),
    "runtime.mcp._workspaces": ("MCP_RULES",),
}
_HOME = {name: module for module, names in _SOURCES.items() for name in names}

__all__ = [
    "MCP_RULES",
    "RESET_TOOL",
    "RUN_TOOL",
    "STUBS_URI",
    "MCPServerError",
    "NonLoopbackBindError",
    "PunieMCP",
    "ServerSettings",
    "build_server",
    "check_bind",
    "is_loopback",
    "serve_http",
    "serve_stdio",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime.mcp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
