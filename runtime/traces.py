"""Traces: one JSONL file per run, written as the run happens, read back for review and training.

Location: ``$PUNIE_DATA_DIR/traces/`` (default ``$XDG_DATA_HOME/punie`` or
``~/.local/share/punie``). File ``<trace_id>.jsonl``; the trace id is the run id, which starts
with the UTC start time so that names sort by time.

Schema (version ``TRACE_SCHEMA_VERSION``): the first line is a header
``{"schema": "punie.trace", "version": 1, "trace_id": ..., "created": ISO-8601}``; every
following line is one event (``runtime.Event``, discriminated by ``type``). Each line is written
and flushed as the event happens, so after a crash or ``kill -9`` the file is valid JSONL except,
at worst, a partial last line — which the reader skips. A trace without ``run_finished`` is
reported with outcome ``incomplete``. Traces stay on this machine; nothing is sent anywhere.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from runtime._errors import TraceError
from runtime._events import Event, EventAdapter, RunFinished, RunStarted, TurnFinished
from runtime.template import Message, render_conversation

__all__ = [
    "TRACE_SCHEMA",
    "TRACE_SCHEMA_VERSION",
    "Trace",
    "TraceRecorder",
    "TraceStore",
    "conversation_from_trace",
    "data_dir",
    "read_trace",
]

TRACE_SCHEMA = "punie.trace"
TRACE_SCHEMA_VERSION = 1


def data_dir() -> Path:
    """Where punie keeps local data: ``PUNIE_DATA_DIR``, else the XDG data home."""
    explicit = os.environ.get("PUNIE_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "punie"


class TraceRecorder:
    """A subscriber that appends every event of every run to ``<directory>/<run_id>.jsonl``.

    Opens the file at ``run_started`` and closes it after ``run_finished``; each line is flushed
    at once. Use one recorder for many runs (the ``Agent`` does).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir() / "traces"
        self._files: dict[str, IO[str]] = {}

    def path_for(self, trace_id: str) -> Path:
        return self.directory / f"{trace_id}.jsonl"

    def __call__(self, event: Event) -> None:
        try:
            self._write(event)
        except OSError as error:
            raise TraceError(
                f"cannot write the trace to {self.directory}: {error}. Set PUNIE_DATA_DIR to a "
                "writable folder, or turn traces off (record_traces=False, --no-trace)"
            ) from error

    def _write(self, event: Event) -> None:
        handle = self._files.get(event.run_id)
        if handle is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = self.path_for(event.run_id).open("a", encoding="utf-8")
            self._files[event.run_id] = handle
            header = {
                "schema": TRACE_SCHEMA,
                "version": TRACE_SCHEMA_VERSION,
                "trace_id": event.run_id,
                "created": datetime.fromtimestamp(event.at, UTC).isoformat(),
            }
            handle.write(json.dumps(header) + "\n")
        handle.write(event.model_dump_json() + "\n")
        handle.flush()
        if isinstance(event, RunFinished):
            handle.close()
            del self._files[event.run_id]

    def close(self) -> None:
        """Close files of runs that never finished (their traces stay readable)."""
        for handle in self._files.values():
            handle.close()
        self._files.clear()


@dataclass(frozen=True)
class Trace:
    """One recorded run: header fields plus its events, in order."""

    trace_id: str
    created: datetime
    events: tuple[Event, ...]
    path: Path
    skipped_lines: int = 0
    """Unreadable lines (a partial last line after a crash)."""

    @property
    def started(self) -> RunStarted | None:
        return next((e for e in self.events if isinstance(e, RunStarted)), None)

    @property
    def finished(self) -> RunFinished | None:
        return next((e for e in reversed(self.events) if isinstance(e, RunFinished)), None)

    @property
    def outcome(self) -> str:
        finished = self.finished
        return finished.outcome if finished is not None else "incomplete"

    @property
    def question(self) -> str:
        started = self.started
        return started.question if started is not None else ""

    @property
    def turns(self) -> int:
        return sum(isinstance(e, TurnFinished) for e in self.events) + (
            1 if self.outcome == "success" else 0
        )


def read_trace(path: Path) -> Trace:
    """Read one trace file, skipping (and counting) lines a crash left unreadable."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise TraceError(f"cannot read trace {path}: {error}") from error
    if not lines:
        raise TraceError(f"trace {path} is empty")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError as error:
        raise TraceError(f"trace {path} has no readable header line") from error
    if header.get("schema") != TRACE_SCHEMA:
        raise TraceError(f"{path} is not a punie trace (schema {header.get('schema')!r})")
    if header.get("version") != TRACE_SCHEMA_VERSION:
        raise TraceError(
            f"trace {path} has schema version {header.get('version')}; this punie reads "
            f"version {TRACE_SCHEMA_VERSION}"
        )
    events: list[Event] = []
    skipped = 0
    for line in lines[1:]:
        try:
            events.append(EventAdapter.validate_json(line))
        except ValidationError:
            skipped += 1
    return Trace(
        trace_id=str(header["trace_id"]),
        created=datetime.fromisoformat(header["created"]),
        events=tuple(events),
        path=path,
        skipped_lines=skipped,
    )


class TraceStore:
    """The traces under one directory: list, load by id (or unique prefix), filter for export."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir() / "traces"

    def paths(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.jsonl"))

    def all(self) -> Iterator[Trace]:
        """Every readable trace, oldest first (unreadable files are skipped).

        Ordered by creation time, not by file name: ids carry whole seconds only, so two runs
        started in the same second would otherwise sort by their random suffix.
        """
        traces: list[Trace] = []
        for path in self.paths():
            try:
                traces.append(read_trace(path))
            except TraceError:
                continue
        yield from sorted(traces, key=lambda trace: (trace.created, trace.trace_id))

    def load(self, trace_id: str) -> Trace:
        if not trace_id or "/" in trace_id or "\\" in trace_id or trace_id.startswith("."):
            raise TraceError(
                f"{trace_id!r} is not a trace id; ids look like 20261128T093000-1a2b3c4d "
                "('punie traces list' shows them)"
            )
        exact = self.directory / f"{trace_id}.jsonl"
        if exact.is_file():
            return read_trace(exact)
        matches = [p for p in self.paths() if p.stem.startswith(trace_id)]
        if len(matches) == 1:
            return read_trace(matches[0])
        if not matches:
            raise TraceError(
                f"no trace {trace_id!r} in {self.directory}; 'punie traces list' shows the ids"
            )
        raise TraceError(f"{trace_id!r} matches {len(matches)} traces; give more of the id")

    def select(self, *, since: datetime | None = None, outcome: str | None = None) -> list[Trace]:
        """Traces created at or after ``since`` with the given outcome (None: any)."""
        chosen = []
        for trace in self.all():
            if since is not None and trace.created < since:
                continue
            if outcome is not None and trace.outcome != outcome:
                continue
            chosen.append(trace)
        return chosen


def conversation_from_trace(trace: Trace) -> list[Message]:
    """The chat exactly as the model saw it, plus its final answer when the run succeeded.

    Rendered through ``runtime.template.render_conversation`` — the same function the loop uses
    for each model request — so training rows built from traces match inference byte for byte.
    """
    started = trace.started
    if started is None:
        raise TraceError(f"trace {trace.trace_id} has no run_started event")
    steps = [e.step for e in trace.events if isinstance(e, TurnFinished)]
    finished = trace.finished
    answer = finished.answer if finished is not None and finished.outcome == "success" else None
    return render_conversation(
        system=started.system, question=started.question, steps=steps, answer=answer
    )
