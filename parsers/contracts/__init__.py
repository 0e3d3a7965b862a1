"""Result contracts: the typed API every bridge returns and every parser produces.

This package is the single home of contracts. It sits below both ``parsers`` (which builds them
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
from parsers.contracts._validation import Severity, ValidationIssue, ValidationResult

__all__ = [
    "CONTRACTS",
    "CONTRACT_VERSION",
    "Contract",
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
    "RuffResult",
    "RuffViolation",
    "Severity",
    "TestCase",
    "TestResult",
    "TypeCheckResult",
    "TypeDiagnostic",
    "ValidationIssue",
    "ValidationResult",
    "WriteResult",
]

CONTRACTS: tuple[type[Contract], ...] = (
    FileList,
    FileText,
    FormatResult,
    GitDiff,
    GitLog,
    GitStatus,
    GrepResult,
    Patch,
    RuffResult,
    TestResult,
    TypeCheckResult,
    ValidationResult,
    WriteResult,
)
"""Top-level result contracts (nested ones are part of their schemas); pinned by snapshot tests."""
