"""Serving ``PunieAgent`` on stdin/stdout, and answering malformed messages instead of ignoring them.

The SDK's own line transport logs a line that is not JSON and drops it, so a client waits
forever; a JSON value that is not an object (an array, a number) ends its receive loop. JSON-RPC
2.0 says both get an error response with ``id: null``: ``-32700`` (parse error) and ``-32600``
(invalid request). ``AnsweringTransport`` does that, and keeps reading.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, cast

from acp.agent.connection import AgentSideConnection
from acp.core import DEFAULT_STDIO_BUFFER_LIMIT_BYTES
from acp.interfaces import Agent
from acp.stdio import stdio_streams
from acp.task import MessageSender, TaskSupervisor

from runtime.acp._agent import PunieAgent
from runtime.acp._settings import AgentSettings

__all__ = ["AnsweringTransport", "serve", "serve_stdio"]

_log = logging.getLogger("punie.acp")

_MESSAGE_CHARS = 200
"""How much of a malformed line an error response quotes back."""


def _error(code: int, message: str, details: str, request_id: Any = None) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": code, "message": message, "data": {"details": details}},
    }


class AnsweringTransport:
    """Newline-delimited JSON-RPC messages over a reader and a writer, answering bad ones."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._tasks = TaskSupervisor(source="punie.acp.transport")
        self._sender = MessageSender(writer, self._tasks)

    async def send(self, message: dict[str, Any]) -> None:
        await self._sender.send(message)

    async def receive(self) -> dict[str, Any] | None:
        while True:
            line = await self._read_line()
            if not line:
                return None
            line = line.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
            except ValueError as error:  # UnicodeDecodeError included
                shown = line[:_MESSAGE_CHARS].decode("utf-8", "replace")
                await self.send(
                    _error(-32700, "Parse error", f"not a JSON message ({error}): {shown}")
                )
                continue
            if not isinstance(message, dict):
                await self.send(
                    _error(
                        -32600,
                        "Invalid request",
                        "a message must be a JSON object (batches are not supported)",
                    )
                )
                continue
            if "method" not in message and "result" not in message and "error" not in message:
                await self.send(
                    _error(
                        -32600,
                        "Invalid request",
                        "a message needs a method (request, notification) or a result or "
                        "error (response)",
                        message.get("id") if isinstance(message.get("id"), int | str) else None,
                    )
                )
                continue
            return message

    async def _read_line(self) -> bytes:
        chunks: list[bytes] = []
        try:
            while True:
                try:
                    chunk = await self._reader.readuntil(b"\n")
                except asyncio.LimitOverrunError as overrun:
                    chunks.append(await self._reader.readexactly(overrun.consumed))
                else:
                    chunks.append(chunk)
                    return b"".join(chunks)
        except asyncio.IncompleteReadError as end:
            chunks.append(end.partial)
            return b"".join(chunks)

    async def close(self) -> None:
        await self._sender.close()
        await self._tasks.shutdown()


async def serve(
    settings: AgentSettings, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Serve one client on ``reader``/``writer`` until it closes its end."""
    agent = PunieAgent(settings)
    # The SDK routes the methods an agent has and answers "method not found" for the others
    # (session/list, session/set_mode...), so PunieAgent implements only what punie does.
    connection = AgentSideConnection(
        cast(Agent, agent), AnsweringTransport(reader, writer), listening=False
    )
    try:
        await connection.listen()
    finally:
        await agent.close()
        await asyncio.shield(connection.close())


def serve_stdio(settings: AgentSettings) -> None:
    """Serve the editor on this process's stdin/stdout (``punie acp``)."""

    async def main() -> None:
        reader, writer = await stdio_streams(limit=DEFAULT_STDIO_BUFFER_LIMIT_BYTES)
        await serve(settings, reader, writer)

    asyncio.run(main())
