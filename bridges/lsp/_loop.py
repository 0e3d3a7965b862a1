"""One private asyncio event loop on a daemon thread, shared by every language-server session.

pygls' client is asyncio code, while bridges are called synchronously from the sandbox's host
side, possibly from several threads at once. Rather than one loop per call (which would kill the
warm server with it) or one per session, all sessions live on this loop; callers hand it
coroutines with ``asyncio.run_coroutine_threadsafe`` and wait for the result with a timeout. All
protocol state is therefore touched by one thread only, so it needs no locks.

A warm request does not need a coroutine at all: ``begin`` runs a plain function on the loop
(``call_soon_threadsafe``) that sends the request and returns pygls' own ``concurrent.futures``
future, whose answer is passed straight to the waiting caller. That skips a task, an
``asyncio.wrap_future`` and a ``wait_for`` per call — about a quarter of a warm request's cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

__all__ = ["LoopThread", "shared_loop"]

T = TypeVar("T")


class LoopThread:
    """An event loop running forever on its own daemon thread."""

    def __init__(self, name: str = "punie-lsp-client") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def alive(self) -> bool:
        """False in a forked child (threads do not survive a fork) or after the loop stopped."""
        return self._thread.is_alive()

    @property
    def on_loop_thread(self) -> bool:
        """True when called from the loop's own thread (where blocking would deadlock)."""
        return threading.current_thread() is self._thread

    def run(self, coroutine: Coroutine[Any, Any, T], timeout_s: float) -> T:
        """Run ``coroutine`` on the loop and wait at most ``timeout_s`` for its result.

        Raises ``TimeoutError`` when it takes longer (the coroutine is cancelled), and whatever
        the coroutine raises otherwise.
        """
        if self.on_loop_thread:
            coroutine.close()
            raise RuntimeError("LoopThread.run called from the loop thread; await instead")
        if not self.alive:
            coroutine.close()
            raise RuntimeError(
                "the LSP client's event loop is not running (was the process forked?)"
            )
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout_s)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError(f"no result within {timeout_s:g} s") from None

    def begin(self, start: Callable[[], Future[T]]) -> Future[T]:
        """Call ``start`` on the loop thread soon; return a future for the answer it awaits.

        ``start`` runs on the loop thread, must not block, and returns a ``concurrent.futures``
        future (e.g. pygls' pending request); its outcome, or what ``start`` raised, becomes the
        outcome of the future returned here, which the caller waits for with its own timeout.
        Calls are run in the order they were begun.
        """
        if self.on_loop_thread:
            raise RuntimeError("LoopThread.begin called from the loop thread; call start instead")
        if not self.alive:
            raise RuntimeError(
                "the LSP client's event loop is not running (was the process forked?)"
            )
        answer: Future[T] = Future()

        def run() -> None:
            try:
                pending = start()
            except BaseException as error:  # handed to the waiting caller, not lost
                answer.set_exception(error)
                return
            pending.add_done_callback(lambda done: _copy(done, answer))

        self.loop.call_soon_threadsafe(run)
        return answer


def _copy(source: Future[T], target: Future[T]) -> None:
    with contextlib.suppress(InvalidStateError):  # the caller may have given up on ``target``
        if source.cancelled():
            target.cancel()
            return
        error = source.exception()
        if error is not None:
            target.set_exception(error)
        else:
            target.set_result(source.result())


_shared: LoopThread | None = None
_shared_lock = threading.Lock()


def shared_loop() -> LoopThread:
    """The process-wide loop thread, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.alive:
            _shared = LoopThread()
        return _shared


def _forget_after_fork() -> None:
    """A forked child has no loop thread: it must start its own loop when it needs one."""
    global _shared, _shared_lock
    _shared = None
    _shared_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
