"""``punie acp``: time from a prompt to the first streamed session update, scripted model.

    uv run python benchmarks/acp.py [--prompts N]

Starts ``punie acp --model scripted:...`` on a copy of the sample workspace, drives it with the
ACP SDK's own client over stdio, and sends N prompts in one session. Each prompt's model reply is
prose plus a snippet (``1 + 1``), then an answer; the figure is the time from sending
``session/prompt`` to receiving its first ``session/update`` (the prose, as a message chunk),
median over the prompts. The first prompt, sent as soon as the session exists (it waits for the
session's Agent: bridges, model, the sandbox's first worker), is shown apart. For reference, the same first event through the embedded API
(``Agent.ask`` with a subscriber, same model replies, same bridges). Floor: median <= 50 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The scripts beside this one (bridges.py, sandbox.py) would shadow the packages of the same
# names when run as a script: drop this script's own folder from the import path before anything
# else is imported.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import TYPE_CHECKING, Any, cast  # noqa: E402

if TYPE_CHECKING:
    from acp.interfaces import Client

FLOOR_MS = 50.0
PUNIE = str(Path(sys.executable).parent / "punie")
REPLY = (
    "Checking.\n<tool_call>\n<function=execute_code>\n<parameter=code>\n1 + 1\n</parameter>\n"
    "</function>\n</tool_call>"
)


class _Client:
    """Records when each session update arrives."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        self.arrivals.append(time.perf_counter())

    def on_connect(self, conn: Any) -> None:
        pass


async def _over_acp(workspace: Path, spec: str, prompts: int) -> tuple[float, list[float]]:
    from acp import PROTOCOL_VERSION, spawn_agent_process, text_block

    client = _Client()
    async with spawn_agent_process(
        cast("Client", client),  # only session_update is called here
        PUNIE,
        "acp",
        "--model",
        spec,
        "--no-trace",
        env=dict(os.environ),
        cwd=workspace,
    ) as (connection, _process):
        await connection.initialize(protocol_version=PROTOCOL_VERSION)
        session = await connection.new_session(cwd=str(workspace))
        times: list[float] = []
        first = 0.0
        for index in range(prompts + 1):
            if index:
                await asyncio.sleep(0.05)  # a person types between prompts
            seen = len(client.arrivals)
            sent = time.perf_counter()
            await connection.prompt(session_id=session.session_id, prompt=[text_block("Sum?")])
            elapsed = (client.arrivals[seen] - sent) * 1000
            if index == 0:
                first = elapsed
            else:
                times.append(elapsed)
        return first, times


def _embedded(workspace: Path, prompts: int) -> list[float]:
    from runtime import Agent, ModelResponse, ScriptedModel

    times: list[float] = []
    marks: list[float] = []
    model = ScriptedModel([REPLY, "Two."] * (prompts + 1))
    with Agent(model=model, workspace=workspace, record_traces=False) as agent:
        agent.subscribe(
            lambda e: marks.append(time.perf_counter()) if isinstance(e, ModelResponse) else None
        )
        for index in range(prompts + 1):
            marks.clear()
            sent = time.perf_counter()
            agent.ask("Sum?")
            if index:
                times.append((marks[0] - sent) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=30)
    arguments = parser.parse_args()
    from bridges import sample_workspace

    with tempfile.TemporaryDirectory() as folder:
        os.environ["PUNIE_DATA_DIR"] = str(Path(folder) / "data")
        workspace = sample_workspace(Path(folder) / "shop")
        replies = Path(folder) / "replies.json"
        replies.write_text(json.dumps([REPLY, "Two."] * (arguments.prompts + 1)))
        first, times = asyncio.run(_over_acp(workspace, f"scripted:{replies}", arguments.prompts))
        embedded = _embedded(workspace, arguments.prompts)
    median = statistics.median(times)
    ratio = median / FLOOR_MS
    verdict = "ok" if median <= FLOOR_MS else "MISSED"
    print(f"punie acp, prompt to first session/update ({len(times)} prompts, scripted model):")
    print(
        f"  median {median:.2f} ms (min {min(times):.2f}, max {max(times):.2f}); "
        f"floor <= {FLOOR_MS:g} ms: {ratio:.2f}x of the floor, {verdict}"
    )
    print(f"  first prompt of a new session: {first:.2f} ms")
    print(
        f"  embedded API, Agent.ask to its first event (model_response): median "
        f"{statistics.median(embedded):.2f} ms; ACP adds {median - statistics.median(embedded):.2f} ms"
    )
    return 0 if median <= FLOOR_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
