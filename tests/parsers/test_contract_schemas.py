"""Each result contract's JSON schema is pinned, so that a contract change is a deliberate act.

A contract is the typed API a model was trained against; changing a field name or type silently
would make trained models wrong. When a change is intended: bump ``CONTRACT_VERSION`` in
``parsers/contracts/_base.py`` and rewrite the snapshots with
``PUNIE_UPDATE_CONTRACTS=1 uv run pytest tests/parsers/test_contract_schemas.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from parsers.contracts import CONTRACT_VERSION, CONTRACTS, Patch, ValidationIssue, ValidationResult

SNAPSHOTS = Path(__file__).resolve().parents[1] / "fixtures" / "contracts"


def snapshot_of(model: type[BaseModel]) -> str:
    document = {"contract_version": CONTRACT_VERSION, "schema": model.model_json_schema()}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("model", CONTRACTS, ids=lambda model: model.__name__)
def test_schema_matches_its_snapshot(model: type[BaseModel]) -> None:
    path = SNAPSHOTS / f"{model.__name__}.json"
    current = snapshot_of(model)
    if os.environ.get("PUNIE_UPDATE_CONTRACTS") == "1":
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        path.write_text(current, encoding="utf-8")
    assert path.exists(), f"no snapshot for {model.__name__}; run with PUNIE_UPDATE_CONTRACTS=1"
    assert path.read_text(encoding="utf-8") == current, (
        f"the contract {model.__name__} changed: if deliberate, bump CONTRACT_VERSION and "
        "rewrite the snapshots with PUNIE_UPDATE_CONTRACTS=1"
    )


def test_every_snapshot_belongs_to_a_contract() -> None:
    names = {model.__name__ for model in CONTRACTS}
    assert {path.stem for path in SNAPSHOTS.glob("*.json")} <= names


@pytest.mark.parametrize("model", CONTRACTS, ids=lambda model: model.__name__)
def test_contracts_are_frozen_strict_and_documented(model: type[BaseModel]) -> None:
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"
    assert model.__doc__
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} needs a docstring under the field"


def test_a_contract_refuses_unknown_fields_and_mutation() -> None:
    issue = ValidationIssue(rule="r1", severity="error", message="m", file="a.py", line=1)
    result = ValidationResult(valid=False, domain="tdom", issues=[issue])
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Patch.model_validate(
            {"path": "a.py", "diff": "", "new_text": "", "applied": False, "extra": 1}
        )
    with pytest.raises(ValidationError, match="frozen"):
        setattr(result, "valid", True)  # noqa: B010 - the point is to bypass the type checker
