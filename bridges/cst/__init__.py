"""Bridges of this family; `BRIDGES` is read by the bridge registry."""

from bridges._record import Bridge

__all__ = ["BRIDGES"]

BRIDGES: tuple[Bridge, ...] = ()
