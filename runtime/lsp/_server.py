"""punie's language server: diagnostics, quick fixes and commands for any LSP editor.

Life of a document: ``didOpen`` and ``didSave`` run the configured checks (``_checks``) in worker
threads and publish the diagnostics; a newer run for the same document makes an older one's
result stale, and stale results are dropped. ``didClose`` clears them. Code actions come from
``_fixes``; commands from ``_commands``. Slow work (checks, commands) reports work-done progress
when the client supports it. Failures degrade: a check that cannot run is logged to the client
(``window/logMessage``) while the others still publish.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from bridges.navigation import close_all_sessions
from runtime._config import load_config
from runtime._errors import ConfigError
from runtime.lsp._checks import run_checks
from runtime.lsp._commands import CommandError, Commands, first_text
from runtime.lsp._fixes import code_actions
from runtime.lsp._jsonrpc import PunieProtocol, error_response
from runtime.lsp._settings import ServerSettings, parse_settings

__all__ = ["COMMANDS", "PunieLanguageServer", "create_server"]

logger = logging.getLogger("punie.lsp.server")

T = TypeVar("T")

COMMANDS = ("punie.runSnippet", "punie.ask")


def _path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


class PunieLanguageServer(LanguageServer):
    """The server object; ``create_server()`` returns one with every feature registered."""

    def __init__(self) -> None:
        super().__init__("punie", "0.1.0", protocol_cls=PunieProtocol, max_workers=4)
        self.settings = ServerSettings()
        self.root: Path | None = None
        self.commands: Commands | None = None
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="punie-lsp")
        self._generation: dict[str, int] = {}
        self.published: dict[str, list[types.Diagnostic]] = {}
        """The diagnostics last published per document (for "fix all" without a selection)."""
        self._pending: set[asyncio.Task[None]] = set()

    # -- helpers -------------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        logger.log(logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def relative(self, uri: str) -> str | None:
        """The document's path relative to the workspace, None if it is not a file inside it."""
        path = _path(uri)
        if path is None or self.root is None:
            return None
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    async def in_thread(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, work)

    async def with_progress(self, title: str, work: Awaitable[T]) -> T:
        """Await ``work`` inside a work-done progress when the client supports it."""
        window = self.client_capabilities.window
        if window is None or not window.work_done_progress:
            return await work
        token = f"punie-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(self.work_done_progress.create_async(token), 5.0)
            self.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title))
        except (TimeoutError, JsonRpcException, RuntimeError) as error:
            logger.info("no progress for %s: %s", title, error)
            return await work
        try:
            return await work
        finally:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd())

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Answer what cannot be parsed with JSON-RPC errors; log the rest (no pop-ups)."""
        if isinstance(error, (UnicodeDecodeError, ValueError)) and not isinstance(
            error, JsonRpcException
        ):
            detail = f"{type(error).__name__}: {error}"[:300]
            self.protocol._send_data(error_response(-32700, f"Parse error: {detail}"))
            self.log(f"punie: could not parse a message ({detail}); ignored it")
            return
        self.log(f"punie: internal error ({type(error).__name__}: {error})")

    # -- diagnostics ---------------------------------------------------------------------------

    def schedule(self, uri: str) -> None:
        """Re-check ``uri`` in the background (a newer run supersedes an older one)."""
        task = asyncio.ensure_future(self.refresh(uri))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def refresh(self, uri: str) -> None:
        relative = self.relative(uri)
        if relative is None or not relative.endswith((".py", ".pyi")) or self.root is None:
            return
        generation = self._generation.get(uri, 0) + 1
        self._generation[uri] = generation
        try:
            document = self.workspace.get_text_document(uri)
            text, version = document.source, document.version
        except (OSError, UnicodeDecodeError) as error:
            self.log(f"punie: cannot read {relative} ({error}); no diagnostics for it")
            return
        settings, root = self.settings, self.root
        encoding = str(self.workspace.position_encoding or "utf-16")
        encoding = getattr(self.workspace.position_encoding, "value", encoding)
        work = functools.partial(
            run_checks,
            workspace=root,
            relative=relative,
            text=text,
            settings=settings,
            encoding=str(encoding),
        )
        try:
            report = await self.with_progress(f"punie: checking {relative}", self.in_thread(work))
        except Exception as error:  # never let one document take the server down
            self.log(f"punie: checking {relative} failed: {type(error).__name__}: {error}")
            return
        if self._generation.get(uri) != generation:
            return  # a newer check of this document is on its way
        for failure in report.failures:
            self.log(failure)
        self.published[uri] = report.diagnostics
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=report.diagnostics, version=version)
        )

    def apply_settings(self, raw: Any, *, base: ServerSettings | None) -> bool:
        try:
            self.settings = parse_settings(raw, base=base)
        except ConfigError as error:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"punie: {error}")
            )
            self.log(f"punie: {error}; keeping the previous settings", types.MessageType.Error)
            return False
        return True


def _workspace_defaults(ls: PunieLanguageServer, root: Path) -> ServerSettings | None:
    """``python``, ``model`` and ``bridge_timeout_s`` of the workspace's ``[tool.punie]`` or
    ``punie.toml``, as the settings an editor's own then override; None (punie's defaults) when
    there are none. The model counts here as it does for ``punie ask``: a project that names its
    model should not need it repeated in every editor's initializationOptions."""
    try:
        config = load_config(root)
        updates: dict[str, Any] = {"python": config.python, "model": config.model}
        if config.bridge_timeout_s is not None:
            updates["timeout_s"] = min(config.bridge_timeout_s, 600.0)
        return ServerSettings.model_validate(updates)
    except (ConfigError, ValueError) as error:
        ls.log(f"punie: {error}; using the default settings", types.MessageType.Error)
        return None


def _register(server: PunieLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: PunieLanguageServer, params: types.InitializeParams) -> None:
        root = ls.workspace.root_path
        base = None
        if root:
            ls.root = Path(root).resolve()
            base = _workspace_defaults(ls, ls.root)
        ls.apply_settings(params.initialization_options, base=base)
        if ls.root is not None:
            ls.commands = Commands(
                ls.root, python=ls.settings.python, timeout_s=ls.settings.timeout_s
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PunieLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PunieLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PunieLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls._generation[uri] = ls._generation.get(uri, 0) + 1
        ls.published.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: PunieLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if ls.apply_settings(params.settings, base=ls.settings):
            for document in list(ls.workspace.text_documents):
                ls.schedule(document)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    async def code_action(
        ls: PunieLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        relative = ls.relative(uri)
        if relative is None or ls.root is None:
            return None
        text = ls.workspace.get_text_document(uri).source
        diagnostics = list(params.context.diagnostics)
        only = [str(getattr(kind, "value", kind)) for kind in params.context.only or ()]
        if any(kind in ("source", "source.fixAll") for kind in only):
            # "Fix all" (e.g. on save) comes without a selection: use what was published.
            diagnostics += [
                d
                for d in ls.published.get(uri, [])
                if d.source == "punie/ruff" and d not in diagnostics
            ]
        work = functools.partial(
            code_actions,
            workspace=ls.root,
            relative=relative,
            uri=uri,
            text=text,
            diagnostics=diagnostics,
            ruff_select=ls.settings.ruff_select,
            timeout_s=ls.settings.timeout_s,
            only=only,
        )
        try:
            return await ls.in_thread(work)
        except Exception as error:
            ls.log(f"punie: code actions for {relative} failed: {error}")
            return None

    @server.command("punie.runSnippet")
    async def run_snippet(ls: PunieLanguageServer, *arguments: Any) -> dict[str, Any]:
        snippet = _argument(arguments, "snippet")
        commands = _commands(ls)
        data, summary = await ls.with_progress(
            "punie: running snippet", ls.in_thread(lambda: commands.run_snippet(snippet))
        )
        kind = types.MessageType.Info if data.get("ok") else types.MessageType.Warning
        ls.window_show_message(types.ShowMessageParams(type=kind, message=summary))
        return data

    @server.command("punie.ask")
    async def ask(ls: PunieLanguageServer, *arguments: Any) -> dict[str, Any]:
        question = _argument(arguments, "question")
        commands = _commands(ls)
        model = ls.settings.model
        data, summary = await ls.with_progress(
            "punie: thinking", ls.in_thread(lambda: commands.ask(question, model))
        )
        kind = types.MessageType.Info if data.get("ok") else types.MessageType.Warning
        ls.window_show_message(types.ShowMessageParams(type=kind, message=summary))
        return data

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: PunieLanguageServer, params: None) -> None:
        if ls.commands is not None:
            ls.commands.close()
        close_all_sessions()
        ls.pool.shutdown(wait=False, cancel_futures=True)


def _argument(arguments: tuple[Any, ...], key: str) -> str:
    try:
        return first_text(arguments, key)
    except CommandError as error:
        raise JsonRpcInvalidParams(str(error)) from None


def _commands(ls: PunieLanguageServer) -> Commands:
    if ls.commands is None:
        raise JsonRpcInvalidParams(
            "punie needs a workspace folder for this command; open a folder (rootUri) first"
        )
    return ls.commands


def create_server() -> PunieLanguageServer:
    """A new server with every feature and command registered."""
    server = PunieLanguageServer()
    _register(server)
    return server
