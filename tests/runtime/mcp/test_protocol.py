"""Malformed JSON-RPC on the wire, and ``--expose-bridges`` (each bridge as a plain MCP tool)."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from pydantic import TypeAdapter

from bridges import default_bridges, sample_workspace
from sandbox import HostFunctionError
from tests.runtime.mcp.mcp_test_support import PUNIE, stdio_client


def _exchange(process: subprocess.Popen[str], lines: list[str], expected: int) -> list[Any]:
    """Send ``lines``; read ``expected`` answers (a hung server fails the test, not the suite).

    A thread reads whole lines: ``select`` on the text stream would miss answers that arrived
    together and already sit in Python's buffer.
    """
    assert process.stdin is not None and process.stdout is not None
    stdout = process.stdout
    answers: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for _ in range(expected):
            line = stdout.readline()
            answers.put(line)
            if not line:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for line in lines:
        process.stdin.write(line + "\n")
    process.stdin.flush()
    received: list[Any] = []
    deadline = time.monotonic() + 60
    while len(received) < expected:
        try:
            line = answers.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        assert line, "the server closed stdout"
        received.append(json.loads(line))
    return received


def test_malformed_messages_get_json_rpc_errors_and_the_server_keeps_serving(
    tmp_path: Path,
) -> None:
    process = subprocess.Popen(
        [PUNIE, "mcp", "--workspace", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        initialize = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        }
        (hello,) = _exchange(process, [json.dumps(initialize)], 1)
        assert (hello["id"], hello["result"]["serverInfo"]["name"]) == (1, "punie")
        call = {"jsonrpc": "2.0", "method": "tools/call"}
        answers = _exchange(
            process,
            [
                json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
                "this is not json",
                "[1, 2, 3]",
                json.dumps({**call, "id": 2, "params": {"arguments": {}}}),
                json.dumps({**call, "id": 3, "params": {"name": "run_python", "arguments": "x"}}),
                json.dumps({"jsonrpc": "2.0", "id": 4, "method": "no/such/method"}),
                json.dumps({**call, "id": 5, "params": {"name": "run_python", "arguments": {}}}),
                json.dumps({"jsonrpc": "2.0", "id": 6, "method": "ping"}),
            ],
            7,
        )
        by_id = {(a["id"], json.dumps(a.get("error"))): a for a in answers}
        assert sorted(by_id, key=str) == sorted(
            [
                (
                    None,
                    json.dumps({"code": -32700, "message": "Parse error: the line is not JSON"}),
                ),
                (
                    None,
                    json.dumps(
                        {
                            "code": -32600,
                            "message": "Invalid Request: the line is JSON but not a JSON-RPC "
                            "2.0 message",
                        }
                    ),
                ),
                (
                    2,
                    json.dumps(
                        {"code": -32602, "message": "Invalid request parameters", "data": ""}
                    ),
                ),
                (
                    3,
                    json.dumps(
                        {"code": -32602, "message": "Invalid request parameters", "data": ""}
                    ),
                ),
                (
                    4,
                    json.dumps(
                        {"code": -32601, "message": "Method not found", "data": "no/such/method"}
                    ),
                ),
                (5, "null"),
                (6, "null"),
            ],
            key=str,
        )
        missing_code = by_id[(5, "null")]["result"]
        assert (missing_code["isError"], missing_code["content"][0]["text"]) == (
            True,
            "run_python takes one argument, 'code': the Python snippet as a string; got no "
            "'code'. Call it as run_python(code=\"print(1 + 1)\")",
        )
        assert by_id[(6, "null")]["result"] == {}
    finally:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        status = process.wait(timeout=30)
        process.stdout.close()
    assert status == 0  # stdin closed: the server ended cleanly


def test_expose_bridges_offers_each_bridge_with_its_contract_schemas(tmp_path: Path) -> None:
    shop = sample_workspace(tmp_path / "shop")
    functions = {f.name: f for f in default_bridges(shop)}
    expected_status = functions["git_status"].function().model_dump(mode="json")
    with pytest.raises(HostFunctionError) as refused:
        functions["read_file"].function(path="../etc/passwd")

    async def main() -> None:
        async with stdio_client("--workspace", str(shop), "--expose-bridges") as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert list(tools) == ["run_python", "reset", *functions]
            for name, function in functions.items():
                assert tools[name].input_schema == function.argument_model.model_json_schema()
                assert tools[name].output_schema == TypeAdapter(function.result_type).json_schema()
            status = await client.call_tool("git_status", {})
            assert (status.is_error, status.structured_content) == (False, expected_status)
            wrong = await client.call_tool("read_file", {"path": "README.md", "lines": 3})
            assert wrong.is_error
            block = wrong.content[0]
            assert isinstance(block, types.TextContent)
            assert block.text == (
                "read_file: unexpected argument 'lines' (its arguments are: "
                f"{', '.join(functions['read_file'].argument_model.model_fields)})"
            )
            outside = await client.call_tool("read_file", {"path": "../etc/passwd"})
            assert (outside.is_error, outside.content) == (
                True,
                [types.TextContent(text=str(refused.value))],
            )

    anyio.run(main)
