"""docs/validators.md's code runs: the snippet, and the plugin worked example, installed for real.

The plugin module block is written to a folder with a ``*.dist-info`` whose ``entry_points.txt``
holds the doc's TOML entry point, that folder goes on ``sys.path``, and the usage block runs as
written — so the documented plugin is discovered through a real entry point.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bridges import BridgeContext, sample_workspace
from bridges.validators import validator_bridge
from tests.bridges.validators.validator_helpers import bound_functions, run_example

DOC = Path(__file__).resolve().parents[3] / "docs" / "validators.md"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str, str]]:
    return [
        (language, info.strip(), body) for language, info, body in BLOCK.findall(DOC.read_text())
    ]


def test_the_snippet_runs_against_the_sample_workspace(tmp_path: Path) -> None:
    (snippet,) = [body for language, info, body in blocks() if info == "snippet"]
    functions = bound_functions(sample_workspace(tmp_path / "shop"))
    namespace: dict[str, object] = {name: fn.function for name, fn in functions.items()}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(snippet, str(DOC), "exec"), namespace)
    assert output.getvalue().startswith("False 6\nROUTE001 24 ")


def test_the_plugin_example_works_when_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = blocks()
    (module_name, module_source), *_ = [
        (info, body)
        for language, info, body in found
        if language == "python" and info.endswith(".py")
    ]
    (toml_text,) = [body for language, _, body in found if language == "toml"]
    (usage,) = [body for language, info, body in found if language == "python" and not info]

    site = tmp_path / "site"
    info_dir = site / "punie_noprint-1.0.dist-info"
    info_dir.mkdir(parents=True)
    (site / module_name).write_text(module_source)
    (info_dir / "METADATA").write_text("Metadata-Version: 2.1\nName: punie-noprint\nVersion: 1.0\n")
    entry_points = tomllib.loads(toml_text)["project"]["entry-points"]
    lines = [
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
        for group, points in entry_points.items()
    ]
    (info_dir / "entry_points.txt").write_text("".join(lines))
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    try:
        exec(compile(usage, str(DOC), "exec"), {"folder": tmp_path})
    finally:
        sys.modules.pop(module_name.removesuffix(".py"), None)


def test_the_plugin_examples_run_as_stated(tmp_path: Path) -> None:
    (source,) = [body for _, info, body in blocks() if info == "punie_noprint.py"]
    namespace: dict[str, Any] = {}
    exec(compile(source, "punie_noprint.py", "exec"), namespace)
    bridge = validator_bridge(namespace["NoPrint"])
    workspace = sample_workspace(tmp_path / "shop").resolve()
    functions = bound_functions(workspace)
    functions[bridge.name] = bridge.bind(BridgeContext(workspace=workspace))
    assert len(bridge.examples) == 1
    for example in bridge.examples:
        assert run_example(example, functions) == []
