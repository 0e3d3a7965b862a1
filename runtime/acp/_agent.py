"""``PunieAgent``: the agent side of the Agent Client Protocol, over punie's ``Agent``.

An editor (Zed, a JetBrains IDE) starts ``punie acp`` and speaks JSON-RPC on its stdin/stdout:

- ``initialize``: punie's capabilities (no authentication; ``session/load`` when traces are
  recorded; prompts may embed file contents);
- ``session/new``: a session on the folder the editor names (``cwd``), with its own punie
  ``Agent`` built from that folder's settings (``AcpSession``);
- ``session/prompt``: one run of the loop, streamed as session updates, ending with a stop reason;
- ``session/cancel``: ends the run between steps and stops the snippet running;
- ``session/load``: replays a session's earlier prompts from punie's traces, then continues it.

Requests that cannot be served (an unknown session, a folder that is not one) get a JSON-RPC
error that says what to send instead; nothing a client sends ends the agent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from acp import PROTOCOL_VERSION, RequestError, update_user_message_text
from acp.interfaces import Client
from acp.schema import (
    AgentCapabilities,
    AudioContentBlock,
    AuthenticateResponse,
    ClientCapabilities,
    EmbeddedResourceContentBlock,
    HttpMcpServer,
    ImageContentBlock,
    Implementation,
    InitializeResponse,
    LoadSessionResponse,
    McpServerStdio,
    NewSessionResponse,
    PromptCapabilities,
    PromptResponse,
    ResourceContentBlock,
    SseMcpServer,
    TextContentBlock,
    TextResourceContents,
)

from runtime._errors import TraceError
from runtime.acp._index import SessionIndex, new_session_id
from runtime.acp._session import AcpSession
from runtime.acp._settings import AgentSettings
from runtime.acp._updates import RunUpdates
from runtime.traces import TraceStore

__all__ = ["PunieAgent", "prompt_text"]

_log = logging.getLogger("punie.acp")

ContentBlock = (
    TextContentBlock
    | ImageContentBlock
    | AudioContentBlock
    | ResourceContentBlock
    | EmbeddedResourceContentBlock
)


def prompt_text(blocks: Sequence[ContentBlock]) -> str:
    """The question as punie's model reads it: the text, plus files the editor attached."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, TextContentBlock):
            parts.append(block.text)
        elif isinstance(block, ResourceContentBlock):
            parts.append(f"[{block.name}]({block.uri})")
        elif isinstance(block, EmbeddedResourceContentBlock):
            resource = block.resource
            if isinstance(resource, TextResourceContents):
                parts.append(f"{resource.uri}:\n```\n{resource.text}\n```")
    return "\n\n".join(part for part in parts if part)


def _folder(cwd: str) -> Path:
    path = Path(cwd)
    if not path.is_absolute() or not path.is_dir():
        raise RequestError.invalid_params(
            {"cwd": cwd, "message": "cwd must be the absolute path of an existing folder"}
        )
    return path.resolve()


class PunieAgent:
    """The ACP agent: sessions by id, each an ``AcpSession`` (see the module docstring)."""

    def __init__(self, settings: AgentSettings, *, index: SessionIndex | None = None) -> None:
        self._settings = settings
        self._index = index or SessionIndex()
        self._client: Client | None = None
        self._sessions: dict[str, AcpSession] = {}
        self._editor_reads = False

    def on_connect(self, conn: Client) -> None:
        self._client = conn

    def _connection(self) -> Client:
        if self._client is None:
            raise RequestError.internal_error({"message": "the agent is not connected"})
        return self._client

    def _session(self, session_id: str) -> AcpSession:
        session = self._sessions.get(session_id)
        if session is None:
            raise RequestError.invalid_params(
                {
                    "sessionId": session_id,
                    "message": "no such session in this agent; create one with session/new",
                }
            )
        return session

    async def initialize(
        self,
        protocol_version: int,
        client_capabilities: ClientCapabilities | None = None,
        client_info: Implementation | None = None,
        **kwargs: Any,
    ) -> InitializeResponse:
        from runtime.cli import package_version

        fs = client_capabilities.fs if client_capabilities is not None else None
        self._editor_reads = bool(fs is not None and fs.read_text_file)
        return InitializeResponse(
            protocol_version=min(protocol_version, PROTOCOL_VERSION),
            agent_capabilities=AgentCapabilities(
                load_session=self._settings.record_traces,
                prompt_capabilities=PromptCapabilities(embedded_context=True),
            ),
            auth_methods=[],
            agent_info=Implementation(name="punie", title="punie", version=package_version()),
        )

    async def authenticate(self, method_id: str, **kwargs: Any) -> AuthenticateResponse | None:
        return AuthenticateResponse()

    def _open(self, session_id: str, cwd: Path) -> AcpSession:
        session = AcpSession(
            session_id=session_id,
            cwd=cwd,
            settings=self._settings,
            client=self._connection(),
            loop=asyncio.get_running_loop(),
            editor_reads=self._editor_reads,
            index=self._index,
        )
        self._sessions[session_id] = session
        session.prepare()
        return session

    async def new_session(
        self,
        cwd: str,
        additional_directories: list[str] | None = None,
        mcp_servers: list[HttpMcpServer | SseMcpServer | McpServerStdio] | None = None,
        **kwargs: Any,
    ) -> NewSessionResponse:
        session = self._open(new_session_id(), _folder(cwd))
        return NewSessionResponse(session_id=session.session_id)

    async def load_session(
        self,
        cwd: str,
        session_id: str,
        mcp_servers: list[HttpMcpServer | SseMcpServer | McpServerStdio] | None = None,
        additional_directories: list[str] | None = None,
        **kwargs: Any,
    ) -> LoadSessionResponse | None:
        folder = _folder(cwd)
        record = self._index.load(session_id) if self._settings.record_traces else None
        if record is None:
            raise RequestError.invalid_params(
                {
                    "sessionId": session_id,
                    "message": "punie has no recorded session with this id; start a new one",
                }
            )
        if session_id in self._sessions:
            await self._sessions.pop(session_id).close()
        client = self._connection()
        store = TraceStore()
        for trace_id in record.traces:
            try:
                trace = store.load(trace_id)
            except TraceError as error:  # deleted with 'punie traces'; the rest still replays
                await client.session_update(
                    session_id, update_user_message_text(f"(an earlier prompt is gone: {error})")
                )
                continue
            replay = RunUpdates(live=False)
            for event in trace.events:
                for update in replay.updates(event):
                    await client.session_update(session_id, update)
        self._open(session_id, folder)
        return LoadSessionResponse()

    async def prompt(
        self, session_id: str, prompt: list[ContentBlock], **kwargs: Any
    ) -> PromptResponse:
        session = self._session(session_id)
        stop = await session.prompt(prompt_text(prompt))
        return PromptResponse(stop_reason=stop)

    async def cancel(self, session_id: str, **kwargs: Any) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            session.cancel()

    async def close(self) -> None:
        """End every session (their sandboxes and models) when the editor disconnects."""
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()
