"""Contracts of the navigation bridges (goto_definition, find_references, hover, symbols).

A language server speaks in URIs, 0-based lines and UTF-16 columns. A model should not: every
position here is 1-based (line and column, counted in characters as an editor shows them), every
file is relative to the workspace root (or an absolute path for files outside it, such as the
standard library's stubs), and each location carries the text of its line so that a snippet can
answer without opening the file.
"""

from __future__ import annotations

from pydantic import Field

from parsers.contracts._base import Contract

__all__ = [
    "DefinitionResult",
    "DocumentSymbolsResult",
    "HoverResult",
    "ReferencesResult",
    "SourceLocation",
    "SymbolInfo",
    "WorkspaceSymbolsResult",
]


class SourceLocation(Contract):
    """One place in a source file."""

    file: str
    """Path relative to the workspace root ('shop/cart.py'); absolute for files outside it."""
    line: int = Field(ge=1)
    """1-based line where the range starts."""
    column: int = Field(ge=1)
    """1-based column (characters) where the range starts."""
    end_line: int = Field(ge=1)
    """1-based line where the range ends."""
    end_column: int = Field(ge=1)
    """1-based column just after the last character of the range."""
    context: str
    """The text of the starting line, stripped of surrounding whitespace ('' if unreadable)."""


class DefinitionResult(Contract):
    """Where a name used in a file is defined."""

    symbol: str
    """The name that was looked up (as found at the position)."""
    file: str
    """The file the lookup started from, relative to the workspace."""
    line: int
    """1-based line of the looked-up occurrence."""
    column: int
    """1-based column of the looked-up occurrence."""
    definitions: list[SourceLocation]
    """Where the name is defined; usually one place, several for overloads or re-exports."""
    count: int
    """len(definitions); 0 means the server knows no definition (a builtin or an unknown name)."""


class ReferencesResult(Contract):
    """Every place in the workspace where a symbol is used."""

    symbol: str
    """The name whose references were searched."""
    references: list[SourceLocation]
    """All uses, sorted by file then line; includes the definition unless excluded."""
    count: int
    """len(references)."""
    files: list[str]
    """The distinct files that contain a reference, sorted."""


class HoverResult(Contract):
    """What an editor shows when the mouse rests on a name: its type or signature and docs."""

    symbol: str
    """The name under the position."""
    file: str
    """The file, relative to the workspace."""
    line: int
    """1-based line of the name."""
    column: int
    """1-based column of the name."""
    text: str
    """The hover text (signature or type, then the docstring); '' when the server has none."""
    found: bool
    """False when the server had nothing to say about this position."""


class SymbolInfo(Contract):
    """A definition: class, function, method, variable..."""

    name: str
    """The symbol's own name ('total')."""
    kind: str
    """Lower-case LSP symbol kind: 'class', 'function', 'method', 'variable', 'field', ..."""
    container: str | None
    """Dotted name of the enclosing symbols ('Cart' for Cart.total), None at module level."""
    file: str
    """Path relative to the workspace (absolute outside it)."""
    line: int
    """1-based first line of the definition."""
    column: int
    """1-based column of the name in that line."""
    end_line: int
    """1-based last line of the definition (the whole body for classes and functions)."""


class DocumentSymbolsResult(Contract):
    """The outline of one file: every symbol it defines, outer before inner."""

    file: str
    """The file, relative to the workspace."""
    symbols: list[SymbolInfo]
    """Symbols in source order, nested ones right after their container."""
    count: int
    """len(symbols)."""


class WorkspaceSymbolsResult(Contract):
    """Symbols anywhere in the workspace whose name matches a query."""

    query: str
    """The text searched for (fuzzy, case-insensitive, as the server matches it)."""
    symbols: list[SymbolInfo]
    """Matches, exact name matches first, then by file and line."""
    count: int
    """len(symbols) (after the limit)."""
    truncated: bool
    """True when more symbols matched than the limit allowed."""
