"""The MCP server's errors: only mistakes of the person starting it (all ``UsageError``).

::

    UsageError (runtime)
    └── MCPServerError            ``punie mcp`` cannot start as asked; the message names the flag
        └── NonLoopbackBindError  --http names a non-loopback address without --allow-non-loopback

What goes wrong *inside* a session (a snippet's error, a limit, bad tool arguments, an unknown
tool) is never an exception here: it is a tool result with ``isError`` or a JSON-RPC error, and
the server keeps serving.
"""

from __future__ import annotations

from runtime._errors import UsageError

__all__ = ["MCPServerError", "NonLoopbackBindError"]


class MCPServerError(UsageError):
    """``punie mcp`` cannot start as asked; the message says which flag or setting to change."""


class NonLoopbackBindError(MCPServerError):
    """The server has no authentication, so it listens on loopback unless explicitly told."""
