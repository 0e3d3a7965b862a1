"""The ACP agent's parts that need no editor: plans, writes, the editor's buffers, the index,
prompts, the CLI's usage errors, and that other commands never import the SDK."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from acp import resource_block, resource_link_block, text_block
from acp.helpers import embedded_text_resource

from bridges import BridgeArgumentError, FileText, default_bridges, sample_workspace
from bridges._core._files import MAX_LINES as BRIDGE_MAX_LINES
from runtime.acp import (
    EDITOR_NOTE,
    SessionIndex,
    SessionRecord,
    is_write,
    plan_items,
    prompt_text,
)
from runtime.acp._observe import MAX_LINES, read_through_editor
from sandbox import HostFunction

PUNIE = str(Path(sys.executable).parent / "punie")


def test_a_plan_is_a_list_of_at_least_two_items() -> None:
    assert plan_items("Plan:\n1. Type-check shop\n2) Run the tests\n- Summarise") == [
        "Type-check shop",
        "Run the tests",
        "Summarise",
    ]
    assert plan_items("First the type checker.\n- only one item") == []
    assert plan_items("* a\n*b\n  * c") == ["a", "c"]


def test_writes_are_writing_bridges_and_apply_true() -> None:
    assert [
        is_write("write_file", {"path": "a", "content": ""}),
        is_write("ruff_format", {"path": ".", "apply": True}),
        is_write("ruff_format", {"path": ".", "apply": False}),
        is_write("cst_rename", {"apply": "yes"}),
        is_write("read_file", {"path": "a"}),
    ] == [True, True, False, False, False]


def test_the_editor_line_limit_is_the_bridges() -> None:
    assert MAX_LINES == BRIDGE_MAX_LINES


@pytest.fixture
def read_file(tmp_path: Path) -> tuple[Path, HostFunction]:
    shop = sample_workspace(tmp_path / "shop")
    (shop / "notes.txt").write_text("one\ntwo\nthree\n")
    return shop, next(f for f in default_bridges(shop) if f.name == "read_file")


def test_read_file_prefers_the_editor_text_when_it_differs(
    read_file: tuple[Path, HostFunction],
) -> None:
    shop, function = read_file
    asked: list[Path] = []

    def editor(text: str | None):
        def read(path: Path) -> str | None:
            asked.append(path)
            return text

        return read_through_editor(function, shop, read).function

    assert editor("one\nTWO\nthree\nfour\n")(path="notes.txt", start_line=2, end_line=3) == (
        FileText(
            path="notes.txt",
            text="TWO\nthree\n",
            start_line=2,
            end_line=3,
            line_count=4,
            note=EDITOR_NOTE,
        )
    )
    disk = function.function(path="notes.txt", start_line=None, end_line=None)
    same = editor("one\ntwo\nthree\n")(path="notes.txt", start_line=None, end_line=None)
    assert same == disk and same.note is None
    assert editor(None)(path="notes.txt", start_line=None, end_line=None) == disk
    with pytest.raises(BridgeArgumentError) as past:
        editor("one\n")(path="notes.txt", start_line=3, end_line=None)
    assert str(past.value) == (
        "start_line=3 is past the end of notes.txt, which has 1 lines in the editor"
    )
    assert asked == [(shop / "notes.txt").resolve()] * 4


def test_the_index_keeps_traces_per_session_and_refuses_foreign_ids(tmp_path: Path) -> None:
    index = SessionIndex(tmp_path / "sessions")
    session = "0123456789abcdef0123456789abcdef"
    index.add_trace(session, cwd=tmp_path, trace_id="20261204T000000-aaaa0000")
    index.add_trace(session, cwd=tmp_path, trace_id="20261204T000001-bbbb1111")
    assert index.load(session) == SessionRecord(
        cwd=str(tmp_path), traces=["20261204T000000-aaaa0000", "20261204T000001-bbbb1111"]
    )
    assert index.load("../../etc/passwd") is None
    assert index.load("ffffffffffffffffffffffffffffffff") is None
    with pytest.raises(ValueError) as foreign:
        index.add_trace("../x", cwd=tmp_path, trace_id="t")
    assert str(foreign.value) == "'../x' is not a punie ACP session id"


def test_a_prompt_is_its_text_and_the_files_the_editor_attached() -> None:
    blocks = [
        text_block("Why does this fail?"),
        resource_link_block("cart.py", "file:///p/shop/cart.py"),
        resource_block(embedded_text_resource("file:///p/notes.txt", "fix the total")),
    ]
    assert prompt_text(blocks) == (
        "Why does this fail?\n\n[cart.py](file:///p/shop/cart.py)\n\n"
        "file:///p/notes.txt:\n```\nfix the total\n```"
    )


def test_usage_errors_end_with_status_2_before_serving(tmp_path: Path) -> None:
    runs = [
        subprocess.run(
            [PUNIE, "acp", *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
            timeout=60,
        )
        for args in (["--profile", "tiny"], ["--python", "nowhere"], ["--timeout", "0"])
    ]
    assert [(run.returncode, run.stdout) for run in runs] == [(2, "")] * 3
    assert runs[0].stderr == (
        "punie acp: --profile tiny: there is no profile named 'tiny'; the profiles are: "
        "full, compact, core\n"
    )
    assert runs[1].stderr == (
        f"punie acp: --python nowhere: {tmp_path / 'nowhere'} does not exist; pass the project's "
        "environment (e.g. --python .venv) or leave the flag out to let punie find it\n"
    )
    assert runs[2].stderr.splitlines()[-1] == (
        "punie acp: error: argument --timeout: must be above 0 and at most 3600 seconds, got '0'"
    )


def test_other_commands_never_import_the_sdk() -> None:
    """``punie acp --help`` (the subcommand's parser, as ``punie --help`` loads it) leaves the
    SDK unimported: it takes seconds, and the startup benchmark counts every import."""
    probe = (
        "import sys, runtime.cli as c\n"
        "try:\n"
        "    c.main(['acp', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m == 'acp' or m.startswith('acp.')), "
        "file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stderr == "[]\n"
    assert run.stdout.splitlines()[0] == "usage: punie acp [-h] [--model SPEC] [--allow-write]"
