"""The pipe transport of ``punie mcp`` (``runtime.mcp._stdio``) and its fallback to the SDK's.

The MCP SDK's client drives the pipe transport in every other stdio test; here: its line bound,
its descriptor claim (stray prints miss the wire, fd 0/1 come back blocking), and the SDK's
transport when stdin is a regular file.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from runtime.mcp._stdio import MAX_LINE_BYTES
from tests.runtime.mcp.mcp_test_support import PUNIE
from tests.runtime.mcp.test_protocol import _exchange

_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}
_INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def _padded_ping(request_id: int, size: int) -> str:
    """A valid ping request padded with JSON whitespace to ``size`` bytes (newline not counted)."""
    ping = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "ping"})
    return ping[:-1] + " " * (size - len(ping)) + "}"


def _answers(stdout: bytes) -> list[Any]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_a_line_over_the_bound_is_answered_and_skipped_and_one_at_it_is_served(
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
        (hello,) = _exchange(process, [json.dumps(_INITIALIZE)], 1)
        assert hello["id"] == 1
        answers = _exchange(
            process,
            [
                json.dumps(_INITIALIZED),
                _padded_ping(2, MAX_LINE_BYTES + 1),
                _padded_ping(3, MAX_LINE_BYTES),
                json.dumps({"jsonrpc": "2.0", "id": 4, "method": "ping"}),
            ],
            3,
        )
    finally:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        status = process.wait(timeout=30)
        process.stdout.close()
    assert sorted(answers, key=lambda answer: str(answer["id"])) == [
        {"jsonrpc": "2.0", "id": 3, "result": {}},
        {"jsonrpc": "2.0", "id": 4, "result": {}},
        {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": -32600,
                "message": f"Invalid Request: the line is longer than {MAX_LINE_BYTES} bytes and "
                "was skipped; send large inputs as files in the workspace",
            },
        },
    ]
    assert status == 0


_ECHO = textwrap.dedent(
    """
    import os, sys
    import anyio
    from runtime.mcp._stdio import pipe_stdio

    async def main():
        async with pipe_stdio() as (read_stream, write_stream):
            print("stray print while serving", flush=True)
            os.write(1, b"stray write to fd 1\\n")
            assert os.read(0, 10) == b""  # fd 0 reads the null device
            async for item in read_stream:  # a message is echoed, an unreadable line named
                if isinstance(item, Exception):
                    print(f"unreadable: {type(item).__name__}", file=sys.stderr)
                else:
                    await write_stream.send(item)

    anyio.run(main, backend="asyncio")
    print(f"after: fd 0 blocking {os.get_blocking(0)}, fd 1 blocking {os.get_blocking(1)}")
    """
)


def test_the_pipe_transport_keeps_stray_output_off_the_wire_and_restores_the_descriptors() -> None:
    ping = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
    done = subprocess.run(
        [sys.executable, "-c", _ECHO],
        input=json.dumps(ping).encode() + b"\nnot json\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    (echoed, after) = done.stdout.decode().splitlines()
    assert json.loads(echoed) == ping
    assert after == "after: fd 0 blocking True, fd 1 blocking True"
    assert done.stderr.decode().splitlines() == [
        "stray print while serving",
        "stray write to fd 1",
        "unreadable: ValidationError",
    ]


def test_stdin_from_a_file_is_served_by_the_sdk_transport(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps(_INITIALIZE) + "\nthis is not json\n")
    with requests.open("rb") as stdin:
        done = subprocess.run(
            [PUNIE, "mcp", "--workspace", str(tmp_path)],
            stdin=stdin,
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode()
    hello, refusal = _answers(done.stdout)
    assert (hello["id"], hello["result"]["serverInfo"]["name"]) == (1, "punie")
    assert refusal == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32700, "message": "Parse error: the line is not JSON"},
    }


def _socket_exchange(workspace: Path, *, shared: bool) -> tuple[list[Any], int]:
    """``punie mcp`` on Unix sockets, as libuv (Node clients) spawns it; ``shared``: one socket."""
    server_in, client_out = socket.socketpair()
    client_in, server_out = (client_out, server_in) if shared else socket.socketpair()
    process = subprocess.Popen(
        [PUNIE, "mcp", "--workspace", str(workspace)],
        stdin=server_in.fileno(),
        stdout=server_out.fileno(),
        stderr=subprocess.DEVNULL,
    )
    server_in.close()
    server_out.close()
    client_in.settimeout(60)  # a hung server fails the test, not the suite
    try:
        with client_in.makefile("rb") as replies:
            client_out.sendall(json.dumps(_INITIALIZE).encode() + b"\n")
            answers = [json.loads(replies.readline())]
            ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
            client_out.sendall((json.dumps(_INITIALIZED) + "\n" + json.dumps(ping) + "\n").encode())
            answers.append(json.loads(replies.readline()))
            client_out.shutdown(socket.SHUT_WR)
            status = process.wait(timeout=30)
    finally:
        client_in.close()
        client_out.close()
        if process.poll() is None:
            process.kill()
            process.wait()
    return answers, status


@pytest.mark.parametrize("shared", [False, True], ids=["two sockets", "one socket"])
def test_sockets_on_stdin_and_stdout_are_served(tmp_path: Path, shared: bool) -> None:
    (hello, pong), status = _socket_exchange(tmp_path, shared=shared)
    assert (hello["id"], hello["result"]["serverInfo"]["name"]) == (1, "punie")
    assert pong == {"jsonrpc": "2.0", "id": 2, "result": {}}
    assert status == 0
