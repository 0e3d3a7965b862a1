"""Contracts of the quality tools: type checker, linter, formatter, test runner."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from parsers.contracts._base import Contract
from parsers.contracts._skipped import SkippedFile

__all__ = [
    "FormatFile",
    "FormatResult",
    "RuffResult",
    "RuffViolation",
    "TestCase",
    "TestResult",
    "TypeCheckResult",
    "TypeDiagnostic",
]


class TypeDiagnostic(Contract):
    """One diagnostic of the type checker."""

    file: str
    """Path of the file, relative to the workspace."""
    line: int
    """1-based line where the problem starts."""
    column: int
    """1-based column where the problem starts."""
    severity: Literal["error", "warning", "info"]
    """How serious it is; only 'error' makes ``success`` False."""
    code: str
    """The checker's rule name, e.g. 'invalid-argument-type' (opaque; may change between versions)."""
    message: str
    """What is wrong, as the checker says it."""


class TypeCheckResult(Contract):
    """The outcome of type-checking a path with ty."""

    success: bool
    """True when there are no errors (warnings do not count)."""
    error_count: int
    """Number of diagnostics with severity 'error'."""
    warning_count: int
    """Number of diagnostics with severity 'warning'."""
    errors: list[TypeDiagnostic]
    """All diagnostics (errors, warnings, info), in file and line order."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    """Files ty could not read (e.g. not UTF-8): they were not checked; empty when every
    file was read."""
    python: str = ""
    """The Python environment whose packages resolved the imports, and why it was chosen, e.g.
    '/proj/.venv (the workspace's own environment)': an unresolved import of a third-party
    package may need installing there."""


class RuffViolation(Contract):
    """One lint violation."""

    file: str
    """Path of the file, relative to the workspace."""
    line: int
    """1-based line of the violation."""
    column: int
    """1-based column of the violation."""
    code: str
    """Rule code, e.g. 'F401' (unused import); empty for a syntax error."""
    message: str
    """What is wrong, as ruff says it."""
    fixable: bool
    """True when ``ruff check --fix`` would fix it (ruff offers a safe fix)."""


class RuffResult(Contract):
    """The outcome of linting a path with ruff."""

    success: bool
    """True when there are no violations."""
    violation_count: int
    """Number of violations."""
    fixable_count: int
    """How many of them ruff could fix automatically."""
    violations: list[RuffViolation]
    """All violations, in file and line order."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    """Files ruff could not read (e.g. not UTF-8): they were not linted; empty when every
    file was read."""
    rules: str = ""
    """Which rules were applied, e.g. "the project's configuration (pyproject.toml)", "ruff's
    defaults (the project has no ruff configuration)" or "select=['F401'] given to the call"."""


class FormatFile(Contract):
    """One file the formatter would change."""

    file: str
    """Path of the file, relative to the workspace."""
    diff: str
    """Unified diff of what formatting would change."""


class FormatResult(Contract):
    """The outcome of checking (and optionally applying) ruff's formatting."""

    success: bool
    """True when every file is (or now, if ``applied``, was) formatted and none had errors."""
    files_checked: int
    """How many Python files were looked at."""
    changed_count: int
    """How many files are (or were) not formatted."""
    files: list[FormatFile]
    """The files that need formatting, each with its diff."""
    errors: list[str]
    """Files ruff could not format (e.g. a syntax error), each with ruff's reason."""
    applied: bool
    """True when the changes were written to disk."""


class TestCase(Contract):
    """One test and how it went."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    name: str
    """The pytest node id, e.g. 'tests/test_cart.py::test_total'."""
    outcome: Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
    """'error' means setup or teardown failed, not the test body."""
    duration: float
    """Seconds spent in setup, call and teardown together."""
    message: str | None
    """The failure or skip message (the assertion line and its explanation), else None."""
    file: str | None
    """File of the failure location (relative to the workspace), else the test's own file."""
    line: int | None
    """1-based line of the failure location, or of the test when it passed."""


class TestResult(Contract):
    """The outcome of running tests with pytest."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    success: bool
    """True when no test failed or errored (and at least the collection worked)."""
    passed: int
    """Tests that passed."""
    failed: int
    """Tests whose body failed."""
    errors: int
    """Tests whose setup or teardown failed, plus collection errors."""
    skipped: int
    """Tests skipped (including xfailed)."""
    duration: float
    """Total seconds of the run, as pytest measured it."""
    tests: list[TestCase]
    """Every test in run order; collection errors appear with outcome 'error'."""
    python: str = ""
    """The Python that ran the tests and why it was chosen, e.g. '/proj/.venv (the workspace's
    own environment)': a missing module may need installing there."""
    jail: str = ""
    """How the tests were confined: 'bubblewrap: read-only workspace, ...', or 'none (why): the
    tests ran as the host user'."""
