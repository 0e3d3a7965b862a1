"""ty's GitLab report, from runs of ty 0.0.108 captured in tests/fixtures/ty/."""

from __future__ import annotations

import pytest
from parser_fixture_files import captured

from parsers import ParseError, parse_ty_gitlab


def parse(case: str):
    run = captured("ty", case)
    return parse_ty_gitlab(run.read("stdout"), version=run.version, root=run.root)


def test_no_findings() -> None:
    result = parse("clean")
    assert result.success
    assert (result.error_count, result.warning_count, result.errors) == (0, 0, [])


def test_many_findings_in_the_shop() -> None:
    result = parse("shop")
    assert not result.success
    assert (result.error_count, result.warning_count) == (3, 1)
    found = [(d.file, d.line, d.severity, d.code) for d in result.errors]
    assert found == [
        ("shop/cart.py", 26, "error", "invalid-explicit-return"),
        ("shop/catalog.py", 21, "error", "missing-union-attribute"),
        ("shop/catalog.py", 35, "warning", "redundant-cast"),
        ("shop/inventory.py", 31, "error", "invalid-argument-type"),
    ]
    first = result.errors[0]
    assert first.column == 16
    assert first.message.startswith("Return type does not match returned value")
    assert not first.message.startswith("invalid-explicit-return")


def test_many_findings_in_many_files() -> None:
    result = parse("many")
    assert (result.error_count, result.warning_count, len(result.errors)) == (36, 0, 36)
    assert {d.file for d in result.errors} == {f"pkg/module_{n:02d}.py" for n in range(12)}
    codes = [d.code for d in result.errors if d.file == "pkg/module_07.py"]
    assert codes == ["invalid-explicit-return", "unsupported-operator", "unresolved-reference"]
    assert [(d.line, d.column) for d in result.errors[:3]] == [(6, 12), (11, 16), (12, 12)]
    assert result.errors == sorted(result.errors, key=lambda d: (d.file, d.line, d.column))


def test_unicode_paths() -> None:
    result = parse("unicode")
    assert [d.file for d in result.errors] == ["café/données.py"]


def test_syntax_errors_in_the_checked_code() -> None:
    result = parse("syntax")
    assert result.error_count >= 1
    assert {d.code for d in result.errors} == {"invalid-syntax"}
    assert {d.file for d in result.errors} == {"broken.py"}


def test_the_tools_own_error_is_a_diagnostic_not_silence() -> None:
    run = captured("ty", "tool_error")
    assert run.returncode == 2
    result = parse_ty_gitlab(run.read("stdout"), version=run.version, root=run.root)
    assert not result.success
    assert result.errors[0].code == "io"
    assert "No such file or directory" in result.errors[0].message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not JSON"),
        ("WARN No python files found", "not JSON"),
        ('{"diagnostics": []}', "expected a JSON array"),
        ('[{"check_name": "x", "severity": "major"}]', "missing key 'description'"),
        (
            '[{"check_name": "x", "description": "x: y", "severity": "fatal",'
            ' "location": {"path": "a.py", "positions": {"begin": {"line": 1, "column": 1}}}}]',
            "unknown severity 'fatal'",
        ),
        (
            '[{"check_name": "x", "description": "x: y", "severity": "major",'
            ' "location": {"path": "a.py", "positions": {"begin": {"row": 1, "column": 1}}}}]',
            "missing key 'line'",
        ),
    ],
)
def test_format_drift_raises_a_parse_error_naming_tool_version_and_fragment(
    text: str, reason: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_ty_gitlab(text, version="ty 0.0.108")
    message = str(caught.value)
    assert "ty (ty 0.0.108)" in message
    assert reason in message
    assert caught.value.tool == "ty"
    fragment = caught.value.fragment
    assert fragment == "<empty output>" if not text else (fragment in text or text in fragment)
