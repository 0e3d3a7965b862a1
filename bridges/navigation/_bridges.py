"""The navigation bridges: implementations and argument models.

Each bridge opens the file it is asked about in the workspace's warm language server (so the
server sees the file as it is on disk now), resolves a symbol name to a position when no column is
given, sends one request, and converts the answer into a contract. The records themselves, with
their docstrings and examples, are assembled in ``bridges.navigation._records``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from lsprotocol import types

from bridges._bridge import BridgeContext
from bridges._errors import BridgeArgumentError, ToolError
from bridges._workspace import resolve_in_workspace
from bridges.navigation._arguments import (
    DocumentSymbolsArguments,
    PositionArguments,
    ReferencesArguments,
    WorkspaceSymbolsArguments,
)
from bridges.navigation._convert import (
    SourceLines,
    flatten_symbols,
    hover_text,
    location_fields,
    outline_of,
    symbol_fields,
)
from bridges.navigation._positions import Outline, Target, find_target, to_server
from bridges.navigation._session import SERVERS, SESSIONS, LanguageServerSession
from parsers.contracts.lsp import (
    DefinitionResult,
    DocumentSymbolsResult,
    HoverResult,
    ReferencesResult,
    SymbolInfo,
    WorkspaceSymbolsResult,
)

__all__ = [
    "DocumentSymbolsArguments",
    "PositionArguments",
    "ReferencesArguments",
    "WorkspaceSymbolsArguments",
    "document_symbols",
    "find_references",
    "goto_definition",
    "hover",
    "workspace_symbols",
]

SERVER_VARIABLE = "PUNIE_LSP_SERVER"
"""Environment variable choosing the navigation bridges' language server: 'ty' (the default,
installed with punie) or 'basedpyright' (``pip install basedpyright``)."""


def _session(context: BridgeContext) -> LanguageServerSession:
    server = os.environ.get(SERVER_VARIABLE, "").strip() or "ty"
    if server not in SERVERS:
        raise ToolError(
            f"{SERVER_VARIABLE}={server!r} names no supported language server; set it to one of "
            f"{', '.join(sorted(SERVERS))} (or unset it for ty)",
            tool=server,
        )
    owner = SESSIONS if context.navigation is None else context.navigation
    return owner.session_for(context.workspace, server=server, python=context.python)


def _read(context: BridgeContext, file: str, session: LanguageServerSession) -> tuple[Path, str]:
    """The confined path and text of ``file``; reused while nothing in the workspace changed."""
    return session.file_text(file, lambda: _read_file(context, file))


def _read_file(context: BridgeContext, file: str) -> tuple[Path, str]:
    path = resolve_in_workspace(context.workspace, file, kind="file")
    if path.suffix not in (".py", ".pyi"):
        raise BridgeArgumentError(
            f"{file!r} is not a Python file; navigation bridges work on .py and .pyi files"
        )
    try:
        return path, path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BridgeArgumentError(
            f"{file!r} is not UTF-8 text, so the language server cannot read it; use "
            "grep to search it instead"
        ) from None


T = TypeVar("T")


def _converted(session: LanguageServerSession, method: str, convert: Callable[[], T]) -> T:
    """Run a conversion of a raw answer; an answer of an unknown shape is a typed tool error."""
    try:
        return convert()
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise ToolError(
            f"the language server '{session.server}' answered {method} in a shape punie does not "
            f"read ({type(error).__name__}: {str(error)[:200]}); try another bridge (grep, "
            "read_file) for this question",
            tool=session.server,
        ) from None


def _identifier(session: LanguageServerSession, path: Path) -> dict[str, str]:
    """A TextDocumentIdentifier as JSON: requests go out as plain JSON (see ``session.request``)."""
    return {"uri": session.cache.file_uri(path)}


def _lines(context: BridgeContext, session: LanguageServerSession) -> SourceLines:
    """The file lines of one call, served from what ``session`` remembers (``session.cache``)."""
    return SourceLines(context.workspace, session.position_encoding, session.stamp, session.cache)


def _outline(
    session: LanguageServerSession, path: Path, text: str, lines: SourceLines, *, cached: bool
) -> tuple[list[SymbolInfo], list[Outline]]:
    """The server's outline of ``text``: symbols and qualified names; kept by the session (an
    outline depends only on the text), reused when ``cached``."""
    key = (str(path), lines.encoding)
    if cached:
        known = session.cache.outline(key, text)
        if known is not None:
            return known
    found = session.request(
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        {"textDocument": _identifier(session, path)},
        documents={path: text},
        poll=False,
    )
    symbols = _converted(
        session,
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        lambda: flatten_symbols(found, lines, uri=session.cache.file_uri(path)),
    )
    outline = outline_of(symbols)
    session.cache.keep_outline(key, text, symbols, outline)
    return symbols, outline


def _position(
    context: BridgeContext, arguments: PositionArguments
) -> tuple[LanguageServerSession, Path, str, SourceLines, Target, dict[str, int]]:
    session = _session(context)
    path, text = _read(context, arguments.file, session)
    lines = _lines(context, session)
    text_lines = lines.remember(path, text)
    if arguments.column is not None and arguments.line is None:
        raise BridgeArgumentError("column= needs line= too; or pass only symbol='Name'")
    target = find_target(
        file=arguments.file,
        text=text,
        symbol=arguments.symbol,
        line=arguments.line,
        column=arguments.column,
        # the server's outline only for a file punie's own Python cannot parse
        outline=lambda: _outline(session, path, text, lines, cached=True)[1],
        text_lines=text_lines,
        indexes=session.cache.scopes,
    )
    line_text = lines.line(session.cache.file_uri(path), target.line - 1)
    position = {
        "line": target.line - 1,
        "character": to_server(line_text, target.column, lines.encoding),
    }
    return session, path, text, lines, target, position


def goto_definition(context: BridgeContext, arguments: PositionArguments) -> DefinitionResult:
    session, path, text, lines, target, position = _position(context, arguments)
    found = session.request(
        types.TEXT_DOCUMENT_DEFINITION,
        {"textDocument": _identifier(session, path), "position": position},
        documents={path: text},
        poll=False,  # _read has just looked for changed files
    )

    def result() -> DefinitionResult:
        definitions = location_fields(found, lines)
        # one validation for the result and its locations (the locations are the server's)
        return DefinitionResult.model_validate(
            {
                "symbol": target.symbol,
                "file": lines.display(session.cache.file_uri(path)),
                "line": target.line,
                "column": target.column,
                "definitions": definitions,
                "count": len(definitions),
            }
        )

    return _converted(session, types.TEXT_DOCUMENT_DEFINITION, result)


def find_references(context: BridgeContext, arguments: ReferencesArguments) -> ReferencesResult:
    session, path, text, lines, target, position = _position(context, arguments)
    found = session.request(
        types.TEXT_DOCUMENT_REFERENCES,
        {
            "textDocument": _identifier(session, path),
            "position": position,
            "context": {"includeDeclaration": arguments.include_declaration},
        },
        documents={path: text},
        poll=False,
    )

    def result() -> ReferencesResult:
        references = sorted(
            location_fields(found, lines),
            key=lambda item: (item["file"], item["line"], item["column"]),
        )
        return ReferencesResult.model_validate(
            {
                "symbol": target.symbol,
                "references": references,
                "count": len(references),
                "files": sorted({item["file"] for item in references}),
            }
        )

    return _converted(session, types.TEXT_DOCUMENT_REFERENCES, result)


def hover(context: BridgeContext, arguments: PositionArguments) -> HoverResult:
    session, path, text, lines, target, position = _position(context, arguments)
    found = session.request(
        types.TEXT_DOCUMENT_HOVER,
        {"textDocument": _identifier(session, path), "position": position},
        documents={path: text},
        poll=False,
    )
    content = _converted(session, types.TEXT_DOCUMENT_HOVER, lambda: hover_text(found))
    return HoverResult(
        symbol=target.symbol,
        file=lines.display(session.cache.file_uri(path)),
        line=target.line,
        column=target.column,
        text=content,
        found=bool(content),
    )


def document_symbols(
    context: BridgeContext, arguments: DocumentSymbolsArguments
) -> DocumentSymbolsResult:
    session = _session(context)
    path, text = _read(context, arguments.file, session)
    lines = _lines(context, session)
    lines.remember(path, text)
    symbols, _ = _outline(session, path, text, lines, cached=False)
    return DocumentSymbolsResult(
        file=lines.display(session.cache.file_uri(path)), symbols=symbols, count=len(symbols)
    )


def workspace_symbols(
    context: BridgeContext, arguments: WorkspaceSymbolsArguments
) -> WorkspaceSymbolsResult:
    query = arguments.query.strip()
    if not query:
        raise BridgeArgumentError(
            "query is blank; pass a name or part of one, e.g. workspace_symbols(query='Cart')"
        )
    session = _session(context)
    lines = _lines(context, session)
    found = session.request(types.WORKSPACE_SYMBOL, {"query": query})
    lowered = query.lower()

    def result() -> WorkspaceSymbolsResult:
        symbols = symbol_fields(found, lines)
        symbols.sort(
            key=lambda item: (
                item["name"] != query,
                item["name"].lower() != lowered,
                item["file"].startswith("/"),
                item["file"],
                item["line"],
            )
        )
        kept = symbols[: arguments.limit]
        # one validation for the result and the symbols it keeps (they are the server's)
        return WorkspaceSymbolsResult.model_validate(
            {
                "query": query,
                "symbols": kept,
                "count": len(kept),
                "truncated": len(symbols) > len(kept),
            }
        )

    return _converted(session, types.WORKSPACE_SYMBOL, result)
