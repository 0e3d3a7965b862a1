"""Startup: ``punie run --workspace DIR -c '1+1'`` against ``punie run -c '1+1'`` (issue 11).

Run: ``uv run python benchmarks/startup.py [--runs N]``. Each command runs N times (default 15)
as a fresh process, alternating, against an empty temporary workspace; prints both medians and
their ratio, and exits 1 when the workspace run takes more than 1.3x the plain one. A workspace
costs the bridge records (argument models, stubs); the implementations (LibCST, the
language-server client) must load only when a bridge is called.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

LIMIT = 1.3
"""The most a workspace may multiply the start-up time by."""


def _punie() -> list[str]:
    found = shutil.which("punie", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-c", "from runtime.cli import main; main()"]


def _once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    runs = parser.parse_args().runs
    punie = _punie()
    with tempfile.TemporaryDirectory() as folder:
        plain = [*punie, "run", "-c", "1+1"]
        workspace = [*punie, "run", "--workspace", folder, "-c", "1+1"]
        _once(plain), _once(workspace)  # warm the file cache and the bytecode
        times: dict[str, list[float]] = {"plain": [], "workspace": []}
        for _ in range(runs):
            times["plain"].append(_once(plain))
            times["workspace"].append(_once(workspace))
    plain_s = statistics.median(times["plain"])
    workspace_s = statistics.median(times["workspace"])
    ratio = workspace_s / plain_s
    print(f"punie run -c '1+1'                   median {plain_s * 1000:7.1f} ms  ({runs} runs)")
    print(
        f"punie run --workspace DIR -c '1+1'   median {workspace_s * 1000:7.1f} ms  ({runs} runs)"
    )
    verdict = "ok" if ratio <= LIMIT else "too slow"
    print(f"ratio {ratio:.2f}x (limit {LIMIT}x): {verdict}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
