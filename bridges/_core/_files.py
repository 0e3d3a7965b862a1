"""File bridges: ``read_file``, ``list_files``, ``grep`` and (only when writing is allowed)
``write_file``. All paths are confined to the workspace. Listing and searching run on ripgrep
(``_search``): what .gitignore excludes, hidden files and folders (``.git``, ``.venv``) and caches
are skipped, symlinks are not followed, and a pattern cannot stall the host.

Files are decoded by ``_decode`` (declared encodings honoured, bad bytes shown as U+FFFD), so one
latin-1 or cp1252 file neither refuses to be read nor hides from grep; what grep cannot search
(binary, too large, unreadable) it lists in ``GrepResult.skipped`` instead of dropping it silently.
"""

from __future__ import annotations

import codecs
import difflib
from pathlib import Path

from pydantic import Field

from bridges._bridge import BridgeContext
from bridges._core._common import Arguments
from bridges._core._decode import PYTHON_SUFFIXES, Decoded, NotText, encode, load, split_lines
from bridges._core._search import list_paths, search
from bridges._errors import BridgeArgumentError, PathOutsideWorkspace, WritingNotAllowed
from bridges._workspace import relative_path, resolve_in_workspace
from parsers.contracts import FileList, FileText, GrepResult, WriteResult

__all__ = [
    "GrepArguments",
    "ListArguments",
    "ReadArguments",
    "WriteArguments",
    "grep",
    "list_files",
    "read_file",
    "write_file",
]

MAX_LINES = 2000
"""``read_file`` returns at most this many lines per call; read further with ``start_line``."""
MAX_FILE_BYTES = 5_000_000
"""``read_file`` refuses and ``grep`` skips ('too_large') files larger than this: they are data or
generated, and reading them whole would hold megabytes in the host for one call."""


class ReadArguments(Arguments):
    path: str
    start_line: int | None = None
    end_line: int | None = None


class ListArguments(Arguments):
    path: str = "."
    pattern: str = "*"
    limit: int = Field(default=500, ge=1, le=5000)


class GrepArguments(Arguments):
    pattern: str = Field(min_length=1)
    path: str = "."
    glob: str = "*.py"
    ignore_case: bool = False
    limit: int = Field(default=100, ge=1, le=2000)


class WriteArguments(Arguments):
    path: str
    content: str


def read_file(context: BridgeContext, arguments: ReadArguments) -> FileText:
    resolved = resolve_in_workspace(context.workspace, arguments.path, kind="file")
    shown = relative_path(context.workspace, resolved)
    decoded = _decoded(resolved, shown)
    lines = split_lines(decoded.text, keepends=True)
    count = len(lines)
    start = 1 if arguments.start_line is None else arguments.start_line
    end = count if arguments.end_line is None else min(arguments.end_line, count)
    if start < 1 or (arguments.end_line is not None and arguments.end_line < start):
        raise BridgeArgumentError(
            f"start_line={arguments.start_line} and end_line={arguments.end_line} do not make a "
            "range; lines are numbered from 1 and end_line must be >= start_line"
        )
    if count and start > count:
        raise BridgeArgumentError(
            f"start_line={start} is past the end of {shown}, which has {count} lines"
        )
    end = min(end, start + MAX_LINES - 1)
    if count == 0:
        start, end = 1, 0
    return FileText(
        path=shown,
        text="".join(lines[start - 1 : end]),
        start_line=start,
        end_line=end,
        line_count=count,
        encoding=decoded.encoding,
        note=decoded.note,
    )


def list_files(context: BridgeContext, arguments: ListArguments) -> FileList:
    folder = resolve_in_workspace(context.workspace, arguments.path, kind="dir")
    shown = relative_path(context.workspace, folder) or "."
    files, truncated = list_paths(
        context.workspace,
        shown,
        glob=arguments.pattern,
        limit=arguments.limit,
        timeout_s=context.timeout_s,
    )
    return FileList(path=shown, files=files, truncated=truncated)


def grep(context: BridgeContext, arguments: GrepArguments) -> GrepResult:
    start = resolve_in_workspace(context.workspace, arguments.path)
    found = search(
        context.workspace,
        relative_path(context.workspace, start) or ".",
        folder=start.is_dir(),
        pattern=arguments.pattern,
        glob=arguments.glob,
        ignore_case=arguments.ignore_case,
        limit=arguments.limit,
        max_bytes=MAX_FILE_BYTES,
        timeout_s=context.timeout_s,
    )
    return GrepResult(
        pattern=arguments.pattern,
        match_count=len(found.matches),
        matches=found.matches,
        truncated=found.truncated,
        skipped=found.skipped,
    )


def write_file(context: BridgeContext, arguments: WriteArguments) -> WriteResult:
    if not context.allow_write:
        raise WritingNotAllowed(
            "writing files is not allowed in this session; show the user the new content or a "
            "diff instead"
        )
    resolved = resolve_in_workspace(context.workspace, arguments.path, must_exist=False)
    shown = relative_path(context.workspace, resolved)
    if ".git" in Path(shown).parts:
        raise PathOutsideWorkspace(
            f"path {arguments.path!r} is inside .git; bridges never write there"
        )
    if resolved.is_dir():
        raise BridgeArgumentError(f"path {arguments.path!r} is a folder; pass a file path")
    created = not resolved.exists()
    if not created and not resolved.is_file():
        raise BridgeArgumentError(
            f"path {arguments.path!r} is not a regular file (a pipe, socket or device); "
            "pass the path of a text file"
        )
    try:
        data = encode(arguments.content, python=shown.endswith(PYTHON_SUFFIXES))
    except UnicodeEncodeError as error:
        if codecs.lookup(error.encoding).name == "utf-8":
            raise BridgeArgumentError(
                f"content has a character that cannot be written as UTF-8 at position "
                f"{error.start} (a lone surrogate); write plain text"
            ) from None
        raise BridgeArgumentError(
            f"content has {error.object[error.start]!r} at position {error.start}, which "
            f"{error.encoding} (the encoding its first lines declare) cannot hold; change the "
            "declaration to '# -*- coding: utf-8 -*-' or write the character as an escape"
        ) from None
    old = "" if created else _decoded(resolved, shown).text
    resolved.parent.mkdir(parents=True, exist_ok=True)
    resolved.write_bytes(data)
    diff = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            arguments.content.splitlines(keepends=True),
            fromfile="/dev/null" if created else f"a/{shown}",
            tofile=f"b/{shown}",
        )
    )
    return WriteResult(path=shown, created=created, bytes_written=len(data), diff=diff)


def _decoded(path: Path, shown: str) -> Decoded:
    """The decoded text of one file the model asked for, or a bridge error that says why not."""
    try:
        return load(path, max_bytes=MAX_FILE_BYTES)
    except NotText as problem:
        if problem.reason == "binary":
            message = f"{shown} is a binary file ({problem.detail}); bridges only read text files"
        elif problem.reason == "too_large":
            message = (
                f"{shown} is too large to read ({problem.detail}); a file this size is data or "
                "generated, not source: read the files it was generated from instead"
            )
        else:
            message = f"{shown} {problem.detail}; pick another file, e.g. from list_files()"
        raise BridgeArgumentError(message) from None
