"""docs/navigation.md and docs/editor.md: their code runs and their settings are accepted.

(The Neovim block of docs/editor.md is run by tests/runtime/lsp/test_neovim.py in a real headless Neovim.)
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tomllib
from pathlib import Path

import pytest

from bridges import BridgeContext, sample_workspace
from bridges.navigation import BRIDGES, session_for
from runtime.lsp import parse_settings
from sandbox import Sandbox, render_stub

DOCS = Path(__file__).resolve().parents[3] / "docs"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(name: str) -> list[tuple[str, str, str]]:
    text = (DOCS / name).read_text(encoding="utf-8")
    return [(language, info.strip(), body) for language, info, body in BLOCK.findall(text)]


def only(name: str, language: str, info: str) -> str:
    (body,) = [b for lang, i, b in blocks(name) if lang == language and i == info]
    return body


def test_navigation_stub_lines_match_the_rendered_stubs(tmp_path: Path) -> None:
    context = BridgeContext(workspace=tmp_path)
    rendered = [render_stub(record.bind(context)).splitlines()[0] for record in BRIDGES]
    assert only("navigation.md", "python", "stubs").splitlines() == rendered


@pytest.mark.slow
def test_navigation_snippet_prints_what_the_doc_says(tmp_path: Path) -> None:
    workspace = sample_workspace(tmp_path / "shop")
    snippet = only("navigation.md", "python", "snippet")
    found = blocks("navigation.md")
    position = next(i for i, item in enumerate(found) if item[1] == "snippet")
    language, _, expected = found[position + 1]
    assert language == "text"
    context = BridgeContext(workspace=workspace)
    try:
        with Sandbox([record.bind(context) for record in BRIDGES], pool_size=1) as box:
            result = box.run(snippet)
        assert result.ok, result.error
        assert result.stdout == expected
    finally:
        session_for(workspace).close()


@pytest.mark.slow
def test_navigation_python_example_runs() -> None:
    code = only("navigation.md", "python", "")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "docs/navigation.md", "exec"), {})
    lines = output.getvalue().splitlines()
    assert lines[0] == "['__init__', 'add', 'remove', 'count', 'total', 'is_empty']"
    assert lines[1] == "shop/inventory.py 12"


def test_editor_settings_snippets_are_accepted() -> None:
    vscode = json.loads(only("editor.md", "json", "vscode"))
    assert vscode["glspc.server.command"] == "punie"
    assert vscode["glspc.server.commandArguments"] == ["lsp"]
    settings = parse_settings(vscode["glspc.server.initializationOptions"])
    assert settings.checks == ("ty", "ruff", "validators")
    jetbrains = parse_settings(
        json.loads(only("editor.md", "json", "jetbrains-initialization-options"))
    )
    assert jetbrains.validators == ("validate_route_pattern", "validate_middleware_chain")
    template = json.loads(only("editor.md", "json", "jetbrains-template"))
    assert "punie lsp" in template["programArgs"]["default"]
    assert template["fileTypeMappings"][0]["fileType"]["patterns"] == ["*.py"]
    helix = tomllib.loads(only("editor.md", "toml", ""))
    assert helix["language-server"]["punie"]["args"] == ["lsp"]
    assert parse_settings(helix["language-server"]["punie"]["config"]).checks == ("ty", "ruff")


def test_editor_documented_validators_exist() -> None:
    from bridges.validators import BRIDGES as VALIDATORS

    names = {record.name for record in VALIDATORS}
    text = (DOCS / "editor.md").read_text(encoding="utf-8")
    for name in re.findall(r"`((?:validate|check)_\w+)`", text):
        assert name in names, name


def test_editor_python_example_runs() -> None:
    code = only("editor.md", "python", "")
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, "docs/editor.md", "exec"), {})
    assert output.getvalue() == "openai:http://127.0.0.1:8080/v1#qwen3\n"
