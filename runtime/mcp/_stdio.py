"""The stdio transport of ``punie mcp`` when stdin and stdout are pipes: read and write on the loop.

The SDK's ``stdio_server`` reads stdin through ``anyio.wrap_file``, a worker-thread hop per line,
writes every message with two more hops (``write``, then ``flush``), and moves each message
through a reader and a writer task: a third or more of a ``run_python`` round trip for ``1+1``
(benchmarks/mcp.py). Here the pipes are asyncio pipe transports instead: a line is read where
the SDK's loop asks for the next message, and a message is written where it is sent.

Same contract as the SDK's: the read stream yields a ``SessionMessage`` per line, or the exception
that line raised (``_serve`` answers those), and the write stream takes ``SessionMessage``. Same
descriptor claim: while serving, fd 0 reads the null device and fd 1 writes to stderr, so a
handler's stray ``print`` and the tools punie starts cannot reach the wire; both are restored,
with their blocking mode, on exit. A line longer than ``MAX_LINE_BYTES`` is skipped and reported
as ``LineTooLong`` (the SDK's stdio reader has no bound; its HTTP transport has the same one).
Only pipes and sockets qualify (``stdio_is_pipes``): a regular file or a terminal cannot be read
by an asyncio pipe transport, and the caller falls back to the SDK's transport for those.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import stat
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Protocol

import anyio
import anyio.lowlevel
import mcp_types as types
from mcp.shared.message import SessionMessage

__all__ = ["MAX_LINE_BYTES", "LineInterceptor", "LineTooLong", "pipe_stdio", "stdio_is_pipes"]

MAX_LINE_BYTES = 4 * 1024 * 1024
"""Longest JSON-RPC line read from stdin, its newline not counted: the SDK's limit of an HTTP
request body."""

_FLUSH_S = 5.0
"""How long the last answers may take to reach a client at shutdown."""


class LineTooLong(ValueError):
    """A line on stdin was longer than ``MAX_LINE_BYTES``; it was skipped whole."""


class LineInterceptor(Protocol):
    """Sees the wire before the SDK does: ``runtime.mcp._fast``'s ``run_python`` fast path."""

    def take(self, line: bytes) -> bool:
        """Whether this line was handled here (the SDK never sees it)."""
        ...

    def sent(self, message: types.JSONRPCMessage) -> None:
        """The SDK sent ``message``."""
        ...

    def ended(self) -> None:
        """Stdin reached its end: the SDK answers requests in flight with "Connection closed"."""
        ...


def stdio_is_pipes() -> bool:
    """Whether fd 0 and fd 1 are two pipes or sockets (what MCP clients spawn servers with).

    One socket on both (a bidirectional launcher) is left to the SDK: asyncio's write transport
    watches its descriptor for readability to notice a closed peer, and would take the
    client's next request for that.
    """
    try:
        found = [os.fstat(fd) for fd in (0, 1)]
    except OSError:
        return False
    if (found[0].st_dev, found[0].st_ino) == (found[1].st_dev, found[1].st_ino):
        return False
    return all(stat.S_ISFIFO(each.st_mode) or stat.S_ISSOCK(each.st_mode) for each in found)


@asynccontextmanager
async def pipe_stdio() -> AsyncGenerator[tuple[_LineReader, _LineWriter]]:
    """Claim fd 0 and fd 1, serve them as asyncio pipes; yields ``(read_stream, write_stream)``.

    Call only when ``stdio_is_pipes()`` and under anyio's asyncio backend.
    """
    loop = asyncio.get_running_loop()
    claimed: list[tuple[int, int, int]] = []  # (standard fd, private duplicate, original flags)
    read_transport: asyncio.ReadTransport | None = None
    write_transport: asyncio.WriteTransport | None = None
    try:
        wire_in = _claim(0, os.devnull, claimed)
        wire_out = _claim(1, None, claimed)
        reader = asyncio.StreamReader(limit=MAX_LINE_BYTES, loop=loop)
        # closefd=False: the private duplicates outlive the transports, for ``_release``.
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader, loop=loop),
            os.fdopen(wire_in, "rb", buffering=0, closefd=False),
        )
        protocol = _WriteProtocol(loop)
        write_transport, _ = await loop.connect_write_pipe(
            lambda: protocol, os.fdopen(wire_out, "wb", buffering=0, closefd=False)
        )
        yield _LineReader(reader), _LineWriter(write_transport, protocol)
    finally:
        with anyio.CancelScope(shield=True):
            if write_transport is not None:
                write_transport.close()  # once what is buffered is written, or the reader left
                with anyio.move_on_after(_FLUSH_S):
                    await protocol.lost
                if not protocol.lost.done():  # a client that stopped reading: drop the rest
                    write_transport.abort()
                    await protocol.lost
            if read_transport is not None:
                read_transport.close()
                await anyio.lowlevel.checkpoint()  # its connection_lost runs on the next turn
        _release(claimed)


def _claim(fd: int, diversion: str | None, claimed: list[tuple[int, int, int]]) -> int:
    """A private duplicate of ``fd``; ``fd`` then reads ``diversion`` (None: writes to stderr)."""
    wire = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    claimed.append((fd, wire, fcntl.fcntl(wire, fcntl.F_GETFL)))
    if diversion is None:
        os.dup2(2, fd)
    else:
        replacement = os.open(diversion, os.O_RDONLY)
        os.dup2(replacement, fd)
        os.close(replacement)
    return wire


def _release(claimed: list[tuple[int, int, int]]) -> None:
    """Point the standard descriptors back at the wire, blocking again as they were found."""
    for fd, wire, flags in reversed(claimed):
        with contextlib.suppress(OSError):
            fcntl.fcntl(wire, fcntl.F_SETFL, flags)  # asyncio made the pipe non-blocking
        with contextlib.suppress(OSError):
            os.dup2(wire, fd)
        with contextlib.suppress(OSError):
            os.close(wire)


class _WriteProtocol(asyncio.BaseProtocol):
    """Flow control of the stdout pipe: ``drain`` waits while the client is not reading."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._paused = False
        self._waiters: list[asyncio.Future[None]] = []
        self._loop = loop
        self.lost: asyncio.Future[None] = loop.create_future()

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)
        self._wake()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def drain(self) -> None:
        while self._paused and not self.lost.done():
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            await waiter
        if self.lost.done():
            raise anyio.BrokenResourceError("the client closed stdout")


class _LineWriter:
    """The write stream: each message is one line, written to the pipe as it is sent."""

    def __init__(self, transport: asyncio.WriteTransport, protocol: _WriteProtocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._closed = False
        self.interceptor: LineInterceptor | None = None
        """Told of every message sent (set by whoever set the read stream's)."""

    async def send(self, item: SessionMessage, /) -> None:
        if self._closed:
            raise anyio.ClosedResourceError
        if self._transport.is_closing() or self._protocol.lost.done():
            raise anyio.BrokenResourceError("the client closed stdout")
        self._write(item.message)
        if self.interceptor is not None:
            self.interceptor.sent(item.message)
        await self._protocol.drain()

    def write_now(self, line: bytes) -> bool:
        """Write one JSON line (no newline) from a loop callback, without flow control; False
        when stdout is gone."""
        if self._transport.is_closing() or self._protocol.lost.done():
            return False
        self._transport.write(line + b"\n")
        return True

    def _write(self, message: types.JSONRPCMessage) -> None:
        text = message.model_dump_json(by_alias=True, exclude_unset=True)
        self._transport.write(text.encode("utf-8") + b"\n")  # whole lines: sends never interleave

    async def aclose(self) -> None:
        self._closed = True

    async def __aenter__(self) -> _LineWriter:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class _LineReader:
    """The read stream: the next line parsed as a JSON-RPC message, or the exception it raised."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader
        self._closed = False
        self.interceptor: LineInterceptor | None = None
        """Offered every line first; the lines it takes never reach the SDK."""

    async def receive(self) -> SessionMessage | Exception:
        interceptor = self.interceptor
        while True:
            try:
                line = await self._line()
            except anyio.EndOfStream:
                if interceptor is not None:
                    interceptor.ended()
                raise
            if isinstance(line, Exception):
                return line
            if interceptor is None or not interceptor.take(line):
                break
        try:
            # As the SDK reads stdin: UTF-8 with bad bytes replaced, one message per line.
            message = types.jsonrpc_message_adapter.validate_json(
                line.decode("utf-8", errors="replace"), by_name=False
            )
        except Exception as error:  # the SDK's contract: the exception is the stream's item
            return error
        return SessionMessage(message)

    async def _line(self) -> bytes | Exception:
        """The next line (``anyio.EndOfStream`` at the end), or ``LineTooLong`` for one skipped."""
        if self._closed:
            raise anyio.ClosedResourceError
        skipped = False
        while True:
            try:
                line = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as over:
                await self._reader.readexactly(over.consumed)  # drop it, then the rest of it
                skipped = True
                continue
            except asyncio.IncompleteReadError as end:  # the last line had no newline
                line = end.partial
                if not line and not skipped:
                    raise anyio.EndOfStream from None
            if skipped:
                return LineTooLong(
                    f"a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB was skipped"
                )
            return line

    def __aiter__(self) -> _LineReader:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        self._closed = True

    def close(self) -> None:
        self._closed = True

    async def __aenter__(self) -> _LineReader:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()
