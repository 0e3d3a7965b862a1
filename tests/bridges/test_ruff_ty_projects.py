"""ruff_check and typecheck on the user's own project (issue 10, findings 2-4): its ruff
configuration, its Python environment, messy trees, and workspace files named like options.

Every expectation is checked against the real tools: what ``ruff check`` reports run directly in
the project is what ``ruff_check()`` must report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridges import (
    BridgeArgumentError,
    SkippedFile,
    ToolCrashed,
    default_bridges,
    locate_tool,
    tool_environment,
    tool_version,
)
from bridges._core._ruff_config import ruff_config
from parsers import parse_ruff_json
from sandbox import Limits, Sandbox
from tests.bridges.bridge_helpers import call

PROJECT = """\
[project]
name = "configured"
requires-python = ">=3.8"

[tool.ruff.lint]
select = ["F", "E", "UP"]
ignore = ["F401"]
extend-select = ["B006"]

[tool.ruff.lint.per-file-ignores]
"tests/*" = ["E711"]
"""
"""select, ignore, extend-select, per-file-ignores, and a target version (3.8) from
requires-python under which ``List[int]`` is no pyupgrade finding."""

MODULE = (
    "import os\nfrom typing import List\n\n\n"
    "def f(x: List[int] = []):\n    if x == None:\n        return 1\n    assert x\n"
)


def _ruff_directly(workspace: Path, *args: str) -> list[tuple[str, int, str]]:
    """What ``ruff check`` itself reports in ``workspace`` (no user configuration either)."""
    done = subprocess.run(
        [str(locate_tool("ruff")), "check", "--no-cache", "--output-format", "json", *args, "."],
        cwd=workspace,
        env=tool_environment(),
        capture_output=True,
        check=False,
    )
    result = parse_ruff_json(done.stdout, version=tool_version("ruff"), root=str(workspace))
    return [(v.file, v.line, v.code) for v in result.violations]


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    workspace = tmp_path / "configured"
    (workspace / "tests").mkdir(parents=True)
    (workspace / "pyproject.toml").write_text(PROJECT)
    (workspace / "a.py").write_text(MODULE)
    (workspace / "tests" / "t.py").write_text(MODULE)
    return workspace


def test_ruff_check_reports_what_ruff_check_reports_in_the_project(configured: Path) -> None:
    result = call(configured, "ruff_check")
    found = [(v.file, v.line, v.code) for v in result.violations]
    # F401 ignored; B006 added; E711 ignored under tests/; no UP006 for a 3.8 target.
    assert found == [("a.py", 5, "B006"), ("a.py", 6, "E711"), ("tests/t.py", 5, "B006")]
    assert found == _ruff_directly(configured)
    assert result.rules == "the project's configuration (pyproject.toml)"


def test_an_explicit_selection_replaces_the_projects_and_says_so(configured: Path) -> None:
    result = call(configured, "ruff_check", select=["F", "E711"])
    found = [(v.file, v.line, v.code) for v in result.violations]
    # Measured: the project's ignore (F401) and extend-select (B006) no longer apply; its
    # per-file-ignores (E711 under tests/) do.
    assert found == [("a.py", 1, "F401"), ("a.py", 6, "E711"), ("tests/t.py", 1, "F401")]
    assert found == _ruff_directly(configured, "--select", "F,E711")
    assert result.rules == (
        "select=['F', 'E711'] given to the call: it replaces the select, extend-select and "
        "ignore of the project's configuration (pyproject.toml); its per-file-ignores, target "
        "version and other settings still apply"
    )


def test_without_a_ruff_configuration_ruff_check_uses_ruffs_defaults(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(MODULE)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "plain"\n')
    result = call(tmp_path, "ruff_check")
    assert [(v.file, v.line, v.code) for v in result.violations] == _ruff_directly(tmp_path)
    assert result.violations
    assert result.rules == "ruff's defaults (the project has no ruff configuration)"
    explicit = call(tmp_path, "ruff_check", select=["F401"])
    assert [(v.file, v.line, v.code) for v in explicit.violations] == [("a.py", 1, "F401")]
    assert (
        explicit.rules
        == "select=['F401'] given to the call (the project has no ruff configuration)"
    )


def test_a_configuration_in_a_sub_folder_is_the_one_for_that_folder(configured: Path) -> None:
    (configured / "tests" / "ruff.toml").write_text('[lint]\nselect = ["F401"]\n')
    result = call(configured, "ruff_check", path="tests")
    assert [(v.file, v.line, v.code) for v in result.violations] == [("tests/t.py", 1, "F401")]
    assert result.rules == "the project's configuration (tests/ruff.toml)"


def _settings_path(file: Path) -> Path | None:
    """The configuration ruff itself resolves for ``file`` (``--show-settings``), run in the
    file's folder as the bridge runs it in the workspace: for a file with no configuration
    above it, ruff falls back to the one of its working directory."""
    done = subprocess.run(
        [str(locate_tool("ruff")), "check", "--show-settings", str(file)],
        cwd=file.parent,
        env=tool_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stdout.splitlines():
        if line.startswith("Settings path: "):
            return Path(json.loads(line.removeprefix("Settings path: ")))
    return None


def test_the_configuration_named_in_rules_is_the_one_ruff_resolves(tmp_path: Path) -> None:
    layouts = {
        "plain/pyproject.toml": '[project]\nname = "x"\n',  # no [tool.ruff]: not a config
        "both/pyproject.toml": "[tool.ruff]\nline-length = 90\n",
        "both/ruff.toml": "line-length = 80\n",  # ruff.toml wins over pyproject.toml
        "all/ruff.toml": "line-length = 80\n",
        "all/.ruff.toml": "line-length = 70\n",  # .ruff.toml wins over ruff.toml
        "dotted/pyproject.toml": "[tool]\nruff.line-length = 90\n",
        "dotted/inner/pyproject.toml": "[tool.black]\nline-length = 90\n",
    }
    for relative, text in layouts.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    for folder in ("plain", "both", "all", "dotted", "dotted/inner"):
        module = tmp_path / folder / "m.py"
        module.write_text("x = 1\n")
        assert ruff_config(module) == _settings_path(module), folder
    assert ruff_config(tmp_path / "plain" / "m.py") is None
    assert ruff_config(tmp_path / "dotted" / "inner") == tmp_path / "dotted" / "pyproject.toml"


def _messy(workspace: Path) -> Path:
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / "typed.py").write_text('x: int = "not an int"\n')
    (workspace / "latin.py").write_bytes(b's = "caf\xe9"\n')
    (workspace / "declared.py").write_bytes(b'# -*- coding: latin-1 -*-\ns = "caf\xe9"\n')
    (workspace / "broken.py").write_text("def f(:\n    pass\n")
    (workspace / "lint.py").write_text("import os\n")
    return workspace


UNDECODABLE = ("declared.py", "latin.py")


def test_typecheck_reports_a_messy_tree_and_skips_what_ty_cannot_read(tmp_path: Path) -> None:
    # ty exits with status 2 for the two latin-1 files; the bridge used to raise ToolCrashed.
    result = call(_messy(tmp_path / "messy"), "typecheck")
    assert [(d.file, d.line, d.code) for d in result.errors] == [
        ("broken.py", 1, "invalid-syntax"),
        ("broken.py", 1, "invalid-syntax"),
        ("typed.py", 1, "invalid-assignment"),
    ]
    assert (result.success, result.error_count, result.warning_count) == (False, 3, 0)
    detail = "Failed to read file: stream did not contain valid UTF-8"
    assert result.skipped == [
        SkippedFile(file=f, reason="undecodable", detail=detail) for f in UNDECODABLE
    ]


def test_ruff_check_skips_what_ruff_cannot_read_whatever_the_selection(tmp_path: Path) -> None:
    workspace = _messy(tmp_path / "messy")
    detail = "stream did not contain valid UTF-8"
    skipped = [SkippedFile(file=f, reason="undecodable", detail=detail) for f in UNDECODABLE]
    for select in (None, ["F401"]):
        # With F401 alone ruff leaves E902 out of its report (only a warning on stderr).
        result = call(workspace, "ruff_check", select=select)
        assert [(v.file, v.line, v.code) for v in result.violations] == [
            ("broken.py", 1, "invalid-syntax"),
            ("broken.py", 1, "invalid-syntax"),
            ("lint.py", 1, "F401"),
        ], select
        assert (result.violation_count, result.fixable_count) == (3, 1)
        assert result.skipped == skipped, select


def test_a_messy_tree_through_the_sandbox(tmp_path: Path) -> None:
    workspace = _messy(tmp_path / "messy")
    snippet = (
        "types = typecheck()\n"
        "lint = ruff_check()\n"
        "print(types.error_count, [(s.file, s.reason) for s in types.skipped])\n"
        "print(lint.violation_count, [(s.file, s.reason) for s in lint.skipped])\n"
    )
    with Sandbox(default_bridges(workspace), Limits(timeout_s=60.0), pool_size=1) as sandbox:
        run = sandbox.run(snippet)
    assert run.ok, run.error
    skipped = "[('declared.py', 'undecodable'), ('latin.py', 'undecodable')]"
    assert run.stdout.splitlines() == [f"3 {skipped}", f"3 {skipped}"]


def test_an_undecodable_file_behind_a_symlink_leading_out_is_not_named(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.py").write_bytes(b's = "caf\xe9"\n')
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "ok.py").write_text("x = 1\n")
    (workspace / "linked.py").symlink_to(outside / "private.py")
    for name in ("typecheck", "ruff_check"):
        assert call(workspace, name).skipped == [], name


def test_a_broken_ty_configuration_is_the_tools_own_error(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text("[tool.ty.environment]\npython-version = 3\n")
    with pytest.raises(ToolCrashed, match="exit status 2: ty failed") as caught:
        call(tmp_path, "typecheck")
    assert "problem of punie" not in str(caught.value)


def _environment_with(folder: Path, package: str) -> Path:
    """A virtual environment at ``folder`` holding a typed package punie does not have."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    [site] = folder.glob("lib/python*/site-packages")
    (site / package).mkdir()
    (site / package / "__init__.py").write_text("def answer() -> int:\n    return 42\n")
    return folder


MAIN = "from onlyhere import answer\n\nx: str = answer()\n"
"""With the package resolved, ty knows ``answer()`` is an int: one invalid-assignment and no
unresolved import (ty 0.0.108 calls it import-not-found)."""


def test_typecheck_resolves_imports_in_the_workspaces_own_environment(tmp_path: Path) -> None:
    with pytest.raises(ModuleNotFoundError):
        __import__("onlyhere")
    _environment_with(tmp_path / ".venv", "onlyhere")
    (tmp_path / "main.py").write_text(MAIN)
    result = call(tmp_path, "typecheck", path="main.py")
    assert [(d.file, d.line, d.code) for d in result.errors] == [
        ("main.py", 3, "invalid-assignment")
    ]
    assert result.python == f"{tmp_path / '.venv'} (the workspace's own environment)"


def test_typecheck_uses_the_configured_python(tmp_path: Path) -> None:
    # Not named .venv: ty would not find it by itself (the bridge used to let it look).
    _environment_with(tmp_path / "envs" / "project", "onlyhere")
    (tmp_path / "main.py").write_text(MAIN)
    bound = {f.name: f for f in default_bridges(tmp_path, python="envs/project")}
    result = bound["typecheck"].function(path="main.py")
    assert [(d.file, d.line, d.code) for d in result.errors] == [
        ("main.py", 3, "invalid-assignment")
    ]
    assert result.python == f"{tmp_path / 'envs' / 'project'} (set by configuration)"
    unconfigured = call(tmp_path, "typecheck", path="main.py")
    assert [(d.line, d.code) for d in unconfigured.errors] == [(1, "import-not-found")]


def test_workspace_files_named_like_options_are_paths(tmp_path: Path) -> None:
    # Without '--' before the path, ruff reads '--fix' as its option and fixes every file of
    # the workspace in a read-only session; '--help' prints help instead of a report.
    (tmp_path / "--fix").write_text("import os\n")
    (tmp_path / "--help").mkdir()
    (tmp_path / "--help" / "bad.py").write_text('import sys\n\nx: int = "s"\n')
    (tmp_path / "other.py").write_text("import os\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    fix = call(tmp_path, "ruff_check", path="--fix")
    assert [(v.file, v.line, v.code) for v in fix.violations] == [("--fix", 1, "F401")]
    helped = call(tmp_path, "ruff_check", path="--help", select=["F401"])
    assert [(v.file, v.line, v.code) for v in helped.violations] == [("--help/bad.py", 1, "F401")]
    typed = call(tmp_path, "typecheck", path="--help")
    assert [(d.file, d.line, d.code) for d in typed.errors] == [
        ("--help/bad.py", 3, "invalid-assignment")
    ]
    formatted = call(tmp_path, "ruff_format", path="--help")
    assert (formatted.files_checked, formatted.changed_count) == (1, 0)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_an_empty_or_malformed_selection_is_refused_before_ruff_runs(configured: Path) -> None:
    for select in ([], ["f401; rm -rf /"], ["F401", "--fix"]):
        with pytest.raises(BridgeArgumentError) as caught:
            call(configured, "ruff_check", select=select)
        assert str(caught.value) == (
            f"select={select!r} is not a list of ruff rule codes; pass codes or prefixes like "
            "['F401', 'E7', 'B'], or None for the project's own rules"
        )


def test_a_configuration_above_the_workspace_is_named_as_such(tmp_path: Path) -> None:
    # ruff itself uses it (it searches up to the file system's root), so the bridge does too.
    (tmp_path / "ruff.toml").write_text('[lint]\nselect = ["F401"]\n')
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "a.py").write_text(MODULE)
    result = call(workspace, "ruff_check")
    assert [(v.file, v.line, v.code) for v in result.violations] == [("a.py", 1, "F401")]
    assert result.rules == (
        f"the ruff configuration of a folder above the workspace ({tmp_path / 'ruff.toml'})"
    )
