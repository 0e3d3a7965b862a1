"""The REPL's ``:save``/``:load`` keep the whole session (issue 16): data, bridge results,
imports, functions and classes, through ``Session.dump`` and ``Sandbox.restore``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from runtime._repl import Repl
from sandbox import HostFunction
from tests.runtime.runtime_fakes import typecheck


def text_of(renderable: RenderableType | None) -> str:
    assert renderable is not None
    console = Console(width=1000, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


@pytest.fixture
def repl() -> Iterator[Repl]:
    session = Repl([HostFunction.from_callable(typecheck)])
    yield session
    session.close()


def test_save_and_load_keep_data_results_imports_functions_and_classes(
    repl: Repl, tmp_path: Path
) -> None:
    repl.handle("import json\nitems = [1, 'two', (3, 4)]\nreport = typecheck(path='src')")
    repl.handle("def count(xs):\n    return len(xs)")
    repl.handle("class Box:\n    def __init__(self, v):\n        self.v = v")
    repl.handle("box = Box(1)")
    saved = tmp_path / "session.punie"
    assert text_of(repl.handle(f":save {saved}")) == (
        f"saved 5 names to {saved} (not saved: box: an instance of the session's class Box "
        "(the class is saved, its instances are not): make it again after the restore)\n"
    )
    repl.handle(":reset")
    assert text_of(repl.handle(f":load {saved}")) == (
        f"loaded 5 names from {saved}: json, items, report, count, Box\n"
    )
    assert text_of(
        repl.handle("[count(items), report.error_count, Box(5).v, json.dumps(items)]")
    ) == ("[3, 2, 5, '[1, \"two\", [3, 4]]']\n")


def test_load_refuses_a_damaged_file_and_keeps_the_session(repl: Repl, tmp_path: Path) -> None:
    repl.handle("kept = 1")
    saved = tmp_path / "session.punie"
    repl.handle(f":save {saved}")
    saved.write_bytes(saved.read_bytes()[:-2])
    assert text_of(repl.handle(f":load {saved}")) == (
        f"cannot load {saved}: the saved session is truncated or corrupted (its checksum does "
        "not match its content); save the session again\n"
    )
    assert text_of(repl.handle("kept")) == "1\n"


def test_load_still_reads_a_json_file_of_plain_names(repl: Repl, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text('{"punie_repl_session": 1, "names": {"legacy": [1, 2]}}', encoding="utf-8")
    assert text_of(repl.handle(f":load {old}")) == f"loaded 1 names from {old}: legacy\n"
    assert text_of(repl.handle("legacy")) == "[1, 2]\n"
