"""read_file, list_files, grep and write_file on the sample workspace."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from bridges import (
    BridgeArgumentError,
    PathNotFound,
    PathOutsideWorkspace,
    ToolTimeout,
    WritingNotAllowed,
)
from tests.bridges.bridge_helpers import call, functions


def test_read_a_whole_file(shop_workspace: Path) -> None:
    result = call(shop_workspace, "read_file", path="shop/cart.py")
    assert result.text == (shop_workspace / "shop" / "cart.py").read_text()
    assert (result.start_line, result.end_line) == (1, result.line_count)


def test_read_a_range(shop_workspace: Path) -> None:
    result = call(shop_workspace, "read_file", path="shop/cart.py", start_line=25, end_line=26)
    assert result.text == (
        "    def total(self) -> int:\n        return sum(item.subtotal() for item in self.items)\n"
    )
    assert (result.start_line, result.end_line, result.line_count) == (25, 26, 29)
    tail = call(shop_workspace, "read_file", path="shop/cart.py", start_line=28, end_line=999)
    assert tail.end_line == 29


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(0, 3, "numbered from 1"), (5, 2, "end_line must be >= start_line"), (500, None, "29 lines")],
)
def test_read_bad_ranges(shop_workspace: Path, start: int, end: int | None, message: str) -> None:
    with pytest.raises(BridgeArgumentError, match=message):
        call(shop_workspace, "read_file", path="shop/cart.py", start_line=start, end_line=end)


def test_read_refuses_escapes_folders_and_binary(shop_workspace: Path) -> None:
    with pytest.raises(PathOutsideWorkspace):
        call(shop_workspace, "read_file", path="/etc/passwd")
    with pytest.raises(PathNotFound, match="is a folder"):
        call(shop_workspace, "read_file", path="shop")
    (shop_workspace / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(BridgeArgumentError) as raised:
        call(shop_workspace, "read_file", path="logo.png")
    assert str(raised.value) == (
        "logo.png is a binary file (a NUL byte in its first 8 KiB); bridges only read text files"
    )


def test_read_an_empty_file(shop_workspace: Path) -> None:
    (shop_workspace / "empty.py").write_text("")
    result = call(shop_workspace, "read_file", path="empty.py")
    assert (result.text, result.start_line, result.end_line, result.line_count) == ("", 1, 0, 0)


def test_list_files(shop_workspace: Path) -> None:
    result = call(shop_workspace, "list_files", path="tests", pattern="test_*.py")
    assert result.files == [
        "tests/test_cart.py",
        "tests/test_inventory.py",
        "tests/test_pricing.py",
    ]
    everything = call(shop_workspace, "list_files")
    assert "pyproject.toml" in everything.files
    assert not any(path.startswith(".git/") for path in everything.files)
    assert ".gitignore" not in everything.files
    limited = call(shop_workspace, "list_files", pattern="*.py", limit=2)
    assert (len(limited.files), limited.truncated) == (2, True)
    assert call(shop_workspace, "list_files", pattern="tests/*.py").files == result.files


def test_list_files_skips_symlinks_leading_out(shop_workspace: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.py").write_text("secret = 1\n")
    os.symlink(tmp_path / "outside.py", shop_workspace / "shop" / "linked.py")
    result = call(shop_workspace, "list_files", pattern="*.py")
    assert "shop/linked.py" not in result.files
    assert not call(shop_workspace, "grep", pattern="secret").matches


def test_grep(shop_workspace: Path) -> None:
    result = call(shop_workspace, "grep", pattern=r"def (total|count)\b", path="shop/cart.py")
    assert [(m.line, m.text.strip()) for m in result.matches] == [
        (22, "def count(self) -> int:"),
        (25, "def total(self) -> int:"),
    ]
    anywhere = call(shop_workspace, "grep", pattern="low_stock_threshold", ignore_case=True)
    assert {m.file for m in anywhere.matches} == {"shop/inventory.py"}
    toml = call(shop_workspace, "grep", pattern="^name", glob="*.toml")
    assert [m.file for m in toml.matches] == ["pyproject.toml"]
    capped = call(shop_workspace, "grep", pattern="def ", limit=3)
    assert (capped.match_count, capped.truncated) == (3, True)


def test_named_pipes_are_never_opened(shop_workspace: Path) -> None:
    os.mkfifo(shop_workspace / "shop" / "pipe.py")
    found: dict[str, Any] = {}

    def search() -> None:  # opening the pipe would block forever: run where a hang shows
        found["grep"] = call(shop_workspace, "grep", pattern="LOW_STOCK", path="shop")
        found["list"] = call(shop_workspace, "list_files", path="shop")

    worker = threading.Thread(target=search, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "grep or list_files blocked on a named pipe"
    assert {m.file for m in found["grep"].matches} == {"shop/inventory.py"}
    assert "shop/pipe.py" not in found["list"].files
    with pytest.raises(PathNotFound, match="not a regular file"):
        call(shop_workspace, "read_file", path="shop/pipe.py")


def test_a_pattern_that_backtracks_in_python_answers_at_once(shop_workspace: Path) -> None:
    """Python's re needs hours for these patterns on these lines (issue 12: the alternation
    alone took 34 s and held the GIL); ripgrep's engine is linear. A short tool timeout makes a
    hang fail the test, and the thread watch catches matching in the host."""
    (shop_workspace / "shop" / "long.py").write_text(
        "x = '" + "a" * 40 + "!'\n" + "y = '" + "." * 1000 + "'\n"
    )
    grep = functions(shop_workspace, timeout_s=5)["grep"].function
    outcome: dict[str, Any] = {}

    def search() -> None:
        outcome["nested"] = grep(pattern="(a+)+$", path="shop")
        outcome["alternation"] = grep(pattern="(.|..)" * 22 + "!", path="shop/long.py")
        outcome["found"] = grep(pattern="(a|aa)+!", path="shop")

    worker = threading.Thread(target=search, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "grep kept matching past its time limit"
    assert outcome["nested"].matches == []
    # 22 to 44 characters then '!': line 1 has one; line 2 has none, and Python's re needs about
    # two minutes to find that out (0.12 s per character of the line, measured).
    assert [(m.line, m.text) for m in outcome["alternation"].matches] == [
        (1, "x = '" + "a" * 40 + "!'")
    ]
    assert [(m.file, m.line) for m in outcome["found"].matches] == [("shop/long.py", 1)]


def test_a_search_past_its_time_limit_is_a_tool_timeout(shop_workspace: Path) -> None:
    grep = functions(shop_workspace, timeout_s=1e-9)["grep"].function
    with pytest.raises(ToolTimeout) as raised:
        grep(pattern="def", path="shop")
    assert str(raised.value) == (
        "the search did not finish within 1e-09 s and was stopped; narrow path= (a folder or one "
        "file) or glob="
    )


def test_grep_limit_stops_in_file_order(shop_workspace: Path) -> None:
    every = call(shop_workspace, "grep", pattern="de+f", path="shop")
    capped = call(shop_workspace, "grep", pattern="de+f", path="shop", limit=2)
    assert (capped.match_count, capped.truncated) == (2, True)
    assert capped.matches == every.matches[:2]
    assert not every.truncated
    assert [m.file for m in every.matches] == sorted(m.file for m in every.matches)


def test_grep_refuses_a_bad_pattern(shop_workspace: Path) -> None:
    with pytest.raises(BridgeArgumentError) as raised:
        call(shop_workspace, "grep", pattern="def total(")
    assert str(raised.value) == (
        "pattern='def total(' is not a valid regular expression for grep (unclosed group); "
        "escape special characters like '(' or '.' with a backslash, or search for a plain "
        "word. grep uses ripgrep's syntax: Python's re without lookaround, backreferences, "
        "conditionals or atomic groups"
    )


def test_write_file_is_absent_unless_allowed(shop_workspace: Path) -> None:
    assert "write_file" not in functions(shop_workspace)
    assert "write_file" in functions(shop_workspace, allow_write=True)


def test_write_file_creates_and_replaces(shop_workspace: Path) -> None:
    created = call(
        shop_workspace, "write_file", allow_write=True, path="docs/notes.md", content="# Notes\n"
    )
    assert created.created
    assert created.bytes_written == 8
    assert "+# Notes" in created.diff
    replaced = call(
        shop_workspace, "write_file", allow_write=True, path="docs/notes.md", content="# Todo\n"
    )
    assert not replaced.created
    assert "-# Notes" in replaced.diff
    assert (shop_workspace / "docs" / "notes.md").read_text() == "# Todo\n"


def test_write_file_refusals(shop_workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(PathOutsideWorkspace):
        call(shop_workspace, "write_file", allow_write=True, path="../evil.py", content="x")
    with pytest.raises(PathOutsideWorkspace, match=r"\.git"):
        call(shop_workspace, "write_file", allow_write=True, path=".git/config", content="x")
    os.symlink(tmp_path, shop_workspace / "out")
    with pytest.raises(PathOutsideWorkspace, match="symlink"):
        call(shop_workspace, "write_file", allow_write=True, path="out/evil.py", content="x")
    assert not (tmp_path / "evil.py").exists()


def test_write_file_refuses_what_it_cannot_write(shop_workspace: Path) -> None:
    with pytest.raises(BridgeArgumentError, match="lone surrogate"):
        call(shop_workspace, "write_file", allow_write=True, path="new/z.py", content="x\udcff")
    assert not (shop_workspace / "new").exists()
    os.mkfifo(shop_workspace / "pipe.py")
    with pytest.raises(BridgeArgumentError, match="not a regular file"):
        call(shop_workspace, "write_file", allow_write=True, path="pipe.py", content="x = 1\n")


def test_a_path_the_file_system_cannot_take_is_a_bridge_error(shop_workspace: Path) -> None:
    long = "a" * 300
    cases: list[tuple[str, dict[str, Any]]] = [
        ("read_file", {"path": long}),
        ("list_files", {"path": long}),
        ("grep", {"pattern": "x", "path": long}),
        ("typecheck", {"path": f"shop/{long}.py"}),
        ("cst_find_pattern", {"pattern": "name:x", "path": long}),
        ("validate_component", {"path": long}),
    ]
    for name, arguments in cases:
        with pytest.raises(PathNotFound, match=r"cannot be used \(File name too long\)"):
            call(shop_workspace, name, **arguments)
    with pytest.raises(PathNotFound, match="300 characters"):
        call(shop_workspace, "write_file", allow_write=True, path=long, content="x")


def test_write_file_bound_read_only_still_refuses(shop_workspace: Path) -> None:
    """Even if a read-only context is bound by hand, the implementation refuses to write."""
    from bridges import BridgeContext, registry

    record = next(r for r in registry() if r.name == "write_file")
    function = record.bind(BridgeContext(workspace=shop_workspace, allow_write=False))
    with pytest.raises(WritingNotAllowed):
        function.function(path="x.py", content="x = 1\n")
    assert not (shop_workspace / "x.py").exists()
