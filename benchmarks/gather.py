"""Concurrent bridge calls: three bridges gathered in one snippet against the slowest alone.

    uv run python benchmarks/gather.py [--rounds N]

On a copy of the sample workspace, each round runs, back to back in one sandbox:
``typecheck(path='.')``, ``ruff_check(path='.')`` and ``pytest_run()`` each alone in a snippet
of its own, then all three in one snippet with
``await asyncio.gather(typecheck(...), ruff_check(...), pytest_run())``. A round's ratio is the
gathered snippet's time over the slowest single one of that round (adjacent runs share the
machine's moment: its speed drifts by up to 2x over seconds); the figure is the median of the
rounds' ratios, printed next to the medians of each time and the sum of the three alone (what
the same calls cost one after the other). The target is a ratio <= 1.15; the script exits 1
when it is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder comes first on the import path: drop it, as the other
# benchmarks do, so that the packages are found and not a script named like one of them.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from bridges import default_bridges, sample_workspace  # noqa: E402
from sandbox import Limits, Sandbox  # noqa: E402

__all__ = ["main"]

TARGET = 1.15
ALONE = {
    "typecheck": "typecheck(path='.')",
    "ruff_check": "ruff_check(path='.')",
    "pytest_run": "pytest_run()",
}
GATHERED = (
    "import asyncio\n"
    "tc, lint, tests = await asyncio.gather(\n"
    "    typecheck(path='.'), ruff_check(path='.'), pytest_run()\n"
    ")\n"
    "[tc.error_count, len(lint.violations), tests.passed]"
)


def timed(sandbox: Sandbox, source: str) -> float:
    started = time.perf_counter()
    result = sandbox.run(source)
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"the snippet failed: {source!r}: {result.error}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds to take the median of")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        workspace = sample_workspace(Path(folder) / "shop")
        functions = default_bridges(workspace)
        with Sandbox(functions, Limits(timeout_s=30, run_timeout_s=600)) as sandbox:
            for source in [*ALONE.values(), GATHERED]:  # warm: caches, imports, the pool
                timed(sandbox, source)
            times: dict[str, list[float]] = {name: [] for name in [*ALONE, "gathered"]}
            ratios: list[float] = []
            sums: list[float] = []
            for _ in range(options.rounds):
                alone = {name: timed(sandbox, source) for name, source in ALONE.items()}
                gathered = timed(sandbox, GATHERED)
                for name, seconds in alone.items():
                    times[name].append(seconds)
                times["gathered"].append(gathered)
                ratios.append(gathered / max(alone.values()))
                sums.append(sum(alone.values()))
    print(f"medians of {options.rounds} rounds on the sample workspace")
    for name, values in times.items():
        print(f"{name:<28} {statistics.median(values) * 1000:9.1f} ms")
    print(f"{'the three one after another':<28} {statistics.median(sums) * 1000:9.1f} ms")
    ratio = statistics.median(ratios)
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(f"gathered / slowest alone      {ratio:8.2f}x  <= {TARGET}x {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
