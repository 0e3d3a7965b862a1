"""``punie lsp`` end to end over stdio, driven by pytest-lsp's real LSP client.

One server for the module (its fixture and the tests share the module's event loop, otherwise
pytest-lsp hangs without an error): initialize on a copy of the sample workspace, open a file
with a type error and a lint violation, check both diagnostics (source, code, range), ask for a
code action and apply it, execute punie.runSnippet and punie.ask, change the configuration, and
shut down in the fixture's teardown.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from bridges import BridgeContext, sample_workspace
from bridges._core._quality import RuffArguments, TypecheckArguments, ruff_check, typecheck

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

PUNIE = str(Path(sys.executable).parent / "punie")
DATA = Path(tempfile.mkdtemp(prefix="punie-lsp-e2e-"))
"""PUNIE_DATA_DIR of the server under test (traces of punie.ask land here); removed at the end."""

BROKEN = """import os


def total(count: int) -> int:
    return count


value: int = total("three")
"""


@pytest.fixture(scope="module")
def e2e_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = sample_workspace(tmp_path_factory.mktemp("e2e") / "shop")
    (root / "shop" / "broken.py").write_text(BROKEN, encoding="utf-8")
    replies = [
        "```python\nprint(workspace_symbols(query='Cart').symbols[0].file)\n```",
        "Cart is defined in shop/cart.py.",
    ]
    (root / "replies.json").write_text(json.dumps(replies), encoding="utf-8")
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[PUNIE, "lsp"], server_env={**os.environ, "PUNIE_DATA_DIR": str(DATA)}
    ),
    scope="module",
)
async def client(lsp_client: LanguageClient, e2e_workspace: Path):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=e2e_workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=e2e_workspace.as_uri(), name="shop")],
            initialization_options={"punie": {"checks": ["ty", "ruff", "validators"]}},
        )
    )
    yield
    await lsp_client.shutdown_session()
    shutil.rmtree(DATA, ignore_errors=True)


async def diagnostics_for(client: LanguageClient, uri: str, *, before: object = None) -> list:
    """Wait for a publication for ``uri`` newer than ``before`` (the list seen earlier).

    pytest-lsp stores each publication's list as a new object, so identity tells new from old.
    """
    for _ in range(1200):
        current = client.diagnostics.get(uri)
        if current is not None and current is not before:
            return list(current)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no new diagnostics published for {uri}")


async def execute(client: LanguageClient, command: str, argument: Any) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[argument])
    )
    assert isinstance(result, dict), result
    return result


def open_document(client: LanguageClient, path: Path, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(),
                language_id="python",
                version=version,
                text=path.read_text(encoding="utf-8"),
            )
        )
    )


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (whole-line ranges here) from the bottom up."""
    lines = text.splitlines(keepends=True)
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = edit.range.start, edit.range.end
        head = "".join(lines[: start.line]) + (
            lines[start.line][: start.character] if start.line < len(lines) else ""
        )
        tail = (lines[end.line][end.character :] if end.line < len(lines) else "") + "".join(
            lines[end.line + 1 :]
        )
        text = head + edit.new_text + tail
        lines = text.splitlines(keepends=True)
    return "".join(lines)


async def test_open_publishes_type_and_lint_diagnostics(
    client: LanguageClient, e2e_workspace: Path
) -> None:
    path = e2e_workspace / "shop" / "broken.py"
    open_document(client, path)
    found = await diagnostics_for(client, path.as_uri())
    by_source = {(d.source, d.code): d for d in found}
    lint = by_source[("punie/ruff", "F401")]
    assert (lint.range.start.line, lint.range.start.character) == (0, 7)
    assert (lint.range.end.line, lint.range.end.character) == (0, 9)
    assert lint.data == {"fixable": True}
    typed = [d for d in found if d.source == "punie/ty"]
    assert [d.code for d in typed] == ["invalid-argument-type"]
    assert typed[0].severity == types.DiagnosticSeverity.Error
    # The same positions as the bridges a snippet calls report.
    context = BridgeContext(workspace=e2e_workspace)
    expected_ty = typecheck(context, TypecheckArguments(path="shop/broken.py")).errors[0]
    assert (typed[0].range.start.line + 1, typed[0].range.start.character + 1) == (
        expected_ty.line,
        expected_ty.column,
    )
    expected_ruff = ruff_check(context, RuffArguments(path="shop/broken.py")).violations
    assert {("punie/ruff", v.code, v.line, v.column) for v in expected_ruff} == {
        (d.source, d.code, d.range.start.line + 1, d.range.start.character + 1)
        for d in found
        if d.source == "punie/ruff"
    }
    # Progress was reported for the check (VS Code supports work-done progress).
    kinds = [
        [getattr(item, "kind", None) for item in items]
        for items in client.progress_reports.values()
    ]
    assert ["begin", "end"] in kinds


async def test_validator_diagnostics_carry_domain_source_and_rule(
    client: LanguageClient, e2e_workspace: Path
) -> None:
    path = e2e_workspace / "shop" / "web" / "routes.py"
    open_document(client, path)
    found = await diagnostics_for(client, path.as_uri())
    routes = [d for d in found if d.source == "punie/routes"]
    assert "ROUTE001" in {d.code for d in routes}
    first = next(d for d in routes if d.code == "ROUTE001")
    assert "does not start with '/'" in first.message and first.data == {
        "suggestion": "write '/cart'"
    }
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=first.range,
            context=types.CodeActionContext(diagnostics=[first]),
        )
    )
    assert actions is not None
    todo = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Add TODO")
    )
    assert todo.edit is not None and todo.edit.changes is not None
    [edit] = todo.edit.changes[path.as_uri()]
    assert edit.new_text == "# TODO(ROUTE001): write '/cart'\n"


async def test_code_action_fixes_the_lint_violation(
    client: LanguageClient, e2e_workspace: Path
) -> None:
    path = e2e_workspace / "shop" / "broken.py"
    uri = path.as_uri()
    lint = next(d for d in client.diagnostics[uri] if d.code == "F401")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=lint.range,
            context=types.CodeActionContext(diagnostics=[lint]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles == ["Fix F401 (ruff)", "Fix all auto-fixable problems (ruff)"]
    # "Fix all" as an editor asks for it on save: no selection, only the kind.
    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
            ),
            context=types.CodeActionContext(
                diagnostics=[], only=[types.CodeActionKind.SourceFixAll]
            ),
        )
    )
    assert fix_all is not None
    assert [a.title for a in fix_all if isinstance(a, types.CodeAction)] == [
        "Fix all auto-fixable problems (ruff)"
    ]
    fix = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title == "Fix F401 (ruff)"
    )
    assert fix.edit is not None and fix.edit.changes is not None
    fixed = apply_edits(path.read_text(encoding="utf-8"), list(fix.edit.changes[uri]))
    assert not fixed.startswith("import os") and "def total" in fixed
    # Apply it as an editor would: change, save to disk, didSave.
    path.write_text(fixed, encoding="utf-8")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    seen = client.diagnostics[uri]
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    after = await diagnostics_for(client, uri, before=seen)
    assert "F401" not in {d.code for d in after}
    assert "invalid-argument-type" in {d.code for d in after}


async def test_run_snippet_command_returns_and_shows_the_result(client: LanguageClient) -> None:
    shown = len(client.messages)
    result = await execute(
        client,
        "punie.runSnippet",
        "r = typecheck(path='shop/broken.py')\nprint(r.error_count, r.errors[0].code)",
    )
    assert result["ok"] is True and result["stdout"] == "1 invalid-argument-type\n"
    assert result["calls"][0]["name"] == "typecheck"
    assert any("1 invalid-argument-type" in m.message for m in client.messages[shown:])
    failed = await execute(client, "punie.runSnippet", {"snippet": "import os"})
    assert failed["ok"] is False and failed["error"]["kind"] == "policy"


async def test_ask_without_model_says_so(client: LanguageClient) -> None:
    result = await execute(client, "punie.ask", "Where is Cart?")
    assert result["ok"] is False and "no model is configured" in result["error"]
    assert "no model is configured" in client.messages[-1].message


async def test_configuration_change_selects_checks_and_model(
    client: LanguageClient, e2e_workspace: Path
) -> None:
    path = e2e_workspace / "shop" / "broken.py"
    uri = path.as_uri()
    if uri not in client.diagnostics:  # run alone (or on another xdist worker than the others)
        open_document(client, path)
        await diagnostics_for(client, uri)
    seen = client.diagnostics[uri]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={
                "punie": {
                    "checks": ["ruff"],
                    "ruffSelect": ["E", "F"],
                    "model": "scripted:replies.json",
                }
            }
        )
    )
    after = await diagnostics_for(client, uri, before=seen)
    assert {d.source for d in after} <= {"punie/ruff"}
    result = await execute(client, "punie.ask", {"question": "Where is Cart?"})
    assert result["ok"] is True and result["error"] is None
    assert result["answer"] == "Cart is defined in shop/cart.py."
    assert result["outcome"] == "success" and result["bridge_calls"] == 1
    assert (DATA / "traces" / f"{result['trace_id']}.jsonl").is_file()


async def test_bad_configuration_is_reported_and_ignored(client: LanguageClient) -> None:
    shown = len(client.messages)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"punie": {"checks": ["mypy"]}})
    )
    for _ in range(100):
        if len(client.messages) > shown:
            break
        await asyncio.sleep(0.05)
    assert "invalid punie settings" in client.messages[-1].message
    result = await execute(client, "punie.runSnippet", "print(1 + 1)")
    assert result["stdout"] == "2\n"
