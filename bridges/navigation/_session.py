"""The synchronous face of a language server: one warm server per workspace, shared by threads.

``session_for(workspace)`` returns the session of a workspace, creating it on first use; the
server process itself starts lazily with the first request and stays warm for later calls and
later snippets. If the process dies (crash, OOM, killed), the next request restarts it once,
transparently, and retries; a second failure becomes a ``ToolCrashed`` bridge error. Every request
runs under a timeout (``ToolTimeout``). ``close()`` shuts the server down politely and empties
what the session's calls remembered (its ``SessionCache``).

Nothing here is module-level state: the sessions, the last answer of ``session_for`` and the
event-loop thread belong to a ``SessionRegistry``; ``session_for`` and ``close_all_sessions``
are the methods of the process-wide one (``SESSIONS``), closed at interpreter exit.

Failures reach the model as bridge errors that say what to install or check:

- no ``ty`` executable -> ``ToolMissing`` (install punie's dependencies, or ``pip install ty``)
- the server does not start or answer ``initialize`` -> ``ToolCrashed`` with its stderr tail
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import threading
import weakref
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pygls.exceptions import JsonRpcException

from bridges._environment import find_project_python, project_environment
from bridges._errors import ToolCrashed, ToolError, ToolMissing, ToolTimeout
from bridges._runner import locate_tool, tool_environment
from bridges.navigation._connection import Connection, ServerExited
from bridges.navigation._event_loop import LoopThread
from bridges.navigation._session_cache import SessionCache

__all__ = [
    "SERVERS",
    "SESSIONS",
    "LanguageServerSession",
    "SessionRegistry",
    "close_all_sessions",
    "session_for",
]

T = TypeVar("T")

_ASK_AGAIN = frozenset({-32801, -32800})
"""ContentModified, RequestCancelled (by the server): a file changed while it answered, e.g.
another thread's request synced a newer text. The answer would be stale; the request is sent once
more."""

SERVERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "ty": ("ty", ("server",), "install punie's dependencies ('uv sync') or 'pip install ty'"),
    "basedpyright": (
        "basedpyright-langserver",
        ("--stdio",),
        "'pip install basedpyright' (it bundles Node)",
    ),
}
"""Supported servers: name -> (program, arguments, how to install it)."""


class LanguageServerSession:
    """A warm language server for one workspace; every method is safe to call from any thread."""

    def __init__(
        self,
        workspace: Path,
        *,
        server: str = "ty",
        request_timeout_s: float = 20.0,
        start_timeout_s: float = 30.0,
        command: Sequence[str] | None = None,
        loop: LoopThread | None = None,
        python: str | None = None,
    ) -> None:
        """``command`` replaces the server's command line (any stdio LSP server) when given.

        ``python`` is the explicit choice of the project's Python (as ``BridgeContext.python``);
        the server resolves imports in the environment ``find_project_python`` picks, the same
        one ``pytest_run`` and ``typecheck`` use.
        """
        if command is None and server not in SERVERS:
            raise ValueError(f"unknown language server {server!r}; choose one of {sorted(SERVERS)}")
        self.workspace = workspace.resolve()
        self.server = server
        self.request_timeout_s = request_timeout_s
        self.start_timeout_s = start_timeout_s
        self.command = tuple(command) if command else None
        self.python = python
        self.restarts = 0
        """How many times the server was restarted after dying."""
        self.cache = SessionCache()
        """What this session's calls remember between calls (URIs, file lines, outlines, syntax
        indexes); emptied by ``close()``."""
        self._loop = loop or SESSIONS.loop()
        self._lock = threading.Lock()
        self._connection: Connection | None = None

    # -- public ------------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The server's process id, or None before the first request and after close."""
        connection = self._connection
        return None if connection is None else connection.pid

    @property
    def position_encoding(self) -> str:
        """The position encoding negotiated with the server ('utf-32' or 'utf-16')."""
        connection = self._connection
        if connection is not None and connection.alive:
            return connection.position_encoding
        return self._connect().position_encoding

    def stamp(self, path: str) -> object | None:
        """The change tracker's (mtime, size) of ``path``, None if it does not know the file.

        Valid as of the last request; lets callers cache file contents between requests.
        """
        connection = self._connection
        tracker = None if connection is None else connection.tracker
        return None if tracker is None else tracker.files.get(path)

    @property
    def start_duration_s(self) -> float:
        """Seconds the current server took from spawn to a completed ``initialize``."""
        connection = self._connection
        return 0.0 if connection is None else connection.started_s

    def file_text(self, key: str, read: Callable[[], tuple[Path, str]]) -> tuple[Path, str]:
        """The (path, text) a bridge reads for its file argument ``key``.

        ``read`` confines and reads the file; its answer is reused by later calls while the
        change tracker reports nothing new anywhere in the workspace (one inotify poll), which
        saves a warm call the open/confine/read system calls. Before the server has started
        (and so before there is a tracker) it simply reads.
        """
        connection = self._connection
        if connection is None or not connection.alive:
            return read()
        with connection.order:
            connection.poll_files()
            known = connection.texts.get(key)
            generation = connection.generation
        if known is not None:
            return known
        path, text = read()
        with connection.order:
            connection.keep_text(key, path, text, generation)
        return path, text

    def request(
        self,
        method: str,
        params: Any,
        *,
        documents: dict[Path, str] | None = None,
        timeout_s: float | None = None,
        poll: bool = True,
    ) -> Any:
        """Send ``method`` with ``params`` and return the result.

        ``params`` is an lsprotocol object or a dict of plain JSON (sent as it is, the cheaper
        way the navigation bridges use).

        Answers to the navigation requests (``RAW_RESULTS``: definition, references, hover,
        document and workspace symbols) are the decoded JSON, dicts and lists, for
        ``bridges.navigation._convert``; every other answer is structured into lsprotocol types.

        ``documents`` (absolute path -> text) are opened or updated first, and changed files in
        the workspace are announced, so the server answers about what is on disk now.
        ``poll=False`` skips looking for changed files when the caller has just looked
        (``file_text`` does); what that look found is announced all the same.
        """
        limit = self.request_timeout_s if timeout_s is None else timeout_s

        def work(connection: Connection) -> Any:
            try:
                return send(connection)
            except JsonRpcException as error:
                if error.code not in _ASK_AGAIN:
                    raise
            return send(connection)  # the content changed under the request: ask once more

        def send(connection: Connection) -> Any:
            msg_id = connection.next_id()
            with connection.order:
                if poll:
                    connection.poll_files()
                answer = connection.send(method, params, msg_id, documents=documents)
            try:
                return answer.result(limit)
            except TimeoutError:
                connection.forget(msg_id)
                if not connection.alive:
                    raise ServerExited(f"the language server exited during {method}") from None
                raise
            except RuntimeError as error:  # pygls fails pending requests when the process exits
                if not connection.alive:
                    raise ServerExited(str(error)) from error
                raise

        try:
            return self._call(work, limit, method)
        except JsonRpcException as error:
            raise ToolError(
                f"the language server '{self.server}' answered {method} with an error "
                f"({error}); check the arguments (file, symbol, line) and try again",
                tool=self.server,
            ) from None

    def close(self) -> None:
        """Shut the server down (politely, then by force) and forget what the calls remembered
        (``cache``); later requests start a new server."""
        with self._lock:
            connection, self._connection = self._connection, None
        self.cache.clear()
        if connection is not None:
            self._run(connection.close(), 10.0)

    # -- internals ---------------------------------------------------------------------------

    def _call(self, work: Callable[[Connection], T], timeout_s: float, method: str) -> T:
        for attempt in (1, 2):
            connection = self._connect()
            try:
                return work(connection)
            except ServerExited:
                tail = _tail(connection)
                self._discard(connection)
                if attempt == 2:
                    raise ToolCrashed(
                        f"the language server '{self.server}' died twice while answering "
                        f"{method}{tail}; check that '{' '.join(self._argv())}' runs in this "
                        "workspace",
                        tool=self.server,
                    ) from None
            except TimeoutError:
                raise ToolTimeout(
                    f"the language server '{self.server}' did not answer {method} within "
                    f"{timeout_s:g} s; try a smaller query (one file, a more specific name)",
                    tool=self.server,
                ) from None
        raise AssertionError("unreachable")

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout_s: float) -> T:
        return self._loop.run(coroutine, timeout_s)

    def _connect(self) -> Connection:
        """A live connection; a server that dies while starting is started once more."""
        connection = self._connection  # the usual case, without taking the lock
        if connection is not None and connection.alive:
            return connection
        try:
            return self._ensure()
        except _StartDied:
            self.restarts += 1
        try:
            return self._ensure()
        except _StartDied as died:
            raise died.error from None

    def _ensure(self) -> Connection:
        with self._lock:
            connection = self._connection
            if connection is not None and connection.alive:
                return connection
            if connection is not None:
                self._connection = None
                self.restarts += 1
                self._run(connection.close(1.0), 5.0)
            connection = Connection(
                workspace=self.workspace,
                argv=self._argv(),
                env=self._environment(),
                cache=self.cache,
            )
            try:
                self._run(connection.start(self.start_timeout_s), self.start_timeout_s + 5.0)
            except (ServerExited, TimeoutError, OSError, RuntimeError) as error:
                tail = _tail(connection)
                self._run(connection.close(1.0), 5.0)
                crash = ToolCrashed(
                    f"the language server '{self.server}' did not start in {self.workspace.name!r}"
                    f" ({type(error).__name__}: {error}){tail}; check that "
                    f"'{' '.join(self._argv())}' runs there "
                    "(a broken pyproject.toml [tool.ty] section or ty.toml stops it)",
                    tool=self.server,
                )
                if isinstance(error, ServerExited):
                    raise _StartDied(crash) from None
                raise crash from None
            self._connection = connection
            return connection

    def _discard(self, connection: Connection) -> None:
        with self._lock:
            if self._connection is connection:
                self._connection = None
                self.restarts += 1
        with contextlib.suppress(TimeoutError, OSError):
            self._run(connection.close(1.0), 5.0)

    def _environment(self) -> dict[str, str]:
        """The server's environment: ``VIRTUAL_ENV`` and ``PATH`` name the project's Python.

        ty server has no ``--python`` option; it looks for the environment as ``ty check``
        does (``VIRTUAL_ENV``, then the workspace's ``.venv``, then ``python`` on ``PATH``), so
        these two variables make it resolve imports where the project's tests run.
        """
        project = find_project_python(self.workspace, self.python)
        return tool_environment(project_environment(project))

    def _argv(self) -> list[str]:
        if self.command is not None:
            found = shutil.which(self.command[0])
            if found is None:
                raise ToolMissing(
                    f"the language server command {self.command[0]!r} was not found; install it "
                    "or fix the configured command. Until then navigation bridges cannot run — "
                    "use grep or read_file instead",
                    tool=self.server,
                )
            return [found, *self.command[1:]]
        return [self._program(), *SERVERS[self.server][1]]

    def _program(self) -> str:
        program, _, install = SERVERS[self.server]
        try:
            return str(locate_tool(program))
        except ToolMissing:
            raise ToolMissing(
                f"the language server '{self.server}' is not installed (no '{program}' next to "
                f"the Python interpreter or on PATH); {install}. Until then navigation bridges "
                "cannot run — use grep or read_file instead",
                tool=self.server,
            ) from None


class _StartDied(Exception):
    """The process died during ``initialize``; worth one more try."""

    def __init__(self, error: ToolCrashed) -> None:
        super().__init__(str(error))
        self.error = error


def _tail(connection: Connection) -> str:
    lines = [line for line in connection.stderr_tail if line.strip()][-5:]
    return f" (server said: {' | '.join(lines)[-600:]})" if lines else ""


_Key = tuple[Path, str, str | None]
"""(workspace, server, python): what makes two sessions different servers."""


class SessionRegistry:
    """Warm sessions by (workspace, server, python), and the event-loop thread they run on.

    ``session_for`` hands out one session per key, created on first use; ``close()`` shuts every
    one down and forgets it, so the next ``session_for`` starts afresh. The process-wide
    instance (``SESSIONS``, behind the module's ``session_for`` and ``close_all_sessions``) is
    what the navigation bridges and punie's LSP server share, one warm server per workspace;
    another instance (a test, an embedding that wants its own lifetime) shares none of its
    sessions. The loop thread starts with the first session and survives ``close()``: it holds
    nothing of any workspace, sessions made without a registry may run on the process-wide one,
    and it is a daemon thread that ends with the process. A forked child forgets the parent's
    sessions and loop (it must not talk to, or shut down, its parent's servers).
    """

    def __init__(self) -> None:
        self._sessions: dict[_Key, LanguageServerSession] = {}
        self._lock = threading.Lock()
        self._recent: tuple[Path, str, str | None, LanguageServerSession] | None = None
        """The last answer of ``session_for``: a snippet's calls all name the same workspace
        object, and this spares them hashing and comparing paths (Python code in pathlib)."""
        self._loop: LoopThread | None = None
        self._loop_lock = threading.Lock()
        registry = weakref.ref(self)

        def forget_in_child() -> None:
            alive = registry()
            if alive is not None:
                alive._forget_after_fork()

        os.register_at_fork(after_in_child=forget_in_child)

    def loop(self) -> LoopThread:
        """The loop thread this registry's sessions share, started on first use."""
        with self._loop_lock:
            if self._loop is None or not self._loop.alive:
                self._loop = LoopThread()
            return self._loop

    def session_for(
        self, workspace: Path, *, server: str = "ty", python: str | None = None
    ) -> LanguageServerSession:
        """The session for ``workspace`` (created on first use, server started lazily).

        ``python`` is the explicit choice of the project's Python (``BridgeContext.python``);
        sessions with different choices are different servers.
        """
        recent = self._recent
        if (
            recent is not None
            and recent[0] is workspace
            and recent[1] == server
            and recent[2] == python
        ):
            return recent[3]
        with self._lock:  # never remember a session close() is taking away
            session = self._sessions.get(
                (workspace, server, python)
            )  # contexts hold resolved paths
            if session is None:
                key = (workspace.resolve(), server, python)
                session = self._sessions.get(key)
                if session is None:
                    session = LanguageServerSession(
                        key[0], server=server, python=python, loop=self.loop()
                    )
                    self._sessions[key] = session
            self._recent = (workspace, server, python, session)
            return session

    @property
    def sessions(self) -> list[LanguageServerSession]:
        """The sessions handed out and not yet closed by ``close()``."""
        with self._lock:
            return list(self._sessions.values())

    def close(self) -> None:
        """Shut down every session's server and forget the sessions (and what they cached)."""
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            self._recent = None
        for session in sessions:
            with contextlib.suppress(ToolError, TimeoutError, RuntimeError, OSError):
                session.close()

    def _forget_after_fork(self) -> None:
        self._sessions.clear()
        self._recent = None
        self._lock = threading.Lock()
        self._loop = None
        self._loop_lock = threading.Lock()


SESSIONS = SessionRegistry()
"""The process-wide registry: the shared warm server per workspace, closed at exit."""


def session_for(
    workspace: Path, *, server: str = "ty", python: str | None = None
) -> LanguageServerSession:
    """The shared session for ``workspace`` (created on first use, server started lazily).

    ``python`` is the explicit choice of the project's Python (``BridgeContext.python``);
    sessions with different choices are different servers.
    """
    return SESSIONS.session_for(workspace, server=server, python=python)


def close_all_sessions() -> None:
    """Shut down every shared session's server (registered with ``atexit``)."""
    SESSIONS.close()


atexit.register(close_all_sessions)
