"""The public names of the cst and validators families, and the shape of the cst contracts.

A new public name must be exported on purpose; a contract field change must be made on purpose
(the model learns these fields, so a rename is a retraining event).
"""

from __future__ import annotations

import bridges.cst
import bridges.validators
from parsers.contracts import Contract
from parsers.contracts.cst import CstFindResult, CstMatch


def test_cst_exports() -> None:
    assert bridges.cst.__all__ == [
        "BRIDGES",
        "CST_ADD_IMPORT",
        "CST_FIND_PATTERN",
        "CST_RENAME",
        "MODULE_CACHE",
        "CstBridgeError",
        "ModuleCache",
        "NameArgumentError",
        "NotPythonFile",
        "ParsedSource",
        "PatternError",
        "RuleArgumentError",
        "SourceError",
    ]
    assert [bridge.name for bridge in bridges.cst.BRIDGES] == [
        "cst_find_pattern",
        "cst_rename",
        "cst_add_import",
    ]


def test_validators_exports() -> None:
    assert bridges.validators.__all__ == [
        "BRIDGES",
        "BUILTIN_BRIDGES",
        "ENTRY_POINT_GROUP",
        "LAYER_RULES",
        "Finding",
        "PluginError",
        "PluginLoad",
        "Rule",
        "Validator",
        "discover_plugins",
        "load_plugins",
        "module_name",
        "validator_bridge",
    ]
    assert [bridge.name for bridge in bridges.validators.BRIDGES] == [
        "validate_component",
        "validate_escape_context",
        "check_render_tree",
        "validate_service_registration",
        "validate_injection_site",
        "check_dependency_graph",
        "validate_middleware_chain",
        "validate_route_pattern",
        "check_layers",
    ]
    for module in (bridges.cst, bridges.validators):
        for name in module.__all__:
            assert hasattr(module, name)


def test_cst_contract_fields() -> None:
    assert list(CstFindResult.model_fields) == [
        "pattern",
        "match_count",
        "matches",
        "files_searched",
        "truncated",
        "skipped",
    ]
    assert list(CstMatch.model_fields) == ["file", "line", "column", "kind", "name", "code"]
    for model in (CstFindResult, CstMatch):
        assert issubclass(model, Contract) and model.model_config.get("frozen")
        assert all(field.description for field in model.model_fields.values())
