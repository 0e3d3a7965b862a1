"""grep and list_files on ripgrep (issue 12): .gitignore honoured, Python-only regex refused with
what to write instead, hostile names are data, binary files named even without a match, a NUL
after the first 8 KiB does not hide a file, and lines split as Python splits them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bridges import BridgeArgumentError, GrepResult, SkippedFile
from tests.bridges.bridge_helpers import call


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = {
        ".gitignore": "ignored.py\ngenerated/\n",
        "kept.py": "TOKEN = 1\n",
        "ignored.py": "TOKEN = 2\n",
        "generated/out.py": "TOKEN = 3\n",
        "pkg/mod.py": "TOKEN = 4\n",
        "pkg/data.txt": "TOKEN = 5\n",
        "build/lib.py": "TOKEN = 6\n",
        ".hidden/h.py": "TOKEN = 7\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def files(result: GrepResult) -> list[str]:
    return [match.file for match in result.matches]


@pytest.mark.parametrize("repository", [False, True], ids=["plain-folder", "git-repository"])
def test_gitignored_files_are_neither_listed_nor_searched(tree: Path, repository: bool) -> None:
    if repository:
        subprocess.run(["git", "init", "-q", "--", str(tree)], check=True)
    assert call(tree, "list_files").files == ["kept.py", "pkg/data.txt", "pkg/mod.py"]
    assert call(tree, "list_files", pattern="*.py").files == ["kept.py", "pkg/mod.py"]
    assert files(call(tree, "grep", pattern="TOKEN")) == ["kept.py", "pkg/mod.py"]
    assert files(call(tree, "grep", pattern="TOKEN", glob="*")) == [
        "kept.py",
        "pkg/data.txt",
        "pkg/mod.py",
    ]
    # A glob the host applies (a '/', brackets) honours .gitignore all the same.
    assert files(call(tree, "grep", pattern="TOKEN", glob="*/[m]od.py")) == ["pkg/mod.py"]
    assert call(tree, "list_files", pattern="[ik]*.py").files == ["kept.py"]
    # Named explicitly, an ignored file is searched: the model asked for it.
    assert files(call(tree, "grep", pattern="TOKEN", path="ignored.py")) == ["ignored.py"]


@pytest.mark.parametrize(
    ("pattern", "said", "hint"),
    [
        (
            "foo(?=bar)",
            "look-around, including look-ahead and look-behind, is not supported",
            "lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...)) are not supported: "
            "search for the text itself and filter result.matches in the snippet",
        ),
        (
            "(?<!self\\.)total",
            "look-around, including look-ahead and look-behind, is not supported",
            "lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...)) are not supported: "
            "search for the text itself and filter result.matches in the snippet",
        ),
        (
            "(\\w+) \\1",
            "backreferences are not supported",
            "backreferences (\\1, (?P=name)) are not supported: search for a pattern without "
            "them and compare the parts in the snippet",
        ),
        (
            "(?P<word>\\w+) (?P=word)",
            "unrecognized flag",
            "backreferences (\\1, (?P=name)) are not supported: search for a pattern without "
            "them and compare the parts in the snippet",
        ),
        ("total\\Z", "unrecognized escape sequence", "write '$' (end of line) instead of '\\Z'"),
        (
            "(?>ab)c",
            "unrecognized flag",
            "atomic groups (?>...) and conditionals (?(1)...) are not supported",
        ),
    ],
)
def test_python_only_regex_is_refused_with_what_to_write(
    tree: Path, pattern: str, said: str, hint: str
) -> None:
    with pytest.raises(BridgeArgumentError) as raised:
        call(tree, "grep", pattern=pattern)
    assert str(raised.value) == (
        f"pattern={pattern!r} is not a valid regular expression for grep ({said}); {hint}. "
        "grep uses ripgrep's syntax: Python's re without lookaround, backreferences, "
        "conditionals or atomic groups"
    )


def test_a_pattern_across_lines_or_with_a_nul_is_refused(tree: Path) -> None:
    with pytest.raises(BridgeArgumentError, match="grep matches one line at a time"):
        call(tree, "grep", pattern="a\nb")
    with pytest.raises(BridgeArgumentError) as raised:
        call(tree, "grep", pattern="a\0b")
    assert str(raised.value) == (
        "pattern='a\\x00b' contains a NUL character; write it as the escape '\\x00'"
    )


@pytest.mark.parametrize("name", ["-e", "--pre=touch", "--files", "-n"])
def test_hostile_names_and_patterns_are_data(tmp_path: Path, name: str) -> None:
    (tmp_path / f"{name}.py").write_text(f"x = '{name}'\n")
    (tmp_path / name).mkdir()
    (tmp_path / name / "inner.py").write_text(f"y = '{name}'\n")
    # Sorted folder by folder (the folder '-e' before the file '-e.py'), as ripgrep walks.
    assert call(tmp_path, "list_files").files == [f"{name}/inner.py", f"{name}.py"]
    assert call(tmp_path, "list_files", path=name).files == [f"{name}/inner.py"]
    result = call(tmp_path, "grep", pattern=name, path=name)
    assert [(m.file, m.text) for m in result.matches] == [(f"{name}/inner.py", f"y = '{name}'")]
    whole = call(tmp_path, "grep", pattern=name, path=f"{name}.py")
    assert [(m.file, m.line) for m in whole.matches] == [(f"{name}.py", 1)]
    assert sorted(os.listdir(tmp_path)) == sorted([f"{name}.py", name])  # nothing created


def test_binary_files_are_named_with_or_without_a_match(tmp_path: Path) -> None:
    (tmp_path / "image.py").write_bytes(b"\x89PNG\x00\x00 no token here\n")
    (tmp_path / "blob.py").write_bytes(b"TOKEN\x00\n")
    (tmp_path / "wide.py").write_bytes("TOKEN = 1\n".encode("utf-16"))
    late = b"TOKEN = 'early'\n" + b"# filler\n" * 1000 + b"\x00\nTOKEN = 'late'\n"
    (tmp_path / "late.py").write_bytes(late)
    result = call(tmp_path, "grep", pattern="TOKEN")
    nul = "a NUL byte in its first 8 KiB"
    assert result.skipped == [
        SkippedFile(file=name, reason="binary", detail=nul)
        for name in ("blob.py", "image.py", "wide.py")
    ]
    # A NUL past the first 8 KiB: text for read_file, so searched to the end.
    assert [(m.file, m.line, m.text) for m in result.matches] == [
        ("late.py", 1, "TOKEN = 'early'"),
        ("late.py", 1003, "TOKEN = 'late'"),
    ]


def test_lines_end_where_python_ends_them(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_bytes(b"\xef\xbb\xbfa = 1\rb = 2\r\nc = 3\rd = 4\n")
    result = call(tmp_path, "grep", pattern="[a-d] = [0-9]", path="old.py")
    assert [(m.line, m.text) for m in result.matches] == [
        (1, "a = 1"),
        (2, "b = 2"),
        (3, "c = 3"),
        (4, "d = 4"),
    ]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_text("TOKEN = 1\n")
    os.symlink("real.py", tmp_path / "alias.py")
    os.symlink("/", tmp_path / "root")
    assert call(tmp_path, "list_files").files == ["real.py"]
    result = call(tmp_path, "grep", pattern="TOKEN", glob="*")
    assert (files(result), result.skipped) == (["real.py"], [])


def test_a_search_stopped_at_its_limit_names_only_what_it_met(tmp_path: Path) -> None:
    (tmp_path / "0.py").write_bytes(b"\x00 binary, met first\n")
    (tmp_path / "a.py").write_text("TOKEN = 1\nTOKEN = 2\n")
    (tmp_path / "b.py").write_text("TOKEN = 3\n")
    (tmp_path / "z.py").write_bytes(b"\x00 binary, after the limit\n")
    binary = "a NUL byte in its first 8 KiB"
    capped = call(tmp_path, "grep", pattern="TOKEN", limit=2)
    assert [(m.file, m.line) for m in capped.matches] == [("a.py", 1), ("a.py", 2)]
    assert capped.truncated
    assert capped.skipped == [SkippedFile(file="0.py", reason="binary", detail=binary)]
    whole = call(tmp_path, "grep", pattern="TOKEN", limit=3)
    assert (whole.match_count, whole.truncated) == (3, False)
    assert whole.skipped == [
        SkippedFile(file=name, reason="binary", detail=binary) for name in ("0.py", "z.py")
    ]
