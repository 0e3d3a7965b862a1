"""Sandbox speed, side by side: punie, pydantic-monty and plain CPython ``exec``.

Run: ``uv run python benchmarks/sandbox.py`` (add ``--quick`` for fewer trials). Prints the
median of repeated trials for each workload and the ratio punie/Monty, next to the floors the
sandbox must reach:

(a) warm ``1+1`` (punie in an open session and stateless; Monty in an open session)  <= 0.5x Monty
(b) a new, distinct five-line snippet each time (no cache can help)                <= 1.5x Monty
(c) a 100k-iteration loop at module level                                          <= 1.5x Monty
(d) 1,000 calls of a no-op host function                                           <= 0.2x Monty
(e) cold start to first result (pool start + first run)                            <= 300 ms

CPython ``exec`` runs in this process with no isolation at all: it is the lower bound, not a
competitor. Medians, not means: the machine is shared and noisy.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# This file is named like the package it measures: drop its own folder from the import path
# so that ``import sandbox`` finds the package, not this script.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

from sandbox import Limits, Sandbox  # noqa: E402

__all__ = ["main"]

LOOP = "s = 0\nfor i in range(100000):\n    s += i\ns"
CALLS = "for i in range(1000):\n    noop()\n1"


def five_lines(i: int) -> str:
    """A distinct five-line snippet (the constant changes, so no compile cache can hit)."""
    return (
        f"a = {i}\n"
        "b = [a * k for k in range(5)]\n"
        "c = {'total': sum(b), 'first': b[0]}\n"
        "d = sorted(b, reverse=True)\n"
        "c['total'] + d[0] + len(d)\n"
    )


def noop() -> None:
    """Does nothing: measures the cost of the host round trip itself."""


def median_s(function: Callable[[int], Any], trials: int, warmup: int = 3) -> float:
    for i in range(warmup):
        function(-1 - i)
    samples = []
    for i in range(trials):
        started = time.perf_counter()
        function(i)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench_punie(trials: dict[str, int]) -> dict[str, float]:
    limits = Limits(host_calls=2000, timeout_s=30)
    results: dict[str, float] = {}
    with Sandbox([noop], limits) as box:
        box.run("1+1")
        with box.session() as session:
            session.run("1+1")

            def warm(i: int) -> None:
                assert session.run("1+1").value == 2

            results["a_session"] = median_s(warm, trials["a"])

            def warm_stateless(i: int) -> None:
                assert box.run("1+1").value == 2

            results["a"] = median_s(warm_stateless, trials["a"])

            def distinct(i: int) -> None:
                assert box.run(five_lines(i + 1_000_000 * (i < 0))).ok

            results["b"] = median_s(distinct, trials["b"])

            def loop(i: int) -> None:
                assert session.run(LOOP).value == 4999950000

            results["c"] = median_s(loop, trials["c"])

            def calls(i: int) -> None:
                assert session.run(CALLS).ok

            results["d"] = median_s(calls, trials["d"], warmup=1)

    samples = []
    for _ in range(trials["e"]):
        started = time.perf_counter()
        fresh = Sandbox([noop])
        assert fresh.run("1+1").value == 2
        samples.append(time.perf_counter() - started)
        fresh.close()  # shutting down is not part of the start-up cost
    results["e"] = statistics.median(samples)
    return results


def bench_monty(trials: dict[str, int]) -> dict[str, float]:
    import pydantic_monty

    results: dict[str, float] = {}
    limits: Any = {"max_suspensions": 10_000}
    with pydantic_monty.Monty() as pool, pool.checkout(limits=limits) as session:
        session.feed_run("1+1")

        def warm(i: int) -> None:
            assert session.feed_run("1+1") == 2

        results["a"] = median_s(warm, trials["a"])

        def distinct(i: int) -> None:
            session.feed_run(five_lines(i + 1_000_000 * (i < 0)))

        results["b"] = median_s(distinct, trials["b"])

        def loop(i: int) -> None:
            assert session.feed_run(LOOP) == 4999950000

        results["c"] = median_s(loop, trials["c"])

        def calls(i: int) -> None:
            session.feed_run(CALLS, external_lookup={"noop": noop})

        results["d"] = median_s(calls, trials["d"], warmup=1)

    samples = []
    for _ in range(trials["e"]):
        started = time.perf_counter()
        fresh = pydantic_monty.Monty()
        fresh.__enter__()
        with fresh.checkout() as first:
            assert first.feed_run("1+1") == 2
            samples.append(time.perf_counter() - started)
        fresh.__exit__(None, None, None)
    results["e"] = statistics.median(samples)
    return results


def bench_cpython(trials: dict[str, int]) -> dict[str, float]:
    results: dict[str, float] = {}
    one = compile("1+1", "<bench>", "eval")
    results["a"] = median_s(lambda i: eval(one, {}), trials["a"])
    results["b"] = median_s(lambda i: exec(compile(five_lines(i), "<b>", "exec"), {}), trials["b"])
    loop = compile(LOOP, "<bench>", "exec")
    results["c"] = median_s(lambda i: exec(loop, {}), trials["c"])
    calls = compile(CALLS, "<bench>", "exec")
    results["d"] = median_s(lambda i: exec(calls, {"noop": noop}), trials["d"])
    command = [sys.executable, "-I", "-S", "-c", "1+1"]
    results["e"] = median_s(lambda i: subprocess.run(command, check=True), trials["e"], warmup=1)
    return results


FLOORS = {"a": 0.5, "b": 1.5, "c": 1.5, "d": 0.2}
LABELS = {
    "a": "(a) warm 1+1, stateless run",
    "a_session": "(a) warm 1+1, open session",
    "b": "(b) distinct 5-line snippet",
    "c": "(c) 100k-iteration loop",
    "d": "(d) 1,000 no-op host calls",
    "e": "(e) cold start to first result",
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.3f} ms"


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    quick = "--quick" in arguments
    trials = (
        {"a": 50, "b": 50, "c": 5, "d": 3, "e": 3}
        if quick
        else {"a": 300, "b": 200, "c": 15, "d": 9, "e": 7}
    )
    punie = bench_punie(trials)
    monty = bench_monty(trials)
    cpython = bench_cpython(trials)
    print(f"medians; trials per workload: {trials}")
    print(f"{'workload':34} {'punie':>12} {'monty':>12} {'cpython exec':>12}  punie/monty  floor")
    for key, label in LABELS.items():
        base = key[0]
        ratio = punie[key] / monty[base]
        if base == "e":
            floor = "<= 300 ms"
            met = punie[key] <= 0.300
        else:
            floor = f"<= {FLOORS[base]}x"
            met = ratio <= FLOORS[base]
        print(
            f"{label:34} {_ms(punie[key])} {_ms(monty[base])} {_ms(cpython[base])}"
            f"  {ratio:10.2f}x  {floor} {'ok' if met else 'MISSED'}"
        )
    print("cpython (e) is a bare `python -I -S -c 1+1` process start, for reference.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
