"""``punie mcp`` round trip over stdio against the same work through the embedded API.

Run: ``uv run python benchmarks/mcp.py`` (``--quick`` for fewer trials). Two ``punie mcp``
subprocesses on a copy of the sample workspace, each driven by one client:

- a minimal raw JSON-RPC client (after the ``initialize`` handshake, each call writes one line
  and reads one line): punie's server overhead alone. The <= 2 ms target applies to this row;
- the MCP SDK's own client (handshake era, as Claude Code, Cursor and Zed speak it): what a
  Python agent host sees, the SDK client's own per-message cost included. Shown, not judged.

In the same process, the embedded API over what the server builds for the workspace (the same
bridges, limits and worker pool, ``runtime.mcp._workspaces.load_workspace``). Two workloads,
alternating in blocks; within a block every trial runs each client and each embedded call once,
so that all four see the same load (a ruff run's time drifts by milliseconds over a minute):

- ``1+1``;
- one ``ruff_check(path='shop')`` bridge call (ruff runs for real each time).

Per workload and client: the median ``run_python`` round trip (request written to result read),
the median of the embedded ``Session.run``, and their difference: the overhead of the protocol,
the pre-run check and rendering. Also the embedded ``CodeSession.run`` (check + run + render, no
protocol), which splits that overhead into punie's part and the protocol's. Exits 1 when the raw
client's overhead misses the target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# This file is named like the SDK it drives (and its folder holds bridges.py, sandbox.py...): drop
# its own folder from the import path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

import anyio  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402

from bridges import sample_workspace  # noqa: E402
from runtime.mcp import ServerSettings  # noqa: E402
from runtime.mcp._workspaces import load_workspace  # noqa: E402

TARGET_MS = 2.0
WORKLOADS = {"1+1": "1+1", "one ruff_check call": "len(ruff_check(path='shop').violations)"}


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer trials")
    options = parser.parse_args()
    blocks, per_block = (3, 20) if options.quick else (10, 40)
    with tempfile.TemporaryDirectory() as scratch:
        workspace = sample_workspace(Path(scratch) / "shop")
        return anyio.run(_measure, workspace, blocks, per_block)


async def _measure(workspace: Path, blocks: int, per_block: int) -> int:
    punie = str(Path(sys.executable).parent / "punie")
    command = [punie, "mcp", "--workspace", str(workspace)]
    parameters = StdioServerParameters(command=punie, args=command[1:], env=dict(os.environ))
    sdk: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    raw: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    session_times: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    code_times: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    # The embedded side is what the server builds for this workspace: same bridges, same
    # limits, same worker pool (its size changes a bridge call's time by a millisecond or so).
    served = load_workspace(workspace, ServerSettings(workspace=workspace))
    with served.sandbox, _RawClient(command) as raw_client:
        session = served.sandbox.session()
        code_session = served.open_session()
        async with Client(parameters, mode="legacy", read_timeout_seconds=120) as client:
            await client.list_tools()  # as every client does first (and caches the schemas)
            for code in WORKLOADS.values():  # warm every side: workers, ruff's cache, imports
                for _ in range(3):
                    await client.call_tool("run_python", {"code": code})
                    raw_client.run_python(code)
                    session.run(code)
                    code_session.run(code)
            for _ in range(blocks):
                for name, code in WORKLOADS.items():
                    for _ in range(per_block):  # one of each per trial: all see the same load
                        started = time.perf_counter()
                        result = await client.call_tool("run_python", {"code": code})
                        sdk[name].append(time.perf_counter() - started)
                        assert not result.is_error, result
                        _time(raw[name], raw_client.run_python, code)
                        _time(session_times[name], session.run, code)
                        _time(code_times[name], code_session.run, code)
        code_session.close()
        session.close()
    trials = blocks * per_block
    print(
        f"medians of {trials} trials per workload; each trial runs every client and embedded call"
    )
    print(
        f"{'workload':<21}{'client':<12}{'mcp run_python':>15}{'Session.run':>14}"
        f"{'CodeSession':>14}{'overhead':>11}{'ratio':>8}  target"
    )
    missed = False
    for name in WORKLOADS:
        embedded = _median_ms(session_times[name])
        coded = _median_ms(code_times[name])
        for client_name, samples in (("raw", raw[name]), ("MCP SDK", sdk[name])):
            over_mcp = _median_ms(samples)
            overhead = over_mcp - embedded
            if client_name == "raw":
                verdict = f"<= {TARGET_MS:g} ms {'ok' if overhead <= TARGET_MS else 'MISSED'}"
                missed |= overhead > TARGET_MS
            else:
                verdict = "not judged (SDK client cost included)"
            print(
                f"{name:<21}{client_name:<12}{over_mcp:>12.3f} ms{embedded:>11.3f} ms"
                f"{coded:>11.3f} ms{overhead:>8.3f} ms{over_mcp / embedded:>7.2f}x  {verdict}"
            )
    print(
        "overhead = mcp run_python - Session.run (protocol + pre-run check + rendering); the "
        "target applies to the raw JSON-RPC client (one line written, one read: punie's server "
        "alone); the MCP SDK row adds that client's own per-message cost. CodeSession = check + "
        "run + render in-process, no protocol"
    )
    return 1 if missed else 0


class _RawClient:
    """A minimal JSON-RPC client: after the handshake, one line written and one read per call."""

    def __init__(self, command: list[str]) -> None:
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=dict(os.environ)
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._stdin: IO[bytes] = self._process.stdin
        self._stdout: IO[bytes] = self._process.stdout
        self._id = 0

    def __enter__(self) -> _RawClient:
        hello = self._call(
            "initialize",
            {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "benchmark", "version": "0"},
            },
        )
        assert hello["result"]["serverInfo"]["name"] == "punie", hello
        self._stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        self._stdin.flush()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stdin.close()
        self._process.wait(timeout=60)
        self._stdout.close()

    def run_python(self, code: str) -> None:
        answer = self._call("tools/call", {"name": "run_python", "arguments": {"code": code}})
        assert answer["result"]["isError"] is False, answer

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        self._id += 1
        request = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": params}
        self._stdin.write(json.dumps(request).encode() + b"\n")
        self._stdin.flush()
        line = self._stdout.readline()
        answer = json.loads(line)
        assert answer.get("id") == self._id, answer
        return answer


def _time(samples: list[float], call: Callable[[str], object], code: str) -> None:
    started = time.perf_counter()
    call(code)
    samples.append(time.perf_counter() - started)


if __name__ == "__main__":
    raise SystemExit(main())
