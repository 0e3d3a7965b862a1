"""Result contracts: the typed API every bridge returns and every parser produces.

This package is the single home of contracts (``cst.py`` and ``lsp.py`` hold those of the LibCST
and navigation bridges, written by their owners). It sits below both ``parsers`` (which builds them
from raw tool output) and ``bridges`` (which returns them to snippets). All contracts are frozen
pydantic models with a docstring under each field; that docstring is what the model reads in the
stub text. A change here is a deliberate act: ``tests/parsers/test_contract_schemas.py`` pins each
JSON schema together with ``CONTRACT_VERSION``.
"""

from parsers.contracts._base import CONTRACT_VERSION, Contract
from parsers.contracts._files import FileList, FileText, GrepMatch, GrepResult, WriteResult
from parsers.contracts._git import GitChange, GitCommit, GitDiff, GitDiffFile, GitLog, GitStatus
from parsers.contracts._patch import Patch
from parsers.contracts._quality import (
    FormatFile,
    FormatResult,
    RuffResult,
    RuffViolation,
    TestCase,
    TestResult,
    TypeCheckResult,
    TypeDiagnostic,
)
from parsers.contracts._skipped import SkippedFile, SkipReason
from parsers.contracts._validation import Severity, ValidationIssue, ValidationResult
from parsers.contracts.cst import CstFindResult, CstMatch
from parsers.contracts.lsp import (
    DefinitionResult,
    DocumentSymbolsResult,
    HoverResult,
    ReferencesResult,
    SourceLocation,
    SymbolInfo,
    WorkspaceSymbolsResult,
)

__all__ = [
    "CONTRACTS",
    "CONTRACT_VERSION",
    "Contract",
    "CstFindResult",
    "CstMatch",
    "DefinitionResult",
    "DocumentSymbolsResult",
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
    "Patch",
    "ReferencesResult",
    "RuffResult",
    "RuffViolation",
    "Severity",
    "SkipReason",
    "SkippedFile",
    "SourceLocation",
    "SymbolInfo",
    "TestCase",
    "TestResult",
    "TypeCheckResult",
    "TypeDiagnostic",
    "ValidationIssue",
    "ValidationResult",
    "WorkspaceSymbolsResult",
    "WriteResult",
]

CONTRACTS: tuple[type[Contract], ...] = (
    CstFindResult,
    DefinitionResult,
    DocumentSymbolsResult,
    FileList,
    FileText,
    FormatResult,
    GitDiff,
    GitLog,
    GitStatus,
    GrepResult,
    HoverResult,
    Patch,
    ReferencesResult,
    RuffResult,
    TestResult,
    TypeCheckResult,
    ValidationResult,
    WorkspaceSymbolsResult,
    WriteResult,
)
"""Top-level result contracts (nested ones are part of their schemas); pinned by snapshot tests."""
