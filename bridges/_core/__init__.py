"""The core tool bridges: quality tools, files and git."""

from __future__ import annotations

from bridges._record import Bridge

__all__ = ["CORE_BRIDGES"]

CORE_BRIDGES: tuple[Bridge, ...] = ()
