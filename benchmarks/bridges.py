"""Bridge overhead: typecheck, ruff_check and pytest_run against the same tool run directly.

    uv run python benchmarks/bridges.py [--repeat N] [--repeat-fast N] [--only TEXT]

For each tool and each tree (the sample workspace, and a larger one: a copy of the installed
pydantic sources (~47k lines) for ty and ruff, a generated suite of 2,000 tests for pytest),
it times the bound bridge (confinement, tool run, parsing, contract validation) and the same
program with the same arguments and environment started with ``subprocess.run``, in adjacent
pairs, and prints the medians and the ratio bridge/direct, taken as the median of the pairs'
ratios: this machine's speed drifts by up to 2x over seconds, and a pair shares its moment, so
the median pair ratio is far steadier than a ratio of two medians. Runs shorter than 0.3 s get
``--repeat-fast`` pairs, longer ones ``--repeat``. The target is a ratio <= 1.1; the script exits
1 when a row misses it.
The row "select=E9" lints the same large tree for syntax errors only (no findings), which
separates the fixed cost of a bridge call from the cost of reading a large report.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# This file is named like the package it measures: drop its own folder from the import path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

import pydantic  # noqa: E402

from bridges import (  # noqa: E402
    default_bridges,
    find_project_python,
    locate_tool,
    sample_workspace,
    tool_environment,
)

__all__ = ["main"]

TARGET = 1.1


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` takes. Its result is freed after the clock stops: a caller keeps what
    it asked for, and freeing 1,437 violation models (0.5 ms) is the loop's cost, not the call's."""
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    del result
    return elapsed


def direct(tool: str, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    # A session of its own, as run_tool starts tools: under Linux's autogroup scheduling a new
    # session gets its own share of the CPUs, so a direct run left in the benchmark's session
    # would compete with a busy neighbour started there and look slower than the bridge.
    subprocess.run(
        [str(locate_tool(tool)), *args],
        cwd=cwd,
        env=tool_environment(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
        start_new_session=True,
    )


def pydantic_tree(root: Path) -> Path:
    tree = root / "pydantic-tree"
    shutil.copytree(
        Path(pydantic.__file__).parent,
        tree / "pydantic",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tree / "pyproject.toml").write_text('[project]\nname = "tree"\nversion = "0"\n')
    return tree


def test_tree(root: Path, modules: int = 200, tests: int = 10) -> Path:
    tree = root / "test-tree"
    (tree / "tests").mkdir(parents=True)
    (tree / "pyproject.toml").write_text(
        '[project]\nname = "tests"\nversion = "0"\n\n[tool.pytest.ini_options]\n'
        'testpaths = ["tests"]\n'
    )
    for module in range(modules):
        body = [
            f"def test_{module}_{index}():\n    assert {index} % 7 != 6\n" for index in range(tests)
        ]
        (tree / "tests" / f"test_m{module:03}.py").write_text("\n\n".join(body))
    return tree


def measure(
    label: str, bridge: Callable[[], object], plain: Callable[[], object], repeats: tuple[int, int]
) -> tuple[str, float, float, float]:
    """(label, median bridge s, median direct s, median of the pairs' ratios)."""
    first = timed(bridge)  # warm caches (tool version, file system) for both
    plain()
    repeat = repeats[1] if first < 0.3 else repeats[0]
    bridge_times: list[float] = []
    direct_times: list[float] = []
    for index in range(repeat):
        # Alternate which goes first: on a busy machine the second of a pair ran measurably
        # faster or slower (page cache, CPU frequency), a bias of up to 30% either way.
        if index % 2:
            direct_times.append(timed(plain))
            bridge_times.append(timed(bridge))
        else:
            bridge_times.append(timed(bridge))
            direct_times.append(timed(plain))
    b, d = statistics.median(bridge_times), statistics.median(direct_times)
    ratio = statistics.median(x / y for x, y in zip(bridge_times, direct_times, strict=True))
    return label, b, d, ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11, help="pairs for runs over 0.3 s")
    parser.add_argument("--repeat-fast", type=int, default=41, help="pairs for shorter runs")
    parser.add_argument("--only", help="run only the rows whose label contains this text")
    options = parser.parse_args(argv)
    repeats = (options.repeat, options.repeat_fast)
    rows = []

    def row(label: str, bridge: Callable[[], object], plain: Callable[[], object]) -> None:
        if options.only is None or options.only in label:
            rows.append(measure(label, bridge, plain, repeats))

    with tempfile.TemporaryDirectory(prefix="punie-bench-") as scratch:
        root = Path(scratch)
        shop = sample_workspace(root / "shop")
        big = pydantic_tree(root)
        suite = test_tree(root)
        for name, tree in (("shop", shop), ("pydantic 47k lines", big)):
            f = {function.name: function.function for function in default_bridges(tree)}
            row(
                f"typecheck   {name}",
                lambda f=f: f["typecheck"](path="."),
                lambda tree=tree: direct(
                    "ty",
                    [
                        "check",
                        "--output-format",
                        "gitlab",
                        "--no-progress",
                        "--python",
                        str(find_project_python(tree).executable),
                        "--",
                        ".",
                    ],
                    tree,
                ),
            )
            row(
                f"ruff_check  {name}",
                lambda f=f: f["ruff_check"](path="."),
                lambda tree=tree: direct(
                    "ruff",
                    [
                        *("check", "--no-cache", "--output-format", "json"),
                        *("--extend-select", "E902", "--", "."),
                    ],
                    tree,
                ),
            )
        f = {function.name: function.function for function in default_bridges(big)}
        row(
            "ruff_check  pydantic, select=E9",
            lambda f=f: f["ruff_check"](path=".", select=["E9"]),
            lambda: direct(
                "ruff",
                ["check", "--no-cache", "--output-format", "json", "--select", "E9", "."],
                big,
            ),
        )
        for name, tree in (("shop", shop), ("2,000 tests", suite)):
            f = {function.name: function.function for function in default_bridges(tree)}
            log = root / f"direct-{name[:4]}.jsonl"
            args = [
                "-p",
                "pytest_reportlog.plugin",
                "-p",
                "no:cacheprovider",
                f"--report-log={log}",
                "-q",
                "--color=no",
                "--rootdir=.",
                "--confcutdir=.",
                ".",
            ]
            row(
                f"pytest_run  {name}",
                lambda f=f: f["pytest_run"](path="."),
                lambda tree=tree, args=args: direct(
                    "pytest", args, tree, {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
                ),
            )
    print(
        f"bridge vs direct: medians of {options.repeat} (runs over 0.3 s) or "
        f"{options.repeat_fast} adjacent pairs; ratio = median of the pairs' ratios "
        f"(target <= {TARGET})"
    )
    print(f"{'bridge / tree':32} {'bridge s':>9} {'direct s':>9} {'ratio':>6}")
    worst = 0.0
    for label, b, d, ratio in rows:
        worst = max(worst, ratio)
        flag = "" if ratio <= TARGET else "  ABOVE TARGET"
        print(f"{label:32} {b:9.3f} {d:9.3f} {ratio:6.2f}{flag}")
    print(f"worst ratio {worst:.2f}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
