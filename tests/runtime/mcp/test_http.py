"""``punie mcp --http``: streamable HTTP on loopback, one namespace per MCP session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import anyio
import mcp_types as types
import pytest
from mcp import Client

from bridges import sample_workspace
from runtime.mcp import NonLoopbackBindError, check_bind, is_loopback
from tests.runtime.mcp.mcp_test_support import PUNIE, http_server


def _text(result: types.CallToolResult) -> str:
    (block,) = result.content
    assert isinstance(block, types.TextContent)
    return block.text


def test_two_concurrent_http_sessions_keep_their_own_names(tmp_path: Path) -> None:
    shop = sample_workspace(tmp_path / "shop")

    async def main(url: str) -> None:
        # mode "auto" probes server/discover first, as new clients do: punie answers with the
        # handshake-era versions only, so the client opens a session that keeps names.
        async with Client(url, read_timeout_seconds=60) as first, Client(url) as second:
            assert first.protocol_version == second.protocol_version == "2025-11-25"
            await first.call_tool("run_python", {"code": "owner = 'first'"})
            await second.call_tool("run_python", {"code": "owner = 'second'"})
            async with anyio.create_task_group() as group:  # both sessions at the same time
                results: dict[str, types.CallToolResult] = {}

                async def ask(name: str, client: Client) -> None:
                    results[name] = await client.call_tool(
                        "run_python", {"code": "r = git_status()\nowner"}
                    )

                group.start_soon(ask, "first", first)
                group.start_soon(ask, "second", second)
            assert {name: _text(result) for name, result in results.items()} == {
                "first": "first",
                "second": "second",
            }
        async with Client(url) as third:  # a new session starts empty
            fresh = await third.call_tool("run_python", {"code": "owner"})
            assert (fresh.is_error, fresh.structured_content["error_kind"]) == (True, "runtime")

    with http_server("--workspace", str(shop)) as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/mcp")
        anyio.run(main, url)


def test_a_non_loopback_address_is_refused_without_the_flag(tmp_path: Path) -> None:
    finished = subprocess.run(
        [PUNIE, "mcp", "--http", "0.0.0.0:0", "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (finished.returncode, finished.stdout, finished.stderr) == (
        2,
        "",
        "punie mcp: refusing to listen on 0.0.0.0: punie mcp has no authentication, so anybody "
        "who can reach that address could run code against your workspace. Use 127.0.0.1 (the "
        "default), or pass --allow-non-loopback if the network is yours alone\n",
    )


def test_the_loopback_flag_is_only_for_http(tmp_path: Path) -> None:
    finished = subprocess.run(
        [PUNIE, "mcp", "--allow-non-loopback"], capture_output=True, text=True, timeout=60
    )
    assert (finished.returncode, finished.stderr) == (
        2,
        "punie mcp: --allow-non-loopback is about --http HOST:PORT; stdio needs no address\n",
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.com", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    if loopback:
        check_bind(host, allow_non_loopback=False)
    else:
        with pytest.raises(NonLoopbackBindError):
            check_bind(host, allow_non_loopback=False)
        check_bind(host, allow_non_loopback=True)
