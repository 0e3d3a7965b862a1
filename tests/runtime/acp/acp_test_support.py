"""Drive ``punie acp`` as a real subprocess with the ACP SDK's own client side.

``RecordingClient`` is the editor: it keeps every session update, answers permission requests
from a list of option ids (``"allow_once"``, ``"allow_always"``, ``"reject_once"``, or None to
answer "cancelled"), and serves ``fs/read_text_file`` from ``buffers`` (the editor's unsaved
text by absolute path) when the test gives any.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from acp import PROTOCOL_VERSION, RequestError, spawn_agent_process
from acp.client.connection import ClientSideConnection
from acp.interfaces import Client
from acp.schema import (
    AllowedOutcome,
    ClientCapabilities,
    DeniedOutcome,
    FileSystemCapabilities,
    PermissionOption,
    ReadTextFileResponse,
    RequestPermissionResponse,
    ToolCallUpdate,
)

__all__ = [
    "PUNIE",
    "RecordingClient",
    "kinds",
    "reply",
    "scripted",
    "start_agent",
    "text_of",
]

PUNIE = str(Path(sys.executable).parent / "punie")


def reply(code: str, prose: str = "") -> str:
    """A model reply that calls the tool with ``code`` (the Qwen3-Coder XML form)."""
    lead = f"{prose}\n" if prose else ""
    return (
        f"{lead}<tool_call>\n<function=execute_code>\n<parameter=code>\n{code}\n"
        "</parameter>\n</function>\n</tool_call>"
    )


def scripted(folder: Path, replies: list[str]) -> str:
    """Write the replies as a scripted model file; returns its ``--model`` spec."""
    path = folder / "replies.json"
    path.write_text(json.dumps(replies), encoding="utf-8")
    return f"scripted:{path}"


class RecordingClient:
    """The editor's side: records updates, answers permissions and reads from ``buffers``."""

    def __init__(
        self,
        *,
        permissions: list[str | None] | None = None,
        buffers: dict[str, str] | None = None,
    ) -> None:
        self.updates: list[tuple[str, Any]] = []
        self.permission_requests: list[tuple[ToolCallUpdate, list[PermissionOption]]] = []
        self.reads: list[str] = []
        self._permissions = list(permissions or [])
        self._buffers = buffers or {}

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        self.updates.append((session_id, update))

    async def request_permission(
        self,
        session_id: str,
        tool_call: ToolCallUpdate,
        options: list[PermissionOption],
        **kwargs: Any,
    ) -> RequestPermissionResponse:
        self.permission_requests.append((tool_call, options))
        choice = self._permissions.pop(0) if self._permissions else None
        if choice is None:
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(
            outcome=AllowedOutcome(outcome="selected", option_id=choice)
        )

    async def read_text_file(
        self,
        session_id: str,
        path: str,
        line: int | None = None,
        limit: int | None = None,
        **kwargs: Any,
    ) -> ReadTextFileResponse:
        self.reads.append(path)
        if path in self._buffers:
            return ReadTextFileResponse(content=self._buffers[path])
        try:
            return ReadTextFileResponse(content=Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise RequestError.resource_not_found(path) from error

    async def write_text_file(self, *args: Any, **kwargs: Any) -> None:
        raise RequestError.method_not_found("fs/write_text_file")

    def on_connect(self, conn: Any) -> None:
        pass


def kinds(client: RecordingClient) -> list[str]:
    """The ``sessionUpdate`` kind of every update, in order, with a tool call's status."""
    shown = []
    for _, update in client.updates:
        kind = update.session_update
        status = getattr(update, "status", None)
        shown.append(f"{kind}:{status}" if kind.startswith("tool_call") else kind)
    return shown


def text_of(update: Any) -> str:
    """The text of a message/thought chunk."""
    return update.content.text


@asynccontextmanager
async def start_agent(
    client: RecordingClient, *args: str, cwd: Path, fs: bool = False
) -> AsyncGenerator[tuple[ClientSideConnection, asyncio.subprocess.Process]]:
    """``punie acp ARGS`` started and initialised; yields the client's connection and the
    process (its ``stdin`` takes raw lines)."""
    async with spawn_agent_process(
        cast(Client, client), PUNIE, "acp", *args, env=dict(os.environ), cwd=cwd
    ) as (connection, process):
        await connection.initialize(
            protocol_version=PROTOCOL_VERSION,
            client_capabilities=ClientCapabilities(
                fs=FileSystemCapabilities(read_text_file=fs, write_text_file=False)
            ),
        )
        yield connection, process
