"""ty's GitLab report, from runs of ty 0.0.108 captured in tests/fixtures/ty/ (small made-up
cases, a messy tree, and Django and rich trimmed to one diagnostic per check name)."""

from __future__ import annotations

import json

import pytest

from parsers import ParseError, parse_ty_gitlab
from parsers.contracts import SkippedFile
from tests.parsers.parser_fixture_files import FIXTURES, captured


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
    # An io diagnostic without a file (the path given to ty does not exist): nothing was
    # checked, so it stays an error instead of becoming a skipped file.
    run = captured("ty", "tool_error")
    assert run.returncode == 2
    result = parse_ty_gitlab(run.read("stdout"), version=run.version, root=run.root)
    assert not result.success
    assert result.errors[0].code == "io"
    assert "No such file or directory" in result.errors[0].message
    assert result.skipped == []


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


# Real trees (tests/parsers/capture_real_trees.py): ty on the Django and rich sdists, trimmed to
# the first diagnostic of each check name and severity, and a messy tree.


def _manifest(case: str) -> dict:
    manifest = json.loads((FIXTURES / "ty" / "MANIFEST.json").read_text(encoding="utf-8"))
    return manifest["fixtures"][case]


@pytest.mark.parametrize("case", ["django", "rich", "messy"])
def test_a_whole_real_report_parses_with_every_check_name_and_severity(case: str) -> None:
    items = json.loads(captured("ty", case).read("stdout"))
    full = _manifest(case)["full"]
    assert {i["check_name"] for i in items} == set(full["check_name"])
    assert {i["severity"] for i in items} == set(full["severity"])
    result = parse(case)
    read = [i for i in items if i["check_name"] != "io"]
    assert len(result.errors) == len(read)
    assert result.error_count == sum(i["severity"] == "major" for i in read)
    assert result.warning_count == sum(i["severity"] == "minor" for i in read)
    assert sorted(d.code for d in result.errors) == sorted(i["check_name"] for i in read)


def test_files_ty_cannot_read_are_skipped_and_the_rest_is_reported() -> None:
    # ty exits with 2 here, and the report is whole: the type error, the syntax errors, the
    # warnings and the info are all there; the two latin-1 files are listed as skipped.
    assert _manifest("messy")["returncode"] == 2
    result = parse("messy")
    assert [(d.file, d.line, d.column, d.severity, d.code) for d in result.errors] == [
        ("broken.py", 1, 17, "error", "invalid-syntax"),
        ("broken.py", 2, 5, "error", "invalid-syntax"),
        ("cast.py", 5, 12, "warning", "redundant-cast"),
        ("typed.py", 1, 10, "error", "invalid-assignment"),
        ("typed.py", 2, 1, "warning", "undefined-reveal"),
        ("typed.py", 2, 13, "info", "revealed-type"),
    ]
    assert (result.success, result.error_count, result.warning_count) == (False, 3, 2)
    detail = "Failed to read file: stream did not contain valid UTF-8"
    assert result.skipped == [
        SkippedFile(file="declared.py", reason="undecodable", detail=detail),
        SkippedFile(file="latin.py", reason="undecodable", detail=detail),
    ]


def test_a_tree_with_only_unreadable_files_is_a_success_with_skipped_files() -> None:
    text = json.dumps(
        [
            {
                "check_name": "io",
                "description": "io: Failed to read file: Permission denied (os error 13)",
                "severity": "major",
                "location": {"path": "secret.py", "positions": {"begin": {"line": 1, "column": 1}}},
            }
        ]
    )
    result = parse_ty_gitlab(text, version="ty 0.0.108")
    assert (result.success, result.error_count, result.errors) == (True, 0, [])
    assert result.skipped == [
        SkippedFile(
            file="secret.py",
            reason="unreadable",
            detail="Failed to read file: Permission denied (os error 13)",
        )
    ]


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("blocker", "error"),
        ("critical", "error"),
        ("major", "error"),
        ("minor", "warning"),
        ("info", "info"),
    ],
)
def test_every_gitlab_severity_is_read(severity: str, expected: str) -> None:
    text = json.dumps(
        [
            {
                "check_name": "x",
                "description": "x: y",
                "severity": severity,
                "location": {"path": "a.py", "positions": {"begin": {"line": 1, "column": 1}}},
            }
        ]
    )
    [diagnostic] = parse_ty_gitlab(text, version="ty 0.0.108").errors
    assert diagnostic.severity == expected
