"""Typed tool functions ("bridges") that snippets call, each one a record with its examples.

Public API (pinned by ``tests/bridges/test_public_api.py``): the record types, the error family,
``registry()`` and ``default_bridges()``, the helpers other bridge families reuse
(``resolve_in_workspace``, ``relative_path``, ``run_tool``...), ``sample_workspace()``, and the
result contracts re-exported from ``parsers.contracts``.
"""

from typing import TYPE_CHECKING, Any

from bridges._bridge import Bridge, BridgeContext
from bridges._docs import render_section
from bridges._environment import (
    EnvironmentSource,
    ProjectPython,
    ProjectPythonError,
    find_project_python,
    project_environment,
)
from bridges._errors import (
    BridgeArgumentError,
    BridgeError,
    JailUnavailable,
    PathNotFound,
    PathOutsideWorkspace,
    ToolCrashed,
    ToolError,
    ToolMissing,
    ToolOutputError,
    ToolTimeout,
    WritingNotAllowed,
)
from bridges._example_files import ExampleFileError, all_examples, load_examples
from bridges._examples import BridgeExample, ExampleStep
from bridges._jail import Jail, JailChoice, choose_jail
from bridges._registry import bridge_context, default_bridges, registry
from bridges._runner import ToolRun, locate_tool, run_tool, tool_environment, tool_version
from bridges._sample import sample_workspace
from bridges._snippet_check import typecheck_snippet
from bridges._workspace import relative_path, resolve_in_workspace

if TYPE_CHECKING:  # at run time the contracts load on first use (__getattr__ below)
    from parsers.contracts import (
        CONTRACTS as CONTRACTS,
        CstFindResult as CstFindResult,
        CstMatch as CstMatch,
        DefinitionResult as DefinitionResult,
        DocumentSymbolsResult as DocumentSymbolsResult,
        FileList as FileList,
        FileText as FileText,
        FormatFile as FormatFile,
        FormatResult as FormatResult,
        GitChange as GitChange,
        GitCommit as GitCommit,
        GitDiff as GitDiff,
        GitDiffFile as GitDiffFile,
        GitLog as GitLog,
        GitStatus as GitStatus,
        GrepMatch as GrepMatch,
        GrepResult as GrepResult,
        HoverResult as HoverResult,
        Patch as Patch,
        ReferencesResult as ReferencesResult,
        RuffResult as RuffResult,
        RuffViolation as RuffViolation,
        SkippedFile as SkippedFile,
        SourceLocation as SourceLocation,
        SymbolInfo as SymbolInfo,
        TestCase as TestCase,
        TestResult as TestResult,
        TypeCheckResult as TypeCheckResult,
        TypeDiagnostic as TypeDiagnostic,
        ValidationIssue as ValidationIssue,
        ValidationResult as ValidationResult,
        WorkspaceSymbolsResult as WorkspaceSymbolsResult,
        WriteResult as WriteResult,
    )

__all__ = [
    "CONTRACTS",
    "Bridge",
    "BridgeArgumentError",
    "BridgeContext",
    "BridgeError",
    "BridgeExample",
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
    "bridge_context",
    "choose_jail",
    "default_bridges",
    "find_project_python",
    "load_examples",
    "locate_tool",
    "project_environment",
    "registry",
    "relative_path",
    "render_section",
    "resolve_in_workspace",
    "run_tool",
    "sample_workspace",
    "tool_environment",
    "tool_version",
    "typecheck_snippet",
]


def __getattr__(name: str) -> Any:
    """Load the result contracts on first use: building bridge records, or ``punie run
    --workspace`` with a snippet that calls no bridge, needs none of them (issue 11, finding 14)."""
    import parsers.contracts

    if name in parsers.contracts.__all__:
        value = getattr(parsers.contracts, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bridges' has no attribute {name!r}")
