"""One running language-server process and the pygls client talking to it (asyncio side).

Everything here runs on the shared loop thread (``bridges.lsp._loop``). The pitfalls of pygls 2.1
with lsprotocol 2025.0.0 are handled in one place:

- ty announces notebook sync options that lsprotocol's converter cannot structure; the failure is
  only logged and the ``initialize`` response never arrives. A structure hook drops that field
  (punie opens no notebooks).
- Every request carries its own id and a timeout (the caller waits on pygls' future with a time
  limit); on timeout ``forget`` sends ``$/cancelRequest`` and drops the pending future, so a
  silent server cannot hang a bridge.
- The server's stderr is drained continuously into a short ring buffer (a full pipe would block
  the server; the tail goes into error messages).
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

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter

from bridges.lsp._files import Changes, SourceTracker

__all__ = ["Connection", "ServerExited"]

logger = logging.getLogger("punie.lsp.client")


class ServerExited(Exception):
    """The server process is gone (crashed, killed, or closed); the session may restart it."""


def _converter() -> Any:
    converter = default_converter()
    notebook_sync = Optional[  # noqa: UP045 - must be the exact key lsprotocol registers
        Union[  # noqa: UP007
            types.NotebookDocumentSyncOptions, types.NotebookDocumentSyncRegistrationOptions
        ]
    ]
    converter.register_structure_hook(notebook_sync, lambda _object, _type: None)
    return converter


class _Client(LanguageClient):
    """A pygls client that remembers when its server process exits."""

    def __init__(self) -> None:
        super().__init__("punie", "0.1", converter_factory=_converter)
        self.exited = asyncio.Event()

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        logger.info("language server %s exited with status %s", server.pid, server.returncode)
        self.exited.set()


class Connection:
    """A started server: the client, the documents it has open, the file snapshot."""

    def __init__(self, *, workspace: Path, argv: list[str], env: dict[str, str]) -> None:
        self.workspace = workspace
        self.argv = argv
        self.env = env
        self.client = _Client()
        self.process: asyncio.subprocess.Process | None = None
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
        self.position_encoding = "utf-16"
        self.capabilities: types.ServerCapabilities | None = None
        self.documents: dict[Path, tuple[int, str]] = {}
        """Open documents: path -> (version, text sent)."""
        self.tracker: SourceTracker | None = None
        self.started_s = 0.0
        self.order = threading.Lock()
        """Held while polling files and queueing the request, so requests reach the loop (and
        the server) in the order their polls ran, and two threads never poll at once."""
        self._ids = itertools.count(1)
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
        if self.process is not None and self.process.stderr is not None:
            self._tasks.append(asyncio.create_task(self._drain(self.process.stderr)))
        uri = self.workspace.as_uri()
        params = types.InitializeParams(
            process_id=os.getpid(),
            root_uri=uri,
            workspace_folders=[types.WorkspaceFolder(uri=uri, name=self.workspace.name)],
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
        changes: Changes | None = None,
        documents: dict[Path, str] | None = None,
    ) -> Future[Any]:
        """Loop thread: announce ``changes``, sync ``documents``, send the request.

        Returns pygls' future for the answer; pygls fails it with ``RuntimeError`` if the
        process exits first. Raises ``ServerExited`` when the server is already gone.
        """
        if not self.alive:
            raise ServerExited("the language server is not running")
        if changes:
            self.announce(changes)
        for path, text in (documents or {}).items():
            self.sync_document(path, text)
        return self.client.protocol.send_request(method, params, msg_id=msg_id)

    def forget(self, msg_id: str) -> None:
        """Loop thread: drop a request nobody waits for any more and ask the server to cancel it."""
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
        uri = path.as_uri()
        known = self.documents.get(path)
        if known is None:
            self.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="python", version=1, text=text
                    )
                )
            )
            self.documents[path] = (1, text)
        elif known[1] != text:
            version = known[0] + 1
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                )
            )
            self.documents[path] = (version, text)

    def poll_files(self) -> Changes | None:
        """Python files created, changed or deleted since the last poll (any thread, under
        ``order``); None before the first walk finished."""
        tracker = self.tracker
        return None if tracker is None else tracker.poll()

    def announce(self, changes: Changes) -> None:
        """Loop thread: tell the server about ``changes`` (from ``poll_files``)."""
        events: list[types.FileEvent] = []
        for kind, paths in (
            (types.FileChangeType.Created, changes.created),
            (types.FileChangeType.Changed, changes.changed),
        ):
            for name in paths:
                path = Path(name)
                if path in self.documents:
                    with contextlib.suppress(OSError, UnicodeDecodeError):
                        self.sync_document(path, path.read_text(encoding="utf-8"))
                    continue
                events.append(types.FileEvent(uri=path.as_uri(), type=kind))
        for name in changes.deleted:
            path = Path(name)
            if path in self.documents:
                self.client.text_document_did_close(
                    types.DidCloseTextDocumentParams(
                        text_document=types.TextDocumentIdentifier(uri=path.as_uri())
                    )
                )
                del self.documents[path]
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
