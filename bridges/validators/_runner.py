"""Run a validator over the Python files under a path, with results cached by content hash."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from bridges._record import BridgeContext
from bridges.cst._cache import MODULE_CACHE, ParsedSource
from bridges.cst._workspace import python_files, relative_to_workspace
from bridges.validators._base import Validator
from parsers.contracts import ValidationIssue, ValidationResult

__all__ = ["collect_issues", "file_issues", "result_of"]


def file_issues(
    parsed: ParsedSource, make: Callable[[str], Validator], relative: str
) -> tuple[ValidationIssue, ...]:
    """Visit one parsed module and turn its findings into issues (lines resolved on demand)."""
    validator = make(relative)
    parsed.module.visit(validator)
    validator.finish()
    issues = [
        ValidationIssue(
            rule=finding.rule.id,
            severity=finding.rule.severity,
            message=finding.message,
            file=relative,
            line=parsed.line_of(finding.node),
            suggestion=finding.suggestion,
        )
        for finding in validator.findings
    ]
    return tuple(sorted(issues, key=lambda issue: (issue.line, issue.rule)))


def collect_issues(
    context: BridgeContext,
    *,
    path: str,
    make: Callable[[str], Validator],
    key: Hashable,
) -> list[ValidationIssue]:
    """Issues of every Python file under ``path``; ``key`` identifies the validator and options."""
    issues: list[ValidationIssue] = []
    for file in python_files(context.workspace, path):
        relative = relative_to_workspace(context.workspace, file)
        parsed = MODULE_CACHE.parse_file(file, display=relative)
        cache_key = ("validator", key, relative, parsed.digest)
        found = MODULE_CACHE.derived(
            cache_key, lambda parsed=parsed, relative=relative: file_issues(parsed, make, relative)
        )
        issues.extend(found)
    return issues


def result_of(domain: str, issues: list[ValidationIssue]) -> ValidationResult:
    """The ``ValidationResult``: valid unless an error-severity issue was found."""
    ordered = sorted(issues, key=lambda issue: (issue.file, issue.line, issue.rule))
    return ValidationResult(
        valid=not any(issue.severity == "error" for issue in ordered),
        domain=domain,
        issues=ordered,
    )
