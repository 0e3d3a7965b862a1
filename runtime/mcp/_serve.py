"""Transports: stdio (the default) and streamable HTTP on a loopback address.

HTTP binds loopback unless told otherwise (``runtime.mcp._bind``). The SDK's DNS-rebinding
protection (Host and Origin checks) is on for loopback binds, so a web page in the user's browser
cannot reach the server either.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import anyio

from runtime.mcp._bind import check_bind, is_loopback
from runtime.mcp._errors import MCPServerError
from runtime.mcp._server import build_server
from runtime.mcp._settings import ServerSettings

__all__ = ["serve_http", "serve_stdio"]


def serve_stdio(settings: ServerSettings) -> None:
    """Serve one client on stdin/stdout until it closes stdin.

    Pipes (how every MCP client starts a server) are read and written on the event loop
    (``runtime.mcp._stdio``); anything else, such as a file redirected to stdin, goes through
    the SDK's thread-backed transport.
    """
    from mcp.server.stdio import stdio_server

    from runtime.mcp._fast import RunFastPath, fast_path_enabled
    from runtime.mcp._server import _build
    from runtime.mcp._stdio import pipe_stdio, stdio_is_pipes

    server, punie = _build(settings, one_client=True)
    pipes = stdio_is_pipes()
    transport = pipe_stdio if pipes else stdio_server

    async def main() -> None:
        async with transport() as (read_stream, write_stream):
            if pipes and fast_path_enabled():  # run_python calls skip the SDK (_fast)
                fast = RunFastPath(punie, write_stream)
                read_stream.interceptor = write_stream.interceptor = fast
            answered = _answer_unreadable(read_stream, write_stream)
            await server.run(answered, write_stream, server.create_initialization_options())

    anyio.run(main, backend="asyncio")


def _answer_unreadable(read_stream: Any, write_stream: Any) -> Any:
    """The read stream, minus lines that are not JSON-RPC messages: each is answered here.

    The SDK's stdio transport turns such a line into an exception on the read stream, which its
    dispatcher drops in silence; JSON-RPC 2.0 asks for an error response with a null id (-32700
    for text that is not JSON, -32600 for JSON that is not a message), so that a client's bug is
    visible to it. The server keeps reading either way.
    """
    from mcp.shared.message import SessionMessage
    from mcp_types import INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError
    from pydantic import ValidationError

    from runtime.mcp._stdio import MAX_LINE_BYTES, LineTooLong

    class Answering:
        def __init__(self) -> None:
            self._inner = read_stream

        @property
        def last_context(self) -> Any:  # the SDK reads the sender's context from here
            return getattr(self._inner, "last_context", None)

        def __aiter__(self) -> Answering:
            return self

        async def __anext__(self) -> Any:
            while True:
                item = await self._inner.__anext__()
                if not isinstance(item, Exception):
                    return item
                not_json = isinstance(item, ValidationError) and any(
                    error["type"] == "json_invalid" for error in item.errors()
                )
                if isinstance(item, LineTooLong):
                    error = ErrorData(
                        code=INVALID_REQUEST,
                        message=f"Invalid Request: the line is longer than {MAX_LINE_BYTES} "
                        "bytes and was skipped; send large inputs as files in the workspace",
                    )
                elif not_json:
                    error = ErrorData(code=PARSE_ERROR, message="Parse error: the line is not JSON")
                else:
                    error = ErrorData(
                        code=INVALID_REQUEST,
                        message="Invalid Request: the line is JSON but not a JSON-RPC 2.0 message",
                    )
                answer = JSONRPCError(jsonrpc="2.0", id=None, error=error)
                await write_stream.send(SessionMessage(answer))

        async def receive(self) -> Any:
            return await self.__anext__()

        async def aclose(self) -> None:
            await self._inner.aclose()

        def close(self) -> None:
            self._inner.close()

        async def __aenter__(self) -> Answering:
            return self

        async def __aexit__(self, *exc_info: object) -> None:
            await self.aclose()

    return Answering()


def serve_http(
    settings: ServerSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_non_loopback: bool = False,
    ready: Callable[[str], Any] | None = None,
) -> None:
    """Serve streamable HTTP at ``http://HOST:PORT/mcp`` until interrupted.

    ``port`` 0 picks a free port; ``ready(url)`` is called once the socket listens (the CLI
    prints the URL). ``MCPServerError`` when the address cannot be bound.
    """
    import uvicorn

    check_bind(host, allow_non_loopback=allow_non_loopback)
    listener = _listen(host, port)
    bound_port = listener.getsockname()[1]
    server = build_server(settings)
    _serve_sessions(server)
    app = server.streamable_http_app(host=host if is_loopback(host) else "0.0.0.0")
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound_port}/mcp"
    if ready is not None:
        ready(url)
    uvicorn.Server(config).run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host.strip("[]"), port))
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise MCPServerError(
            f"cannot listen on {host}:{port} ({error.strerror or error}); choose a free port "
            "with --http HOST:PORT, or check the address"
        ) from None
    listener.set_inheritable(True)
    return listener


def _serve_sessions(server: Any) -> None:
    """Answer ``server/discover`` with the handshake-era versions only.

    ``run_python`` keeps a namespace per MCP session, and the 2026-07-28 era has no sessions on
    HTTP. A client that probes with ``server/discover`` and reads this falls back to the
    ``initialize`` handshake, and gets a session (``Mcp-Session-Id``) that keeps its names.
    """
    import mcp_types as types
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

    async def discover(ctx: Any, params: types.RequestParams) -> types.DiscoverResult:
        return types.DiscoverResult(
            supported_versions=list(HANDSHAKE_PROTOCOL_VERSIONS),
            capabilities=server.get_capabilities(),
            instructions=server.instructions,
        )

    server.add_request_handler("server/discover", types.RequestParams, discover)
