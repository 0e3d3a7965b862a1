"""Capture ruff and ty fixtures from real, large, messy trees: ``uv run python tests/parsers/capture_real_trees.py``.

``capture_fixtures.py`` runs this at its end; run it alone to refresh only these cases. It adds
to ``tests/fixtures/ruff/`` and ``tests/fixtures/ty/`` (and their ``MANIFEST.json``):

- ``django_all``/``rich_all`` (ruff): ``ruff check --select ALL`` on the Django 5.2.19 and rich
  15.0.0 sdists from PyPI; ``django``/``rich`` (ty): ``ty check`` on the same trees. Every value
  these tools emit on a large real tree is in them: ruff's fix applicabilities ``safe``,
  ``unsafe`` and ``displayonly`` (Django has 335 display-only fixes), its severities, ty's check
  names and severities.
- ``messy`` (both): a small tree with a latin-1 file, the same file with a PEP 263 latin-1
  declaration, a syntax error, a type error, a redundant cast (a ty warning), a
  ``reveal_type`` (ty info) and lint with every applicability.

A real report is up to hundreds of thousands of items; each is trimmed to a few dozen that cover every
distinct value (ruff: up to 8 distinct codes per (applicability, severity, kind), ty: the first
item of each (check name, severity)), in ruff's or ty's own order and layout. The manifest entry
says so (``trimmed``) and keeps the counts of the whole report (``full``), so a test can check
that the trimmed file still holds every value the whole one had.

The sdists are downloaded once with ``pip download --no-deps --no-binary :all:`` into
``$PUNIE_SDIST_CACHE`` (default ``/tmp/punie-sdists``) and unpacked under the fixed capture root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

from bridges import locate_tool, tool_environment, tool_version

__all__ = ["main"]

ROOT = Path("/tmp/punie-capture")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CACHE = Path(os.environ.get("PUNIE_SDIST_CACHE", "/tmp/punie-sdists"))
TREES = {"django": ("django", "5.2.19"), "rich": ("rich", "15.0.0")}

MESSY: dict[str, bytes] = {
    "typed.py": b'x: int = "not an int"\nreveal_type(x)\n',
    "cast.py": b"from typing import cast\n\n\ndef f(y: int) -> int:\n    return cast(int, y)\n",
    "latin.py": b's = "caf\xe9"\n',
    "declared.py": b'# -*- coding: latin-1 -*-\ns = "caf\xe9"\n',
    "broken.py": b"def total(items:\n    return sum(items)\n",
    "lint.py": b"import os\n\n# x = compute(1)\n\n\ndef f(items=[]):\n    return items\n",
}
MESSY_SELECT = "F401,ERA001,B006"
"""F401 offers a safe fix, B006 an unsafe one, ERA001 a display-only one."""

_PER_GROUP = 8


def fetch(name: str, version: str) -> Path:
    """The unpacked sdist of ``name==version`` under the capture root (downloaded once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f"{name}-{version}.tar.gz"
    if not archive.exists():
        pip = [sys.executable, "-m", "pip"] if _has_pip() else [shutil.which("pip") or "pip"]
        subprocess.run(
            [*pip, "download", "--no-deps", "--no-binary", ":all:", f"{name}=={version}"],
            cwd=CACHE,
            check=True,
        )
    target = ROOT / name
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(ROOT, filter="data")
    (ROOT / f"{name}-{version}").rename(target)
    return target


def _has_pip() -> bool:
    return (
        subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode
        == 0
    )


def build_messy() -> Path:
    folder = ROOT / "messy"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in MESSY.items():
        (folder / name).write_bytes(data)
    return folder


def run(tool: str, cwd: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    argv = [str(locate_tool(tool)), *args]
    return subprocess.run(argv, cwd=cwd, env=tool_environment(), capture_output=True, check=False)


def trim_ruff(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Up to 8 items of distinct codes for each (applicability, severity, kind), in order."""
    codes: dict[tuple[object, ...], set[str]] = {}
    kept = []
    for item in items:
        code = item["code"]
        kind = code if code in ("E902", "invalid-syntax") else "lint"
        group = ((item["fix"] or {}).get("applicability"), item.get("severity"), kind)
        seen = codes.setdefault(group, set())
        if code not in seen and len(seen) < _PER_GROUP:
            seen.add(code)
            kept.append(item)
    return kept


def trim_ty(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first item of each (check name, severity), in order."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in items:
        key = (item["check_name"], item["severity"])
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def summary(tool: str, items: list[dict[str, Any]]) -> dict[str, object]:
    """Counts of the whole report, kept in the manifest next to the trimmed fixture."""
    if tool == "ruff":
        applicability = Counter(str((i["fix"] or {}).get("applicability")) for i in items)
        return {
            "items": len(items),
            "applicability": dict(sorted(applicability.items())),
            "severity": dict(sorted(Counter(str(i.get("severity")) for i in items).items())),
        }
    return {
        "items": len(items),
        "severity": dict(sorted(Counter(i["severity"] for i in items).items())),
        "check_name": sorted({i["check_name"] for i in items}),
    }


def capture(
    tool: str, case: str, cwd: Path, args: list[str], source: str, manifest: dict[str, object]
) -> None:
    done = run(tool, cwd, args)
    items = json.loads(done.stdout)
    trimmed = items if case == "messy" else (trim_ruff if tool == "ruff" else trim_ty)(items)
    out = FIXTURES / tool
    # ruff's and ty's own layout (two-space indent), so a streamed parse sees what it would see.
    (out / f"{case}.stdout").write_text(
        json.dumps(trimmed, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (out / f"{case}.stderr").write_bytes(done.stderr)
    manifest[case] = {
        "command": [tool, *args],
        "returncode": done.returncode,
        "root": str(cwd),
        "source": source,
        "trimmed": (
            "not trimmed"
            if trimmed is items
            else f"{len(trimmed)} of {len(items)} items, covering every distinct value"
        ),
        "full": summary(tool, items),
    }


def main() -> int:
    ROOT.mkdir(parents=True, exist_ok=True)
    trees = {
        case: (fetch(name, version), f"{name} {version} sdist from PyPI")
        for case, (name, version) in TREES.items()
    }
    messy = build_messy()
    plans = {
        "ruff": [
            (
                f"{case}_all",
                folder,
                ["check", "--no-cache", "--output-format", "json", "--select", "ALL", "."],
                source,
            )
            for case, (folder, source) in trees.items()
        ]
        + [
            (
                "messy",
                messy,
                [
                    "check",
                    "--no-cache",
                    "--output-format",
                    "json",
                    "--select",
                    MESSY_SELECT,
                    "--extend-select",
                    "E902",
                    ".",
                ],
                "built by tests/parsers/capture_real_trees.py",
            )
        ],
        "ty": [
            (case, folder, ["check", "--output-format", "gitlab", "--no-progress", "."], source)
            for case, (folder, source) in trees.items()
        ]
        + [
            (
                "messy",
                messy,
                ["check", "--output-format", "gitlab", "--no-progress", "."],
                "built by tests/parsers/capture_real_trees.py",
            )
        ],
    }
    for tool, plan in plans.items():
        path = FIXTURES / tool / "MANIFEST.json"
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest["version"] != tool_version(tool):
            raise SystemExit(
                f"{path} is from {manifest['version']}, {tool} is now {tool_version(tool)}: "
                "run capture_fixtures.py, which recaptures everything"
            )
        for case, cwd, args, source in plan:
            capture(tool, case, cwd, args, source, manifest["fixtures"])
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"real-tree fixtures written to {FIXTURES}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
