"""What a worker process keeps: the run in progress (``RunState``) and its caches (``WorkerCaches``).

``STATE`` is the run state the guards read on every ``print`` and host call (a module global so
that they reach it without an attribute lookup chain); a run is bracketed by ``begin``/``end``.
``WorkerCaches`` is everything else a worker remembers from one message or run to the next,
gathered in one object with one owner: ``main`` creates it once per worker process, hands it to
the ``Worker``, and the worker's ``reset`` (the host's ``Session.reset``/``close``) clears it
where the run state is cleared.
"""

from __future__ import annotations

from ._frames import FrameReader, PollGauge

__all__ = ["STATE", "LimitAbort", "RunState", "WorkerCaches"]


class LimitAbort(BaseException):
    """A per-run limit was hit (output, host calls); the snippet cannot catch it by name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class RunState:
    """Mutable state of the run in progress (one run at a time per worker).

    ``active`` is true only between ``begin`` and ``end``: ``print``, ``printed`` and the host
    function proxies refuse to work outside a run, so that snippet code which somehow runs
    between runs (a finalizer collected late) can neither write to, read from, nor call out on
    behalf of anyone. The worker collects a stateless run's garbage before ``end`` so that its
    finalizers run (and print, and call) inside the run that created them.
    """

    __slots__ = ("abort", "active", "output", "output_limit", "output_size", "snippet_classes")

    def __init__(self) -> None:
        self.output: list[str] = []
        self.output_size = 0
        self.output_limit = 64 * 1024
        self.abort: LimitAbort | None = None
        self.snippet_classes: set[type] = set()
        self.active = False

    def begin(self, *, output_limit: int) -> None:
        self.output = []
        self.output_size = 0
        self.output_limit = output_limit
        self.abort = None
        self.active = True

    def end(self) -> None:
        """Close the run: drop its output and its abort (whose traceback holds its frames)."""
        self.active = False
        self.output = []
        self.output_size = 0
        self.abort = None

    def fail(self, kind: str, message: str) -> LimitAbort:
        if self.abort is None:
            self.abort = LimitAbort(kind, message)
        return self.abort

    def check_active(self, what: str) -> None:
        """Refuse ``what`` outside a run (see the class docstring)."""
        if not self.active:
            raise RuntimeError(f"{what} is not available outside the run that created it")


STATE = RunState()


class WorkerCaches:
    """The worker process's caches, with one owner and a lifetime (see the module docstring).

    ``plain_names``
        Names the fast path (``_fast``) has proven need no guard; bounded by
        ``_fast.PLAIN_NAMES_LIMIT``. Only a speed-up: an empty set decides the same way.
    ``reader``
        The host pipe's ``FrameReader``: bytes received after the last frame, its poller, and
        the ``PollGauge`` that decides from /proc/stat whether polling before blocking pays.

    ``reset()`` forgets the names and the polling decision. It keeps the reader's pending bytes:
    they are the start of the host's next message, which belongs to the conversation, not to a
    run (between a ``done`` and the next request there are none).
    """

    __slots__ = ("plain_names", "reader")

    def __init__(self, read_fd: int) -> None:
        self.plain_names: set[str] = set()
        self.reader = FrameReader(read_fd, PollGauge())

    def reset(self) -> None:
        self.plain_names.clear()
        self.reader.gauge.forget()
