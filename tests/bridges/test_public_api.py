"""The public API of ``bridges`` is pinned: adding or removing a name is a deliberate act."""

from __future__ import annotations

import bridges
import parsers
import parsers.contracts
from sandbox import HostFunctionError

BRIDGES_API = [
    "Bridge",
    "BridgeArgumentError",
    "BridgeContext",
    "BridgeError",
    "BridgeExample",
    "CONTRACTS",
    "CstFindResult",
    "CstMatch",
    "DefinitionResult",
    "DocumentSymbolsResult",
    "EnvironmentSource",
    "ExampleFileError",
    "ExampleStep",
    "FileList",
    "FileText",
    "FormatFile",
    "FormatResult",
    "GitChange",
    "GitCommit",
    "GitDiff",
    "GitDiffFile",
    "GitLog",
    "GitStatus",
    "GrepMatch",
    "GrepResult",
    "HoverResult",
    "Jail",
    "JailChoice",
    "JailUnavailable",
    "Patch",
    "PathNotFound",
    "PathOutsideWorkspace",
    "ProjectPython",
    "ProjectPythonError",
    "ReferencesResult",
    "RuffResult",
    "RuffViolation",
    "SkippedFile",
    "SourceLocation",
    "SymbolInfo",
    "TestCase",
    "TestResult",
    "ToolCrashed",
    "ToolError",
    "ToolMissing",
    "ToolOutputError",
    "ToolRun",
    "ToolTimeout",
    "TypeCheckResult",
    "TypeDiagnostic",
    "ValidationIssue",
    "ValidationResult",
    "WorkspaceSymbolsResult",
    "WriteResult",
    "WritingNotAllowed",
    "all_examples",
    "choose_jail",
    "default_bridges",
    "find_project_python",
    "load_examples",
    "locate_tool",
    "project_environment",
    "registry",
    "relative_path",
    "resolve_in_workspace",
    "run_tool",
    "sample_workspace",
    "tool_environment",
    "tool_version",
    "typecheck_snippet",
    "bridge_context",
    "render_section",
]

PARSERS_API = [
    "LOG_FORMAT",
    "ParseError",
    "RipgrepFile",
    "RipgrepJsonStream",
    "RipgrepLine",
    "RuffJsonStream",
    "parse_git_log",
    "parse_git_numstat",
    "parse_git_status",
    "parse_pytest_reportlog",
    "parse_ripgrep_files",
    "parse_ripgrep_json",
    "parse_ripgrep_unlisted",
    "parse_ruff_format",
    "parse_ruff_json",
    "parse_ty_gitlab",
]


def test_bridges_exports_exactly_its_api() -> None:
    assert sorted(bridges.__all__) == sorted(BRIDGES_API)
    for name in bridges.__all__:
        assert hasattr(bridges, name), name


def test_parsers_exports_exactly_its_api() -> None:
    assert sorted(parsers.__all__) == sorted(PARSERS_API)
    for name in parsers.__all__:
        assert hasattr(parsers, name), name


def test_every_contract_is_reexported_by_bridges() -> None:
    for model in parsers.contracts.CONTRACTS:
        assert getattr(bridges, model.__name__, None) is model or model.__name__ not in (
            bridges.__all__
        )
    for name in ("Patch", "ValidationResult", "TypeCheckResult", "TestResult"):
        assert getattr(bridges, name) is getattr(parsers.contracts, name)


def test_the_error_family_reaches_the_model_through_the_sandbox() -> None:
    assert issubclass(bridges.BridgeError, HostFunctionError)
    for leaf in (
        bridges.BridgeArgumentError,
        bridges.ExampleFileError,
        bridges.PathNotFound,
        bridges.PathOutsideWorkspace,
        bridges.WritingNotAllowed,
        bridges.ProjectPythonError,
        bridges.ToolMissing,
        bridges.ToolTimeout,
        bridges.ToolCrashed,
        bridges.ToolOutputError,
    ):
        assert issubclass(leaf, bridges.BridgeError)
    for leaf in (bridges.ToolMissing, bridges.ToolTimeout, bridges.ToolCrashed):
        assert issubclass(leaf, bridges.ToolError)
