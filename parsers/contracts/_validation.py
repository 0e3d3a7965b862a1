"""The one result shape every domain validator returns (``validate_component`` and friends)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parsers.contracts._base import Contract
from parsers.contracts._skipped import SkippedFile

__all__ = ["Severity", "ValidationIssue", "ValidationResult"]

Severity = Literal["error", "warning", "info"]


class ValidationIssue(Contract):
    """One rule violation found by a validator."""

    rule: str
    """Stable rule id, e.g. 'TDOM001' or 'SVCS003'; use it to look up or suppress the rule."""
    severity: Severity
    """'error' breaks the convention, 'warning' is likely wrong, 'info' is advice."""
    message: str
    """What is wrong, in one sentence."""
    file: str
    """Path of the file, relative to the workspace."""
    line: int
    """1-based line of the offending code."""
    suggestion: str | None = None
    """How to fix it, when the validator knows; None otherwise."""


class ValidationResult(Contract):
    """The verdict of one domain validator on a file or the workspace."""

    valid: bool
    """True when no issue has severity 'error'."""
    domain: str
    """Which convention was checked, e.g. 'tdom', 'svcs', 'middleware', 'routes', 'layers'."""
    issues: list[ValidationIssue]
    """Every issue found, in file and line order; empty when the code follows the rules."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    """Files that could not be parsed or checked; empty when every
    file was read."""
