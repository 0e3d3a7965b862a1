"""Evaluation overhead and parallel speed-up with the oracle model (issue 14).

    uv run python benchmarks/evals.py [--suite standard] [--cases GLOB ...]

1. Scorer and runner overhead per case, excluding model, snippet/bridge time, sandbox setup and
   workspace preparation (``CaseResult.overhead_s``: the agent loop, event collection, scoring):
   median over the suite with the oracle, one worker. Target: <= 10 ms.
2. Wall time of the oracle suite with two worker processes against one, in the same run
   (one, two, one, two: the ratio of the medians). Target: <= 0.6x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# This script is named like the package it measures: keep its own folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from evals import load_suite, run_suite  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", default="standard")
    parser.add_argument("--cases", nargs="*", default=None, help="case ids or globs")
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    suite = load_suite(arguments.suite)
    if arguments.cases:
        suite = suite.select(arguments.cases)
    print(f"suite {suite.name}: {len(suite.cases)} cases, oracle model")
    times: dict[int, list[float]] = {1: [], 2: []}
    overheads: list[float] = []
    prepare: list[float] = []
    for _ in range(arguments.rounds):
        for workers in (1, 2):
            started = time.perf_counter()
            report = run_suite(suite, model="oracle", workers=workers)
            times[workers].append(time.perf_counter() - started)
            if workers == 1:
                overheads.extend(c.overhead_s for c in report.cases)
                prepare.extend(c.prepare_s for c in report.cases)
            if report.strict != 1.0:
                failing = [c.case_id for c in report.cases if not c.passed]
                print(f"  warning: the oracle failed {len(failing)} cases: {failing[:5]}")
    median_ms = statistics.median(overheads) * 1000
    verdict = "PASS" if median_ms <= 10 else "MISSED"
    print(
        f"overhead per case (loop, collection, scoring): median {median_ms:.2f} ms, "
        f"p95 {sorted(overheads)[int(0.95 * (len(overheads) - 1))] * 1000:.2f} ms "
        f"over {len(overheads)} runs; target <= 10 ms: {verdict}"
    )
    print(
        f"  for reference, workspace + host functions + agent: median "
        f"{statistics.median(prepare) * 1000:.0f} ms per case"
    )
    one, two = statistics.median(times[1]), statistics.median(times[2])
    ratio = two / one
    print(
        f"suite wall time: 1 worker {one:.2f} s, 2 workers {two:.2f} s (medians of "
        f"{arguments.rounds}); ratio {ratio:.2f}x; target <= 0.6x: "
        f"{'PASS' if ratio <= 0.6 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
