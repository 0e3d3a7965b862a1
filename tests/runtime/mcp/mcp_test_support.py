"""Start ``punie mcp`` as a real subprocess and talk to it with the MCP SDK's own client."""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
import time
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

__all__ = ["PUNIE", "http_server", "normalised", "stdio_client"]

PUNIE = str(Path(sys.executable).parent / "punie")
_SERVING = re.compile(r"punie mcp: serving (http://\S+)")


def _environment() -> dict[str, str]:
    # The SDK starts servers with a minimal environment; punie needs the test's (PUNIE_DATA_DIR).
    return dict(os.environ)


def stdio_client(
    *args: str, cwd: Path | None = None, mode: str = "legacy", **options: Any
) -> Client:
    """An MCP client that starts ``punie mcp ARGS`` over stdio (enter it with ``async with``)."""
    parameters = StdioServerParameters(
        command=PUNIE, args=["mcp", *args], env=_environment(), cwd=cwd
    )
    return Client(parameters, mode=mode, read_timeout_seconds=60, **options)


@contextmanager
def http_server(*args: str, cwd: Path | None = None) -> Generator[str]:
    """Run ``punie mcp --http 127.0.0.1:0 ARGS``; yields its URL, stops it afterwards."""
    process = subprocess.Popen(
        [PUNIE, "mcp", "--http", "127.0.0.1:0", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_environment(),
        cwd=cwd,
        text=True,
    )
    try:
        yield _wait_for_url(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


def _wait_for_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=1):
            continue
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        found = _SERVING.search(line)
        if found:
            return found.group(1)
    raise AssertionError(f"punie mcp --http did not start: {''.join(seen)}")


def normalised(structured: Any) -> Any:
    """Structured content with every ``duration_s`` replaced by 0.0 (timings differ per run)."""
    if isinstance(structured, dict):
        return {
            key: 0.0 if key == "duration_s" else normalised(value)
            for key, value in structured.items()
        }
    if isinstance(structured, list):
        return [normalised(item) for item in structured]
    return structured
