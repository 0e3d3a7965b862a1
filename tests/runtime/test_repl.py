"""The sandbox REPL: its commands and completion directly, then as a person uses it in a terminal."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from rich.console import Console, RenderableType

from runtime import render_tool_call
from runtime._repl import Repl, ReplCompleter, is_complete
from sandbox import HostFunction, read_session
from tests.runtime.repl_terminal import PROMPT, enter, spawn_punie
from tests.runtime.runtime_fakes import typecheck


def text_of(renderable: RenderableType | None) -> str:
    assert renderable is not None
    console = Console(width=1000, record=True, file=io.StringIO())  # no wrapping of long paths
    console.print(renderable)
    return console.export_text()


@pytest.fixture(scope="module")
def repl() -> Iterator[Repl]:
    session = Repl([HostFunction.from_callable(typecheck)], ask=lambda q: f"asked: {q}")
    yield session
    session.close()


def test_snippets_keep_state_and_show_output_and_values(repl: Repl) -> None:
    assert text_of(repl.handle("n = 20 + 1")) == "\n"
    assert text_of(repl.handle("print('n is', n)\nn * 2")) == "n is 21\n42\n"


def test_errors_are_shown_not_raised(repl: Repl) -> None:
    assert "ZeroDivisionError" in text_of(repl.handle("1 / 0"))
    assert "policy" in text_of(repl.handle("import os"))


def test_commands(repl: Repl) -> None:
    assert ":save" in text_of(repl.handle(":help"))
    assert "typecheck" in text_of(repl.handle(":bridges"))
    assert "class Report" in text_of(repl.handle(":bridges typecheck"))
    assert "no bridge named 'nope'" in text_of(repl.handle(":bridges nope"))
    assert text_of(repl.handle(":ask why?")) == "asked: why?\n"
    assert "unknown command" in text_of(repl.handle(":frobnicate"))
    assert repl.handle(":quit") is None


def test_save_reset_load(repl: Repl, tmp_path: Path) -> None:
    repl.handle('items = [1, "two", {"three": 3.0}]\nflag = True\nnothing = None')
    repl.handle('report = typecheck(path="src")')
    repl.handle("def helper():\n    return 1")
    saved = tmp_path / "session.punie"
    repl.handle(f":save {saved}")
    content = read_session(saved.read_bytes())
    assert {"items", "flag", "nothing", "report"} <= set(content.names)
    assert content.definitions == ("helper",)
    repl.handle(":reset")
    assert "NameError" in text_of(repl.handle("items"))
    assert "loaded" in text_of(repl.handle(f":load {saved}"))
    assert text_of(repl.handle("[items[1], helper(), report.error_count]")) == "['two', 1, 2]\n"


def test_the_pre_run_check_refuses_with_the_text_the_model_reads(repl: Repl) -> None:
    from runtime.template import outcome_from_precheck
    from sandbox import precheck

    source = 'bad = typecheck(pth="src")'
    issues = precheck(source, [HostFunction.from_callable(typecheck)])
    shown = text_of(repl.handle(source))
    assert shown.startswith("the snippet was not run; fix these first:")
    assert shown == (outcome_from_precheck(issues).error or "") + "\n"
    assert "NameError" in text_of(repl.handle("bad"))  # it did not run


def test_save_leaves_out_names_a_failed_snippet_never_bound(repl: Repl, tmp_path: Path) -> None:
    repl.handle("kept = 1\nlost = 1 / 0")
    saved = tmp_path / "session.punie"
    message = text_of(repl.handle(f":save {saved}"))
    names = read_session(saved.read_bytes()).names
    assert "kept" in names
    assert "lost" not in names and "lost" not in message
    assert "lost" not in [n for n, _ in ReplCompleter(repl).suggest("los")]


def test_bridges_lists_each_first_sentence_whole() -> None:
    def check_routes(*, path: str) -> int:
        """Check route patterns of @router.get('/...'): leading '/',
        no trailing slash. Second sentence is left out.

        Details that :bridges NAME shows.
        """
        return 0

    session = Repl([HostFunction.from_callable(check_routes)])
    try:
        shown = text_of(session.handle(":bridges"))
    finally:
        session.close()
    assert shown == (
        "check_routes  Check route patterns of @router.get('/...'): leading '/', no trailing "
        "slash.\n"
    )


def test_load_rejects_bad_files(repl: Repl, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"names": {"__class__": 1}}')
    assert "invalid names" in text_of(repl.handle(f":load {bad}"))
    assert "cannot load" in text_of(repl.handle(f":load {tmp_path / 'missing.json'}"))
    bad.write_text('{"names": {"class": 1}}')
    assert "['class']" in text_of(repl.handle(f":load {bad}"))
    bad.write_text('{"names": {"typecheck": 1}}')
    assert "hide the bridge" in text_of(repl.handle(f":load {bad}"))
    assert "error_count" in text_of(repl.handle('typecheck(path="a")'))  # still the bridge


def test_completion_of_bridges_arguments_fields_and_commands(repl: Repl) -> None:
    complete = ReplCompleter(repl).suggest
    repl.handle('r = typecheck(path="a")')
    assert ("typecheck", -4) in complete("type")
    assert list(complete("typecheck(p")) == [("path=", -1)]
    assert list(complete('typecheck(path="x", ')) == []
    assert sorted(n for n, _ in complete("r.err")) == ["error_count", "errors"]
    assert [n for n, _ in complete('typecheck(path="x").error_')] == ["error_count"]
    assert list(complete(":sa")) == [(":save", -3)]


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("x = 1", True),
        ("for i in range(2):", False),
        ("for i in range(2):\n    print(i)", False),
        ("for i in range(2):\n    print(i)\n", True),
        (":help", True),
        ("(1,", False),
        ("1 +* 2", True),
    ],
)
def test_enter_runs_complete_input_only(text: str, complete: bool) -> None:
    assert is_complete(text) is complete


@pytest.mark.slow
def test_repl_in_a_terminal(tmp_path: Path) -> None:
    """Drive ``punie repl`` through a pseudo-terminal: typing, multi-line blocks, tab completion.

    Each step waits for its output line before the next is typed (``enter``): keys typed while a
    snippet runs are read by the next prompt all at once, which is not how a person types (a Tab
    read in the same batch as the text before it only shows the menu, it does not complete).
    """
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text('count: int = "three"\n')
    replies = [render_tool_call('print(typecheck(path=".").error_count)'), "There is 1 type error."]
    (workspace / "replies.json").write_text(json.dumps(replies))
    history = tmp_path / "history"
    transcript = io.StringIO()
    child = spawn_punie(
        [
            "repl",
            "--workspace",
            str(workspace),
            "--history",
            str(history),
            "--model",
            "scripted:replies.json",
        ],
        transcript,
    )
    try:
        child.expect_exact("bridges. :help for commands.\r\n")
        child.expect_exact(PROMPT)
        child.send("x = 21 * 2\r")
        enter(child, "print(x)", shows="42")
        child.send("for i in range(2):\r")
        child.send("print(i * 10)\r")  # indented for the person, by the REPL
        enter(child, "", shows="0\r\n10")  # the empty line ends the block
        child.send("r = typecheck(path='.')\r")
        enter(child, "print('checked')", shows="checked")  # r's result type is now known
        child.send("print(r.error_c")
        child.expect_exact("error_count")  # the completion menu offers the result's field
        child.send("\t")  # takes it: the line is now print(r.error_count
        enter(child, ")", shows="1")
        child.send(":bridges\r")
        child.expect_exact("ruff_check")
        child.expect_exact(PROMPT)
        child.send(":ask How many type errors?\r")
        child.expect_exact("There is 1 type error.")
        child.expect_exact("(success, trace ")
        child.expect_exact(PROMPT)
        child.send(":quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Traceback" not in transcript.getvalue()
    assert child.exitstatus == 0
    assert "x = 21 * 2" in history.read_text()


def test_save_and_load_expand_the_home_folder(
    repl: Repl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    repl.handle("home_value = 7")
    assert "saved" in text_of(repl.handle(":save ~/s.punie"))
    assert "home_value" in read_session((tmp_path / "s.punie").read_bytes()).names
    assert "loaded" in text_of(repl.handle(":load ~/s.punie"))


def test_a_timeout_forgets_the_names_and_an_early_ctrl_c_keeps_them() -> None:
    from sandbox import Limits, Sandbox

    with Sandbox([typecheck], Limits(timeout_s=0.5)) as box:
        session = Repl([typecheck], sandbox=box)
        try:
            session.handle("found = 3")
            assert list(session.names) == ["found"]
            # a Ctrl-C before the next snippet reached the worker: nothing was lost
            assert text_of(session.interrupted()) == (
                "interrupted before the snippet ran; the session is intact\n"
            )
            assert list(session.names) == ["found"]
            assert text_of(session.handle("while True:\n    pass")).startswith("timeout: ")
            assert session.names == {}
        finally:
            session.close()
