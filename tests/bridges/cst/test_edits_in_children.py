"""cst_rename and cst_add_import parse in a parser child: a file that segfaults LibCST is a
typed error naming it, and the host goes on (issue 12 §2, first bullet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges.cst import CST_ADD_IMPORT, CST_RENAME, MODULE_CACHE, NameArgumentError, SourceError
from parsers.contracts import Patch

NESTED = "value = 1\nx = " + "(" * 3000 + "value" + ")" * 3000 + "\n"
"""Segfaults LibCST's native parser (see test_messy_trees.py)."""

CLEAN = "import os\n\nvalue = 1\nprint(value, os.sep)\n"

CRASHED = (
    "pkg/nested.py could not be parsed (crashed): the parser process was killed by SIGSEGV on "
    "this file; the file is too deeply nested or too large for the parser; simplify it, or "
    "edit it with write_file"
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "nested.py").write_text(NESTED)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    (tmp_path / "pkg" / "latin.py").write_bytes(
        "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    )
    return tmp_path


def rename(workspace: Path, path: str, old: str, new: str, *, timeout_s: float = 60.0) -> Patch:
    context = BridgeContext(workspace=workspace, timeout_s=timeout_s)
    patch = CST_RENAME.bind(context).function(path=path, old_name=old, new_name=new)
    assert isinstance(patch, Patch)
    return patch


def add_import(workspace: Path, path: str, module: str) -> Patch:
    context = BridgeContext(workspace=workspace)
    patch = CST_ADD_IMPORT.bind(context).function(path=path, module=module)
    assert isinstance(patch, Patch)
    return patch


def test_rename_on_a_file_that_segfaults_libcst_is_a_typed_error_and_the_host_lives(
    workspace: Path,
) -> None:
    started = MODULE_CACHE.pool.started
    with pytest.raises(SourceError) as caught:
        rename(workspace, "pkg/nested.py", "value", "amount")
    assert str(caught.value) == CRASHED
    assert MODULE_CACHE.pool.started >= started  # the dead child is replaced on the next call
    patch = rename(workspace, "pkg/clean.py", "value", "amount")
    assert patch.new_text == "import os\n\namount = 1\nprint(amount, os.sep)\n"


def test_add_import_on_a_file_that_segfaults_libcst_is_a_typed_error_and_the_host_lives(
    workspace: Path,
) -> None:
    with pytest.raises(SourceError) as caught:
        add_import(workspace, "pkg/nested.py", "sys")
    assert str(caught.value) == CRASHED
    patch = add_import(workspace, "pkg/clean.py", "sys")
    assert patch.new_text == "import os\nimport sys\n\nvalue = 1\nprint(value, os.sep)\n"


def test_errors_planned_in_the_child_keep_their_type_and_message(workspace: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(workspace, "pkg/clean.py", "valeu", "amount")
    assert str(caught.value) == (
        "pkg/clean.py has no variable, function, class or import named 'valeu' (parameters "
        "count as variables; attribute names after a dot and keyword argument names are not "
        "bindings). Similar names in the file: value."
    )


def test_a_file_that_is_not_utf8_is_refused_before_any_parse(workspace: Path) -> None:
    with pytest.raises(SourceError) as caught:
        rename(workspace, "pkg/latin.py", "name", "label")
    assert str(caught.value) == (
        "pkg/latin.py is not UTF-8 text (byte 37); cst_rename and cst_add_import only edit "
        "UTF-8 Python (re-save the file as UTF-8 first)"
    )


def test_a_syntax_error_names_file_line_and_column(workspace: Path) -> None:
    (workspace / "pkg" / "broken.py").write_text("x = 1\ny = = 2\n")
    with pytest.raises(SourceError) as caught:
        add_import(workspace, "pkg/broken.py", "sys")
    assert str(caught.value).startswith("pkg/broken.py has a syntax error at line 2, column ")
    assert str(caught.value).endswith(
        "; fix it (read_file shows the line) before running LibCST tools on it"
    )


def test_the_time_limit_is_a_typed_error(workspace: Path) -> None:
    with pytest.raises(SourceError) as caught:
        rename(workspace, "pkg/clean.py", "value", "amount", timeout_s=1e-9)
    assert str(caught.value) == (
        "pkg/clean.py could not be parsed (timeout): the call's time limit ran out before this "
        "file was done; try again with a longer bridge timeout, or edit the file with write_file"
    )
