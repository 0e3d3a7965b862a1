"""The language-server session: lazy start, reuse, threads, restart after death, timeouts, and
the typed errors a model sees when the server is missing or broken."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from bridges import BridgeContext, ToolCrashed, ToolError, ToolMissing, ToolTimeout
from bridges.navigation import LanguageServerSession, session_for
from bridges.navigation._bridges import (
    PositionArguments,
    WorkspaceSymbolsArguments,
    goto_definition,
    workspace_symbols as workspace_symbols_bridge,
)

pytestmark = pytest.mark.slow

FLAKY = Path(__file__).with_name("flaky_server.py")


def definition_params(path: Path) -> types.DefinitionParams:
    return types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=types.Position(line=0, character=0),
    )


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path.resolve()
    (root / "m.py").write_text("class Box:\n    pass\n\n\nb = Box()\n", encoding="utf-8")
    yield root
    session_for(root).close()


def test_server_starts_lazily_and_stays_warm(small: Path) -> None:
    session = session_for(small)
    assert session is session_for(small)
    assert session.pid is None  # nothing started yet
    context = BridgeContext(workspace=small)
    first = goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=5))
    pid = session.pid
    assert pid is not None and first.definitions[0].line == 1
    for _ in range(5):
        goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=5))
    assert session.pid == pid and session.restarts == 0
    session.close()
    assert session.pid is None
    goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=5))
    assert session.pid not in (None, pid)


def test_many_threads_share_one_server(small: Path) -> None:
    context = BridgeContext(workspace=small)
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                found = goto_definition(
                    context, PositionArguments(file="m.py", symbol="Box", line=5)
                )
                results.append(found.definitions[0].line)
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and results == [1] * 40
    assert session_for(small).restarts == 0


def test_killed_server_is_restarted_transparently(small: Path) -> None:
    context = BridgeContext(workspace=small)
    session = session_for(small)
    workspace_symbols_bridge(context, WorkspaceSymbolsArguments(query="Box"))
    old = session.pid
    assert old is not None
    os.kill(old, signal.SIGKILL)
    found = workspace_symbols_bridge(context, WorkspaceSymbolsArguments(query="Box"))
    assert found.symbols[0].name == "Box"
    assert session.pid not in (None, old) and session.restarts == 1


def test_server_dying_mid_request_is_restarted_and_the_request_retried(tmp_path: Path) -> None:
    marker = tmp_path / "crashed"
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, str(FLAKY), str(marker)], request_timeout_s=10
    )
    try:
        path = tmp_path / "x.py"
        path.write_text("x = 1\n")
        # The first server crashes while answering; the second one answers.
        assert session.request(types.TEXT_DOCUMENT_DEFINITION, definition_params(path)) == []
        assert marker.exists() and session.restarts == 1
    finally:
        session.close()


def test_server_dying_again_after_the_restart_is_a_typed_crash(tmp_path: Path) -> None:
    # The marker cannot be written (its folder does not exist), so every server crashes while
    # answering: restarted once, then the bridge error with the end of the server's stderr.
    marker = tmp_path / "no-such-folder" / "crashed"
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, str(FLAKY), str(marker)], request_timeout_s=10
    )
    try:
        path = tmp_path / "x.py"
        path.write_text("x = 1\n")
        with pytest.raises(ToolCrashed, match=r"died twice while answering textDocument/defin"):
            session.request(types.TEXT_DOCUMENT_DEFINITION, definition_params(path))
        assert session.restarts == 2
        # a later call starts a fresh server again (it answers other requests)
        assert (
            session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="x")) is None
        )
    finally:
        session.close()


def test_silent_server_times_out_with_a_typed_error(tmp_path: Path) -> None:
    session = LanguageServerSession(
        tmp_path,
        command=[sys.executable, str(FLAKY), str(tmp_path / "m")],
        request_timeout_s=0.5,
    )
    try:
        params = types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=(tmp_path / "x.py").as_uri()),
            position=types.Position(line=0, character=0),
        )
        with pytest.raises(ToolTimeout, match="did not answer textDocument/hover"):
            session.request(types.TEXT_DOCUMENT_HOVER, params)
        # The server is still usable afterwards.
        assert (
            session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="x")) is None
        )
    finally:
        session.close()


def test_server_to_client_requests_are_answered(tmp_path: Path) -> None:
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, str(FLAKY), str(tmp_path / "m")], request_timeout_s=10
    )
    try:
        params = types.WorkspaceSymbolParams(query="answers")
        found = session.request(types.WORKSPACE_SYMBOL, params)
        # the answers travel back after the client handled them; ask again until all three came
        for _ in range(50):
            if len(found) == 3:
                break
            found = session.request(types.WORKSPACE_SYMBOL, params)
        assert sorted(symbol["name"] for symbol in found) == [
            "client/registerCapability=null",
            "window/workDoneProgress/create=null",
            "workspace/configuration=[null, null]",
        ]
    finally:
        session.close()


def test_an_error_answer_from_the_server_is_a_typed_tool_error(tmp_path: Path) -> None:
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, str(FLAKY), str(tmp_path / "m")], request_timeout_s=10
    )
    try:
        with pytest.raises(ToolError, match=r"answered workspace/symbol with an error.*bad query"):
            session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="error"))
        assert session.restarts == 0  # an error answer is not a crash
        assert (
            session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="x")) is None
        )
    finally:
        session.close()


def test_content_modified_is_asked_again_once(tmp_path: Path) -> None:
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, str(FLAKY), str(tmp_path / "m")], request_timeout_s=10
    )
    try:
        found = session.request(
            types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="modified")
        )
        assert [symbol["name"] for symbol in found] == ["fresh"]
        with pytest.raises(ToolError, match="answered workspace/symbol with an error"):
            session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="always"))
        assert session.restarts == 0
    finally:
        session.close()


def test_missing_server_says_what_to_install(tmp_path: Path) -> None:
    session = LanguageServerSession(tmp_path, command=["punie-no-such-language-server"])
    with pytest.raises(ToolMissing, match="install it"):
        session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="x"))


def test_server_that_exits_at_start_is_a_crash_with_its_stderr(tmp_path: Path) -> None:
    code = "import sys; sys.stderr.write('bad config: oops\\n'); sys.exit(2)"
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, "-c", code], start_timeout_s=5
    )
    with pytest.raises(ToolCrashed, match=r"did not start.*bad config: oops"):
        session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="x"))


def test_server_that_never_initialises_times_out(tmp_path: Path) -> None:
    code = "import time; time.sleep(60)"
    session = LanguageServerSession(
        tmp_path, command=[sys.executable, "-c", code], start_timeout_s=0.5
    )
    with pytest.raises(ToolCrashed, match="did not start"):
        session.request(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query="x"))


def test_unknown_server_name_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown language server"):
        LanguageServerSession(tmp_path, server="emacs")


def test_a_forked_child_leaves_the_parents_server_alone(small: Path) -> None:
    context = BridgeContext(workspace=small)
    goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=5))
    parent_server = session_for(small).pid
    child = os.fork()
    if child == 0:  # the child: forgets the parent's sessions, starts its own when asked
        try:
            from bridges.navigation import close_all_sessions

            close_all_sessions()
            found = goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=5))
            mine = session_for(small).pid
            close_all_sessions()
            os._exit(0 if found.count == 1 and mine not in (None, parent_server) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert session_for(small).pid == parent_server
    assert goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=5)).count == 1


def test_the_remembered_session_is_forgotten_when_sessions_are_closed(tmp_path: Path) -> None:
    """``session_for`` remembers its last answer; after ``close_all_sessions`` it must hand out
    a new session (tracked, so shut down at exit), never the closed one. Run in a child process
    so that closing every session leaves the other tests' servers alone."""
    child = os.fork()
    if child == 0:
        try:
            from bridges.navigation import close_all_sessions

            workspace = tmp_path.resolve()
            first = session_for(workspace)
            same = session_for(workspace) is first and session_for(Path(str(workspace))) is first
            close_all_sessions()
            second = session_for(workspace)
            os._exit(0 if same and second is not first and session_for(workspace) is second else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
