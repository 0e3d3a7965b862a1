"""Contracts of the LibCST bridges beyond ``Patch``: what ``cst_find_pattern`` returns.

``cst_rename`` and ``cst_add_import`` return the shared ``Patch``; the domain validators return the
shared ``ValidationResult``. Only the pattern search needs a shape of its own.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parsers.contracts._base import Contract
from parsers.contracts._skipped import SkippedFile

__all__ = ["CstFindResult", "CstMatch", "PatternKind"]

PatternKind = Literal["function", "class", "call", "import", "decorator", "name", "attribute"]
"""The syntax kinds ``cst_find_pattern`` understands (the part of the pattern before ':')."""


class CstMatch(Contract):
    """One syntax node that matched the pattern."""

    file: str
    """Path of the file, relative to the workspace."""
    line: int
    """1-based line where the node starts."""
    column: int
    """1-based column where the node starts."""
    kind: PatternKind
    """What kind of node matched, e.g. 'call' or 'function'."""
    name: str
    """The matched name, dotted where it has parts: 'registry.register_factory', 'shop.models'."""
    code: str
    """The first line of the node's source text, at most 120 characters."""


class CstFindResult(Contract):
    """Syntax nodes matching a pattern such as 'call:html' or 'class:*Card'."""

    pattern: str
    """The pattern that was searched for."""
    match_count: int
    """Number of matches in ``matches``."""
    matches: list[CstMatch]
    """Matches in file and line order."""
    files_searched: int
    """How many Python files were parsed and searched."""
    truncated: bool
    """True when more nodes matched than ``limit``; narrow the pattern or the path."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    """Files that could not be parsed or searched (not counted in ``files_searched``); empty when every
    file was read."""
