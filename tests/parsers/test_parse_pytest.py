"""pytest-reportlog logs, from runs of pytest 9.2.0 captured in tests/fixtures/pytest/."""

from __future__ import annotations

import pytest

from parsers import ParseError, parse_pytest_reportlog
from tests.parsers.parser_fixture_files import captured


def parse(case: str):
    run = captured("pytest", case)
    return parse_pytest_reportlog(run.read("reportlog.jsonl"), version=run.version, root=run.root)


def test_no_tests_collected() -> None:
    result = parse("clean")
    assert result.success
    assert (result.passed, result.failed, result.errors, result.skipped, result.tests) == (
        0,
        0,
        0,
        0,
        [],
    )


def test_the_shop_has_one_failure_with_message_and_location() -> None:
    result = parse("shop")
    assert not result.success
    assert (result.passed, result.failed, result.errors, result.skipped) == (7, 1, 0, 0)
    failed = [t for t in result.tests if t.outcome == "failed"]
    assert [t.name for t in failed] == ["tests/test_pricing.py::test_bulk_discount"]
    assert failed[0].message is not None
    assert failed[0].message.startswith("assert 10.0 == 9.0")
    assert (failed[0].file, failed[0].line) == ("tests/test_pricing.py", 19)
    passed = next(t for t in result.tests if t.name.endswith("test_total"))
    assert (passed.file, passed.line, passed.message) == ("tests/test_cart.py", 16, None)
    assert result.duration > 0


def test_every_outcome() -> None:
    result = parse("mix")
    outcomes = {t.name.split("::")[1]: t.outcome for t in result.tests}
    assert outcomes == {
        "test_uses_database": "error",
        "test_ok": "passed",
        "test_later": "skipped",
        "test_known_bug": "xfailed",
        "test_fixed_bug": "xpassed",
        "test_math": "failed",
    }
    assert (result.passed, result.failed, result.errors, result.skipped) == (2, 1, 1, 2)
    by_name = {t.name.split("::")[1]: t for t in result.tests}
    assert by_name["test_uses_database"].message == (
        "error in setup: RuntimeError: database is down"
    )
    assert by_name["test_later"].message == "not ready"
    assert by_name["test_math"].message == "AssertionError: math is hard\nassert (1 + 1) == 3"


def test_collection_errors_and_syntax_errors_in_tests() -> None:
    result = parse("collect")
    assert not result.success
    assert result.errors == 2
    messages = {t.name: t.message for t in result.tests}
    assert messages["test_collect.py"] == (
        "ModuleNotFoundError: No module named 'not_installed_anywhere'"
    )
    syntax = messages["test_syntax.py"]
    assert syntax is not None
    assert "SyntaxError: invalid syntax" in syntax
    assert "/tmp/punie-capture" not in syntax


def test_unicode_paths() -> None:
    result = parse("unicode")
    assert [t.name for t in result.tests] == ["tests/test_été.py::test_prix_en_euros"]
    assert result.tests[0].message is not None
    assert "12 €" in result.tests[0].message
    assert result.tests[0].file == "tests/test_été.py"


def test_a_usage_error_leaves_no_log_and_that_is_an_error() -> None:
    run = captured("pytest", "tool_error")
    assert run.returncode == 4
    with pytest.raises(ParseError, match="no SessionStart record"):
        parse_pytest_reportlog("", version=run.version)
    with pytest.raises(ParseError, match="not JSON"):
        parse_pytest_reportlog(run.read("stderr"), version=run.version)


def test_a_log_cut_short_by_a_kill_still_reads() -> None:
    run = captured("pytest", "shop")
    lines = run.read("reportlog.jsonl").splitlines()[:-4]
    result = parse_pytest_reportlog("\n".join(lines), version=run.version, root=run.root)
    assert result.passed == 7
    assert result.failed == 0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"$report_type": "TestOutcome"}', "unknown report type 'TestOutcome'"),
        (
            '{"$report_type": "TestReport", "nodeid": "t.py::a", "when": "call",'
            ' "outcome": "passed", "location": ["t.py", 1]}',
            "location is not",
        ),
        (
            '{"$report_type": "TestReport", "nodeid": "t.py::a", "when": "call",'
            ' "outcome": "exploded", "location": ["t.py", 1, "a"], "duration": 0.1}',
            "unknown test outcome 'exploded'",
        ),
        ('{"report": "TestReport"}', "missing key '\\$report_type'"),
    ],
)
def test_format_drift(line: str, reason: str) -> None:
    text = '{"pytest_version": "9.2.0", "$report_type": "SessionStart"}\n' + line
    with pytest.raises(ParseError, match=reason) as caught:
        parse_pytest_reportlog(text, version="pytest 9.2.0")
    assert "pytest (pytest 9.2.0)" in str(caught.value)
