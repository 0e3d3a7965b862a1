"""The navigation bridges' argument models, apart from their implementations.

The records (``bridges.navigation._records``) need these models whenever bridges are listed, while the
implementations in ``bridges.navigation._bridges`` import the language-server client (lsprotocol,
pygls, asyncio): an import that a run calling no navigation bridge must not pay for. So the
models live here, importing only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DocumentSymbolsArguments",
    "PositionArguments",
    "ReferencesArguments",
    "WorkspaceSymbolsArguments",
]

_ARGUMENTS = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class PositionArguments(BaseModel):
    """A name in a file: by symbol (preferred), optionally narrowed by line, or by line+column."""

    model_config = _ARGUMENTS

    file: str
    """Python file relative to the workspace root, e.g. 'shop/cart.py'."""
    symbol: str | None = None
    """Name to look up: 'Cart', or 'Cart.total' for a method; found in the file for you."""
    line: int | None = Field(default=None, ge=1)
    """1-based line; narrows the search for symbol to that line."""
    column: int | None = Field(default=None, ge=1)
    """1-based column, only together with line, when symbol is not given."""


class ReferencesArguments(PositionArguments):
    """Arguments of find_references."""

    include_declaration: bool = True
    """Whether the definition itself counts as a reference."""


class DocumentSymbolsArguments(BaseModel):
    """Arguments of document_symbols."""

    model_config = _ARGUMENTS

    file: str
    """Python file relative to the workspace root."""


class WorkspaceSymbolsArguments(BaseModel):
    """Arguments of workspace_symbols."""

    model_config = _ARGUMENTS

    query: str = Field(min_length=1)
    """Name or part of a name to search for, e.g. 'Cart' or 'discount'."""
    limit: int = Field(default=50, ge=1, le=500)
    """At most this many symbols are returned."""
