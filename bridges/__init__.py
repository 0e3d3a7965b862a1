"""Typed tool functions ("bridges") that snippets call, each one a record with its examples.

Public API (pinned by ``tests/bridges/test_public_api.py``): the record types, the error family,
``registry()`` and ``default_bridges()``, the helpers other bridge families reuse
(``resolve_in_workspace``, ``relative_path``, ``run_tool``...), ``sample_workspace()``, and the
result contracts re-exported from ``parsers.contracts``.
"""

from bridges._errors import (
    BridgeArgumentError,
    BridgeError,
    PathNotFound,
    PathOutsideWorkspace,
    ToolCrashed,
    ToolError,
    ToolMissing,
    ToolOutputError,
    ToolTimeout,
    WritingNotAllowed,
)
from bridges._examples import BridgeExample, ExampleStep
from bridges._record import Bridge, BridgeContext
from bridges._registry import default_bridges, registry
from bridges._runner import ToolRun, locate_tool, run_tool, tool_environment, tool_version
from bridges._sample import sample_workspace
from bridges._workspace import relative_path, resolve_in_workspace
from parsers.contracts import (
    CONTRACTS,
    FileList,
    FileText,
    FormatFile,
    FormatResult,
    GitChange,
    GitCommit,
    GitDiff,
    GitDiffFile,
    GitLog,
    GitStatus,
    GrepMatch,
    GrepResult,
    Patch,
    RuffResult,
    RuffViolation,
    TestCase,
    TestResult,
    TypeCheckResult,
    TypeDiagnostic,
    ValidationIssue,
    ValidationResult,
    WriteResult,
)

__all__ = [
    "CONTRACTS",
    "Bridge",
    "BridgeArgumentError",
    "BridgeContext",
    "BridgeError",
    "BridgeExample",
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
    "Patch",
    "PathNotFound",
    "PathOutsideWorkspace",
    "RuffResult",
    "RuffViolation",
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
    "WriteResult",
    "WritingNotAllowed",
    "default_bridges",
    "locate_tool",
    "registry",
    "relative_path",
    "resolve_in_workspace",
    "run_tool",
    "sample_workspace",
    "tool_environment",
    "tool_version",
]
