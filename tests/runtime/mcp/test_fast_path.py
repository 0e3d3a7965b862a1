"""The stdio fast path for ``run_python`` (``runtime.mcp._fast``) answers as the SDK path does.

Over the wire: the same calls sent to a server with the fast path and to one without it
(``PUNIE_MCP_FAST_PATH=0``) get the same answers, for every kind of outcome. In process: which
lines it takes, and what it mirrors of the SDK around a request (cancel, end of input, order
behind a call the SDK is serving).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest

from bridges import sample_workspace
from runtime.mcp import PunieMCP, ServerSettings
from runtime.mcp._fast import FAST_PATH_ENV, RunFastPath, fast_path_enabled
from tests.runtime.mcp.mcp_test_support import PUNIE
from tests.runtime.mcp.test_protocol import _exchange

_HELLO = [
    json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        }
    ),
    json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
]


def _call(request_id: int | str, arguments: dict[str, Any], **params: Any) -> str:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": request_id,
            "method": "tools/call",
            "params": {"name": "run_python", "arguments": arguments, **params},
        }
    )


# One at a time, as a client waits for each answer. Outcomes: ok, printed output, names kept,
# a runtime error, a pre-run refusal, a policy refusal, bad arguments, a bridge call, a timeout,
# a string id, a progress token, text beyond ASCII, and reset (served by the SDK) in between.
_CALLS = [
    _call(1, {"code": "x = 20"}),
    _call(2, {"code": "x + 22"}),
    _call(3, {"code": "print('hi')\n1 / 0"}),
    _call(4, {"code": "typechek(path='shop')"}),
    _call(5, {"code": "import os"}),
    _call(6, {"source": "1"}),
    _call(7, {"code": 42}),
    _call(8, {"code": "len(ruff_check(path='shop').violations)"}),
    _call(9, {"code": "while True:\n    pass"}),
    _call("s-10", {"code": "'still serving'"}),
    _call(11, {"code": "print('h\u00e9llo \u2603')"}, _meta={"progressToken": "p"}),
    json.dumps({"jsonrpc": "2.0", "id": 12, "method": "tools/call", "params": {"name": "reset"}}),
    _call(13, {"code": "x"}),
    _call(14, {"code": "y = 1\ny"}),
]


def _without_durations(answer: Any) -> Any:
    structured = answer.get("result", {}).get("structuredContent")
    if structured is not None:
        structured["duration_s"] = 0.0
        for call in structured["calls"]:
            call["duration_s"] = 0.0
    return answer


def _answers(workspace: Path, *, fast: bool) -> list[Any]:
    process = subprocess.Popen(
        [PUNIE, "mcp", "--workspace", str(workspace), "--timeout", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, FAST_PATH_ENV: "1" if fast else "0"},
    )
    try:
        (hello,) = _exchange(process, _HELLO, 1)
        assert hello["id"] == 0
        return [_without_durations(_exchange(process, [line], 1)[0]) for line in _CALLS]
    finally:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()


@pytest.mark.slow
def test_the_fast_path_answers_every_kind_of_call_as_the_sdk_path_does(tmp_path: Path) -> None:
    workspace = sample_workspace(tmp_path / "shop")
    fast = _answers(workspace, fast=True)
    slow = _answers(workspace, fast=False)
    assert fast == slow
    assert [answer["id"] for answer in fast] == [json.loads(line)["id"] for line in _CALLS]
    assert fast[1] == {
        "jsonrpc": "2.0",
        "id": 2,
        "result": {
            "content": [{"type": "text", "text": "42"}],
            "structuredContent": {
                "ok": True,
                "output": "",
                "value": "42",
                "error": None,
                "error_kind": None,
                "calls": [],
                "duration_s": 0.0,
                "note": None,
            },
            "isError": False,
        },
    }
    kinds = [answer["result"].get("structuredContent", {}).get("error_kind") for answer in fast]
    assert kinds == [
        None, None, "runtime", "precheck", "policy", None, None, None, "timeout", None, None,
        None, "runtime", None,
    ]  # fmt: skip
    assert fast[10]["result"]["content"] == [{"type": "text", "text": "h\u00e9llo \u2603"}]


class _Sink:
    """The fast path's write stream, in memory."""

    def __init__(self) -> None:
        self.answers: list[Any] = []

    def write_now(self, line: bytes) -> bool:
        self.answers.append(_without_durations(json.loads(line)))
        return True


def _ok(request_id: int, value: str) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "result": {
            "content": [{"text": value, "type": "text"}],
            "isError": False,
            "structuredContent": {
                "ok": True,
                "output": "",
                "value": value,
                "error": None,
                "error_kind": None,
                "calls": [],
                "duration_s": 0.0,
                "note": None,
            },
        },
    }


async def _until(sink: _Sink, count: int) -> None:
    with anyio.fail_after(30):
        while len(sink.answers) < count:
            await anyio.sleep(0.005)


def test_the_fast_path_takes_run_python_only_once_the_sdk_opened_the_session(
    tmp_path: Path,
) -> None:
    workspace = sample_workspace(tmp_path / "shop")

    async def main() -> None:
        punie = PunieMCP(ServerSettings(workspace=workspace), one_client=True)
        sink = _Sink()
        fast = RunFastPath(punie, sink)
        try:
            # The first run_python is the SDK's: it opens the session, maybe asks for roots.
            assert fast.take(_call(1, {"code": "1"}).encode()) is False
            fast.sent(types.JSONRPCResponse(jsonrpc="2.0", id=1, result={}))
            # What the SDK's run_python handler leaves behind (the stdio tests drive it).
            state = punie._shared
            assert state is not None
            state.code = punie.listing().open_session()
            state.protocol_version = "2026-07-28"  # its results carry more: the SDK's to shape
            assert fast.take(_call(1, {"code": "1"}).encode()) is False
            fast.sent(types.JSONRPCResponse(jsonrpc="2.0", id=1, result={}))
            state.protocol_version = "2025-11-25"

            assert fast.take(_call(2, {"code": "n = 6\nn * 7"}).encode()) is True
            await _until(sink, 1)
            assert sink.answers == [_ok(2, "42")]

            # Not for the fast path: other tools, other arguments, odd ids, broken lines.
            for line in [
                b'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"reset"}}',
                _call(4, {"code": "1", "extra": 2}).encode(),
                _call(5, {"code": "1"}, task={"ttl": 1}).encode(),
                _call(True, {"code": "1"}).encode(),  # a bool is no request id
                b'{"jsonrpc":"2.0","id":6,"method":"tools/call"',
                b'{"jsonrpc":"2.0","id":7,"method":"ping"}',
            ]:
                assert fast.take(line) is False, line
            # While a tools/call the SDK serves is unanswered (3, 4, 5), runs wait their turn.
            assert fast.take(_call(8, {"code": "n"}).encode()) is False
            for served in (3, 4, 5, 8):
                fast.sent(types.JSONRPCResponse(jsonrpc="2.0", id=served, result={}))
            assert fast.take(_call(9, {"code": "n + 1"}).encode()) is True
            await _until(sink, 2)
            assert sink.answers[1:] == [_ok(9, "7")]

            # A cancelled call is never answered, and one cancelled while it waits for the
            # sandbox thread (held busy here) never runs; the next one is answered.
            gate = threading.Event()
            punie.submit(gate.wait)
            assert fast.take(_call(10, {"code": "n = 0"}).encode()) is True
            cancel = {"requestId": 10, "reason": "user"}
            message = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": cancel}
            assert fast.take(json.dumps(message).encode()) is False  # the SDK sees it too
            gate.set()
            assert fast.take(_call("11", {"code": "n + 3"}).encode()) is True  # n is still 6
            await _until(sink, 3)
            assert sink.answers[2:] == [{**_ok(11, "9"), "id": "11"}]

            # At the end of input, a call in flight is answered as the SDK answers it then.
            assert fast.take(_call(12, {"code": "n"}).encode()) is True
            fast.ended()
            await _until(sink, 4)
            assert sink.answers[3:] == [
                {
                    "jsonrpc": "2.0",
                    "id": 12,
                    "error": {"code": types.CONNECTION_CLOSED, "message": "Connection closed"},
                }
            ]
            assert fast.taken == 4  # 10 was cancelled
        finally:
            await anyio.to_thread.run_sync(punie.close)

    anyio.run(main, backend="asyncio")


def test_the_fast_path_is_on_unless_the_environment_turns_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FAST_PATH_ENV, raising=False)
    assert fast_path_enabled() is True
    monkeypatch.setenv(FAST_PATH_ENV, "0")
    assert fast_path_enabled() is False
    monkeypatch.setenv(FAST_PATH_ENV, "1")
    assert fast_path_enabled() is True


_MIDDLEWARE = textwrap.dedent(
    """
    from pathlib import Path
    from opentelemetry import trace
    from runtime.mcp import ServerSettings, build_server

    def names():
        server = build_server(ServerSettings(workspace=Path({workspace!r})))
        return [type(each).__name__ for each in server.middleware]

    print(names())
    trace.set_tracer_provider(trace.NoOpTracerProvider())
    print(names())
    """
)


def test_the_sdks_tracing_middleware_is_dropped_only_without_a_tracer_provider(
    tmp_path: Path,
) -> None:
    script = _MIDDLEWARE.format(workspace=str(tmp_path))
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert shown.stdout.splitlines() == ["[]", "['OpenTelemetryMiddleware']"]
