"""One ACP session: one punie ``Agent`` on the session's folder, its prompts, its cancel.

The agent loop runs in a worker thread (``asyncio.to_thread``); its events, and the calls of the
observed bridges, arrive on that thread and are sent to the editor from there, each waiting until
the connection has written it (``run_coroutine_threadsafe(...).result()``), so the editor sees
them in the order they happened and before the prompt's answer. A write waits the same way for the
person's answer to a permission request.

The ``Agent`` is built in the background as soon as the session is created (loading a local model
takes seconds); a prompt waits for it. When it cannot be built (no model configured, a broken
``punie.toml``), the prompt's reply says why and how to fix it, and the next prompt tries again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from acp import RequestError, update_agent_message_text
from acp.interfaces import Client
from acp.schema import (
    AllowedOutcome,
    FileEditToolCallContent,
    PermissionOption,
    StopReason,
    ToolCallUpdate,
)

from bridges import BridgeError, default_bridges, resolve_in_workspace
from runtime._config import load_config
from runtime._errors import PunieRuntimeError, UsageError
from runtime._events import Event, RunFinished, RunStarted, SnippetChecked, SnippetExecuted
from runtime._results import AgentLimits, AgentResult, CancelToken
from runtime.acp._index import SessionIndex
from runtime.acp._interrupt import InterruptibleAgent
from runtime.acp._observe import observed, read_through_editor
from runtime.acp._settings import AgentSettings
from runtime.acp._updates import (
    RunUpdates,
    SessionUpdate,
    bridge_finished,
    bridge_started,
    bridge_title,
)
from runtime.models import GenerationSettings
from sandbox import HostFunction, SandboxError

__all__ = ["NO_MODEL", "AcpSession"]

_log = logging.getLogger("punie.acp")

NO_MODEL = (
    "punie has no model to answer with. Name one for this project, for example "
    '`model = "openai:http://127.0.0.1:8080/v1"` in punie.toml (or under [tool.punie] in '
    'pyproject.toml), or add `"--model", "SPEC"` to the arguments of punie in your editor\'s '
    "agent settings (see docs/editor.md); then send your question again."
)

_INTERRUPT_AGAIN_S = 0.05
"""How soon a cancel tries again to stop a snippet whose worker it could not kill yet."""

_DIFF_BYTES = 1_000_000
"""A file larger than this is not shown as the old side of a write's diff."""


class AcpSession:
    """A session's state: its ``Agent``, the prompt in progress and how to cancel it."""

    def __init__(
        self,
        *,
        session_id: str,
        cwd: Path,
        settings: AgentSettings,
        client: Client,
        loop: asyncio.AbstractEventLoop,
        editor_reads: bool,
        index: SessionIndex,
    ) -> None:
        self.session_id = session_id
        self.cwd = cwd
        self._settings = settings
        self._client = client
        self._loop = loop
        self._editor_reads = editor_reads
        self._index = index
        self._agent: InterruptibleAgent | None = None
        self._preparing: asyncio.Future[InterruptibleAgent | str] | None = None
        self._token = CancelToken()
        self._updates = RunUpdates(live=True)
        self._running_snippet = False
        self._prompting = False
        self._always: set[str] = set()
        """Bridges the person allowed to write for the rest of the session ("always")."""
        self._permission: concurrent.futures.Future[Any] | None = None

    # -- the agent ------------------------------------------------------------------------
    def prepare(self) -> None:
        """Start building the ``Agent`` in the background (a prompt waits for it)."""
        if self._preparing is None:
            self._preparing = asyncio.ensure_future(asyncio.to_thread(self._build))

    def _build(self) -> InterruptibleAgent | str:
        """The session's agent, or the sentence that tells the person why there is none."""
        settings = self._settings
        try:
            config = load_config(self.cwd)
        except UsageError as error:
            return f"punie cannot read this project's settings: {error}. Fix them, then ask again."
        spec = settings.model or config.model
        if not spec:
            return NO_MODEL
        defaults = AgentLimits()
        try:
            functions = default_bridges(
                self.cwd,
                allow_write=settings.allow_write or config.allow_write,
                timeout_s=settings.bridge_timeout_s or config.bridge_timeout_s or 60.0,
                python=settings.python or config.python,
                jail=settings.jail or config.jail or "auto",
                jail_network=bool(config.jail_network),
            )
            agent = InterruptibleAgent(
                model=spec,
                workspace=self.cwd,
                host_functions=self._observed(functions),
                limits=AgentLimits(
                    max_turns=config.max_turns or defaults.max_turns,
                    max_time_s=config.max_time_s or defaults.max_time_s,
                    max_tokens=config.max_tokens or defaults.max_tokens,
                    max_reply_tokens=config.max_reply_tokens or defaults.max_reply_tokens,
                ),
                settings=GenerationSettings(
                    temperature=config.temperature or 0.0, seed=config.seed
                ),
                sandbox_limits=settings.limits,
                record_traces=settings.record_traces,
                bridges=settings.bridges or config.bridges,
                profile=settings.profile,
            )
        except (PunieRuntimeError, BridgeError, ValueError, OSError) as error:
            source = f" (settings: {config.source})" if config.source else ""
            return f"punie cannot start on {self.cwd}{source}: {error}"
        agent.subscribe(self._on_event)
        agent.warm()
        return agent

    def _observed(self, functions: Sequence[HostFunction]) -> list[HostFunction]:
        wrapped: list[HostFunction] = []
        for function in functions:
            if function.name == "read_file" and self._editor_reads:
                function = read_through_editor(function, self.cwd, self._read_in_editor)
            wrapped.append(observed(function, self))
        return wrapped

    async def _ready(self) -> InterruptibleAgent | str:
        if self._agent is not None:
            return self._agent
        self.prepare()
        assert self._preparing is not None
        built = await self._preparing
        if isinstance(built, str):
            self._preparing = None  # the next prompt tries again (the settings may be fixed)
            return built
        self._agent = built
        return built

    # -- prompts --------------------------------------------------------------------------
    async def prompt(self, question: str) -> StopReason:
        """Run the loop for one prompt; every step is streamed before this returns."""
        if self._prompting:
            raise RequestError.invalid_request(
                {"message": "a prompt is already running in this session; cancel it first"}
            )
        self._prompting = True
        self._token = token = CancelToken()
        try:
            agent = await self._ready()
            if token.cancelled:
                return "cancelled"
            if isinstance(agent, str):
                await self._say(agent)
                return "end_turn"
            self._updates = RunUpdates(live=True)
            try:
                result: AgentResult = await asyncio.to_thread(agent.ask, question, cancel=token)
            except UsageError as error:  # an empty question: the loop did not start
                await self._say(f"{error}.")
                return "end_turn"
            except (PunieRuntimeError, SandboxError) as error:  # already said by run_finished
                _log.warning("the run failed: %s: %s", type(error).__name__, error)
                return "cancelled" if token.cancelled else "end_turn"
        finally:
            self._prompting = False
        if result.outcome == "cancelled" or token.cancelled:
            return "cancelled"
        if result.outcome == "max_turns":
            return "max_turn_requests"
        if result.outcome == "token_limit":
            return "max_tokens"
        return "end_turn"

    def cancel(self) -> None:
        """Cancel the prompt in progress: between steps, and the snippet running now."""
        self._token.cancel()
        permission = self._permission
        if permission is not None:
            permission.cancel()  # the run thread stops waiting; the write is refused
        if self._running_snippet:
            self._updates.interrupted = True
            self._interrupt()

    def _interrupt(self) -> None:
        """Kill the running snippet's worker, again until the snippet has ended: the cancel can
        arrive between the snippet's check and the moment its worker is picked or booted."""
        agent = self._agent
        if not self._running_snippet or agent is None:
            return
        agent.interrupt()
        self._loop.call_later(_INTERRUPT_AGAIN_S, self._interrupt)

    async def close(self) -> None:
        self.cancel()
        agent = self._agent
        self._agent = None
        if agent is not None:
            await asyncio.to_thread(agent.close)

    async def _say(self, text: str) -> None:
        await self._client.session_update(self.session_id, update_agent_message_text(text))

    # -- on the run's thread --------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        if isinstance(event, RunStarted) and self._settings.record_traces:
            try:
                self._index.add_trace(self.session_id, cwd=self.cwd, trace_id=event.run_id)
            except OSError as error:
                _log.warning("cannot index the session's trace: %s", error)
        elif isinstance(event, SnippetChecked):
            self._running_snippet = not event.issues
        elif isinstance(event, SnippetExecuted | RunFinished):
            self._running_snippet = False
        for update in self._updates.updates(event):
            self._send(update)

    def _call(self, make: Callable[[], Any]) -> Any:
        """Run a coroutine on the connection's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(make(), self._loop).result()

    def _send(self, update: SessionUpdate) -> None:
        try:
            self._call(lambda: self._client.session_update(self.session_id, update))
        except Exception as error:  # the editor went away: stop working for it
            _log.warning("cannot send a session update: %s", error)
            self._token.cancel()

    def _read_in_editor(self, path: Path) -> str | None:
        try:
            response = self._call(lambda: self._client.read_text_file(self.session_id, str(path)))
        except Exception as error:  # the editor could not: the disk's text stands
            _log.info("fs/read_text_file %s failed: %s", path, error)
            return None
        return response.content

    # BridgeObserver
    def started(self, name: str, arguments: Mapping[str, Any], *, writes: bool) -> str:
        call_id = self._updates.next_bridge_id()
        pending = writes and name not in self._always
        self._send(bridge_started(call_id, name, arguments, pending=pending))
        return call_id

    def finished(
        self, call_id: str, *, ok: bool, result: Any = None, error: str | None = None
    ) -> None:
        self._send(bridge_finished(call_id, ok=ok, result=result, error=error))

    def permit(self, call_id: str, name: str, arguments: Mapping[str, Any]) -> bool:
        if name in self._always:
            return True
        if self._token.cancelled:
            return False
        options = [
            PermissionOption(option_id="allow_once", name="Allow once", kind="allow_once"),
            PermissionOption(
                option_id="allow_always", name=f"Always allow {name}", kind="allow_always"
            ),
            PermissionOption(option_id="reject_once", name="Reject", kind="reject_once"),
        ]
        tool_call = ToolCallUpdate(
            tool_call_id=call_id,
            title=bridge_title(name, arguments),
            kind="edit",
            status="pending",
            content=self._diff(name, arguments),
        )
        future = asyncio.run_coroutine_threadsafe(
            self._client.request_permission(
                session_id=self.session_id, tool_call=tool_call, options=options
            ),
            self._loop,
        )
        self._permission = future
        try:
            if self._token.cancelled:  # cancelled between the check and the request
                future.cancel()
            response = future.result()
        except (concurrent.futures.CancelledError, Exception) as error:
            _log.info("permission for %s not given: %s", name, error or "cancelled")
            return False
        finally:
            self._permission = None
        outcome = response.outcome
        if not isinstance(outcome, AllowedOutcome):
            return False  # the prompt was cancelled while the request was open
        if outcome.option_id == "allow_always":
            self._always.add(name)
        return outcome.option_id in ("allow_once", "allow_always")

    def _diff(
        self, name: str, arguments: Mapping[str, Any]
    ) -> list[FileEditToolCallContent] | None:
        """For write_file, the change as a diff the editor can show beside the question."""
        path, content = arguments.get("path"), arguments.get("content")
        if name != "write_file" or not isinstance(path, str) or not isinstance(content, str):
            return None
        try:
            target = resolve_in_workspace(self.cwd, path, must_exist=False)
            old = None
            if target.is_file() and target.stat().st_size <= _DIFF_BYTES:
                old = target.read_text(encoding="utf-8", errors="replace")
        except (BridgeError, OSError):
            return None  # the bridge refuses the path itself, with its own message
        return [
            FileEditToolCallContent(type="diff", path=str(target), new_text=content, old_text=old)
        ]
