"""Plugins found through real entry points: a ``*.dist-info`` with ``entry_points.txt`` on sys.path."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges.validators import (
    ENTRY_POINT_GROUP,
    PluginError,
    discover_plugins,
    load_plugins,
)
from parsers.contracts import ValidationResult

PLUGIN = """
import libcst as cst

from bridges.validators import Rule, Validator


class NoTodo(Validator):
    name = "check_no_todo_names"
    domain = "naming"
    description = "Names must not contain 'todo'."
    rules = (Rule("NAME001", "warning", "No identifier contains 'todo'."),)

    def visit_Name(self, node: cst.Name) -> None:
        if "todo" in node.value.lower():
            self.report("NAME001", node, f"{node.value} looks unfinished", "rename it")


def both():
    return [NoTodo]
"""


def install(site: Path, distribution: str, entry_points: str, modules: dict[str, str]) -> None:
    """What pip would leave behind: the modules and a dist-info folder with entry points."""
    # Like pip, name the folder after the normalised name: a '-' would end the name early.
    info = site / f"{distribution.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}\n")
    for name, text in modules.items():
        (site / f"{name}.py").write_text(text)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield folder
    for name in ("punie_todo_plugin", "punie_broken_plugin"):
        sys.modules.pop(name, None)


def test_no_plugins_installed_means_no_bridges() -> None:
    assert discover_plugins(group="punie.validators.none-installed") == ()


def test_a_validator_class_becomes_a_working_bridge(site: Path, tmp_path: Path) -> None:
    install(site, "punie-todo", "todo = punie_todo_plugin:NoTodo", {"punie_todo_plugin": PLUGIN})
    bridges = discover_plugins()
    assert [bridge.name for bridge in bridges] == ["check_no_todo_names"]
    assert "NAME001 (warning)" in bridges[0].docstring
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "a.py").write_text("todo_list = []\ndone = 1\n")
    result = bridges[0].bind(BridgeContext(workspace=workspace)).function(path=".")
    assert isinstance(result, ValidationResult)
    assert result.valid and result.domain == "naming"
    assert [(i.rule, i.file, i.line, i.severity) for i in result.issues] == [
        ("NAME001", "a.py", 1, "warning")
    ]


def test_a_broken_plugin_is_named_and_skipped(site: Path, caplog: pytest.LogCaptureFixture) -> None:
    install(site, "punie-todo", "todo = punie_todo_plugin:both", {"punie_todo_plugin": PLUGIN})
    install(
        site,
        "punie-broken",
        "broken = punie_broken_plugin:Thing\nmissing = punie_missing_module:X\n"
        "zclash = punie_todo_plugin:NoTodo\nwrong = punie_broken_plugin:NUMBER",
        {"punie_broken_plugin": "raise RuntimeError('plugin bug')\n"},
    )
    with caplog.at_level(logging.ERROR, logger="bridges.validators.plugins"):
        bridges = discover_plugins()
    assert [bridge.name for bridge in bridges] == ["check_no_todo_names"]
    loaded = load_plugins()
    assert all(isinstance(error, PluginError) for error in loaded.errors)
    by_plugin = {error.plugin: str(error) for error in loaded.errors}
    assert sorted(by_plugin) == ["broken", "missing", "wrong", "zclash"]
    assert (
        "validator plugin 'broken' (punie_broken_plugin:Thing, from punie-broken)"
        in (by_plugin["broken"])
    )
    assert "RuntimeError: plugin bug" in by_plugin["broken"]
    assert "ModuleNotFoundError" in by_plugin["missing"]
    assert "already taken" in by_plugin["zclash"]
    assert "failed to load" in by_plugin["wrong"]
    assert "validator plugin 'missing'" in caplog.text


def test_reserved_names_and_wrong_objects_are_refused(site: Path) -> None:
    install(
        site,
        "punie-todo",
        "todo = punie_todo_plugin:NoTodo\nnot_a_validator = punie_todo_plugin:cst",
        {"punie_todo_plugin": PLUGIN},
    )
    loaded = load_plugins(reserved={"check_no_todo_names"})
    assert loaded.bridges == ()
    messages = sorted(str(error) for error in loaded.errors)
    assert "names a module" in messages[0]
    assert "a bridge name already taken" in messages[1]


def test_installed_plugins_reach_the_registry_and_default_bridges(
    site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bridges import default_bridges, registry

    install(site, "punie-todo", "todo = punie_todo_plugin:NoTodo", {"punie_todo_plugin": PLUGIN})
    install(site, "punie-broken", "broken = punie_broken_plugin:Nope", {"punie_broken_plugin": ""})
    with caplog.at_level(logging.ERROR):
        names = [record.name for record in registry()]
    assert names[-1] == "check_no_todo_names" and names.count("check_no_todo_names") == 1
    assert "typecheck" in names
    assert any("punie-broken" in message for message in caplog.messages)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    bound = {function.name for function in default_bridges(workspace)}
    assert "check_no_todo_names" in bound
