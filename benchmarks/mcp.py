"""``punie mcp`` round trip over stdio against the same work through the embedded API.

Run: ``uv run python benchmarks/mcp.py`` (``--quick`` for fewer trials). One ``punie mcp``
subprocess on a copy of the sample workspace, driven by the MCP SDK's own client (handshake era,
as Claude Code, Cursor and Zed speak it), and in the same process an embedded ``sandbox.Session``
over the same bridges. Two workloads, alternating in blocks so both sides share the machine's load:

- ``1+1``;
- one ``ruff_check(path='shop')`` bridge call (ruff runs for real each time).

Per workload: the median of the MCP ``run_python`` round trip (client send to result parsed),
the median of the embedded ``Session.run``, and their difference: the overhead of the protocol,
the pre-run check and rendering, target <= 2 ms. Also the embedded ``CodeSession.run`` (check +
run + render, no protocol), which splits that overhead into punie's part and the protocol's.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# This file is named like the SDK it drives (and its folder holds bridges.py, sandbox.py...): drop
# its own folder from the import path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

import anyio  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402

from bridges import default_bridges, sample_workspace  # noqa: E402
from runtime._code_session import CodeSession  # noqa: E402
from sandbox import Sandbox  # noqa: E402

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
    parameters = StdioServerParameters(
        command=punie, args=["mcp", "--workspace", str(workspace)], env=dict(os.environ)
    )
    mcp: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    session_times: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    code_times: dict[str, list[float]] = {name: [] for name in WORKLOADS}
    with Sandbox(default_bridges(workspace), pool_size=1) as sandbox:
        session = sandbox.session()
        code_session = CodeSession(sandbox)
        async with Client(parameters, mode="legacy", read_timeout_seconds=120) as client:
            await client.list_tools()  # as every client does first (and caches the schemas)
            for code in WORKLOADS.values():  # warm both sides: workers, ruff's cache, imports
                for _ in range(3):
                    await client.call_tool("run_python", {"code": code})
                    session.run(code)
                    code_session.run(code)
            for _ in range(blocks):
                for name, code in WORKLOADS.items():
                    for _ in range(per_block):
                        started = time.perf_counter()
                        result = await client.call_tool("run_python", {"code": code})
                        mcp[name].append(time.perf_counter() - started)
                        assert not result.is_error, result
                    _time(session_times[name], per_block, session.run, code)
                    _time(code_times[name], per_block, code_session.run, code)
        code_session.close()
        session.close()
    trials = blocks * per_block
    print(f"medians of {trials} trials per workload; MCP and embedded alternate in blocks")
    header = (
        f"{'workload':<22}{'mcp run_python':>16}{'Session.run':>14}{'CodeSession':>14}"
        f"{'overhead':>11}{'ratio':>8}  target"
    )
    print(header)
    missed = False
    for name in WORKLOADS:
        over_mcp = _median_ms(mcp[name])
        embedded = _median_ms(session_times[name])
        coded = _median_ms(code_times[name])
        overhead = over_mcp - embedded
        verdict = "ok" if overhead <= TARGET_MS else "MISSED"
        missed |= overhead > TARGET_MS
        print(
            f"{name:<22}{over_mcp:>13.3f} ms{embedded:>11.3f} ms{coded:>11.3f} ms"
            f"{overhead:>8.3f} ms{over_mcp / embedded:>7.2f}x  <= {TARGET_MS:g} ms {verdict}"
        )
    print(
        "overhead = mcp run_python - Session.run (protocol + pre-run check + rendering); "
        "CodeSession = check + run + render in-process, no protocol"
    )
    return 1 if missed else 0


def _time(samples: list[float], count: int, call: Callable[[str], object], code: str) -> None:
    for _ in range(count):
        started = time.perf_counter()
        call(code)
        samples.append(time.perf_counter() - started)


if __name__ == "__main__":
    raise SystemExit(main())
