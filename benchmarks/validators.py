"""Validator speed: a cold call (parse + visit + positions) against a cached call, 2,000 lines.

Run: ``uv run python benchmarks/validators.py``. Prints medians in milliseconds and the
cold/cached ratio for each validator on one generated 2,000-line module of tdom components,
svcs registrations, middleware and routes (with a few violations, so positions are computed).
Exits 1 when a cached call's median is above the 5 ms floor the design sets.
"""

from __future__ import annotations

import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# This folder holds a script named bridges.py, which would shadow the bridges package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from bridges import BridgeContext  # noqa: E402
from bridges.cst import BRIDGES as CST_BRIDGES  # noqa: E402
from bridges.cst import MODULE_CACHE  # noqa: E402
from bridges.validators import BRIDGES  # noqa: E402

CACHED_FLOOR_MS = 5.0
COLD_RUNS = 3
CACHED_RUNS = 50

BLOCK = """

@dataclass
class Card{n}:
    title: str = "card {n}"

    def __call__(self) -> Node:
        return html("<div class='card'>{{title}}<{{Price{n}}} amount={{n}} /></div>", n={n})


@dataclass
class Price{n}:
    amount: float = {n}.0

    def __call__(self) -> Node:
        return html("<span>{{amount}}</span>", amount=self.amount)


def make_service_{n}(container):
    return Service{n}(container.get(Database))


registry.register_factory(Service{n}, make_service_{n})


def middleware_{n}(request, call_next):
    response = call_next(request)
    return response


@router.get("/items{n}/{{item_id:int}}")
def item_{n}(request, item_id):
    return item_id
"""

HEADER = '''"""Generated benchmark module."""

from dataclasses import dataclass

from tdom import Node, html


class Banner:
    def __call__(self):
        return html(f"<b>{self}</b>")
'''


def generate(lines: int) -> str:
    parts = [HEADER]
    n = 0
    while sum(part.count("\n") for part in parts) < lines:
        parts.append(BLOCK.format(n=n))
        n += 1
    return "".join(parts)


def median_ms(function: Callable[[], object], runs: int, *, cold: bool) -> float:
    times = []
    for _ in range(runs):
        if cold:
            MODULE_CACHE.clear()
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        source = generate(2000)
        (workspace / "big.py").write_text(source)
        context = BridgeContext(workspace=workspace)
        print(f"module: {source.count(chr(10))} lines, {len(source)} bytes")
        print(f"{'bridge':32} {'cold ms':>9} {'cached ms':>10} {'cold/cached':>12}")
        worst = 0.0
        calls: list[tuple[str, Callable[..., object], dict[str, object]]] = [
            (bridge.name, bridge.bind(context).function, {"path": "big.py"})
            for bridge in BRIDGES
            if bridge.name != "check_layers"
        ]
        layers = next(bridge for bridge in BRIDGES if bridge.name == "check_layers")
        calls.append(
            (
                "check_layers",
                layers.bind(context).function,
                {"path": "big.py", "rules": {"big": ["tdom"], "tdom": []}},
            )
        )
        find = next(bridge for bridge in CST_BRIDGES if bridge.name == "cst_find_pattern")
        calls.append(
            ("cst_find_pattern", find.bind(context).function, {"pattern": "call:html", "path": "."})
        )
        for name, function, arguments in calls:
            call = functools.partial(function, **arguments)
            cold = median_ms(call, COLD_RUNS, cold=True)
            call()
            cached = median_ms(call, CACHED_RUNS, cold=False)
            worst = max(worst, cached)
            print(f"{name:32} {cold:9.1f} {cached:10.2f} {cold / cached:12.0f}")
        # What the cache saves across validators: the parse is shared even for a new validator.
        MODULE_CACHE.clear()
        start = time.perf_counter()
        MODULE_CACHE.parse_file(workspace / "big.py", display="big.py")
        print(f"parse alone (cold): {(time.perf_counter() - start) * 1000:.1f} ms")
        status = "ok" if worst <= CACHED_FLOOR_MS else "TOO SLOW"
        print(f"slowest cached median: {worst:.2f} ms (floor {CACHED_FLOOR_MS} ms): {status}")
        return 0 if worst <= CACHED_FLOOR_MS else 1


if __name__ == "__main__":
    sys.exit(main())
