"""The registry holds every bridge record; default_bridges binds the standard set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges import default_bridges, registry
from sandbox import HostFunction

CORE = [
    "typecheck",
    "ruff_check",
    "ruff_format",
    "pytest_run",
    "read_file",
    "list_files",
    "grep",
    "git_status",
    "git_diff",
    "git_log",
    "write_file",
]


def test_registry_has_the_core_bridges_and_the_families() -> None:
    names = [record.name for record in registry()]
    assert names[: len(CORE)] == CORE
    assert len(names) == len(set(names))
    for family_member in ("cst_rename", "validate_component", "check_layers", "goto_definition"):
        assert family_member in names


def test_only_write_file_among_the_core_bridges_writes() -> None:
    writing = {record.name for record in registry() if record.writes}
    assert "write_file" in writing
    assert writing.isdisjoint({"typecheck", "ruff_check", "ruff_format", "pytest_run"})


def test_default_bridges_are_host_functions_bound_to_the_workspace(tmp_path: Path) -> None:
    read_only = default_bridges(tmp_path)
    assert all(isinstance(function, HostFunction) for function in read_only)
    names = {function.name for function in read_only}
    assert "write_file" not in names
    assert "typecheck" in names
    writable = {function.name for function in default_bridges(tmp_path, allow_write=True)}
    assert writable - names >= {"write_file"}


def test_default_bridges_needs_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="not a folder"):
        default_bridges(tmp_path / "missing")


def test_every_bridge_has_a_docstring_and_keyword_arguments() -> None:
    for record in registry():
        assert record.docstring.strip(), record.name
        assert record.arguments.model_config.get("extra") == "forbid", record.name
