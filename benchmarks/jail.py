"""The jail's cost per ``pytest_run``: the same bridge call jailed (bubblewrap) and unjailed.

    uv run python benchmarks/jail.py [--repeat N]

For the sample workspace (the shop) and a one-test suite, it times ``pytest_run()`` bound with
``jail="auto"`` and with ``jail="off"`` in adjacent pairs (this machine's speed drifts; a pair
shares its moment), and prints the medians, the median of the pairs' ratios and the median
milliseconds the jail adds. The target is <= 50 ms added; the script exits 1 when a row misses
it, and 2 when no jail works here. The row "bare (true)" starts ``true`` directly and in the
same jail: the jail's own cost, free of pytest's run-to-run noise.
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

# benchmarks/bridges.py shadows the package of the same name: drop this folder from the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from bridges import choose_jail, default_bridges, sample_workspace, tool_environment  # noqa: E402
from bridges._jail import Jail, jail_command  # noqa: E402

__all__ = ["main"]

TARGET_MS = 50.0


def _pytest_run(workspace: Path, jail: str) -> Callable[[], object]:
    bound = default_bridges(workspace, jail=jail)
    return next(f for f in bound if f.name == "pytest_run").function


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _bare(jail: Jail, ws: Path) -> tuple[Callable[[], object], Callable[[], object]]:
    """``true`` started directly and in the jail: the jail's own cost, without pytest's noise."""
    true = [shutil.which("true") or "/bin/true"]
    env = tool_environment()
    wrapped = jail_command(jail, true, workspace=ws, cwd=ws, env=env)
    return (
        lambda: subprocess.run(true, check=True, env=env),
        lambda: subprocess.run(wrapped, check=True, env=env),
    )


def _tiny(root: Path) -> Path:
    ws = root / "tiny"
    (ws / "tests").mkdir(parents=True)
    (ws / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (ws / "tests" / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    return ws


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="pairs per row (default 15)")
    options = parser.parse_args(argv)
    choice = choose_jail()
    if choice.jail is None:
        print(f"no jail here: {choice.reason}", file=sys.stderr)
        return 2
    print(f"jail: {choice.jail.describe()}")
    missed = False
    with tempfile.TemporaryDirectory(prefix="punie-bench-jail-") as scratch:
        root = Path(scratch)
        trees = {"shop (8 tests)": sample_workspace(root / "shop"), "one test": _tiny(root)}
        print(f"{'tree':<16}{'unjailed ms':>13}{'jailed ms':>11}{'ratio':>8}{'added ms':>10}")
        rows = {
            name: (_pytest_run(ws, "off"), _pytest_run(ws, "auto")) for name, ws in trees.items()
        }
        rows["bare (true)"] = _bare(choice.jail, root)
        for name, (unjailed, jailed) in rows.items():
            jailed(), unjailed()  # warm: imports, the jail's probe, the OS's caches
            pairs = [(_timed(unjailed), _timed(jailed)) for _ in range(options.repeat)]
            off = statistics.median(p[0] for p in pairs)
            on = statistics.median(p[1] for p in pairs)
            ratio = statistics.median(p[1] / p[0] for p in pairs)
            added = statistics.median((p[1] - p[0]) * 1000 for p in pairs)
            flag = "" if added <= TARGET_MS else "  MISSED"
            missed = missed or bool(flag)
            print(
                f"{name:<16}{off * 1000:>13.1f}{on * 1000:>11.1f}{ratio:>8.3f}{added:>10.1f}{flag}"
            )
    print(f"target: <= {TARGET_MS:g} ms added per pytest_run")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
