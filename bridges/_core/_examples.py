"""Examples of the core bridges (filled in by the example modules)."""

from __future__ import annotations

from bridges._examples import BridgeExample

__all__ = ["examples_for"]


def examples_for(name: str) -> tuple[BridgeExample, ...]:
    return ()
