"""Examples of the validator bridges (filled in below)."""

from __future__ import annotations

from bridges._examples import BridgeExample

__all__ = ["EXAMPLES"]

EXAMPLES: dict[str, tuple[BridgeExample, ...]] = {}
