"""One running language-server process and the pygls client talking to it (asyncio side).

Everything here runs on the shared loop thread (``bridges.navigation._event_loop``). The
pitfalls of pygls 2.1 with lsprotocol 2025.0.0 are handled in one place:

- ty announces notebook sync options that lsprotocol's converter cannot structure; the failure is
  only logged and the ``initialize`` response never arrives. A structure hook drops that field
  (punie opens no notebooks).
- Every request carries its own id and a timeout (the caller waits on pygls' future with a time
  limit); on timeout ``forget`` sends ``$/cancelRequest`` and drops the pending future, so a
  silent server cannot hang a bridge.
- The server's stderr is drained continuously into a short ring buffer (a full pipe would block
  the server; the tail goes into error messages).
- Requests are written to the server's stdin by the calling thread itself (``_PipeWriter``,
  a non-blocking, ordered, thread-safe writer that replaces pygls' asyncio one); only the
  answers come back through the loop thread. Handing each request to the loop thread first
  cost a thread wake-up per call, a large share of a warm navigation call.
- Server-to-client requests are answered: ``workspace/configuration`` (defaults),
  ``client/registerCapability``, ``window/workDoneProgress/create`` and friends.
- The server does not watch files itself: it asks the client to. Before each request the
  workspace's Python files are compared with the last look (``poll_files``, on the caller's
  thread, so the stat calls never hold up the loop) and changes are sent as
  ``workspace/didChangeWatchedFiles`` (or ``didChange`` for documents already open) just before
  the request (``send``, on the loop thread).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import os
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Optional, Union

import attrs
import msgspec
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import LanguageServerProtocol, default_converter

from bridges.navigation._files import Changes, SourceTracker
from bridges.navigation._session_cache import SessionCache

__all__ = ["RAW_RESULTS", "Connection", "ServerExited", "initialize_params"]

logger = logging.getLogger("punie.lsp.client")
_encode = msgspec.json.Encoder().encode
"""UTF-8 JSON bytes of plain JSON values (requests built as dicts); msgspec rather than the json
module because every warm request is encoded here, on the caller's thread."""


class ServerExited(Exception):
    """The server process is gone (crashed, killed, or closed); the session may restart it."""


@attrs.define
class _RawResponse:
    """A response whose result stays the decoded JSON (see ``RAW_RESULTS``)."""

    id: int | str
    jsonrpc: str
    result: Any


def _converter() -> Any:
    converter = default_converter()
    # pygls' generic response turns dict results into namedtuples (through a JSON round trip);
    # ours keeps them as they were decoded.
    converter.register_structure_hook(_RawResponse, lambda data, cls: cls(**data))
    notebook_sync = Optional[  # noqa: UP045 - must be the exact key lsprotocol registers
        Union[  # noqa: UP007
            types.NotebookDocumentSyncOptions, types.NotebookDocumentSyncRegistrationOptions
        ]
    ]
    converter.register_structure_hook(notebook_sync, lambda _object, _type: None)
    return converter


RAW_RESULTS = frozenset(
    {
        types.TEXT_DOCUMENT_DEFINITION,
        types.TEXT_DOCUMENT_REFERENCES,
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        types.WORKSPACE_SYMBOL,
    }
)
"""Requests whose answers stay plain JSON: ``bridges.navigation._convert`` turns them into contracts
directly, and structuring them into lsprotocol objects first cost more than that conversion."""


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, minus the structuring of the answers in ``RAW_RESULTS``."""

    # pygls caches the inherited method with lru_cache; a plain method overrides it fine.
    def get_result_type(self, method: str) -> Any:  # ty: ignore[incompatible-attribute-override]
        if method in RAW_RESULTS:
            return _RawResponse
        return super().get_result_type(method)


class _Client(LanguageClient):
    """A pygls client that remembers when its server process exits."""

    def __init__(self) -> None:
        super().__init__("punie", "0.1", protocol_cls=_Protocol, converter_factory=_converter)
        self.exited = asyncio.Event()

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        logger.info("language server %s exited with status %s", server.pid, server.returncode)
        self.exited.set()


def initialize_params(workspace: Path) -> types.InitializeParams:
    """What punie's client tells a language server about itself (shared with the benchmark's
    stock-pygls baseline, so that both ask the same server the same way)."""
    uri = workspace.as_uri()
    return types.InitializeParams(
        process_id=os.getpid(),
        root_uri=uri,
        workspace_folders=[types.WorkspaceFolder(uri=uri, name=workspace.name)],
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=["utf-32", "utf-16"]),
            workspace=types.WorkspaceClientCapabilities(
                configuration=True,
                workspace_folders=True,
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                    dynamic_registration=True
                ),
                symbol=types.WorkspaceSymbolClientCapabilities(dynamic_registration=False),
            ),
            text_document=types.TextDocumentClientCapabilities(
                document_symbol=types.DocumentSymbolClientCapabilities(
                    hierarchical_document_symbol_support=True
                ),
                hover=types.HoverClientCapabilities(
                    content_format=[types.MarkupKind.PlainText, types.MarkupKind.Markdown]
                ),
                definition=types.DefinitionClientCapabilities(link_support=False),
                synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            ),
            window=types.WindowClientCapabilities(work_done_progress=True),
        ),
    )


_TEXTS_LIMIT = 256


class _PipeWriter:
    """Writes whole messages to the server's stdin from any thread, in order, never blocking.

    pygls calls ``write`` with one framed message. It goes straight to the pipe when nothing is
    queued; what the pipe cannot take now (a large document while the server is busy) is
    queued, and the loop thread writes the queue out as the pipe drains. Later messages join
    the queue behind it, so bytes never interleave. Never blocking matters: a writer that
    waited for a full pipe on the loop thread would stop the reading of the server's output,
    and a server blocked on its own output stops reading its input.
    """

    def __init__(self, pipe: Any, loop: asyncio.AbstractEventLoop) -> None:
        # A descriptor of our own: the transport closes its one when the process exits, and
        # the number could then be reused by the next server's pipe while a thread writes.
        self._descriptor: int = os.dup(pipe.fileno())
        os.set_blocking(self._descriptor, False)
        self._loop = loop
        self._lock = threading.Lock()
        self._queued = bytearray()
        self._closed = False

    def write(self, data: bytes) -> None:
        with self._lock:
            if self._closed:  # like a closed asyncio transport: the exit is noticed elsewhere
                return
            if self._queued:
                self._queued += data
                return
            try:
                written = os.write(self._descriptor, data)
            except BlockingIOError:
                written = 0
            except OSError as error:  # the server is gone: pygls fails the pending requests
                logger.debug("language server stopped reading: %s", error)
                self._closed = True
                return
            if written < len(data):
                self._queued += data[written:]
                self._loop.call_soon_threadsafe(self._watch)

    def close(self) -> None:
        """Drop what is still queued and release the descriptor (loop thread)."""
        with self._lock:
            if self._descriptor < 0:
                return
            self._closed = True
            self._queued.clear()
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                self._loop.remove_writer(self._descriptor)
            os.close(self._descriptor)
            self._descriptor = -1

    def _watch(self) -> None:
        with self._lock:
            if not self._closed and self._queued:
                self._loop.add_writer(self._descriptor, self._drain)

    def _drain(self) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                written = os.write(self._descriptor, self._queued)
            except BlockingIOError:
                return
            except OSError:  # the server is gone; its exit is noticed elsewhere
                self._closed = True
                written = len(self._queued)
            del self._queued[:written]
            if not self._queued:
                self._loop.remove_writer(self._descriptor)


class Connection:
    """A started server: the client, the documents it has open, the file snapshot."""

    def __init__(
        self,
        *,
        workspace: Path,
        argv: list[str],
        env: dict[str, str],
        cache: SessionCache | None = None,
    ) -> None:
        """``cache`` is the session's (a connection lives within one session and uses its
        URIs); without one the connection keeps its own."""
        self.workspace = workspace
        self.argv = argv
        self.env = env
        self.cache = SessionCache() if cache is None else cache
        self.client = _Client()
        self.process: asyncio.subprocess.Process | None = None
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self.position_encoding = "utf-16"
        self.capabilities: types.ServerCapabilities | None = None
        self.documents: dict[str, tuple[int, str]] = {}
        """Open documents: path (as text) -> (version, text sent)."""
        self.tracker: SourceTracker | None = None
        self.texts: dict[str, tuple[Path, str]] = {}
        """File argument -> (real path, text) read by a bridge since the last reported change."""
        self.generation = 0
        """Counts the polls that reported a change (or could not tell)."""
        self.unannounced = Changes()
        """Changes polled but not yet sent to the server."""
        self.started_s = 0.0
        self.order = threading.Lock()
        """Held while polling files and queueing the request, so requests reach the loop (and
        the server) in the order their polls ran, and two threads never poll at once."""
        self._ids = itertools.count(1)
        self._writer: _PipeWriter | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._register_handlers()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        process = self.process
        return (
            process is not None
            and process.returncode is None
            and not self.client.exited.is_set()
            and not self.client.stopped
        )

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    async def start(self, timeout_s: float) -> None:
        """Start the process and complete the ``initialize`` handshake within ``timeout_s``."""
        started = time.perf_counter()
        await self.client.start_io(*self.argv, cwd=str(self.workspace), env=self.env)
        # pygls keeps the process privately; we need it to drain stderr and to check liveness.
        self.process = self.client._server
        if self.process is not None and self.process.stdin is not None:
            pipe = self.process.stdin.transport.get_extra_info("pipe")
            with contextlib.suppress(ValueError, OSError):  # died at once: pygls' writer stays
                self._writer = _PipeWriter(pipe, asyncio.get_running_loop())
                self.client.protocol.set_writer(self._writer)
        if self.process is not None and self.process.stderr is not None:
            self._tasks.append(asyncio.create_task(self._drain(self.process.stderr)))
        params = initialize_params(self.workspace)
        result = await self._await(self.client.initialize_async(params), timeout_s, "initialize")
        self.capabilities = result.capabilities
        encoding = result.capabilities.position_encoding
        self.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
        self.client.initialized(types.InitializedParams())
        self.tracker = await asyncio.to_thread(SourceTracker, str(self.workspace))
        self.started_s = time.perf_counter() - started

    async def close(self, timeout_s: float = 3.0) -> None:
        """Shut the server down politely; kill it if it does not leave within ``timeout_s``."""
        if self.alive:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.client.shutdown_async(None), timeout_s)
            with contextlib.suppress(Exception):
                self.client.exit(None)
        process = self.process
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), timeout_s)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.stop(), timeout_s)
        for task in self._tasks:
            task.cancel()
        if self._writer is not None:
            self._writer.close()
        if self.tracker is not None:
            with self.order:  # never while a caller polls (its descriptor could be reused)
                self.tracker.close()

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        while True:
            line = await stream.readline()
            if not line:
                return
            text = line.decode("utf-8", errors="replace").rstrip()
            self.stderr_tail.append(text)
            logger.debug("server stderr: %s", text)

    # -- requests ----------------------------------------------------------------------------

    def next_id(self) -> str:
        """A fresh request id (any thread)."""
        return f"punie-{next(self._ids)}"

    def send(
        self,
        method: str,
        params: Any,
        msg_id: str,
        *,
        documents: dict[Path, str] | None = None,
    ) -> Future[Any]:
        """Announce the file changes polled so far, sync ``documents``, send the request (any
        thread, under ``order``).

        ``params`` is an lsprotocol object, or a dict that is JSON already (the navigation
        bridges build theirs that way), which is written as it is.

        Returns pygls' future for the answer; pygls fails it with ``RuntimeError`` if the
        process exits first. Raises ``ServerExited`` when the server is already gone.
        """
        if not self.alive:
            raise ServerExited("the language server is not running")
        changes = self.unannounced
        if changes:
            self.unannounced = Changes()
            self.announce(changes)
        for path, text in (documents or {}).items():
            self.sync_document(path, text)
        writer = self._writer
        if isinstance(params, dict) and writer is not None:
            return self._send_json(writer, method, params, msg_id)
        return self.client.protocol.send_request(method, params, msg_id=msg_id)

    def _send_json(
        self, writer: _PipeWriter, method: str, params: dict[str, Any], msg_id: str
    ) -> Future[Any]:
        """``send_request`` for parameters that are JSON already: registered with pygls the way
        its own ``send_request`` does (so the answer, a cancellation or the server's exit reach
        the future as usual), framed and written here. Skips building lsprotocol objects and
        cattrs' unstructuring of them, work the caller would otherwise wait for on every warm
        request."""
        protocol = self.client.protocol
        future: Future[Any] = Future()
        protocol._request_futures[msg_id] = future
        protocol._result_types[msg_id] = protocol.get_result_type(method)
        body = _encode({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        return future

    def forget(self, msg_id: str) -> None:
        """Drop a request nobody waits for any more and ask the server to cancel it (any thread)."""
        self.client.protocol._request_futures.pop(msg_id, None)
        if self.alive:
            with contextlib.suppress(Exception):
                self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))

    async def _await(self, awaitable: Any, timeout_s: float, what: str) -> Any:
        # pygls fails every pending request with RuntimeError when the process exits (its
        # exit watcher runs before our ``server_exit`` hook returns), so no extra watch is needed.
        try:
            return await asyncio.wait_for(awaitable, timeout_s)
        except TimeoutError:
            if not self.alive:
                raise ServerExited(f"the language server exited during {what}") from None
            raise TimeoutError(f"{what} got no answer within {timeout_s:g} s") from None
        except RuntimeError as error:
            if not self.alive:
                raise ServerExited(str(error)) from error
            raise

    # -- documents and files -----------------------------------------------------------------

    def sync_document(self, path: Path, text: str) -> None:
        """Make the server see ``text`` as the content of ``path`` (open it or update it)."""
        key = str(path)
        known = self.documents.get(key)
        uri = self.cache.file_uri(path)
        if known is None:
            self.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="python", version=1, text=text
                    )
                )
            )
            self.documents[key] = (1, text)
        elif known[1] != text:
            version = known[0] + 1
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            self.documents[key] = (version, text)

    def poll_files(self) -> None:
        """Collect the Python files created, changed or deleted since the last poll into
        ``unannounced``, for the next ``send`` to tell the server (any thread, under ``order``).

        Any change — or no tracker yet, so no way to tell — also forgets the file texts bridges
        kept (``texts``) and starts a new ``generation``, so a text is reused only while nothing
        in the workspace changed since it was read.
        """
        tracker = self.tracker
        changes = None if tracker is None else tracker.poll()
        if changes is None or changes:
            self.texts.clear()
            self.generation += 1
        if changes:
            self.unannounced.created += changes.created
            self.unannounced.changed += changes.changed
            self.unannounced.deleted += changes.deleted

    def keep_text(self, key: str, path: Path, text: str, generation: int) -> None:
        """Remember what a bridge read for the file argument ``key`` (any thread, under
        ``order``): only if no change was reported since ``generation`` and the tracker watches
        the file (a file it does not watch could change unseen)."""
        tracker = self.tracker
        if generation == self.generation and tracker is not None and str(path) in tracker.files:
            if len(self.texts) >= _TEXTS_LIMIT:
                self.texts.clear()
            self.texts[key] = (path, text)

    def announce(self, changes: Changes) -> None:
        """Tell the server about ``changes`` (polled earlier; any thread, under ``order``)."""
        events: list[types.FileEvent] = []
        for kind, paths in (
            (types.FileChangeType.Created, changes.created),
            (types.FileChangeType.Changed, changes.changed),
        ):
            for name in paths:
                path = Path(name)
                if name in self.documents:
                    with contextlib.suppress(OSError, UnicodeDecodeError):
                        self.sync_document(path, path.read_text(encoding="utf-8"))
                    continue
                events.append(types.FileEvent(uri=path.as_uri(), type=kind))
        for name in changes.deleted:
            path = Path(name)
            if name in self.documents:
                self.client.text_document_did_close(
                    types.DidCloseTextDocumentParams(
                        text_document=types.TextDocumentIdentifier(uri=path.as_uri())
                    )
                )
                del self.documents[name]
            events.append(types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Deleted))
        if events:
            self.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(changes=events)
            )

    # -- server-to-client traffic ------------------------------------------------------------

    def _register_handlers(self) -> None:
        client = self.client

        @client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            return [None for _ in params.items]

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            return None

        @client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
        def unregister(params: types.UnregistrationParams) -> None:
            return None

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def progress_create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def show_message_request(params: types.ShowMessageRequestParams) -> None:
            logger.info("server asks: %s", params.message)
            return None

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            return types.ApplyWorkspaceEditResult(
                applied=False, failure_reason="punie's navigation client never edits files"
            )

        @client.feature(types.WORKSPACE_DIAGNOSTIC_REFRESH)
        def diagnostic_refresh(params: None) -> None:
            return None

        @client.feature(types.WORKSPACE_SEMANTIC_TOKENS_REFRESH)
        def tokens_refresh(params: None) -> None:
            return None

        @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
        def inlay_refresh(params: None) -> None:
            return None

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def log_message(params: types.LogMessageParams) -> None:
            logger.debug("server log: %s", params.message)

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def show_message(params: types.ShowMessageParams) -> None:
            logger.info("server message: %s", params.message)

        @client.feature(types.PROGRESS)
        def progress(params: types.ProgressParams) -> None:
            return None

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: types.PublishDiagnosticsParams) -> None:
            return None
