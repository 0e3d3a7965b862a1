"""Turn a proposed new text into a ``Patch``, and write it only when the session allows it."""

from __future__ import annotations

import difflib
from pathlib import Path

from bridges._bridge import BridgeContext
from parsers.contracts import Patch

__all__ = ["make_patch"]


def make_patch(
    context: BridgeContext, *, file: Path, relative: str, old: str, new: str, apply: bool
) -> Patch:
    """A unified diff from ``old`` to ``new``; written to ``file`` when allowed and requested.

    Nothing is written when the text does not change, so ``applied`` is True only for a real
    change on disk.
    """
    diff = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{relative}",
            tofile=f"b/{relative}",
        )
    )
    applied = False
    if apply and context.allow_write and new != old:
        file.write_text(new, encoding="utf-8", newline="")
        applied = True
    return Patch(path=relative, diff=diff, new_text=new, applied=applied)
