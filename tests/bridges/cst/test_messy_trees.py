"""cst_find_pattern and the validators on messy trees: encodings, syntax errors, binary files,
a file that segfaults LibCST, edits, and the time limit (issue 10 finding 7, issue 12 §2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges.cst import CST_FIND_PATTERN, MODULE_CACHE
from bridges.validators import BRIDGES as VALIDATORS
from parsers.contracts import SkippedFile, ValidationResult
from parsers.contracts.cst import CstFindResult

BAIT = "# html get container register_factory import os.sep\n"
"""Words every finder and validator pre-filter looks for, so that the bad files get parsed."""
NESTED = BAIT + "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
"""A 6 KB file that makes LibCST's native parser segfault (issue 12)."""


def make_messy_tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a_clean.py").write_text("def greet():\n    return html('<p>hi</p>')\n")
    (root / "pkg" / "b_latin1.py").write_bytes(
        "# -*- coding: latin-1 -*-\nname = 'café'\nhtml('<b>é</b>')\n".encode("latin-1")
    )
    (root / "pkg" / "c_cp1252.py").write_bytes(
        "quote = '\u201chi\u201d'\nhtml(quote)\n".encode("cp1252")
    )
    (root / "pkg" / "d_broken.py").write_text(BAIT + "html(\ndef = 3\n")
    (root / "pkg" / "e_binary.py").write_bytes(b"\x7fELF\x00\x00html(")
    (root / "pkg" / "f_nested.py").write_text(NESTED)
    (root / "pkg" / "g_last.py").write_text("import os\n\nprint(html(os.sep))\n")
    return root


EXPECTED_SKIPPED = [
    ("pkg/c_cp1252.py", "undecodable", "not valid utf-8 (byte 9)"),
    ("pkg/d_broken.py", "syntax_error"),
    ("pkg/e_binary.py", "binary", "contains NUL bytes (the first at byte 4)"),
    ("pkg/f_nested.py", "crashed", "the parser process was killed by SIGSEGV on this file"),
]


def skipped(items: list[SkippedFile]) -> list[tuple[str, ...]]:
    return [
        (item.file, item.reason)
        if item.reason == "syntax_error"
        else (item.file, item.reason, item.detail)
        for item in items
    ]


def find(workspace: Path, pattern: str, *, timeout_s: float = 60.0) -> CstFindResult:
    context = BridgeContext(workspace=workspace, timeout_s=timeout_s)
    result = CST_FIND_PATTERN.bind(context).function(pattern=pattern, path=".", limit=5000)
    assert isinstance(result, CstFindResult)
    return result


def rows(result: CstFindResult) -> list[tuple[str, int, int, str, str]]:
    return [(m.file, m.line, m.column, m.name, m.code) for m in result.matches]


def test_the_nested_file_really_segfaults_libcst() -> None:
    code = f"import libcst; libcst.parse_module({NESTED!r})"
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert process.returncode == -11


@pytest.mark.parametrize("pattern", ["call:html", "name:html"])
def test_a_messy_tree_gives_every_match_and_names_every_skipped_file(
    tmp_path: Path, pattern: str
) -> None:
    workspace = make_messy_tree(tmp_path)
    MODULE_CACHE.clear()
    result = find(workspace, pattern)
    column = {"call:html": 12, "name:html": 12}[pattern]
    assert rows(result) == [
        ("pkg/a_clean.py", 2, column, "html", "html('<p>hi</p>')"),
        ("pkg/b_latin1.py", 3, 1, "html", "html('<b>é</b>')"),
        ("pkg/g_last.py", 3, 7, "html", "html(os.sep))"),
    ]
    assert skipped(result.skipped) == EXPECTED_SKIPPED
    assert result.files_searched == 3
    again = find(workspace, pattern)  # from the cache, crashed file included
    assert rows(again) == rows(result) and again.skipped == result.skipped


def test_the_host_survives_and_a_new_child_takes_over(tmp_path: Path) -> None:
    workspace = make_messy_tree(tmp_path)
    MODULE_CACHE.clear()
    started = MODULE_CACHE.pool.started
    result = find(workspace, "attribute:os.sep")
    assert rows(result) == [("pkg/g_last.py", 3, 12, "os.sep", "os.sep))")]
    assert MODULE_CACHE.pool.started >= started + 1  # the child that died was replaced


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    workspace = make_messy_tree(tmp_path)
    assert [m.file for m in find(workspace, "function:*").matches] == ["pkg/a_clean.py"]
    (workspace / "pkg" / "g_last.py").write_text("def later():\n    pass\n")
    assert rows(find(workspace, "function:*")) == [
        ("pkg/a_clean.py", 1, 1, "greet", "def greet():"),
        ("pkg/g_last.py", 1, 1, "later", "def later():"),
    ]


def test_the_time_limit_returns_partial_results_with_the_rest_skipped(tmp_path: Path) -> None:
    body = "".join(f"def f{n}(x):\n    return g{n}(x.y, [z for z in x])\n" for n in range(400))
    for index in range(40):
        (tmp_path / f"m{index:02}.py").write_text(body)
    MODULE_CACHE.clear()
    result = find(tmp_path, "name:g1", timeout_s=0.05)
    reasons = {item.reason for item in result.skipped}
    assert reasons == {"timeout"}
    assert len(result.skipped) + result.files_searched == 40
    assert result.skipped[0].detail == "the call's time limit ran out before this file was done"
    full = find(tmp_path, "name:g1")
    assert full.skipped == [] and full.files_searched == 40
    assert [(m.file, m.line) for m in full.matches] == [(f"m{i:02}.py", 4) for i in range(40)]


def validate(workspace: Path, name: str, path: str = ".") -> ValidationResult:
    bridge = next(bridge for bridge in VALIDATORS if bridge.name == name)
    result = bridge.bind(BridgeContext(workspace=workspace)).function(path=path)
    assert isinstance(result, ValidationResult)
    return result


ESCAPE = "from tdom import html\n\n\ndef page(name):\n    return html(f'<p>{name}</p>')\n"


@pytest.mark.parametrize(
    "name", ["validate_escape_context", "validate_route_pattern", "check_dependency_graph"]
)
def test_validators_skip_what_they_cannot_parse(tmp_path: Path, name: str) -> None:
    workspace = make_messy_tree(tmp_path)
    (workspace / "pkg" / "h_escape.py").write_text(ESCAPE)
    result = validate(workspace, name)
    expected = {
        "validate_escape_context": [("TDOM101", "pkg/h_escape.py", 5)],
        "validate_route_pattern": [],
        "check_dependency_graph": [],
    }[name]
    assert [(i.rule, i.file, i.line) for i in result.issues] == expected
    assert skipped(result.skipped) == EXPECTED_SKIPPED


def test_check_layers_skips_too(tmp_path: Path) -> None:
    workspace = make_messy_tree(tmp_path)
    bridge = next(bridge for bridge in VALIDATORS if bridge.name == "check_layers")
    result = bridge.bind(BridgeContext(workspace=workspace)).function(
        path=".", rules={"pkg.g_last": [], "os": []}
    )
    assert isinstance(result, ValidationResult)
    assert [(i.rule, i.file, i.line) for i in result.issues] == [("LAYER001", "pkg/g_last.py", 1)]
    assert skipped(result.skipped) == EXPECTED_SKIPPED
