"""A client's ``notifications/cancelled`` stops the running ``run_python`` snippet (issue 17).

Servers run with a 60 s snippet time limit: a cancel that did not stop the endless loop would
leave the next call waiting a minute, then answered without the note these tests expect. Over
stdio both ways a call is served are covered (the fast path, and the SDK's handler with
``PUNIE_MCP_FAST_PATH=0``); over HTTP, two sessions of one server. In process: ``CodeSession``
and ``StoppableRun`` themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client

from bridges import sample_workspace
from runtime._code_session import CANCELLED_NOTE, CodeRun, CodeSession
from runtime.mcp._cancel import StoppableRun
from runtime.mcp._fast import FAST_PATH_ENV
from sandbox import Limits, Sandbox
from tests.runtime.mcp.mcp_test_support import PUNIE, http_server, normalised, stdio_client
from tests.runtime.mcp.test_fast_path import _HELLO, _call
from tests.runtime.mcp.test_protocol import _exchange

LOOP = "while True:\n    pass"
PATHS = pytest.mark.parametrize("fast", ["1", "0"], ids=["fast-path", "sdk-path"])
_RUNNING_S = 1.0
"""How long a test lets the endless loop run before it cancels it (it is in the sandbox then)."""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path / "shop")


def _text(result: types.CallToolResult) -> str:
    (block,) = result.content
    assert isinstance(block, types.TextContent)
    return block.text


def _undefined(name: str) -> str:
    return f"Error: line 1: NameError: name {name!r} is not defined\nline 1, in the snippet: {name}"


def _two_after_cancel() -> dict[str, Any]:
    return {
        "ok": True,
        "output": "",
        "value": "2",
        "error": None,
        "error_kind": None,
        "calls": [],
        "duration_s": 0.0,
        "note": CANCELLED_NOTE,
    }


# -- over stdio, the MCP SDK's client --------------------------------------------------------


@pytest.mark.timeout(180)
@PATHS
def test_a_cancelled_call_stops_its_snippet_and_the_next_result_says_the_names_are_gone(
    shop: Path, fast: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAST_PATH_ENV, fast)

    async def main() -> None:
        async with stdio_client("--workspace", str(shop), "--timeout", "60") as client:
            await client.call_tool("run_python", {"code": "kept = 'before'"})
            # Leaving the scope cancels call_tool: the SDK's client sends notifications/cancelled.
            with anyio.move_on_after(_RUNNING_S) as waited:
                await client.call_tool("run_python", {"code": LOOP})
            assert waited.cancelled_caught
            after = await client.call_tool("run_python", {"code": "1 + 1"})
            assert (_text(after), after.is_error) == (f"{CANCELLED_NOTE}\n2", False)
            assert normalised(after.structured_content) == _two_after_cancel()
            gone = await client.call_tool("run_python", {"code": "kept"})
            assert (gone.is_error, gone.structured_content["error_kind"]) == (True, "runtime")
            assert _text(gone) == _undefined("kept")
            again = await client.call_tool("run_python", {"code": "kept = 'after'\nkept"})
            assert (_text(again), again.structured_content["note"]) == ("after", None)

    anyio.run(main)


# -- over stdio, raw JSON-RPC lines (request ids of our own) ----------------------------------


def _cancel(request_id: int | str) -> str:
    params = {"requestId": request_id, "reason": "the user pressed Esc"}
    return json.dumps({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": params})


def _result(answer: dict[str, Any]) -> tuple[int | str, str, dict[str, Any]]:
    result = answer["result"]
    return answer["id"], result["content"][0]["text"], normalised(result["structuredContent"])


@pytest.mark.timeout(180)
@PATHS
def test_a_cancel_for_a_finished_or_unknown_request_changes_nothing(shop: Path, fast: str) -> None:
    process = subprocess.Popen(
        [PUNIE, "mcp", "--workspace", str(shop), "--timeout", "60"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, FAST_PATH_ENV: fast},
    )
    try:
        (hello,) = _exchange(process, _HELLO, 1)
        assert hello["id"] == 0
        _exchange(process, [_call(1, {"code": "x = 20"})], 1)
        (answered,) = _exchange(process, [_call(2, {"code": "y = 22"})], 1)
        assert answered["id"] == 2
        # Finished (2, also as the string "2"), never sent (99): names stay, no note.
        lines = [_cancel(2), _cancel("2"), _cancel(99), _call(3, {"code": "x + y"})]
        (kept,) = _exchange(process, lines, 1)
        assert _result(kept) == (
            3,
            "42",
            {
                "ok": True,
                "output": "",
                "value": "42",
                "error": None,
                "error_kind": None,
                "calls": [],
                "duration_s": 0.0,
                "note": None,
            },
        )
        # A cancelled call is never answered: the next line is the answer to 5, not to 4.
        _exchange(process, [_call(4, {"code": LOOP})], 0)
        time.sleep(_RUNNING_S)
        (after,) = _exchange(process, [_cancel(4), _call(5, {"code": "1 + 1"})], 1)
        assert _result(after) == (5, f"{CANCELLED_NOTE}\n2", _two_after_cancel())
    finally:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        process.wait(timeout=30)
        assert process.stdout.read() == ""  # nothing more was written, 4 least of all
        process.stdout.close()


# -- over HTTP: a cancel in one session leaves the other alone -------------------------------

_COUNT = "n = 0\nwhile n < 20_000_000:\n    n += 1\nmark"
"""A few seconds of work that ends by itself, then the session's own name."""


@pytest.mark.timeout(240)
def test_over_http_a_cancel_stops_only_its_own_sessions_snippet(shop: Path) -> None:
    async def main(url: str) -> None:
        async with (
            Client(url, read_timeout_seconds=120) as first,
            Client(url, read_timeout_seconds=120) as second,
        ):
            await first.call_tool("run_python", {"code": "mark = 'first'"})
            await second.call_tool("run_python", {"code": "mark = 'second'"})
            results: dict[str, types.CallToolResult] = {}

            async def count() -> None:
                results["second"] = await second.call_tool("run_python", {"code": _COUNT})

            async with anyio.create_task_group() as group:
                group.start_soon(count)
                with anyio.move_on_after(_RUNNING_S) as waited:
                    await first.call_tool("run_python", {"code": LOOP})
                assert waited.cancelled_caught
                results["first"] = await first.call_tool("run_python", {"code": "1 + 1"})
            assert _text(results["first"]) == f"{CANCELLED_NOTE}\n2"
            assert normalised(results["first"].structured_content) == _two_after_cancel()
            assert (_text(results["second"]), results["second"].is_error) == ("second", False)
            # The second session kept its names; the first lost its own.
            kept = await second.call_tool("run_python", {"code": "mark"})
            assert (_text(kept), kept.structured_content["note"]) == ("second", None)
            lost = await first.call_tool("run_python", {"code": "mark"})
            assert _text(lost) == _undefined("mark")

    with http_server("--workspace", str(shop), "--timeout", "60") as url:
        anyio.run(main, url)


# -- in process: CodeSession.interrupt and StoppableRun ---------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox([], limits=Limits(timeout_s=60), pool_size=1) as box:
        yield box


def _in_thread(function: Any) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(function()), daemon=True)
    thread.start()
    return thread, out


@pytest.mark.timeout(120)
def test_interrupt_stops_the_run_in_progress_and_only_then(sandbox: Sandbox) -> None:
    session = CodeSession(sandbox)
    try:
        session.run("x = 20")
        assert session.interrupt() is False  # nothing running: nothing lost
        assert session.run("x + 22").text == "42"
        thread, out = _in_thread(lambda: session.run(LOOP))
        time.sleep(_RUNNING_S)
        assert session.interrupt() is True
        thread.join(timeout=30)
        (stopped,) = out
        assert isinstance(stopped, CodeRun)
        message = "the call was cancelled and the snippet stopped; the session's names were lost"
        assert stopped.text == f"Error: {message}"
        assert stopped.report.model_dump(exclude={"duration_s"}) == {
            "ok": False,
            "output": "",
            "value": None,
            "error": message,
            "error_kind": "cancelled",
            "calls": [],
            "note": None,
        }
        after = session.run("1 + 1")
        assert (after.text, after.report.note) == (f"{CANCELLED_NOTE}\n2", CANCELLED_NOTE)
        assert session.run("'once'").text == "once"  # the note is said once
        assert session.run("x").report.error_kind == "runtime"
    finally:
        session.close()


@pytest.mark.timeout(120)
def test_reset_drops_a_pending_note(sandbox: Sandbox) -> None:
    session = CodeSession(sandbox)
    try:
        thread, _ = _in_thread(lambda: session.run(LOOP))
        time.sleep(_RUNNING_S)
        assert session.interrupt() is True
        thread.join(timeout=30)
        session.reset()
        assert session.run("1 + 1").text == "2"
    finally:
        session.close()


@pytest.mark.timeout(120)
def test_a_stoppable_run_stopped_before_it_starts_never_runs(sandbox: Sandbox) -> None:
    session = CodeSession(sandbox)
    try:
        session.run("x = 1")
        queued = StoppableRun(session, "x = 2")
        assert queued.stop() is True
        assert queued() is None
        finished = StoppableRun(session, "x + 1")
        done = finished()
        assert done is not None and done.text == "2"  # the first x: the queued run never ran
        assert finished.stop() is False  # finished: nothing to stop, nothing lost
        assert session.run("x").text == "1"
    finally:
        session.close()
