"""The navigation contracts' JSON schemas and the bridges' stub text are pinned.

Models are trained against this API, so a change must be deliberate. When it is: bump
``CONTRACT_VERSION`` (parsers/contracts/_base.py) for a contract change, then rewrite the
snapshots with ``PUNIE_UPDATE_CONTRACTS=1 uv run pytest tests/bridges/navigation/test_contracts.py``.
(Same convention as tests/parsers/test_contract_schemas.py, which will cover these contracts too
once they are listed in ``parsers.contracts.CONTRACTS``.)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from bridges import BridgeContext
from bridges.navigation import BRIDGES
from parsers.contracts import CONTRACT_VERSION
from parsers.contracts.lsp import (
    DefinitionResult,
    DocumentSymbolsResult,
    HoverResult,
    ReferencesResult,
    SourceLocation,
    WorkspaceSymbolsResult,
)
from sandbox import render_stubs

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
CONTRACTS = (
    DefinitionResult,
    ReferencesResult,
    HoverResult,
    DocumentSymbolsResult,
    WorkspaceSymbolsResult,
)


def check(path: Path, current: str) -> None:
    if os.environ.get("PUNIE_UPDATE_CONTRACTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(current, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}; run with PUNIE_UPDATE_CONTRACTS=1"
    assert path.read_text(encoding="utf-8") == current, (
        f"{path.name} changed: if deliberate, bump CONTRACT_VERSION for contract changes and "
        "rewrite the snapshots with PUNIE_UPDATE_CONTRACTS=1"
    )


@pytest.mark.parametrize("model", CONTRACTS, ids=lambda model: model.__name__)
def test_schema_matches_its_snapshot(model: type[BaseModel]) -> None:
    document = {"contract_version": CONTRACT_VERSION, "schema": model.model_json_schema()}
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    check(SNAPSHOTS / f"{model.__name__}.json", text)


def test_stub_text_matches_its_snapshot(tmp_path: Path) -> None:
    context = BridgeContext(workspace=tmp_path)
    check(SNAPSHOTS / "stubs.txt", render_stubs([record.bind(context) for record in BRIDGES]))


def test_contracts_are_frozen_and_strict() -> None:
    location = SourceLocation(file="a.py", line=1, column=1, end_line=1, end_column=2, context="x")
    with pytest.raises(ValidationError):
        location.line = 2  # ty: ignore[invalid-assignment]
    with pytest.raises(ValidationError, match="extra"):
        SourceLocation(file="a.py", line=1, column=1, end_line=1, end_column=2, context="", x=1)  # ty: ignore[unknown-argument]
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        SourceLocation(file="a.py", line=0, column=1, end_line=1, end_column=2, context="")
