"""Capture parser fixtures from real tool runs: ``uv run python tests/parsers/capture_fixtures.py``.

Run it again after upgrading ty, ruff, pytest or git: it rewrites ``tests/fixtures/<tool>/`` and
each folder's ``MANIFEST.json`` (tool version, command, exit status and workspace root of every
fixture). Then run ``uv run pytest tests/parsers``: a changed format fails there with a
``ParseError`` naming the tool, its version and the offending fragment.

Cases are built under a fixed root (``/tmp/punie-capture``) so absolute paths in the fixtures are
the same on every capture.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

# Run as a script from the checkout: the repository root makes ``tests.parsers`` importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bridges import locate_tool, sample_workspace, tool_environment, tool_version
from tests.parsers.capture_real_trees import main as capture_real_trees

__all__ = ["main"]

ROOT = Path("/tmp/punie-capture")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RUFF_SELECT = "E4,E7,E9,F,I,B,UP"

CASES: dict[str, dict[str, str]] = {
    "clean": {"ok.py": 'def greet(name: str) -> str:\n    return f"hello {name}"\n'},
    "unicode": {
        "conftest.py": "",
        "café/__init__.py": "",
        "café/données.py": (
            "import os\n\n\ndef prix(montant: int) -> str:\n    return montant*1.2\n"
        ),
        "tests/test_été.py": (
            "from café.données import prix\n\n\ndef test_prix_en_euros():\n"
            '    assert prix(10) == "12 €"\n'
        ),
    },
    "syntax": {
        "broken.py": "def total(items:\n    return sum(items)\n",
        "fine.py": "x: int = 1\n",
    },
    "mix": {
        "test_mix.py": (
            "import pytest\n\n\n@pytest.fixture\ndef database():\n"
            '    raise RuntimeError("database is down")\n\n\n'
            "def test_uses_database(database):\n    pass\n\n\n"
            "def test_ok():\n    assert True\n\n\n"
            '@pytest.mark.skip(reason="not ready")\ndef test_later():\n    pass\n\n\n'
            '@pytest.mark.xfail(reason="bug 12")\ndef test_known_bug():\n    assert 0\n\n\n'
            '@pytest.mark.xfail(reason="fixed?")\ndef test_fixed_bug():\n    assert 1\n\n\n'
            'def test_math():\n    assert 1 + 1 == 3, "math is hard"\n'
        ),
    },
    "collect": {
        "test_collect.py": "import not_installed_anywhere\n\n\ndef test_never():\n    pass\n",
        "test_syntax.py": "def test_broken(:\n    pass\n",
        "test_fine.py": "def test_fine():\n    pass\n",
    },
    "broken_config": {
        "ok.py": "x = 1\n",
        "pyproject.toml": '[tool.ruff]\nline-length = "x"\n',
    },
}


def _many_module(number: int) -> str:
    """A module with three type errors and several lint violations (the 'many' case)."""
    return (
        f"import os\nimport sys\n\n\ndef convert_{number}(x: int) -> str:\n    return x\n\n\n"
        f"def collect_{number}(items=[]):\n    if items == None:\n        return 1 + 'a'\n"
        f"    return undefined_{number}\n"
    )


CASES["many"] = {f"pkg/module_{number:02d}.py": _many_module(number) for number in range(12)}


def build(name: str) -> Path:
    folder = ROOT / name
    shutil.rmtree(folder, ignore_errors=True)
    if name == "shop":
        return sample_workspace(folder)
    for relative, text in CASES[name].items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def capture(
    tool: str,
    case: str,
    cwd: Path,
    args: list[str],
    manifest: dict[str, object],
    *,
    folder: str = "",
) -> None:
    program = str(locate_tool(tool))
    env = tool_environment({"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    report = cwd / "report.jsonl"
    report.unlink(missing_ok=True)
    argv = [program, *[arg.replace("{report}", str(report)) for arg in args]]
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    out = FIXTURES / (folder or tool)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{case}.stdout").write_bytes(done.stdout)
    (out / f"{case}.stderr").write_bytes(done.stderr)
    if report.exists():
        (out / f"{case}.reportlog.jsonl").write_bytes(report.read_bytes())
        report.unlink()
    manifest[case] = {
        "command": [tool, *args],
        "returncode": done.returncode,
        "root": str(cwd),
    }


def main() -> int:
    shutil.rmtree(ROOT, ignore_errors=True)
    ROOT.mkdir(parents=True)
    folders = {
        name: build(name)
        for name in (
            "shop",
            "clean",
            "unicode",
            "syntax",
            "mix",
            "collect",
            "many",
            "broken_config",
        )
    }
    plans: dict[str, list[tuple[str, str, list[str]]]] = {
        "ty": [
            (case, case, ["check", "--output-format", "gitlab", "--no-progress", "."])
            for case in ("shop", "clean", "unicode", "syntax", "many")
        ]
        + [("tool_error", "clean", ["check", "--output-format", "gitlab", "no_such_dir"])],
        "ruff": [
            (
                case,
                case,
                ["check", "--no-cache", "--output-format", "json", "--select", RUFF_SELECT, "."],
            )
            for case in ("shop", "clean", "unicode", "syntax", "many")
        ]
        + [
            ("tool_error", "clean", ["check", "--output-format", "json", "--select", "XYZ999", "."])
        ],
        "ruff_format": [
            (case, case, ["format", "--no-cache", "--check", "--diff", "."])
            for case in ("shop", "clean", "unicode", "syntax", "many")
        ]
        + [("tool_error", "broken_config", ["format", "--no-cache", "--check", "--diff", "."])],
        "pytest": [
            (
                case,
                case,
                [
                    "-p",
                    "pytest_reportlog.plugin",
                    "-p",
                    "no:cacheprovider",
                    "--report-log={report}",
                    "-q",
                ],
            )
            for case in ("shop", "mix", "collect", "unicode", "clean")
        ]
        + [
            (
                "tool_error",
                "clean",
                ["-p", "pytest_reportlog.plugin", "--report-log={report}", "--no-such-option"],
            )
        ],
    }
    for tool, plan in plans.items():
        program = "ruff" if tool == "ruff_format" else tool
        manifest: dict[str, object] = {}
        for case, folder, args in plan:
            capture(program, case, folders[folder], args, manifest, folder=tool)
        target = FIXTURES / tool
        (target / "MANIFEST.json").write_text(
            json.dumps(
                {"tool": program, "version": tool_version(program), "fixtures": manifest},
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
    capture_git(folders["shop"])
    capture_real_trees()  # ruff and ty on Django, rich and a messy tree, added to the manifests
    print(f"fixtures written to {FIXTURES}", file=sys.stderr)
    return 0


def capture_git(shop: Path) -> None:
    manifest: dict[str, object] = {}
    capture("git", "status_shop", shop, ["status", "--porcelain=v2", "--branch", "-z"], manifest)
    capture("git", "numstat_shop", shop, ["diff", "--numstat", "-z"], manifest)
    capture(
        "git",
        "log_shop",
        shop,
        ["log", "-z", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s", "-n", "10"],
        manifest,
    )
    # A richer tree: staged, renamed, deleted, untracked and unicode paths.
    env = tool_environment()
    git = str(locate_tool("git"))

    def run(*args: str) -> None:
        subprocess.run([git, *args], cwd=shop, env=env, check=True, capture_output=True)

    run("mv", "shop/models.py", "shop/entities.py")
    run("rm", "--quiet", "tests/test_inventory.py")
    (shop / "shop" / "prix_été.py").write_text("PRIX = 1\n", encoding="utf-8")
    (shop / "notes with space.txt").write_text("todo\n", encoding="utf-8")
    (shop / "README.md").write_text("# shop\n\nChanged and staged.\n", encoding="utf-8")
    run("add", "README.md")
    capture("git", "status_rich", shop, ["status", "--porcelain=v2", "--branch", "-z"], manifest)
    capture("git", "numstat_staged", shop, ["diff", "--staged", "--numstat", "-z", "-M"], manifest)
    (FIXTURES / "git" / "MANIFEST.json").write_text(
        json.dumps(
            {"tool": "git", "version": tool_version("git"), "fixtures": manifest},
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    raise SystemExit(main())
