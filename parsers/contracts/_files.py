"""Contracts of the file bridges: reading, listing, searching and writing workspace files."""

from __future__ import annotations

from pydantic import Field

from parsers.contracts._base import Contract
from parsers.contracts._skipped import SkippedFile

__all__ = ["FileList", "FileText", "GrepMatch", "GrepResult", "WriteResult"]


class FileText(Contract):
    """Some or all lines of a text file."""

    path: str
    """Path of the file, relative to the workspace."""
    text: str
    """The requested lines, joined with their line endings."""
    start_line: int
    """1-based number of the first line in ``text``."""
    end_line: int
    """1-based number of the last line in ``text`` (0 for an empty file)."""
    line_count: int
    """Total number of lines in the file, not just in ``text``."""
    encoding: str = "utf-8"
    """Encoding the file was read in: for Python files a BOM ('utf-8-sig') or a PEP 263
    declaration (e.g. 'iso8859-1' for latin-1), else 'utf-8'."""
    note: str | None = None
    """None when ``text`` is exactly the file; else why not, e.g. 'not valid UTF-8 (byte 0xe9 on
    line 3); undecodable bytes are shown as U+FFFD'."""


class FileList(Contract):
    """Files under a directory of the workspace."""

    path: str
    """Directory that was listed, relative to the workspace."""
    files: list[str]
    """Matching file paths relative to the workspace, sorted; hidden and cache folders skipped."""
    truncated: bool
    """True when more files matched than ``limit`` allowed; narrow the pattern or path."""


class GrepMatch(Contract):
    """One line that matched."""

    file: str
    """Path of the file, relative to the workspace."""
    line: int
    """1-based line number."""
    text: str
    """The whole line, without its line ending."""


class GrepResult(Contract):
    """Lines matching a regular expression."""

    pattern: str
    """The regular expression that was searched for."""
    match_count: int
    """Number of matches returned."""
    matches: list[GrepMatch]
    """Matching lines in file and line order."""
    truncated: bool
    """True when there were more matches than ``limit``; narrow the pattern or path."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    """Files that were not searched (binary, too large, unreadable); empty when every
    file was read."""


class WriteResult(Contract):
    """What ``write_file`` did."""

    path: str
    """Path of the file, relative to the workspace."""
    created: bool
    """True when the file did not exist before."""
    bytes_written: int
    """Size of the new content in bytes: UTF-8, or the encoding a Python file declares."""
    diff: str
    """Unified diff from the old content to the new one (everything added for a new file)."""
