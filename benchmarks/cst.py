"""cst_find_pattern on real trees (rich, Django) against an ``ast`` scan for the same matches.

Run: ``uv run python benchmarks/cst.py [--verify] [--only rich|django]``. Downloads the sdists of
rich 13.9.4 and Django 5.2 once into ``~/.cache/punie-bench`` (``pip download --no-binary``) and
unpacks them there. For each pattern it times a *cold* ``cst_find_pattern`` call (results cache
and the children's parse caches cleared; the children themselves already started) and an ``ast``
scan of the same files (read, ``ast.parse``, walk, match the same kind and glob), and prints
both and their ratio. Exits 1 when a ratio is above the 2x floor, or (``--verify``) when the
bridge's matches differ from the old in-process LibCST finder's on any file it could parse,
or when the ``ast`` answer for ``name:*`` or ``attribute:*`` differs from LibCST's on any file.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

# This folder holds a script named bridges.py, which would shadow the bridges package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]

from bridges import BridgeContext  # noqa: E402
from bridges.cst import CST_FIND_PATTERN, MODULE_CACHE  # noqa: E402
from bridges.cst._child_main import SkipFile, Source, decode_source  # noqa: E402
from bridges.cst._fast_find import fast_matches  # noqa: E402
from bridges.cst._find import _Collector, _match, parse_pattern  # noqa: E402

CACHE = Path.home() / ".cache" / "punie-bench"
FLOOR = 2.0
TREES = {
    "rich": ("rich==13.9.4", "rich-13.9.4", "rich"),
    "django": ("django==5.2.*", "django-5.2", "django"),
}
PATTERNS = [
    "call:print",
    "call:*.append",
    "class:*Error",
    "function:__init__",
    "import:os",
    "decorator:property",
    "name:settings",
    "attribute:self.style",
]


def tree(name: str) -> Path:
    """The package folder of an unpacked sdist, downloading it the first time."""
    requirement, prefix, package = TREES[name]
    CACHE.mkdir(parents=True, exist_ok=True)
    if not any(CACHE.glob(f"{prefix}*.tar.gz")):
        subprocess.run(
            [
                "uv",
                "run",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                requirement,
                "-d",
                str(CACHE),
            ],
            check=True,
        )
    archive = sorted(CACHE.glob(f"{prefix}*.tar.gz"))[-1]
    folder = CACHE / archive.name.removesuffix(".tar.gz")
    if not folder.is_dir():
        with tarfile.open(archive) as bundle:
            bundle.extractall(CACHE, filter="data")
    return folder / package


def files_of(root: Path) -> Iterator[Path]:
    for file in sorted(root.rglob("*.py")):
        parts = file.relative_to(root).parts
        if not any(part.startswith(".") or part == "__pycache__" for part in parts):
            yield file


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def ast_scan(root: Path, pattern: str) -> int:
    """The plain ``ast`` way: parse every file and count the nodes matching kind and glob."""
    kind, _, glob = pattern.partition(":")
    count = 0
    for file in files_of(root):
        try:
            parsed = ast.parse(file.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(parsed):
            names: list[str | None] = []
            if kind == "call" and isinstance(node, ast.Call):
                name = dotted(node.func)
                names = [name, name.rsplit(".", 1)[-1] if name else None]
            elif (kind == "class" and isinstance(node, ast.ClassDef)) or (
                kind == "function" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            ):
                names = [node.name]
            elif kind == "import" and isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif kind == "import" and isinstance(node, ast.ImportFrom):
                names = [node.module]
            elif kind == "decorator" and isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [
                    dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list
                ]
            elif kind == "name" and isinstance(node, ast.Name):
                names = [node.id]
            elif kind == "attribute" and isinstance(node, ast.Attribute):
                names = [dotted(node), node.attr]
            if any(name is not None and fnmatchcase(name, glob) for name in names):
                count += 1
    return count


def old_finder(root: Path, workspace: Path, pattern: str) -> list[tuple[object, ...]]:
    """What the previous, in-process LibCST finder reported (files it could parse)."""
    kind, glob = parse_pattern(pattern)
    found: list[tuple[object, ...]] = []
    for file in files_of(root):
        try:
            source = Source(decode_source(file.read_bytes()))
            collector = _Collector(kind, glob)
            source.module().visit(collector)
        except (SkipFile, RecursionError):
            continue
        relative = file.relative_to(workspace).as_posix()
        rows = sorted(
            (_match(source, kind, node, name) for node, name in collector.found),
            key=lambda row: (row[0], row[1]),
        )
        found.extend((relative, *row) for row in rows)
    return found


VERIFY_EVERY_NODE = ["name:*", "attribute:*"]
"""Checked file by file with ``--verify``: every Name and Attribute ``ast`` places, against LibCST."""


def verify_every_node(root: Path, pattern: str) -> tuple[int, int, int]:
    """(files compared, files ``ast`` left to LibCST, files whose matches differ)."""
    kind, glob = parse_pattern(pattern)
    compared = fallback = different = 0
    for file in files_of(root):
        try:
            source = Source(decode_source(file.read_bytes()))
            collector = _Collector(kind, glob)
            source.module().visit(collector)
        except (SkipFile, RecursionError):
            continue
        compared += 1
        fast = fast_matches(source.text, source.lines(), kind, glob)
        if fast is None:
            fallback += 1
            continue
        old = [_match(source, kind, node, name) for node, name in collector.found]
        key = lambda row: (row[0], row[1])  # noqa: E731
        if sorted(fast, key=key) != sorted(old, key=key):
            different += 1
            print(f"    DIFFERENT: {file}")
    return compared, fallback, different


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verify", action="store_true", help="compare with the old finder")
    parser.add_argument("--only", choices=sorted(TREES))
    options = parser.parse_args()
    worst = 0.0
    different = 0
    for name in [options.only] if options.only else list(TREES):
        root = tree(name)
        workspace = root.parent
        context = BridgeContext(workspace=workspace, timeout_s=600)
        find = CST_FIND_PATTERN.bind(context).function
        find(pattern="class:*", path=root.name)  # start the children (every file reaches one)
        print(f"{name}: {sum(1 for _ in files_of(root))} files; cold call vs ast scan, seconds")
        for pattern in PATTERNS:
            MODULE_CACHE.clear()
            start = time.perf_counter()
            result = find(pattern=pattern, path=root.name, limit=5000)
            bridge_s = time.perf_counter() - start
            start = time.perf_counter()
            ast_count = ast_scan(root, pattern)
            ast_s = time.perf_counter() - start
            start = time.perf_counter()
            find(pattern=pattern, path=root.name, limit=5000)
            cached_s = time.perf_counter() - start
            ratio = bridge_s / ast_s
            worst = max(worst, ratio)
            status = "ok" if ratio <= FLOOR else "MISSED"
            print(
                f"  {pattern:24} bridge {bridge_s:6.2f}  ast {ast_s:6.2f}  ratio {ratio:5.2f}x "
                f"(<= {FLOOR}: {status})  cached {cached_s:5.2f}  matches {result.match_count} "
                f"(ast {ast_count})  skipped {len(result.skipped)}"
            )
            if options.verify:
                old = old_finder(root, workspace, pattern)
                new = [(m.file, m.line, m.column, m.name, m.code) for m in result.matches]
                same = old[:5000] == new
                different += not same
                print(f"    identical to the old LibCST finder: {same} ({len(old)} matches)")
        if options.verify:
            for pattern in VERIFY_EVERY_NODE:
                compared, fallback, differ = verify_every_node(root, pattern)
                different += differ
                print(
                    f"  {pattern:24} ast vs LibCST file by file: {compared} files, "
                    f"{fallback} left to LibCST, {differ} different"
                )
    print(f"worst ratio {worst:.2f}x (floor {FLOOR}x)")
    return 0 if worst <= FLOOR and not different else 1


if __name__ == "__main__":
    sys.exit(main())
