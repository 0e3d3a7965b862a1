"""Raw tool output -> contract models. The only code that knows a tool's output format.

Pure functions: no I/O, no subprocesses (``tests/test_dependency_direction.py`` pins it). Each
takes the tool's raw text plus the tool's ``version`` (for error messages) and, where the tool
prints absolute paths, the workspace ``root`` to make them relative. Output that does not match
the known format raises ``ParseError`` naming the tool, its version and the offending fragment.
"""

from parsers._errors import ParseError
from parsers._git import LOG_FORMAT, parse_git_log, parse_git_numstat, parse_git_status
from parsers._pytest import parse_pytest_reportlog
from parsers._ripgrep import (
    RipgrepFile,
    RipgrepJsonStream,
    RipgrepLine,
    parse_ripgrep_files,
    parse_ripgrep_json,
    parse_ripgrep_unlisted,
)
from parsers._ruff import RuffJsonStream, parse_ruff_format, parse_ruff_json
from parsers._ty import parse_ty_gitlab

__all__ = [
    "LOG_FORMAT",
    "ParseError",
    "RipgrepFile",
    "RipgrepJsonStream",
    "RipgrepLine",
    "RuffJsonStream",
    "parse_git_log",
    "parse_git_numstat",
    "parse_git_status",
    "parse_pytest_reportlog",
    "parse_ripgrep_files",
    "parse_ripgrep_json",
    "parse_ripgrep_unlisted",
    "parse_ruff_format",
    "parse_ruff_json",
    "parse_ty_gitlab",
]
