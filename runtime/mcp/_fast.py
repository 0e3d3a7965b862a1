"""The stdio fast path: ``run_python`` calls answered without the MCP SDK's request machinery.

A ``run_python`` round trip for ``1+1`` is about two milliseconds over stdio, and the SDK's part
of it (JSON-RPC validation, a task per request, params validation, the result's validation and
its response envelope) was a third of that (benchmarks/mcp.py, docs/mcp.md). So on the pipe
transport a plain ``tools/call`` of ``run_python`` is taken off the wire here, run on the stdio
server's sandbox thread, and answered from a loop callback with the bytes the SDK would write:
the same ``CallToolResult`` (``runtime.mcp._server.run_result``), through the same result sieve
(``mcp_types.methods.serialize_server_result``) and line encoding. Everything else goes to the
SDK: ``initialize``, lists, resources, ``reset``, notifications, malformed lines, a call with
other arguments (the SDK path words the error), and ``run_python`` itself until the SDK has
served one that opened the code session in a handshake-era protocol (tests pin both paths'
answers to be equal: tests/runtime/mcp/test_fast_path.py).

What the SDK does around a request is mirrored: a ``notifications/cancelled`` for a call in
flight means it is never answered, and its snippet is stopped as the SDK path stops it
(``runtime.mcp._cancel.StoppableRun``: not run if still queued, else the session interrupted
and its names lost, which the next result says); stdin's end means calls in flight are
answered "Connection closed" (the SDK answers so at shutdown); a call fails as a tool error,
never a protocol error. Order: the fast path steps aside while a ``tools/call`` the SDK is
serving has not been answered, and the SDK's sandbox work for this client runs on the same
thread, after what the fast path started (``PunieMCP._in_thread``). ``PUNIE_MCP_FAST_PATH=0``
turns it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
from concurrent.futures import Future
from typing import Any, Protocol

import mcp_types as types
from mcp.shared.dispatcher import as_request_id, coerce_request_id
from mcp_types.methods import serialize_server_result

from runtime._code_session import CodeRun, CodeSession
from runtime.mcp._cancel import StoppableRun
from runtime.mcp._server import RUN_TOOL, PunieMCP, run_result, tool_failure

__all__ = [
    "FAST_PATH_ENV",
    "LineSink",
    "RunFastPath",
    "fast_path_enabled",
    "result_data",
    "sdk_result_data",
]

FAST_PATH_ENV = "PUNIE_MCP_FAST_PATH"
"""Set to ``0`` to serve every ``run_python`` call through the SDK (to compare, or debug)."""

logger = logging.getLogger(__name__)

_REQUEST_KEYS = frozenset({"jsonrpc", "id", "method", "params"})
_PARAMS_KEYS = frozenset({"name", "arguments", "_meta"})
_META_KEYS = frozenset({"progressToken"})
_CLOSED = types.ErrorData(code=types.CONNECTION_CLOSED, message="Connection closed")


def fast_path_enabled() -> bool:
    """False when ``PUNIE_MCP_FAST_PATH=0``."""
    return os.environ.get(FAST_PATH_ENV, "1").strip() != "0"


class LineSink(Protocol):
    """Where answers go: the pipe transport's write stream (``_stdio._LineWriter``)."""

    def write_now(self, line: bytes) -> bool: ...


class RunFastPath:
    """The ``LineInterceptor`` of ``punie mcp``'s pipe transport (``runtime.mcp._stdio``)."""

    def __init__(self, punie: PunieMCP, writer: LineSink) -> None:
        self._punie = punie
        self._writer = writer
        self._loop = asyncio.get_running_loop()
        self._in_flight: dict[int | str, StoppableRun | None] = {}
        """Calls taken here and not answered yet: id -> its run, None once the client cancelled
        it."""
        self._sdk_calls: set[int | str] = set()
        """``tools/call`` requests passed to the SDK and not answered yet."""
        self._ended = False
        self.taken = 0
        """How many calls were answered here (for tests and benchmarks)."""

    # -- LineInterceptor ---------------------------------------------------------------------

    def take(self, line: bytes) -> bool:
        if b"tools/call" not in line and b"notifications/cancelled" not in line:
            return False  # the common case for everything else: no parse here
        try:
            message = json.loads(line)
        except ValueError:  # not JSON, not UTF-8: the SDK answers it
            return False
        if type(message) is not dict:
            return False
        method = message.get("method")
        if method == "notifications/cancelled":
            self._cancelled(message.get("params"))
            return False  # the SDK sees it too (it ignores ids it does not know)
        if method != "tools/call":
            return False
        request_id = as_request_id(message.get("id"))
        if request_id is None:
            return False  # the SDK answers that
        key = coerce_request_id(request_id)  # "7" and 7 are one id to the SDK too
        code = self._fast_code(message)
        session = self._punie.fast_session() if code is not None else None
        if code is None or session is None or self._sdk_calls or key in self._in_flight:
            if message.get("jsonrpc") == "2.0" and type(message.get("params", {})) is dict:
                self._sdk_calls.add(key)  # a request the SDK will answer (or see cancelled)
            return False
        run = self._in_flight[key] = StoppableRun(session, code)
        future = self._punie.submit(run)
        future.add_done_callback(lambda done: self._finished(request_id, session, done))
        return True

    def sent(self, message: types.JSONRPCMessage) -> None:
        if not self._sdk_calls or not isinstance(
            message, types.JSONRPCResponse | types.JSONRPCError
        ):
            return
        if message.id is not None:
            self._sdk_calls.discard(coerce_request_id(message.id))

    def ended(self) -> None:
        self._ended = True

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _fast_code(message: dict[str, Any]) -> str | None:
        """The snippet of a plain ``run_python`` request, or None when the SDK must serve it."""
        if message.keys() - _REQUEST_KEYS or message.get("jsonrpc") != "2.0":
            return None
        params = message.get("params")
        if type(params) is not dict or params.keys() - _PARAMS_KEYS:
            return None
        if params.get("name") != RUN_TOOL:
            return None
        meta = params.get("_meta", {})
        if type(meta) is not dict or meta.keys() - _META_KEYS:
            return None
        arguments = params.get("arguments")
        if type(arguments) is not dict or arguments.keys() != {"code"}:
            return None
        code = arguments["code"]
        if type(code) is not str:
            return None
        if not code.isascii():
            try:
                code.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: the SDK's reader has its own view
                return None
        return code

    def _cancelled(self, params: object) -> None:
        if type(params) is not dict:
            return
        request_id = as_request_id(params.get("requestId"))
        if request_id is None:
            return
        key = coerce_request_id(request_id)
        if key in self._in_flight:
            run, self._in_flight[key] = self._in_flight[key], None
            if run is not None:
                run.stop()  # its snippet, and only its own; a finished one is left alone
        else:
            self._sdk_calls.discard(key)  # the SDK never answers a cancelled request

    def _finished(
        self, request_id: int | str, session: CodeSession, done: Future[CodeRun | None]
    ) -> None:
        """On the sandbox thread: hand the answer to the event loop."""
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
            self._loop.call_soon_threadsafe(self._answer, request_id, session, done)

    def _answer(
        self, request_id: int | str, session: CodeSession, done: Future[CodeRun | None]
    ) -> None:
        try:
            self._write_answer(request_id, done)
        finally:
            # The names the snippet bound, learnt while the client reads the answer.
            with contextlib.suppress(RuntimeError):  # shutting down: the next run learns them
                self._punie.submit(session.settle)

    def _write_answer(self, request_id: int | str, done: Future[CodeRun | None]) -> None:
        if self._in_flight.pop(coerce_request_id(request_id), None) is None:
            return  # cancelled by the client: never answered
        self.taken += 1
        if self._ended:
            closed = types.JSONRPCError(jsonrpc="2.0", id=request_id, error=_CLOSED)
            self._writer.write_now(
                closed.model_dump_json(by_alias=True, exclude_unset=True).encode()
            )
            return
        try:
            run = done.result()
            if run is None:  # only a stop (a cancel) makes it None, and that was returned above
                raise RuntimeError("run_python was stopped without being cancelled")
            data = result_data(run, self._punie.protocol_version)
        except Exception as error:  # a bug in punie: the SDK path's tool error, word for word
            data = sdk_result_data(tool_failure(RUN_TOOL, error), self._punie.protocol_version)
        answer = {"jsonrpc": "2.0", "id": request_id, "result": data}
        self._writer.write_now(_dumps(answer).encode("utf-8"))


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""Compact JSON with UTF-8 text as is, as pydantic writes the SDK's messages."""


def sdk_result_data(result: types.CallToolResult, protocol_version: str) -> dict[str, Any]:
    """A ``tools/call`` result as the SDK puts it on the wire (``ServerRunner._serialize``)."""
    return serialize_server_result(
        "tools/call",
        protocol_version,
        result.model_dump(by_alias=True, mode="json", exclude_none=True),
    )


def result_data(run: CodeRun, protocol_version: str) -> dict[str, Any]:
    """``sdk_result_data(run_result(run), protocol_version)``, built directly where the two are
    known to agree (tests/runtime/mcp/test_fast_path.py pins it): a tenth of the round trip."""
    if not _direct_shape(protocol_version):
        return sdk_result_data(run_result(run), protocol_version)
    report = run.report
    return {
        "content": [{"text": run.text, "type": "text"}],
        "isError": not report.ok,
        "structuredContent": report.model_dump(mode="json"),
    }


@functools.cache
def _direct_shape(protocol_version: str) -> bool:
    """Whether the SDK's result sieve keeps ``run_python``'s result as ``result_data`` builds it
    (versions before structured content drop ``structuredContent``)."""
    probe = {
        "content": [{"text": "probe", "type": "text"}],
        "isError": False,
        "structuredContent": {"ok": True, "value": None},
    }
    try:
        return serialize_server_result("tools/call", protocol_version, probe) == probe
    except (KeyError, ValueError):
        return False
