"""One watchdog thread per host process: it kills workers whose wall-time deadline has passed.

Waiting for a worker is then a plain blocking ``read`` (one system call per frame) instead of a
``poll`` with a timeout followed by a ``read``, which on a busy machine saves a measurable share
of every round trip (benchmarks/README.md, "sandbox figures moved from comments"). The thread ticks every 20 ms while any deadline is armed (so a timeout fires
within ~20 ms of its limit) and exits after a second with nothing to watch.

A host function call pauses the clock without taking the lock: the owner sets ``paused``, runs
the call, moves ``deadline`` by the time it took, then clears ``paused`` (in that order). The
watchdog reads ``paused`` before ``deadline``, so it either skips the worker or sees a deadline
that had passed before the pause began (a real timeout).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Protocol

__all__ = ["WATCHDOG", "Watchdog"]

_TICK_S = 0.02
_IDLE_EXIT_S = 1.0


class _Killable(Protocol):
    fired: bool
    deadline: float
    paused: bool

    def signal_kill(self) -> None: ...


class Watchdog:
    """Deadlines of the workers currently running something; thread-safe."""

    def __init__(self) -> None:
        self._armed: set[_Killable] = set()
        self._lock = threading.Lock()
        self._running = False
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        """In a forked child the thread is gone: start from scratch (lock included)."""
        self._armed = set()
        self._lock = threading.Lock()
        self._running = False

    def arm(self, worker: _Killable, deadline: float) -> None:
        """Kill ``worker`` (and set ``worker.fired``) if it is still armed at ``deadline``."""
        worker.deadline = deadline
        worker.paused = False
        with self._lock:
            self._armed.add(worker)
            if self._running:
                return
            self._running = True
        threading.Thread(target=self._watch, name="punie-sandbox-watchdog", daemon=True).start()

    def disarm(self, worker: _Killable) -> bool:
        """Stop watching ``worker``; ``True`` when the deadline had already fired."""
        with self._lock:
            self._armed.discard(worker)
            return worker.fired

    def _watch(self) -> None:
        idle_since: float | None = None
        while True:
            time.sleep(_TICK_S)
            now = time.monotonic()
            with self._lock:
                if not self._armed:
                    idle_since = idle_since or now
                    if now - idle_since >= _IDLE_EXIT_S:
                        self._running = False
                        return
                    continue
                idle_since = None
                expired = [
                    worker for worker in self._armed if not worker.paused and worker.deadline <= now
                ]
                for worker in expired:
                    self._armed.discard(worker)
                    worker.fired = True
                    try:
                        worker.signal_kill()
                    except Exception:  # never let one worker stop the watchdog
                        continue


WATCHDOG = Watchdog()
