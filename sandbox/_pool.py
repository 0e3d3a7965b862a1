"""A pool of pre-started workers for one sandbox.

Stateless runs borrow an idle worker and give it back (its namespace is rebuilt for every run);
a session keeps its worker until it ends, then resets it and gives it back. A
worker that timed out, crashed or hit the memory limit is killed, and a replacement is started
in the background so that the next run does not pay the start-up cost.
"""

from __future__ import annotations

import threading

from sandbox._errors import SandboxClosedError
from sandbox._process import WorkerProcess
from sandbox._worker._messages import InitMessage

__all__ = ["WorkerPool"]


class WorkerPool:
    """Idle workers ready to run; thread-safe."""

    def __init__(self, init: InitMessage, size: int) -> None:
        self._init = init
        self._size = size
        self._idle: list[WorkerProcess] = []
        self._lock = threading.Lock()
        self._closed = False
        self._refilling = False

    def start(self) -> None:
        """Start one worker now (nothing waits for it to boot); the rest start after it."""
        with self._lock:
            if self._closed or self._idle:
                return
        worker = WorkerProcess(self._init)
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._idle.append(worker)

    def acquire(self, *, for_session: bool = False) -> WorkerProcess:
        """An idle worker, or a new one when all are busy."""
        while True:
            with self._lock:
                if self._closed:
                    raise SandboxClosedError("the sandbox is closed; create a new Sandbox")
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = WorkerProcess(self._init)
                break
            if not worker.dead:
                break  # one killed from outside while idle fails its first write: WorkerGone
        if for_session and not self._idle:
            self._refill()  # a session may hold this worker for long: keep one warm for others
        return worker

    def release(self, worker: WorkerProcess) -> None:
        """Give a healthy worker back; a dead one is replaced in the background."""
        if worker.dead:
            self._refill()
            return
        with self._lock:
            if not self._closed and len(self._idle) < self._size:
                self._idle.append(worker)
                short = len(self._idle) < self._size
            else:
                short = None
        if short is None:
            worker.close()
        elif short:
            self._refill()  # the pool started with one worker: fill it now that one is warm

    def discard(self, worker: WorkerProcess) -> None:
        """Kill a worker that must not be reused (a session's, a broken one)."""
        worker.kill()
        self._refill()

    def _refill(self) -> None:
        with self._lock:
            if self._closed or self._refilling or len(self._idle) >= self._size:
                return
            self._refilling = True
        threading.Thread(target=self._refill_now, name="punie-sandbox-refill", daemon=True).start()

    def _refill_now(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed or len(self._idle) >= self._size:
                        return
                worker = WorkerProcess(self._init)
                with self._lock:
                    if not self._closed:
                        self._idle.append(worker)
                        continue
                worker.kill()
                return
        except Exception:
            return  # the next acquire starts a worker itself and reports the error
        finally:
            with self._lock:
                self._refilling = False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()
