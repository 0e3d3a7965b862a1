"""ripgrep's JSON, file-list and error output, from fixtures captured by capture_ripgrep.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridges import tool_version
from parsers import (
    ParseError,
    RipgrepFile,
    RipgrepJsonStream,
    RipgrepLine,
    parse_ripgrep_files,
    parse_ripgrep_json,
    parse_ripgrep_unlisted,
)
from parsers.contracts import GrepMatch, SkippedFile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ripgrep"
MANIFEST = json.loads((FIXTURES / "MANIFEST.json").read_text(encoding="utf-8"))
VERSION = MANIFEST["version"]
CAFE = b"caf\xe9.py".decode("utf-8", "surrogateescape")
LOCKED = SkippedFile(
    file="locked", reason="unreadable", detail="a folder that cannot be listed (Permission denied)"
)


def fixture(case: str, stream: str = "stdout") -> bytes:
    return (FIXTURES / f"{case}.{stream}").read_bytes()


def test_the_fixtures_match_the_installed_ripgrep() -> None:
    assert MANIFEST["tool"] == "rg"
    assert tool_version("rg") == VERSION, (
        f"rg is now {tool_version('rg')!r} but the fixtures are from {VERSION!r}: recapture them "
        "with tests/parsers/capture_ripgrep.py"
    )


def test_a_search_with_text_bytes_and_names_that_are_not_utf8() -> None:
    stream = RipgrepJsonStream(version=VERSION)
    data = fixture("search")
    for at in range(0, len(data), 97):  # chunks cut anywhere, as a pipe delivers them
        stream.feed(data[at : at + 97])
    messages = stream.finish()
    lines = [message for message in messages if isinstance(message, RipgrepLine)]
    assert [(line.path, line.line_number, line.offset, line.starts) for line in lines] == [
        ("blob.py", 1, 0, (0,)),
        ("bom.py", 1, 0, (0,)),
        (CAFE, 1, 0, (0,)),
        ("latin.py", 2, 26, (0,)),
        ("lines.py", 2, 7, (0, 13)),
        ("pkg/utf8.py", 1, 0, (0,)),
    ]
    assert lines[3].data == b"GREETING = 'caf\xe9'\n"
    assert lines[4].data == b"GREETING = 2\rGREETING = 3\n"
    ends = [message for message in messages if isinstance(message, RipgrepFile)]
    assert ends == [
        RipgrepFile(path, None)
        for path in ("blob.py", "bom.py", CAFE, "latin.py", "lines.py", "pkg/utf8.py")
    ]


def test_the_one_shot_parse_gives_a_grep_result() -> None:
    result = parse_ripgrep_json(fixture("binary"), version=VERSION, pattern="GREETING")
    assert result.skipped == [
        SkippedFile(file="blob.py", reason="binary", detail="a NUL byte at offset 8")
    ]
    assert result.matches == [
        GrepMatch(file="bom.py", line=1, text="GREETING = 'bom'"),
        GrepMatch(file=CAFE, line=1, text="GREETING = 'name'"),
        GrepMatch(file="latin.py", line=2, text="GREETING = 'caf\ufffd'"),
        GrepMatch(file="lines.py", line=2, text="GREETING = 2\rGREETING = 3"),
        GrepMatch(file="pkg/utf8.py", line=1, text="GREETING = 'h\u00e9llo'"),
    ]
    assert (result.match_count, result.truncated) == (5, False)
    nothing = parse_ripgrep_json(fixture("nothing"), version=VERSION, pattern="NOWHERE")
    assert (nothing.matches, nothing.skipped) == ([], [])


def test_a_listing_and_the_folders_it_could_not_read() -> None:
    assert parse_ripgrep_files(fixture("files")) == [
        "blob.py",
        "bom.py",
        CAFE,
        "latin.py",
        "lines.py",
        "pkg/utf8.py",
    ]
    for case in ("files", "search", "binary"):
        assert parse_ripgrep_unlisted(fixture(case, "stderr").decode()) == [LOCKED]
    assert parse_ripgrep_unlisted(fixture("lookaround", "stderr").decode()) == []
    odd = "rg: ./a: b: IO error for operation on ./a: b: Permission denied (os error 13)\n"
    assert parse_ripgrep_unlisted(odd) == [
        SkippedFile(
            file="a: b",
            reason="unreadable",
            detail="a folder that cannot be listed (Permission denied)",
        )
    ]


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (b"", "the output ended before its summary"),
        (b'{"type":"begin","data":{"path":{"text":"a"}}}\n', "the output ended before its summary"),
        (b"not json\n", "not JSON"),
        (b'{"type":"weird","data":{"path":{"text":"a"}}}\n', "unknown message type 'weird'"),
        (b'{"type":"end","data":{"path":{"bytes":"%%%"}}}\n', "'bytes' is not base64"),
        (b'{"type":"match","data":{"path":{"text":"a"}}}\n', "missing key 'submatches'"),
    ],
)
def test_output_it_does_not_know_is_a_parse_error(output: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_ripgrep_json(output, version=VERSION, pattern="x")
    assert raised.value.tool == "ripgrep"
    assert raised.value.version == VERSION
    assert raised.value.reason.startswith(reason)
