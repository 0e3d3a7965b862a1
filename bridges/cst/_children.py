"""Child processes that do every parse of workspace files, so that no file can crash the host.

LibCST's native parser segfaults on deeply nested source (about 2,000 nested parentheses), and
any parser can take long or much memory on a hostile file. So the host never parses workspace
files itself: it reads their bytes and hands them, one file per request, to a small pool of
persistent children (one per CPU). A child runs with limits (address space, no core files),
dies with the host (``PR_SET_PDEATHSIG`` and end of input), keeps its parsed trees for the next
call, and answers with small JSON data. When a child dies on a file, that file's outcome is
``crashed``, the child is replaced and the other files go on; at the call's deadline, busy
children are killed and their files and every file not started are ``timeout``.

Host -> child messages are pickles (the host is trusted); child -> host answers are JSON, so a
child that misbehaves cannot make the host run code.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ChildPool", "Job", "Outcome"]

_HEADER = struct.Struct("!I")
_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from bridges.cst._child_main import main; main({memory})"
)
DEFAULT_MEMORY_BYTES = 2 * 1024**3
"""Address-space limit of one child: a file that needs more is skipped as 'crashed'."""


@dataclass(frozen=True)
class Job:
    """One file for a child: its content and what to compute on it."""

    task: tuple[Any, ...]
    """What to compute, e.g. ``("find", kind, glob)``; must pickle."""
    digest: str
    """Content hash of ``data`` (the child's cache key)."""
    data: bytes
    """The file's bytes, exactly as read."""


@dataclass(frozen=True)
class Outcome:
    """A child's answer for one job: a value, or why the file was skipped."""

    value: Any = None
    """The task's JSON result when the file could be read and parsed."""
    skip: tuple[str, str] | None = None
    """(reason, detail) when it could not: reasons as in ``parsers.contracts.SkippedFile``."""
    parsed: bool = False
    """True when the child parsed the file with LibCST (not served from its cache)."""


class _ChildDied(Exception):
    """The child's pipe closed: it crashed or was killed."""


class _Child:
    def __init__(self, memory: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT.format(root=_ROOT, memory=memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdin
        self._out = self.process.stdout.fileno()

    def send(self, message: object) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._in.write(_HEADER.pack(len(payload)) + payload)
            self._in.flush()
        except (BrokenPipeError, OSError) as error:
            raise _ChildDied from error

    def _read(self, size: int, deadline: float) -> bytes | None:
        chunks: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._out], [], [], remaining)[0]:
                return None
            chunk = os.read(self._out, min(size, 1 << 20))
            if not chunk:
                raise _ChildDied
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def receive(self, deadline: float) -> Any | None:
        """The next answer, or None when the deadline passed first."""
        header = self._read(_HEADER.size, deadline)
        if header is None:
            return None
        (size,) = _HEADER.unpack(header)
        body = self._read(size, deadline + 5.0)  # the header came: the rest follows at once
        if body is None:
            raise _ChildDied
        return json.loads(body)

    def death(self) -> str:
        """Why the child is gone, for the skip detail."""
        self.kill()
        code = self.process.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the parser process was killed by {name} on this file"
        return f"the parser process exited with status {code} on this file"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._in.close()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def alive(self) -> bool:
        return self.process.poll() is None


class ChildPool:
    """Persistent parser children; the owner calls ``close()`` (``ModuleCache`` does, at exit).

    ``run`` is safe to call from several threads: each call checks children out of the pool, so
    two calls never share a child at the same moment.
    """

    def __init__(self, *, size: int | None = None, memory: int = DEFAULT_MEMORY_BYTES) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.memory = memory
        self._idle: list[_Child | None] = [None] * self.size
        """Idle children by lane: a lane gets the same child each call, and with it the parses
        that child cached for the files of that lane."""
        self._lock = threading.Lock()
        self.started = 0
        """How many children were started (a crash or a timeout starts a replacement)."""

    def _checkout(self, lane: int) -> _Child:
        with self._lock:
            child, self._idle[lane] = self._idle[lane], None
            if child is not None and child.alive():
                return child
            self.started += 1
        if child is not None:
            child.kill()
        return _Child(self.memory)

    def _checkin(self, lane: int, child: _Child) -> None:
        with self._lock:
            if self._idle[lane] is None:
                self._idle[lane] = child
                return
        child.kill()  # another call used this lane meanwhile and returned its child first

    def run(self, jobs: Sequence[Job], *, deadline: float) -> list[Outcome]:
        """One outcome per job, in order; files not answered by ``deadline`` are 'timeout'."""
        outcomes: list[Outcome | None] = [None] * len(jobs)
        if not jobs:
            return []
        lanes = min(self.size, len(jobs))
        # Files go to a lane by content hash, so an unchanged file meets the child that has its
        # parse cached; an idle lane takes work from the others' tails.
        queues: list[list[int]] = [[] for _ in range(lanes)]
        for index in sorted(range(len(jobs)), key=lambda i: jobs[i].digest):
            queues[int(jobs[index].digest[:8], 16) % lanes].append(index)
        for queue in queues:
            queue.reverse()
        lock = threading.Lock()

        def next_index(lane: int) -> int | None:
            with lock:
                if queues[lane]:
                    return queues[lane].pop()
                longest = max(queues, key=len)
                return longest.pop(0) if longest else None

        def work(lane: int) -> None:
            child: _Child | None = None
            try:
                while (index := next_index(lane)) is not None:
                    if time.monotonic() >= deadline:
                        return
                    job = jobs[index]
                    # The task is unpickled after the child took the host's sys.path, so that
                    # validator plugins installed since the child started can be imported.
                    task = pickle.dumps(job.task, protocol=pickle.HIGHEST_PROTOCOL)
                    if child is None:
                        child = self._checkout(lane)
                    try:
                        child.send(("job", task, job.digest, job.data, list(sys.path)))
                        answer = child.receive(deadline)
                    except _ChildDied:
                        detail = child.death()
                        child = None
                        outcomes[index] = Outcome(skip=("crashed", detail))
                        continue
                    if answer is None:
                        child.kill()
                        child = None
                        return
                    outcomes[index] = Outcome(
                        value=answer.get("value"),
                        skip=tuple(answer["skip"]) if answer.get("skip") else None,
                        parsed=bool(answer.get("parsed")),
                    )
            finally:
                if child is not None:
                    self._checkin(lane, child)

        threads = [
            threading.Thread(target=work, args=(lane,), daemon=True) for lane in range(lanes)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        late = Outcome(skip=("timeout", "the call's time limit ran out before this file was done"))
        return [outcome if outcome is not None else late for outcome in outcomes]

    def clear_caches(self) -> None:
        """Make idle children forget their parsed trees (benchmarks measure cold calls)."""
        with self._lock:  # held: no call can check a child out while it is told
            for child in self._idle:
                if child is not None:
                    try:
                        child.send(("clear",))
                    except _ChildDied:
                        continue

    def close(self) -> None:
        """Stop every idle child; children in use stop when their call returns them."""
        with self._lock:
            children = [child for child in self._idle if child is not None]
            self._idle = [None] * self.size
        for child in children:
            child.kill()
