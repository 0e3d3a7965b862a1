"""The clock snippets read, frozen for reproducible runs (``Sandbox(deterministic=True)``).

A deterministic sandbox exists for evaluation runs that must give the same answer every time:
its workers freeze the clock at ``FROZEN_TIME`` (2000-01-01 00:00:00 UTC), seed ``random``
with ``SEED`` whenever a namespace is made (every stateless run, every new, reset or restored
session), and start with string hashing unsalted (``PYTHONHASHSEED=0``, ``_process``), so that
the order of a set of strings is the same in every worker.

The ``datetime`` stand-in reads the clock through ``frozen_datetime``: its ``date`` and
``datetime`` are subclasses whose ``now``/``today``/``utcnow`` answer ``FROZEN_TIME`` while the
clock is frozen, and the real time otherwise.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

__all__ = ["CLOCK", "FROZEN_TIME", "SEED", "frozen_datetime"]

FROZEN_TIME = 946684800.0
"""2000-01-01 00:00:00 UTC, as a POSIX timestamp: what a frozen clock reads."""
SEED = 0
"""What ``random`` is seeded with for every new namespace of a deterministic sandbox."""


class _Clock:
    """``frozen``: the timestamp the clock reads, or ``None`` for the real time."""

    __slots__ = ("frozen",)

    def __init__(self) -> None:
        self.frozen: float | None = None

    def now(self) -> float:
        """The time a snippet sees, as a POSIX timestamp."""
        frozen = self.frozen
        return time.time() if frozen is None else frozen


CLOCK = _Clock()


def frozen_datetime(real: ModuleType) -> dict[str, Any]:
    """``date`` and ``datetime`` for the ``datetime`` stand-in: the real classes, except that
    reading the current time reads ``CLOCK`` (a ``Table`` wrap: called with the real module).

    They never call the real ``today``/``now``: those import ``time`` from C through the
    snippet's ``__import__``, which refuses it."""

    class date(real.date):
        __slots__ = ()

        @classmethod
        def today(cls) -> Any:
            return cls.fromtimestamp(CLOCK.now())

    class datetime(real.datetime):
        __slots__ = ()

        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return cls.fromtimestamp(CLOCK.now(), tz)

        @classmethod
        def today(cls) -> Any:
            return cls.fromtimestamp(CLOCK.now())

        @classmethod
        def utcnow(cls) -> Any:
            return cls.fromtimestamp(CLOCK.now(), real.timezone.utc).replace(tzinfo=None)

    for cls in (date, datetime):
        cls.__module__ = "datetime"
        cls.__qualname__ = cls.__name__
    return {"date": date, "datetime": datetime}
