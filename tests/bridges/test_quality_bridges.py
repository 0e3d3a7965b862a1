"""typecheck, ruff_check, ruff_format and pytest_run on the sample workspace, with the real tools."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bridges import (
    BridgeArgumentError,
    PathNotFound,
    PathOutsideWorkspace,
    ToolCrashed,
    ToolTimeout,
    WritingNotAllowed,
    locate_tool,
    tool_environment,
    tool_version,
)
from parsers import parse_ruff_json
from tests.bridges.bridge_helpers import call, functions


def test_typecheck_the_whole_shop(shop_workspace: Path) -> None:
    result = call(shop_workspace, "typecheck")
    assert not result.success
    assert result.error_count >= 3
    assert result.warning_count >= 1
    files = {d.file for d in result.errors if d.severity == "error"}
    assert {"shop/cart.py", "shop/catalog.py", "shop/inventory.py"} <= files


def test_typecheck_one_file(shop_workspace: Path) -> None:
    result = call(shop_workspace, "typecheck", path="shop/cart.py")
    assert [(d.file, d.line, d.code) for d in result.errors] == [
        ("shop/cart.py", 26, "invalid-explicit-return")
    ]
    assert call(shop_workspace, "typecheck", path="shop/models.py").success


def test_typecheck_refuses_paths_outside(shop_workspace: Path) -> None:
    with pytest.raises(PathOutsideWorkspace):
        call(shop_workspace, "typecheck", path="../")
    with pytest.raises(PathNotFound):
        call(shop_workspace, "typecheck", path="shop/nothing.py")


def test_ruff_check_default_selection_is_the_projects(shop_workspace: Path) -> None:
    result = call(shop_workspace, "ruff_check", path="shop")
    direct = subprocess.run(
        [str(locate_tool("ruff")), "check", "--no-cache", "--output-format", "json", "shop"],
        cwd=shop_workspace,
        env=tool_environment(),
        capture_output=True,
        check=False,
    )
    expected = parse_ruff_json(
        direct.stdout, version=tool_version("ruff"), root=str(shop_workspace)
    )
    assert result.model_copy(update={"rules": ""}) == expected
    assert result.violations
    assert result.rules == "the project's configuration (pyproject.toml)"


def test_ruff_check_explicit_selection(shop_workspace: Path) -> None:
    result = call(shop_workspace, "ruff_check", path="shop", select=["F401"])
    assert [(v.file, v.line, v.code) for v in result.violations] == [("shop/pricing.py", 3, "F401")]
    assert call(shop_workspace, "ruff_check", path="shop/cart.py").success


def test_ruff_check_accepts_long_rule_prefixes(shop_workspace: Path) -> None:
    result = call(shop_workspace, "ruff_check", path="shop/cart.py", select=["ASYNC", "RUF100"])
    assert result.success


@pytest.mark.parametrize("select", [["XYZ999"], ["f401; rm -rf /"], []])
def test_ruff_check_refuses_unknown_rules(shop_workspace: Path, select: list[str]) -> None:
    with pytest.raises(BridgeArgumentError, match="select="):
        call(shop_workspace, "ruff_check", select=select)


def test_ruff_format_shows_diffs_without_writing(shop_workspace: Path) -> None:
    before = (shop_workspace / "shop" / "inventory.py").read_text()
    result = call(shop_workspace, "ruff_format")
    assert not result.success
    assert [f.file for f in result.files] == ["shop/inventory.py"]
    assert not result.applied
    assert (shop_workspace / "shop" / "inventory.py").read_text() == before
    with pytest.raises(WritingNotAllowed, match="without apply"):
        call(shop_workspace, "ruff_format", apply=True)


def test_ruff_format_applies_when_allowed(shop_workspace: Path) -> None:
    result = call(shop_workspace, "ruff_format", path="shop", apply=True, allow_write=True)
    assert result.applied
    assert result.success
    assert "dict[str, int] = {}" in (shop_workspace / "shop" / "inventory.py").read_text()
    assert call(shop_workspace, "ruff_format", path="shop").success


def test_ruff_format_reports_syntax_errors(shop_workspace: Path) -> None:
    (shop_workspace / "broken.py").write_text("def f(:\n    pass\n")
    result = call(shop_workspace, "ruff_format", path="broken.py")
    assert not result.success
    assert result.errors and result.errors[0].startswith("broken.py:")


def test_files_behind_symlinks_leading_out_are_neither_shown_nor_written(
    shop_workspace: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.py"
    original = 'import os\nSECRET = "hunter2"\ndef leak( ):  return  1\nx: int = "s"\ndef f(:\n'
    secret.write_text(original)
    (shop_workspace / "shop" / "linked.py").symlink_to(secret)
    (outside / "broken.py").write_text("def g(:\n")
    (shop_workspace / "broken_link.py").symlink_to(outside / "broken.py")
    (shop_workspace / "vendor").symlink_to(outside, target_is_directory=True)
    for name in ("typecheck", "ruff_check", "ruff_format"):
        result = call(shop_workspace, name)
        text = result.model_dump_json()
        assert "linked.py" not in text and "broken_link.py" not in text, name
        assert "vendor" not in text and "def g" not in text, name
        assert "hunter2" not in text, name
    typecheck = call(shop_workspace, "typecheck")
    assert typecheck.error_count == sum(e.severity == "error" for e in typecheck.errors) > 0
    ruff = call(shop_workspace, "ruff_check")
    assert ruff.violation_count == len(ruff.violations) > 0
    formatted = call(shop_workspace, "ruff_format")
    assert [f.file for f in formatted.files] == ["shop/inventory.py"]
    assert (formatted.changed_count, formatted.errors) == (1, [])
    applied = call(shop_workspace, "ruff_format", apply=True, allow_write=True)
    assert applied.applied and applied.success
    assert secret.read_text() == original
    assert "dict[str, int] = {}" in (shop_workspace / "shop" / "inventory.py").read_text()


def test_a_broken_tool_configuration_is_the_tools_own_error(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = "x"\n')
    for name in ("ruff_check", "ruff_format"):
        with pytest.raises(ToolCrashed, match="exit status 2: ruff failed") as caught:
            call(tmp_path, name)
        assert 'line-length = "x"' in str(caught.value), name
        assert "problem of punie" not in str(caught.value), name


def test_pytest_run_all(shop_workspace: Path) -> None:
    result = call(shop_workspace, "pytest_run")
    assert (result.passed, result.failed, result.errors) == (7, 1, 0)
    failed = next(t for t in result.tests if t.outcome == "failed")
    assert failed.name == "tests/test_pricing.py::test_bulk_discount"
    assert failed.message is not None
    assert failed.message.startswith("assert 10.0 == 9.0")
    assert (failed.file, failed.line) == ("tests/test_pricing.py", 19)


def test_pytest_run_ignores_configuration_and_conftest_above_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "--an-option-of-the-outer-project"\n'
    )
    marker = tmp_path / "outer-conftest-ran"
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    workspace = tmp_path / "ws"
    (workspace / "tests").mkdir(parents=True)
    (workspace / "tests" / "test_a.py").write_text("def test_ok():\n    assert True\n")
    result = call(workspace, "pytest_run")
    assert [(t.name, t.outcome) for t in result.tests] == [("tests/test_a.py::test_ok", "passed")]
    assert not marker.exists()
    only = call(workspace, "pytest_run", path="tests/test_a.py")
    assert [t.name for t in only.tests] == ["tests/test_a.py::test_ok"]
    # A configuration inside the workspace is still the one pytest uses.
    (workspace / "tests" / "pytest.ini").write_text("[pytest]\naddopts = -k marked\n")
    (workspace / "tests" / "test_b.py").write_text("def test_marked():\n    pass\n")
    own = call(workspace, "pytest_run", path="tests")
    assert [t.name for t in own.tests] == ["tests/test_b.py::test_marked"]


def test_pytest_run_with_keyword_and_path(shop_workspace: Path) -> None:
    result = call(shop_workspace, "pytest_run", path="tests/test_cart.py", keyword="total")
    assert [t.name for t in result.tests] == ["tests/test_cart.py::test_total"]
    assert result.success
    none = call(shop_workspace, "pytest_run", keyword="no_such_test_name")
    assert (none.success, none.tests) == (True, [])


def test_pytest_run_refuses_a_bad_keyword(shop_workspace: Path) -> None:
    with pytest.raises(BridgeArgumentError, match="not a valid pytest -k expression"):
        call(shop_workspace, "pytest_run", keyword="cart and (")


def test_pytest_run_collection_errors(shop_workspace: Path) -> None:
    (shop_workspace / "tests" / "test_broken.py").write_text("import not_installed_anywhere\n")
    result = call(shop_workspace, "pytest_run")
    assert not result.success
    assert result.errors == 1
    assert (
        result.tests[0].message == "ModuleNotFoundError: No module named 'not_installed_anywhere'"
    )


@pytest.mark.slow
def test_pytest_run_stops_a_hanging_test(shop_workspace: Path) -> None:
    (shop_workspace / "tests" / "test_zz_hang.py").write_text(
        "import time\n\n\ndef test_hang():\n    time.sleep(60)\n"
    )
    pytest_run = functions(shop_workspace, timeout_s=3.0)["pytest_run"]
    with pytest.raises(ToolTimeout, match="did not finish within 3 s") as caught:
        pytest_run.function()
    assert "test_zz_hang.py::test_hang" in str(caught.value)
    assert "keyword=" in str(caught.value)


def test_invalid_arguments_never_reach_a_tool(shop_workspace: Path) -> None:
    from pydantic import ValidationError

    typecheck = functions(shop_workspace)["typecheck"]
    with pytest.raises(ValidationError, match="path"):
        typecheck.function(path=3)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        typecheck.function(paht=".")
