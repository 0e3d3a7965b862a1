"""Issue 11, finding 8: ``punie.ask`` in an editor uses the model the workspace's punie.toml names.

``punie ask`` reads ``model = ...`` from the workspace's settings; the language server did not, so
an editor said "no model is configured" for the same project. initializationOptions still win.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bridges import sample_workspace
from tests.raw_lsp import RawClient

PUNIE = str(Path(sys.executable).parent / "punie")


def _ask(workspace: Path, options: object) -> dict:
    client = RawClient([PUNIE, "lsp"], cwd=workspace)
    try:
        client.initialize(workspace, options)
        return client.request(
            "workspace/executeCommand",
            {"command": "punie.ask", "arguments": [{"question": "Where is Cart?"}]},
            timeout_s=120,
        )
    finally:
        client.close()


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = sample_workspace(tmp_path / "shop")
    (root / "project.json").write_text(json.dumps(["From punie.toml."]), encoding="utf-8")
    (root / "editor.json").write_text(json.dumps(["From the editor."]), encoding="utf-8")
    (root / "punie.toml").write_text('model = "scripted:project.json"\n', encoding="utf-8")
    monkeypatch.setenv("PUNIE_DATA_DIR", str(tmp_path / "data"))  # the server inherits it
    return root


def test_ask_uses_the_workspace_model(workspace: Path) -> None:
    result = _ask(workspace, {"checks": ["ruff"]})
    assert (result["ok"], result["answer"], result["error"]) == (True, "From punie.toml.", None)


def test_initialization_options_override_the_workspace_model(workspace: Path) -> None:
    result = _ask(workspace, {"checks": ["ruff"], "model": "scripted:editor.json"})
    assert (result["ok"], result["answer"], result["error"]) == (True, "From the editor.", None)
