"""pytest: a ``--report-log`` file (pytest-reportlog) -> ``TestResult``.

The report log is JSON lines: ``SessionStart``, ``CollectReport`` (one per collected node; a failed
one is a collection error), ``TestReport`` (one per phase: setup, call, teardown) and
``SessionFinish``. It is written incrementally, so a run killed half-way still leaves every
finished test readable; the parser accepts a log without ``SessionFinish`` for that reason.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Literal

from parsers._common import Reader, relative_to_root
from parsers.contracts import TestCase, TestResult

__all__ = ["parse_pytest_reportlog"]

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
_MESSAGE_LIMIT = 2000
_KNOWN_TYPES = {"SessionStart", "SessionFinish", "CollectReport", "TestReport", "WarningMessage"}


@dataclass
class _Test:
    nodeid: str
    file: str
    line: int | None
    outcome: Outcome = "passed"
    duration: float = 0.0
    message: str | None = None
    failure_file: str | None = None
    failure_line: int | None = None
    phases: set[str] = field(default_factory=set)


def parse_pytest_reportlog(text: str, *, version: str, root: str = "") -> TestResult:
    """Read a report log; collection errors appear as tests with outcome 'error'."""
    reader = Reader(tool="pytest", version=version)
    tests: dict[str, _Test] = {}
    started = False
    first_start: float | None = None
    last_stop: float | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        record = reader.loads(raw)
        kind = reader.get(record, "$report_type", str)
        if kind not in _KNOWN_TYPES:
            raise reader.fail(raw, f"unknown report type {kind!r} on line {number}")
        if kind == "SessionStart":
            started = True
        elif kind == "CollectReport":
            _collect(reader, record, tests, root)
        elif kind == "TestReport":
            test = _test_report(reader, record, tests, root)
            start, stop = record.get("start"), record.get("stop")
            if isinstance(start, float | int) and isinstance(stop, float | int):
                first_start = start if first_start is None else min(first_start, start)
                last_stop = stop if last_stop is None else max(last_stop, stop)
            test.phases.add(reader.get(record, "when", str))
    if not started:
        raise reader.fail(text or "<empty report log>", "no SessionStart record")
    cases = [_case(test) for test in tests.values()]
    counts = {outcome: sum(case.outcome == outcome for case in cases) for outcome in _OUTCOMES}
    if first_start is not None and last_stop is not None:
        duration = max(0.0, last_stop - first_start)
    else:
        duration = sum(case.duration for case in cases)
    return TestResult(
        success=counts["failed"] == 0 and counts["error"] == 0,
        passed=counts["passed"] + counts["xpassed"],
        failed=counts["failed"],
        errors=counts["error"],
        skipped=counts["skipped"] + counts["xfailed"],
        duration=round(duration, 6),
        tests=cases,
    )


_OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


def _collect(reader: Reader, record: Any, tests: dict[str, _Test], root: str) -> None:
    outcome = reader.get(record, "outcome", str)
    if outcome == "passed":
        return
    nodeid = reader.get(record, "nodeid", str)
    if outcome not in ("failed", "skipped"):
        raise reader.fail(record, f"unknown collect outcome {outcome!r}")
    if outcome == "skipped":
        return
    message, file, line = _failure(reader, record.get("longrepr"), root)
    if file is not None and posixpath.isabs(file):
        # The crash happened inside pytest or an installed package: the project file to look
        # at is the one being collected, never a file of some environment.
        file, line = None, None
    if message and root:
        message = message.replace(root.rstrip("/") + "/", "")
    tests[nodeid or "<collection>"] = _Test(
        nodeid=nodeid or "<collection>",
        file=nodeid.split("::")[0],
        line=None,
        outcome="error",
        message=message,
        failure_file=file or nodeid.split("::")[0] or None,
        failure_line=line,
    )


def _test_report(reader: Reader, record: Any, tests: dict[str, _Test], root: str) -> _Test:
    nodeid = reader.get(record, "nodeid", str)
    when = reader.get(record, "when", str)
    outcome = reader.get(record, "outcome", str)
    if when not in ("setup", "call", "teardown"):
        raise reader.fail(record, f"unknown test phase {when!r}")
    if outcome not in ("passed", "failed", "skipped"):
        raise reader.fail(record, f"unknown test outcome {outcome!r}")
    location = reader.get(record, "location", list)
    if len(location) != 3 or not isinstance(location[0], str):
        raise reader.fail(record, "location is not [file, line, name]")
    test = tests.get(nodeid)
    if test is None:
        line = location[1] + 1 if isinstance(location[1], int) else None
        test = tests[nodeid] = _Test(nodeid=nodeid, file=location[0], line=line)
    test.duration += float(reader.get(record, "duration", (float, int)))
    xfail = "wasxfail" in record
    if outcome == "passed":
        if xfail and when == "call":
            test.outcome = "xpassed"
        return test
    if test.outcome in ("failed", "error"):
        return test  # the first failure is the one worth reporting
    if outcome == "skipped":
        test.outcome = "xfailed" if xfail else "skipped"
        if xfail:
            test.message = f"expected failure: {record['wasxfail']}".rstrip(": ")
        else:
            test.message, test.failure_file, test.failure_line = _skip(reader, record, root)
        return test
    test.outcome = "failed" if when == "call" else "error"
    test.message, test.failure_file, test.failure_line = _failure(
        reader, record.get("longrepr"), root
    )
    if when != "call" and test.message:
        test.message = f"error in {when}: {test.message}"
    return test


def _failure(reader: Reader, longrepr: Any, root: str) -> tuple[str | None, str | None, int | None]:
    if longrepr is None:
        return None, None, None
    if isinstance(longrepr, str):
        lines = [line[1:].strip() for line in longrepr.splitlines() if line.startswith("E ")]
        message = "\n".join(lines) if lines else (longrepr.strip().splitlines() or [""])[-1]
        return message[:_MESSAGE_LIMIT] or None, None, None
    if isinstance(longrepr, dict):
        crash = reader.optional(longrepr, "reprcrash", dict)
        if crash is None:
            return None, None, None
        path = reader.get(crash, "path", str)
        return (
            reader.get(crash, "message", str)[:_MESSAGE_LIMIT],
            relative_to_root(path, root),
            reader.get(crash, "lineno", int),
        )
    if isinstance(longrepr, list) and len(longrepr) == 3:
        return _skip_tuple(longrepr, root)
    raise reader.fail(longrepr, "unknown longrepr shape")


def _skip(reader: Reader, record: Any, root: str) -> tuple[str | None, str | None, int | None]:
    longrepr = record.get("longrepr")
    if isinstance(longrepr, list) and len(longrepr) == 3:
        return _skip_tuple(longrepr, root)
    return _failure(reader, longrepr, root)


def _skip_tuple(longrepr: list[Any], root: str) -> tuple[str | None, str | None, int | None]:
    path, line, message = longrepr
    text = str(message)
    text = text.removeprefix("Skipped: ")
    return (
        text,
        relative_to_root(str(path), root),
        int(line) if isinstance(line, int) else None,
    )


def _case(test: _Test) -> TestCase:
    return TestCase(
        name=test.nodeid,
        outcome=test.outcome,
        duration=round(test.duration, 6),
        message=test.message,
        file=test.failure_file or test.file or None,
        line=test.failure_line if test.failure_file else test.line,
    )
