"""Examples of the cst bridges (filled in below)."""

from __future__ import annotations

from bridges._examples import BridgeExample

__all__ = ["ADD_IMPORT_EXAMPLES", "FIND_EXAMPLES", "RENAME_EXAMPLES"]

FIND_EXAMPLES: tuple[BridgeExample, ...] = ()
RENAME_EXAMPLES: tuple[BridgeExample, ...] = ()
ADD_IMPORT_EXAMPLES: tuple[BridgeExample, ...] = ()
