"""Every cache of the navigation client has an owner (issue 13, finding 2): a language-server
session owns what its calls remember (``SessionCache``: URIs, paths, file lines, outlines, syntax
indexes) and empties it in ``close()``; a ``SessionRegistry`` owns its sessions and their loop
thread and closes them in ``close()``. Two owners never share their state; a bound bridge set
given its own registry (``default_bridges(..., navigation=registry)``) owns its servers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeContext, bridge_context, default_bridges
from bridges.navigation import session_for
from bridges.navigation._bridges import (
    DocumentSymbolsArguments,
    PositionArguments,
    document_symbols,
    goto_definition,
)
from bridges.navigation._convert import SourceLines
from bridges.navigation._positions import Outline
from bridges.navigation._scopes import ScopeIndexes
from bridges.navigation._session import SESSIONS, SessionRegistry
from bridges.navigation._session_cache import SessionCache

SOURCE = "class Box:\n    def size(self) -> int:\n        return 1\n\n\nb = Box()\n"


def make_workspace(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "m.py").write_text(SOURCE, encoding="utf-8")
    return folder.resolve()


@pytest.fixture
def two_workspaces(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    first, second = make_workspace(tmp_path, "a"), make_workspace(tmp_path, "b")
    yield first, second
    session_for(first).close()
    session_for(second).close()


# -- the session's cache ---------------------------------------------------------------------


def test_a_session_keeps_what_its_calls_remember_and_close_empties_it(
    two_workspaces: tuple[Path, Path],
) -> None:
    first, second = two_workspaces
    session = session_for(first)
    assert session.cache.size == 0  # nothing remembered before the first call
    result = document_symbols(BridgeContext(workspace=first), DocumentSymbolsArguments(file="m.py"))
    key = (str(first / "m.py"), session.position_encoding)
    assert session.cache.outline(key, SOURCE) == (
        result.symbols,
        [Outline("Box", 1, 7), Outline("Box.size", 2, 9), Outline("b", 6, 1)],
    )
    assert session.cache.file_uri(first / "m.py") == (first / "m.py").as_uri()
    assert session_for(second).cache.size == 0  # the other workspace's session shares nothing

    session.close()
    assert session.cache.size == 0
    assert session.cache.outline(key, SOURCE) is None


def test_two_sessions_do_not_share_what_they_remember(two_workspaces: tuple[Path, Path]) -> None:
    first, second = two_workspaces
    arguments = PositionArguments(file="m.py", symbol="Box", line=6)
    found_first = goto_definition(BridgeContext(workspace=first), arguments)
    found_second = goto_definition(BridgeContext(workspace=second), arguments)
    assert [(d.file, d.line, d.context) for d in found_first.definitions] == [
        ("m.py", 1, "class Box:")
    ]
    assert found_second.definitions == found_first.definitions
    one, other = session_for(first), session_for(second)
    assert one.cache is not other.cache
    assert one.cache.scopes.size == 1 and other.cache.scopes.size == 1

    one.close()  # closing one session leaves the other's memory alone
    assert one.cache.size == 0
    assert other.cache.scopes.size == 1


def test_source_lines_without_a_session_cache_keep_their_own(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE, encoding="utf-8")
    uri = path.as_uri()
    one = SourceLines(tmp_path, "utf-32", lambda _path: (1, 2))
    other = SourceLines(tmp_path, "utf-32", lambda _path: (1, 2))
    assert one.lines(uri) == SOURCE.splitlines()
    assert one.cache.lines(str(path), (1, 2)) == SOURCE.splitlines()
    assert other.cache is not one.cache
    assert other.cache.lines(str(path), (1, 2)) is None
    assert one.cache.lines(str(path), (1, 3)) is None  # another change stamp: read again


def test_a_shared_cache_serves_unchanged_files_to_later_calls(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE, encoding="utf-8")
    cache = SessionCache()
    first = SourceLines(tmp_path, "utf-32", lambda _path: (1, 2), cache).lines(path.as_uri())
    path.write_text("changed = 1\n", encoding="utf-8")  # unseen: the stamp says unchanged
    later = SourceLines(tmp_path, "utf-32", lambda _path: (1, 2), cache).lines(path.as_uri())
    assert later is first
    cache.clear()
    assert SourceLines(tmp_path, "utf-32", lambda _path: (1, 2), cache).lines(path.as_uri()) == [
        "changed = 1"
    ]


def test_clear_empties_every_part_of_the_session_cache(tmp_path: Path) -> None:
    cache = SessionCache()
    cache.file_uri(tmp_path / "m.py")
    cache.uri_path((tmp_path / "m.py").as_uri())
    cache.keep_lines(str(tmp_path / "m.py"), (1, 2), ["x = 1"])
    cache.split(SOURCE)
    cache.keep_outline(("m.py", "utf-32"), SOURCE, [], [Outline("Box", 1, 7)])
    cache.scopes.index_of("m.py", SOURCE, file="m.py")
    assert cache.size == 6
    cache.clear()
    assert cache.size == 0
    assert cache.lines(str(tmp_path / "m.py"), (1, 2)) is None
    assert cache.outline(("m.py", "utf-32"), SOURCE) is None


# -- syntax indexes --------------------------------------------------------------------------


def test_scope_indexes_are_kept_per_owner_and_cleared() -> None:
    one, other = ScopeIndexes(), ScopeIndexes()
    first = one.index_of("m.py", SOURCE, file="m.py")
    assert first is not None and list(first.bindings) == ["Box", "Box.size", "Box.size.self", "b"]
    assert one.index_of("m.py", SOURCE, file="m.py") is first
    assert other.index_of("m.py", SOURCE, file="m.py") is not first  # built again, not shared
    one.clear()
    assert one.size == 0
    assert one.index_of("m.py", SOURCE, file="m.py") is not first


# -- the registry ----------------------------------------------------------------------------


def test_a_registry_owns_its_sessions_and_close_forgets_them(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, "w")
    registry = SessionRegistry()
    try:
        session = registry.session_for(workspace)
        assert registry.session_for(Path(str(workspace))) is session
        assert registry.sessions == [session]
        shared = session_for(workspace)
        assert shared is not session  # the process-wide registry has its own
        assert registry.loop() is not SESSIONS.loop()
        assert session._loop is registry.loop()  # its server runs on the registry's own loop
        context = BridgeContext(workspace=workspace)
        goto_definition(context, PositionArguments(file="m.py", symbol="Box", line=6))
        shared_pid = shared.pid
        assert shared_pid is not None and session.pid is None  # the bridge used the shared one
        session.request("workspace/symbol", {"query": "Box"})
        assert session.pid not in (None, shared_pid)

        registry.close()
        assert registry.sessions == []
        assert session.pid is None and session.cache.size == 0
        assert shared.pid == shared_pid  # another registry's server is left alone
        again = registry.session_for(workspace)
        assert again is not session and registry.sessions == [again]
    finally:
        registry.close()
        session_for(workspace).close()


def test_a_forked_child_forgets_a_registrys_sessions(tmp_path: Path) -> None:
    registry = SessionRegistry()
    session = registry.session_for(tmp_path)
    child = os.fork()
    if child == 0:
        try:
            fresh = registry.session_for(tmp_path)
            os._exit(0 if registry.sessions == [fresh] and fresh is not session else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert registry.sessions == [session]  # the parent keeps its own


# -- the bound bridge set --------------------------------------------------------------------


def symbols_of(registry: SessionRegistry, workspace: Path) -> list[str]:
    """Bind the standard bridges to ``workspace`` with ``registry`` and call one of them."""
    bound = {
        function.name: function for function in default_bridges(workspace, navigation=registry)
    }
    result = bound["document_symbols"].function(file="m.py")
    return [symbol.name for symbol in result.symbols]


def test_two_bridge_sets_with_their_own_registries_share_no_server(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, "w")
    one, other = SessionRegistry(), SessionRegistry()
    try:
        assert symbols_of(one, workspace) == ["Box", "size", "b"]
        assert symbols_of(other, workspace) == ["Box", "size", "b"]
        [mine], [theirs] = one.sessions, other.sessions
        assert mine is not theirs and mine.cache is not theirs.cache
        assert mine.pid is not None and theirs.pid is not None and mine.pid != theirs.pid
        assert session_for(workspace).pid is None  # the process-wide registry started nothing

        one.close()  # closes this bridge set's server and no other
        assert one.sessions == [] and mine.pid is None and mine.cache.size == 0
        assert other.sessions == [theirs] and theirs.pid is not None
        assert symbols_of(other, workspace) == ["Box", "size", "b"]
    finally:
        one.close()
        other.close()
        session_for(workspace).close()


def test_the_context_carries_its_owner_without_changing_what_it_equals(tmp_path: Path) -> None:
    registry = SessionRegistry()
    owned = bridge_context(tmp_path, navigation=registry)
    assert owned.navigation is registry
    assert bridge_context(tmp_path).navigation is None  # the process-wide registry
    assert owned == BridgeContext(workspace=tmp_path.resolve())
