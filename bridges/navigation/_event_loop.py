"""A private asyncio event loop on a daemon thread, shared by the language-server sessions.

pygls' client is asyncio code, while bridges are called synchronously from the sandbox's host
side, possibly from several threads at once. Rather than one loop per call (which would kill the
warm server with it) or one per session, the sessions of a registry live on one loop, which the
registry owns (``_session.SessionRegistry.loop``); callers hand it coroutines with
``asyncio.run_coroutine_threadsafe`` and wait for the result with a timeout.

A warm request does not come here at all: the calling thread writes it to the server itself
(``_connection._PipeWriter``) and waits on pygls' own ``concurrent.futures`` future; this loop
only reads the answers (and starts, answers and stops servers).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

__all__ = ["LoopThread"]

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
