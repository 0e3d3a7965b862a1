"""A proposed change to one file: what LibCST bridges (and ``ruff_format``) return."""

from __future__ import annotations

from parsers.contracts._base import Contract

__all__ = ["Patch"]


class Patch(Contract):
    """A change to one file as a unified diff plus the full new text."""

    path: str
    """File the patch is for, relative to the workspace."""
    diff: str
    """Unified diff from the current text to ``new_text``; empty when nothing would change."""
    new_text: str
    """The complete file text after the change."""
    applied: bool
    """True only when the change was written to disk (writing allowed and requested)."""
