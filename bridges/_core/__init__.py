"""The core tool bridges: quality tools (ty, ruff, pytest), files and git."""

from __future__ import annotations

from bridges._core._records import CORE_BRIDGES

__all__ = ["CORE_BRIDGES"]
