"""Pin the dependency direction of docs/design (shared/design.md, "Repository layout").

Every import statement in every module of the six packages is read with ``ast`` (including
imports inside functions, which is how the CLI loads subcommands lazily), so a wrong import fails
here even if it is never executed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("runtime", "sandbox", "bridges", "parsers", "lora", "evals")

# package -> the packages of ours it may import (itself always allowed).
ALLOWED: dict[str, set[str]] = {
    "parsers": set(),
    "sandbox": set(),
    "bridges": {"parsers", "sandbox"},
    # runtime reads tool results through what bridges re-exports, never from parsers directly
    "runtime": {"sandbox", "bridges"},
    # the pipeline refuses examples that match an evaluation case and gates through evals.compare
    "lora": {"runtime", "bridges", "sandbox", "parsers", "evals"},
    "evals": {"runtime", "bridges", "sandbox", "parsers"},
}
# The CLI is the face of the house: it may import every package (lazily) to dispatch subcommands.
CLI_PACKAGE = ROOT / "runtime" / "cli"


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in OURS)
    # importlib.import_module("pkg....") with a literal string counts too.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            head = node.args[0].value.split(".")[0]
            if head in OURS:
                found.add(head)
    return found


def violations(package: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if package == "runtime" and CLI_PACKAGE in path.parents:
            continue
        wrong = imported_packages(path) - ALLOWED[package] - {package}
        if wrong:
            problems.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    return problems


@pytest.mark.parametrize("package", OURS)
def test_package_imports_only_what_design_allows(package: str) -> None:
    assert violations(package) == []


def test_the_checker_catches_a_wrong_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from runtime import cli\n    import bridges.x\n")
    assert imported_packages(bad) == {"runtime", "bridges"}


def test_parsers_do_no_io() -> None:
    """Parsers are pure: no subprocess, socket or file opening modules."""
    forbidden = {"subprocess", "socket", "os", "shutil", "pathlib", "asyncio", "httpx"}
    for path in (ROOT / "parsers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                heads = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                heads = {node.module.split(".")[0]}
            else:
                continue
            assert not heads & forbidden, f"{path.relative_to(ROOT)} imports {heads & forbidden}"
