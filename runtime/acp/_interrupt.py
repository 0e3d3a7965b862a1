"""Stopping a snippet that is running, for ``session/cancel``.

The loop's ``CancelToken`` ends a run *between* steps; a snippet in the middle of an endless loop
would still hold the prompt until the sandbox's time limit. ``InterruptibleAgent`` gives its runs
an ``InterruptibleSandbox``, whose ``interrupt()`` kills the worker of every open session: the run
in progress ends at once as a crashed snippet (its names are lost, as after a timeout), then the
loop sees the cancelled token and ends with outcome ``cancelled``.

Each session is stopped through ``sandbox.Session.interrupt()``; choosing the sandbox class still
overrides ``Agent._open_sandbox``, the one private hook this module uses.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from runtime._agent import Agent
from sandbox import HostFunction, Limits, Sandbox, Session

__all__ = ["InterruptibleAgent", "InterruptibleSandbox"]


class InterruptibleSandbox(Sandbox):
    """A ``Sandbox`` whose running snippets another thread can stop (``interrupt``)."""

    def __init__(self, host_functions: Sequence[HostFunction], limits: Limits | None) -> None:
        super().__init__(host_functions, limits)
        self._open: weakref.WeakSet[Session] = weakref.WeakSet()

    def session(self) -> Session:
        session = super().session()
        self._open.add(session)
        return session

    def interrupt(self) -> bool:
        """Kill the worker of every open session; True when there was one to kill."""
        killed = False
        for session in list(self._open):
            killed = session.interrupt() or killed
        return killed


class InterruptibleAgent(Agent):
    """An ``Agent`` whose running snippet ``interrupt()`` stops (see the module docstring)."""

    def _open_sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = InterruptibleSandbox(self.host_functions, limits=self._sandbox_limits)
        return self._sandbox

    def warm(self) -> None:
        """Start the first sandbox worker now, so the first prompt does not wait for it."""
        self._open_sandbox().start()

    def interrupt(self) -> bool:
        """Stop the snippet running now, if any; the caller cancels the run's token too."""
        sandbox = self._sandbox
        return isinstance(sandbox, InterruptibleSandbox) and sandbox.interrupt()
