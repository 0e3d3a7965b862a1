"""A ``run_python`` snippet that a client's ``notifications/cancelled`` can stop.

Both ways a call is served (the SDK's handler, ``runtime.mcp._server``; the stdio fast path,
``runtime.mcp._fast``) hand the snippet to a thread as a ``StoppableRun``. On a cancel, ``stop()``
stops *this* call's snippet and nothing else: not yet started, it never runs; running, its code
session is interrupted (``CodeSession.interrupt``: the sandbox kills the session's worker, the
names are lost and the session's next result says so); finished, nothing happens. A code session
runs one snippet at a time and this object knows when its own is the one running, so a cancel
that arrives late never stops the call after it, and never another session's.
"""

from __future__ import annotations

import threading

from runtime._code_session import CodeRun, CodeSession

__all__ = ["StoppableRun"]

_QUEUED, _STARTED, _DONE, _STOPPED = 0, 1, 2, 3


class StoppableRun:
    """``session.run(code)`` as a callable for a thread; ``stop()`` from any other thread."""

    __slots__ = ("_lock", "_state", "code", "session")

    def __init__(self, session: CodeSession, code: str) -> None:
        self.session = session
        self.code = code
        self._lock = threading.Lock()
        self._state = _QUEUED

    def __call__(self) -> CodeRun | None:
        """The run's result; None when ``stop()`` came before it started (nothing ran)."""
        with self._lock:
            if self._state == _STOPPED:
                return None
            self._state = _STARTED
        try:
            return self.session.run(self.code)
        finally:
            with self._lock:
                self._state = _DONE

    def stop(self) -> bool:
        """Stop the snippet unless it has finished; True when it will not finish normally."""
        with self._lock:
            if self._state == _QUEUED:
                self._state = _STOPPED
                return True
            if self._state == _STARTED:
                return self.session.interrupt()
            return False
