"""The navigation bridge records: what the model reads about each bridge, and its examples."""

from __future__ import annotations

from bridges._bridge import Bridge, lazy
from bridges._example_files import LazyExamples
from bridges.navigation._arguments import (
    DocumentSymbolsArguments,
    PositionArguments,
    ReferencesArguments,
    WorkspaceSymbolsArguments,
)
from parsers.contracts.lsp import (
    DefinitionResult,
    DocumentSymbolsResult,
    HoverResult,
    ReferencesResult,
    WorkspaceSymbolsResult,
)

__all__ = ["NAVIGATION_BRIDGES"]

# The implementations (and the language-server client they import) load on a bridge's first call.

_ADDRESSING = (
    "Name the symbol instead of counting columns: symbol='Cart' finds Cart defined or imported in "
    "the file, else its use there; symbol='Cart.total' names a method (and 'Outer.Inner.run' a "
    "nested one, 'p.join' an attribute used in the file); a name that means several things is an "
    "error listing them: pass the dotted one. Add line=N to pick the occurrence on that line. "
    "line= and column= (1-based) without symbol pin an exact position."
)

NAVIGATION_BRIDGES: tuple[Bridge, ...] = (
    Bridge(
        name="goto_definition",
        docstring=(
            "Find where a name used in a Python file is defined (follows imports across files). "
            + _ADDRESSING
            + " Returns the definitions with file, 1-based line and column, and the line's text."
        ),
        arguments=PositionArguments,
        result=DefinitionResult,
        implementation=lazy("bridges.navigation._bridges:goto_definition"),
        examples=LazyExamples("goto_definition"),
    ),
    Bridge(
        name="find_references",
        docstring=(
            "Find every use of a symbol in the whole workspace (calls, imports, annotations). "
            + _ADDRESSING
            + " include_declaration=False keeps only real uses (no definition, no import lines). "
            "Use it to find callers, dead code, or what a rename would touch."
        ),
        arguments=ReferencesArguments,
        result=ReferencesResult,
        implementation=lazy("bridges.navigation._bridges:find_references"),
        examples=LazyExamples("find_references"),
    ),
    Bridge(
        name="hover",
        docstring=(
            "Show what the type checker knows about a name: the signature of a function, the type "
            "of a variable or attribute, and its docstring. " + _ADDRESSING
        ),
        arguments=PositionArguments,
        result=HoverResult,
        implementation=lazy("bridges.navigation._bridges:hover"),
        examples=LazyExamples("hover"),
    ),
    Bridge(
        name="document_symbols",
        docstring=(
            "The outline of one Python file: every class, function, method, field and constant "
            "it defines, with kind, enclosing class (container) and 1-based line range."
        ),
        arguments=DocumentSymbolsArguments,
        result=DocumentSymbolsResult,
        implementation=lazy("bridges.navigation._bridges:document_symbols"),
        examples=LazyExamples("document_symbols"),
    ),
    Bridge(
        name="workspace_symbols",
        docstring=(
            "Search the whole workspace for definitions whose name matches query (fuzzy, "
            "case-insensitive; exact matches first). Use it when you know a name but not its file."
        ),
        arguments=WorkspaceSymbolsArguments,
        result=WorkspaceSymbolsResult,
        implementation=lazy("bridges.navigation._bridges:workspace_symbols"),
        examples=LazyExamples("workspace_symbols"),
    ),
)
