"""ruff's JSON lint report and format diffs, from runs of ruff 0.17.6 in tests/fixtures/ruff*/
(small made-up cases, and Django and rich trimmed from ``--select ALL`` runs)."""

from __future__ import annotations

import json

import pytest

from parsers import ParseError, RuffJsonStream, parse_ruff_format, parse_ruff_json
from parsers.contracts import SkippedFile
from tests.parsers.parser_fixture_files import FIXTURES, captured


def lint(case: str):
    run = captured("ruff", case)
    return parse_ruff_json(run.read("stdout"), version=run.version, root=run.root)


def fmt(case: str):
    run = captured("ruff_format", case)
    return parse_ruff_format(
        run.read("stdout"), run.read("stderr"), version=run.version, root=run.root
    )


def test_no_findings() -> None:
    result = lint("clean")
    assert result.success
    assert (result.violation_count, result.fixable_count, result.violations) == (0, 0, [])


def test_many_findings_with_relative_paths_and_safe_fixes() -> None:
    result = lint("shop")
    assert not result.success
    assert result.violation_count == 5
    found = [(v.file, v.line, v.column, v.code, v.fixable) for v in result.violations]
    assert found == [
        ("shop/pricing.py", 3, 1, "I001", True),
        ("shop/pricing.py", 3, 8, "F401", True),
        ("shop/pricing.py", 21, 16, "E711", False),
        ("shop/pricing.py", 26, 34, "B006", False),
        ("shop/pricing.py", 29, 5, "E722", False),
    ]
    assert result.fixable_count == 2
    assert result.violations[1].message == "`os` imported but unused"


def test_many_findings_in_many_files() -> None:
    result = lint("many")
    assert (result.violation_count, result.fixable_count) == (60, 24)
    assert {v.file for v in result.violations} == {f"pkg/module_{n:02d}.py" for n in range(12)}
    first = [(v.line, v.column, v.code, v.fixable) for v in result.violations[:5]]
    assert first == [
        (1, 8, "F401", True),
        (2, 8, "F401", True),
        (9, 21, "B006", False),
        (10, 17, "E711", False),
        (12, 12, "F821", False),
    ]


def test_unicode_paths() -> None:
    result = lint("unicode")
    assert [(v.file, v.code) for v in result.violations] == [("café/données.py", "F401")]


def test_syntax_errors_in_the_checked_code() -> None:
    result = lint("syntax")
    assert not result.success
    assert {v.code for v in result.violations} == {"invalid-syntax"}
    assert {v.file for v in result.violations} == {"broken.py"}


def test_the_tools_own_error_output_is_not_a_report() -> None:
    run = captured("ruff", "tool_error")
    assert run.returncode == 2
    with pytest.raises(ParseError, match=r"ruff \(ruff 0\.17\.6\): not JSON"):
        parse_ruff_json(run.read("stdout"), version=run.version)
    with pytest.raises(ParseError, match="Unknown rule selector"):
        parse_ruff_json(run.read("stderr"), version=run.version)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"violations": []}', "expected a JSON array"),
        ('[{"code": "F401", "message": "m", "filename": "a.py"}]', "missing key 'location'"),
        (
            '[{"code": "F401", "filename": "a.py", "location": {"row": 1, "column": 1}}]',
            "'message'",
        ),
        (
            '[{"code": 401, "message": "m", "filename": "a.py", "location": {"row": 1, "column": 1}}]',
            "unexpected value for 'code'",
        ),
        ('[{"code": "F401", "message": "m"', "not JSON"),
        (
            '[{"code": "F401", "message": "m", "filename": "a.py",'
            ' "location": {"line": 1, "column": 1}, "fix": null}]',
            "missing key 'location.row'",
        ),
        (
            '[{"code": "F401", "message": "m", "filename": "a.py",'
            ' "location": {"row": 1, "column": 1}, "fix": {"applicability": "sometimes"}}]',
            "unknown fix applicability",
        ),
    ],
)
def test_lint_format_drift(text: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse_ruff_json(text, version="ruff 9.9.9")
    assert "ruff (ruff 9.9.9)" in str(caught.value)


def streamed(text: str, size: int, *, version: str = "ruff 0.17.6", root: str = ""):
    stream = RuffJsonStream(version=version, root=root)
    data = text.encode("utf-8")
    for start in range(0, len(data), size):
        stream.feed(data[start : start + size])
    return stream.finish()


@pytest.mark.parametrize("case", ["clean", "shop", "many", "unicode", "syntax"])
@pytest.mark.parametrize("size", [1, 7, 300, 4096, 1 << 20])
def test_a_streamed_report_parses_like_the_whole(case: str, size: int) -> None:
    # Chunks cut anywhere (inside a multi-byte character, between '},' and the newline) give
    # exactly the one-shot result.
    run = captured("ruff", case)
    text = run.read("stdout")
    assert streamed(text, size, root=run.root) == lint(case)


def test_a_stream_decodes_items_before_the_output_ends() -> None:
    run = captured("ruff", "many")
    text = run.read("stdout")
    stream = RuffJsonStream(version=run.version, root=run.root)
    stream.feed(text[: len(text) // 2].encode())
    assert stream._violations, "the first half's complete items were not decoded yet"
    stream.feed(text[len(text) // 2 :].encode())
    assert stream.finish().violation_count == 60


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Unknown rule selector: Q999",
        '{"violations": []}',
        # compact layout: nothing to cut on, decoded at the end
        '[{"code": "F401", "message": "m", "filename": "a.py", "location": {"row": 1, '
        '"column": 1}, "fix": null}]',
    ],
)
def test_a_stream_of_an_unexpected_layout_ends_like_the_one_shot_parse(text: str) -> None:
    try:
        expected = parse_ruff_json(text, version="ruff 0.17.6")
    except ParseError as error:
        with pytest.raises(ParseError) as caught:
            streamed(text, 5)
        assert str(caught.value) == str(error)
    else:
        assert streamed(text, 5) == expected


def test_a_stream_whose_batches_arrive_out_of_order_is_still_sorted() -> None:
    run = captured("ruff", "many")
    items = json.loads(run.read("stdout"))
    text = json.dumps(items[::-1], indent=2)  # the same pretty layout, files in reverse
    result = streamed(text, 2048, root=run.root)
    assert result == lint("many")
    assert result == parse_ruff_json(text, version=run.version, root=run.root)


def test_a_bad_item_in_the_middle_of_a_stream_is_reported_as_drift() -> None:
    text = captured("ruff", "many").read("stdout").replace('"safe"', '"sometimes"', 1)
    with pytest.raises(ParseError, match="unknown fix applicability 'sometimes'") as caught:
        streamed(text, 512)
    with pytest.raises(ParseError) as one_shot:
        parse_ruff_json(text, version="ruff 0.17.6")
    assert str(caught.value) == str(one_shot.value)


def test_format_clean() -> None:
    result = fmt("clean")
    assert result.success
    assert (result.files_checked, result.changed_count, result.files) == (1, 0, [])


def test_format_changes_with_diffs() -> None:
    result = fmt("shop")
    assert not result.success
    assert result.changed_count == 1
    assert [f.file for f in result.files] == ["shop/inventory.py"]
    assert "+        self.stock: dict[str, int] = {}" in result.files[0].diff
    assert result.files_checked == result.changed_count + 17


def test_format_many_files() -> None:
    result = fmt("many")
    assert (result.changed_count, result.files_checked, len(result.files)) == (12, 12, 12)
    assert [f.file for f in result.files] == [f"pkg/module_{n:02d}.py" for n in range(12)]
    assert all('+        return 1 + "a"' in f.diff for f in result.files)


def test_format_the_tools_own_error_output_is_not_a_report() -> None:
    run = captured("ruff_format", "tool_error")
    assert run.returncode == 2
    with pytest.raises(ParseError, match=r"ruff \(ruff 0\.17\.6\)") as caught:
        fmt("tool_error")
    assert "expected i64" in caught.value.fragment


def test_format_unicode_paths() -> None:
    assert [f.file for f in fmt("unicode").files] == ["café/données.py"]


def test_format_syntax_error_is_reported() -> None:
    result = fmt("syntax")
    assert not result.success
    assert result.errors == ["broken.py:2:5: Expected an expression"]


def test_format_only_a_syntax_error_has_no_summary() -> None:
    stderr = "error: Failed to parse broken.py:2:5: Expected an expression\n"
    result = parse_ruff_format("", stderr, version="ruff 0.17.6")
    assert (result.success, result.files_checked, result.errors) == (
        False,
        1,
        ["broken.py:2:5: Expected an expression"],
    )


@pytest.mark.parametrize(
    ("stdout", "stderr", "reason"),
    [
        ("", "", "no format summary line"),
        ("", "All done!\n", "unknown format summary line"),
        ("garbage\n", "1 file would be reformatted\n", "text before the first diff"),
        ("", "2 files would be reformatted\n", "summary says 2 files would change but 0 diffs"),
    ],
)
def test_format_drift(stdout: str, stderr: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_ruff_format(stdout, stderr, version="ruff 9.9.9")


# Real trees (tests/parsers/capture_real_trees.py): `ruff check --select ALL` on the Django and
# rich sdists, trimmed to a few dozen items that cover every value of the whole report, and a
# messy tree with undecodable files and every fix applicability.


def _items(case: str) -> list[dict]:
    return json.loads(captured("ruff", case).read("stdout"))


def _applicability(item: dict) -> str:
    return str((item["fix"] or {}).get("applicability"))


@pytest.mark.parametrize("case", ["django_all", "rich_all", "messy"])
def test_a_whole_real_report_parses_with_every_applicability(case: str) -> None:
    items = _items(case)
    manifest = json.loads((FIXTURES / "ruff" / "MANIFEST.json").read_text(encoding="utf-8"))
    full = manifest["fixtures"][case]["full"]
    # The trimmed fixture still holds every value the whole report had...
    assert {_applicability(i) for i in items} == set(full["applicability"])
    assert {i["severity"] for i in items} == set(full["severity"])
    # ... which is every applicability ruff has: the parse of the old code failed on one.
    assert set(full["applicability"]) == {"None", "safe", "unsafe", "displayonly"}
    result = lint(case)
    read = [i for i in items if i["code"] != "E902"]
    assert result.violation_count == len(result.violations) == len(read)
    assert result.fixable_count == sum(_applicability(i) == "safe" for i in read)
    assert [v.fixable for v in result.violations] == [
        _applicability(i) == "safe"
        for i in sorted(
            read,
            key=lambda i: (i["filename"], i["location"]["row"], i["location"]["column"], i["code"]),
        )
    ]
    assert streamed(
        captured("ruff", case).read("stdout"), 512, root=captured("ruff", case).root
    ) == (result)


def test_a_display_only_fix_is_read_and_is_not_fixable() -> None:
    # ruff writes 'displayonly' (Django has 335 such fixes); the parser once expected
    # 'display-only' and failed on the whole report.
    shown = {
        (
            i["filename"].removeprefix(captured("ruff", "django_all").root + "/"),
            i["location"]["row"],
        )
        for i in _items("django_all")
        if _applicability(i) == "displayonly"
    }
    found = [(v.file, v.line, v.code, v.fixable) for v in lint("django_all").violations]
    assert [v for v in found if (v[0], v[1]) in shown] == [
        ("django/conf/global_settings.py", 25, "ERA001", False),
        ("django/contrib/sessions/backends/file.py", 213, "PTH208", False),
        ("django/core/management/utils.py", 24, "PLW1510", False),
        ("tests/fixtures_regress/tests.py", 227, "PT028", False),
    ]


def test_files_ruff_cannot_read_are_skipped_not_violations() -> None:
    result = lint("messy")
    assert [(v.file, v.line, v.column, v.code, v.fixable) for v in result.violations] == [
        ("broken.py", 1, 17, "invalid-syntax", False),
        ("broken.py", 2, 5, "invalid-syntax", False),
        ("lint.py", 1, 8, "F401", True),
        ("lint.py", 3, 1, "ERA001", False),
        ("lint.py", 6, 13, "B006", False),
    ]
    assert (result.violation_count, result.fixable_count) == (5, 1)
    assert result.skipped == [
        SkippedFile(
            file="declared.py", reason="undecodable", detail="stream did not contain valid UTF-8"
        ),
        SkippedFile(
            file="latin.py", reason="undecodable", detail="stream did not contain valid UTF-8"
        ),
    ]


def test_an_io_error_other_than_decoding_is_unreadable() -> None:
    text = json.dumps(
        [
            {
                "code": "E902",
                "filename": "/ws/gone.py",
                "location": {"row": 1, "column": 1},
                "message": "No such file or directory (os error 2)",
                "fix": None,
            }
        ]
    )
    result = parse_ruff_json(text, version="ruff 0.17.6", root="/ws")
    assert (result.success, result.violations) == (True, [])
    assert result.skipped == [
        SkippedFile(
            file="gone.py", reason="unreadable", detail="No such file or directory (os error 2)"
        )
    ]
