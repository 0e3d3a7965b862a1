"""File bridges: ``read_file``, ``list_files``, ``grep`` and (only when writing is allowed)
``write_file``. All paths are confined to the workspace; hidden folders (``.git``, ``.venv``) and
caches are skipped when listing or searching."""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from bridges._core._common import Arguments
from bridges._core._search import search_lines
from bridges._errors import BridgeArgumentError, PathOutsideWorkspace, WritingNotAllowed
from bridges._record import BridgeContext
from bridges._workspace import relative_path, resolve_in_workspace
from parsers.contracts import FileList, FileText, GrepMatch, GrepResult, WriteResult

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
_SKIPPED_DIRS = {"__pycache__", "node_modules", "build", "dist"}


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
    lines = _text(resolved, shown).splitlines(keepends=True)
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
        return FileText(path=shown, text="", start_line=1, end_line=0, line_count=0)
    return FileText(
        path=shown,
        text="".join(lines[start - 1 : end]),
        start_line=start,
        end_line=end,
        line_count=count,
    )


def list_files(context: BridgeContext, arguments: ListArguments) -> FileList:
    folder = resolve_in_workspace(context.workspace, arguments.path, kind="dir")
    files: list[str] = []
    truncated = False
    for path in _walk(context.workspace, folder):
        shown = relative_path(context.workspace, path)
        if not _matches(shown, arguments.pattern):
            continue
        if len(files) >= arguments.limit:
            truncated = True
            break
        files.append(shown)
    return FileList(
        path=relative_path(context.workspace, folder) or ".",
        files=files,
        truncated=truncated,
    )


def grep(context: BridgeContext, arguments: GrepArguments) -> GrepResult:
    try:
        regex = re.compile(arguments.pattern, re.IGNORECASE if arguments.ignore_case else 0)
    except re.error as error:
        raise BridgeArgumentError(
            f"pattern={arguments.pattern!r} is not a valid regular expression ({error}); escape "
            "special characters like '(' or '.' with a backslash, or search for a plain word"
        ) from None
    start = resolve_in_workspace(context.workspace, arguments.path)
    candidates = [start] if start.is_file() else _walk(context.workspace, start)
    files: list[Path] = []
    shown: list[str] = []
    for path in candidates:
        relative = relative_path(context.workspace, path)
        if start.is_dir() and not _matches(relative, arguments.glob):
            continue
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
        except OSError:
            continue
        files.append(path)
        shown.append(relative)
    found, truncated = search_lines(
        files,
        pattern=arguments.pattern,
        flags=regex.flags,
        limit=arguments.limit,
        cwd=context.workspace,
        timeout_s=context.timeout_s,
    )
    matches = [
        GrepMatch(file=shown[index], line=number, text=text) for index, number, text in found
    ]
    return GrepResult(
        pattern=arguments.pattern,
        match_count=len(matches),
        matches=matches,
        truncated=truncated,
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
        data = arguments.content.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BridgeArgumentError(
            f"content has a character that cannot be written as UTF-8 at position {error.start} "
            "(a lone surrogate); write plain text"
        ) from None
    old = "" if created else _text(resolved, shown)
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


def _text(path: Path, shown: str) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BridgeArgumentError(
            f"{shown} is larger than {MAX_FILE_BYTES // 1_000_000} MB; search it with grep instead"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BridgeArgumentError(
            f"{shown} is not a UTF-8 text file (binary?); bridges only read text"
        ) from None


def _walk(workspace: Path, folder: Path) -> Iterator[Path]:
    """Regular files under ``folder`` in sorted order, skipping hidden and cache folders, any
    symlink that leads outside the workspace, and pipes, sockets and devices (opening a named
    pipe would block the bridge forever)."""
    root = workspace.resolve()
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(current) / name
            if path.is_symlink():
                target = path.resolve()
                if root not in target.parents or not target.is_file():
                    continue
            elif not path.is_file():
                continue
            yield path


def _matches(shown: str, pattern: str) -> bool:
    if "/" in pattern:
        return fnmatch.fnmatch(shown, pattern)
    return fnmatch.fnmatch(shown.rsplit("/", 1)[-1], pattern)
