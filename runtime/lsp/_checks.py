"""Diagnostics for one file, from the same bridges a snippet calls.

- ``punie/ty``: the ``typecheck`` bridge (``ty check`` on the file); code = ty's rule name.
- ``punie/ruff``: the ``ruff_check`` bridge with the configured rule selection; code = ruff's
  rule code; ``data.fixable`` tells the code-action handler that ruff can fix it.
- ``punie/<domain>``: each domain validator bridge (``validate_component``...); code = the
  validator's rule id; ``data.suggestion`` carries the validator's advice.

The families run in parallel threads. A family that fails (tool missing, crash, timeout) does not
stop the others: its failure is returned as a message for the editor's log.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types

from bridges import BridgeContext, RuffResult, TypeCheckResult, ValidationResult, registry
from bridges.navigation import to_server_character
from runtime.lsp._settings import ServerSettings

__all__ = ["CheckReport", "run_checks", "validator_names"]

_WORD = re.compile(r"\w+")
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_NOT_VALIDATORS = {"check_layers"}


@dataclass
class CheckReport:
    """Diagnostics of one file and the problems met while producing them."""

    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """One message per family that could not run ('punie/ty: ty is not installed ...')."""


def validator_names() -> list[str]:
    """Names of the validator bridges that take just a path (check_layers needs its rules)."""
    from bridges import validators

    return [record.name for record in validators.BRIDGES if record.name not in _NOT_VALIDATORS]


class _Lines:
    def __init__(self, text: str, encoding: str) -> None:
        self.lines = text.splitlines()
        self.encoding = encoding

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def word_range(self, line: int, column: int) -> types.Range:
        """From (line, column), 1-based characters, to the end of the word there (or the line)."""
        text = self.text(line)
        start = max(column - 1, 0)
        match = _WORD.match(text, start)
        end = match.end() if match and match.end() > start else len(text)
        if end <= start:
            end = min(start + 1, len(text)) if text else start
        return types.Range(
            start=types.Position(
                line=line - 1, character=to_server_character(text, start + 1, self.encoding)
            ),
            end=types.Position(
                line=line - 1, character=to_server_character(text, end + 1, self.encoding)
            ),
        )

    def line_range(self, line: int) -> types.Range:
        text = self.text(line)
        indent = len(text) - len(text.lstrip())
        return types.Range(
            start=types.Position(
                line=line - 1, character=to_server_character(text, indent + 1, self.encoding)
            ),
            end=types.Position(
                line=line - 1, character=to_server_character(text, len(text) + 1, self.encoding)
            ),
        )


def _ty(
    call: Callable[..., Any], relative: str, lines: _Lines, settings: ServerSettings
) -> list[types.Diagnostic]:
    result: TypeCheckResult = call("typecheck", path=relative)
    return [
        types.Diagnostic(
            range=lines.word_range(item.line, item.column),
            message=item.message,
            severity=_SEVERITY[item.severity],
            code=item.code,
            source="punie/ty",
        )
        for item in result.errors
        if item.file == relative
    ]


def _ruff(
    call: Callable[..., Any], relative: str, lines: _Lines, settings: ServerSettings
) -> list[types.Diagnostic]:
    select = None if settings.ruff_select is None else list(settings.ruff_select)
    result: RuffResult = call("ruff_check", path=relative, select=select)
    return [
        types.Diagnostic(
            range=lines.word_range(item.line, item.column),
            message=item.message,
            severity=types.DiagnosticSeverity.Warning,
            code=item.code or "syntax-error",
            source="punie/ruff",
            data={"fixable": item.fixable},
        )
        for item in result.violations
        if item.file == relative
    ]


def _validators(
    call: Callable[..., Any], relative: str, lines: _Lines, settings: ServerSettings
) -> list[types.Diagnostic]:
    names = validator_names() if settings.validators is None else list(settings.validators)
    results: list[ValidationResult] = [call(name, path=relative) for name in names]
    if settings.layers:
        results.append(call("check_layers", path=relative, rules=settings.layers))
    return [
        types.Diagnostic(
            range=lines.line_range(issue.line),
            message=issue.message,
            severity=_SEVERITY[issue.severity],
            code=issue.rule,
            source=f"punie/{result.domain}",
            data={"suggestion": issue.suggestion} if issue.suggestion else None,
        )
        for result in results
        for issue in result.issues
        if issue.file == relative
    ]


_FAMILIES = {"ty": _ty, "ruff": _ruff, "validators": _validators}


def run_checks(
    *,
    workspace: Path,
    relative: str,
    text: str,
    settings: ServerSettings,
    encoding: str = "utf-16",
    pool: ThreadPoolExecutor | None = None,
) -> CheckReport:
    """Run the configured families on ``relative`` (a file in ``workspace``), in parallel."""
    context = BridgeContext(
        workspace=workspace, timeout_s=settings.timeout_s, python=settings.python
    )
    records = {record.name: record for record in registry()}
    lines = _Lines(text, encoding)

    def call(name: str, **arguments: Any) -> Any:
        record = records.get(name)
        if record is None:
            raise LookupError(f"there is no bridge named {name!r}; check the validators setting")
        return record.bind(context).function(**arguments)

    report = CheckReport()
    own_pool = pool is None
    executor = pool or ThreadPoolExecutor(max_workers=len(_FAMILIES))
    try:
        futures = {
            check: executor.submit(_FAMILIES[check], call, relative, lines, settings)
            for check in settings.checks
        }
        for check, future in futures.items():
            try:
                report.diagnostics.extend(future.result())
            except Exception as error:  # a family degrades, the others still report
                report.failures.append(f"punie/{check}: {type(error).__name__}: {error}")
    finally:
        if own_pool:
            executor.shutdown(wait=False)
    return report
