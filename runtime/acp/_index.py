"""Which traces belong to which ACP session, so that ``session/load`` can replay them.

Every prompt of a session is one punie run, recorded as a trace (``runtime.traces``). The index
keeps, per session id, the session's folder and its trace ids in order, one small JSON file per
session under ``$PUNIE_DATA_DIR/acp-sessions/``. The traces themselves are not copied.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from runtime.traces import data_dir

__all__ = ["SessionIndex", "SessionRecord", "new_session_id"]

_SESSION_ID = re.compile(r"[0-9a-f]{32}")


def new_session_id() -> str:
    import uuid

    return uuid.uuid4().hex


class SessionRecord(BaseModel):
    """One ACP session as stored: its folder and the traces of its prompts, oldest first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cwd: str
    traces: list[str] = []


class SessionIndex:
    """The session records under one directory (default ``data_dir() / "acp-sessions"``)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir() / "acp-sessions"

    def _path(self, session_id: str) -> Path | None:
        if not _SESSION_ID.fullmatch(session_id):
            return None  # not one of ours: never a path built from what a client sent
        return self.directory / f"{session_id}.json"

    def load(self, session_id: str) -> SessionRecord | None:
        """The session's record, or None when punie never saw that id (or cannot read it)."""
        path = self._path(session_id)
        if path is None or not path.is_file():
            return None
        try:
            return SessionRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError):
            return None

    def add_trace(self, session_id: str, *, cwd: Path, trace_id: str) -> None:
        """Append one prompt's trace id to the session's record (created on the first)."""
        path = self._path(session_id)
        if path is None:
            raise ValueError(f"{session_id!r} is not a punie ACP session id")
        record = self.load(session_id)
        traces = [*(record.traces if record is not None else []), trace_id]
        self.directory.mkdir(parents=True, exist_ok=True)
        data = SessionRecord(cwd=str(cwd), traces=traces).model_dump()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(path)
