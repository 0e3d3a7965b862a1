"""grep and list_files on ripgrep against the Python implementation they replaced, and against
``grep -rn`` / ``find``, on a large real tree (Django 5.2's sdist).

Run: ``uv run python benchmarks/files.py [TREE]``. TREE defaults to ``/tmp/punie-sdists/django-*``
(unpack it with ``uv run pip download --no-deps --no-binary :all: 'django==5.2.*' -d
/tmp/punie-sdists`` and ``tar xzf``). Each row is the best of 3 runs (the trees are in the page
cache after the first); it prints seconds, counts and ratios. The old functions are copied below
as they were (issue 10's Python walk and in-host matching), so the comparison stays possible.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

# This folder holds a script named bridges.py, which would shadow the bridges package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from bridges import BridgeContext, registry  # noqa: E402
from bridges._core._decode import NotText, load, split_lines  # noqa: E402

_OLD_SKIPPED_DIRS = {"__pycache__", "node_modules", "build", "dist"}


def old_walk(folder: Path) -> Iterator[Path]:
    """The old ``_files._walk`` (symlink and error reporting left out: none in this tree)."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _OLD_SKIPPED_DIRS)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(current) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield path


def old_list(folder: Path, pattern: str, limit: int) -> list[str]:
    files = []
    for path in old_walk(folder):
        shown = path.relative_to(folder).as_posix()
        if fnmatch.fnmatch(shown.rsplit("/", 1)[-1], pattern):
            files.append(shown)
            if len(files) >= limit:
                break
    return files


def old_grep(folder: Path, pattern: str, glob: str, limit: int) -> list[tuple[str, int]]:
    """The old in-host search (patterns without repeats were matched in the host)."""
    regex = re.compile(pattern)
    found = []
    for path in old_walk(folder):
        if not fnmatch.fnmatch(path.name, glob):
            continue
        try:
            text = load(path, max_bytes=5_000_000).text
        except NotText:
            continue
        for number, line in enumerate(split_lines(text), start=1):
            if regex.search(line):
                if len(found) >= limit:
                    return found
                found.append((path.relative_to(folder).as_posix(), number))
    return found


def best(run: Callable[[], int]) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(3):
        started = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - started)
    return min(times), count


def shell(argv: list[str], cwd: Path) -> int:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    return len(done.stdout.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", nargs="?", type=Path)
    tree = parser.parse_args().tree or next(Path("/tmp/punie-sdists").glob("django-5.2*/"))
    context = BridgeContext(workspace=tree.resolve(), timeout_s=120.0)
    bridges = {record.name: record.bind(context).function for record in registry()}
    grep, list_files = bridges["grep"], bridges["list_files"]
    rows: list[tuple[str, dict[str, tuple[float, int]]]] = [
        (
            "list_files *.py",
            {
                "ripgrep": best(lambda: len(list_files(pattern="*.py", limit=5000).files)),
                "old": best(lambda: len(old_list(tree, "*.py", 5000))),
                "find": best(lambda: shell(["find", ".", "-name", "*.py", "-type", "f"], tree)),
            },
        ),
        (
            "grep 'def ' *.py (limit 100)",
            {
                "ripgrep": best(lambda: grep(pattern="def ", limit=100).match_count),
                "old": best(lambda: len(old_grep(tree, "def ", "*.py", 100))),
            },
        ),
        (
            "grep 'NoSuchName' *.py (whole tree)",
            {
                "ripgrep": best(lambda: grep(pattern="NoSuchName").match_count),
                "old": best(lambda: len(old_grep(tree, "NoSuchName", "*.py", 2000))),
                "grep -rn": best(
                    lambda: shell(["grep", "-rn", "--include=*.py", "NoSuchName", "."], tree)
                ),
            },
        ),
        (
            "grep 'class \\w+Error' *.py (limit 2000)",
            {
                "ripgrep": best(lambda: grep(pattern=r"class \w+Error", limit=2000).match_count),
                "grep -rn": best(
                    lambda: shell(["grep", "-rnE", "--include=*.py", r"class \w+Error", "."], tree)
                ),
            },
        ),
    ]
    print(f"tree: {tree}")
    for name, results in rows:
        base = results["ripgrep"][0]
        cells = [
            f"{label} {seconds * 1000:7.1f} ms ({count} found, {seconds / base:4.1f}x)"
            for label, (seconds, count) in results.items()
        ]
        print(f"{name:42} " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
