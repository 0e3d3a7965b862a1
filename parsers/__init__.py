"""Raw tool output -> contract models. The only code that knows a tool's output format.

Pure functions: no I/O, no subprocesses (``tests/test_dependency_direction.py`` pins it). Each
takes the tool's raw text plus the tool's ``version`` (for error messages) and, where the tool
prints absolute paths, the workspace ``root`` to make them relative. Output that does not match
the known format raises ``ParseError`` naming the tool, its version and the offending fragment.

The names are loaded on first use (PEP 562): importing ``parsers.contracts`` (every bridge record
does, for its result model) runs this file first, and should not pay for msgspec and every
parser before a tool has run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and readers see; at run time see __getattr__
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

_HOME: dict[str, str] = {
    "LOG_FORMAT": "parsers._git",
    "ParseError": "parsers._errors",
    "RipgrepFile": "parsers._ripgrep",
    "RipgrepJsonStream": "parsers._ripgrep",
    "RipgrepLine": "parsers._ripgrep",
    "RuffJsonStream": "parsers._ruff",
    "parse_git_log": "parsers._git",
    "parse_git_numstat": "parsers._git",
    "parse_git_status": "parsers._git",
    "parse_pytest_reportlog": "parsers._pytest",
    "parse_ripgrep_files": "parsers._ripgrep",
    "parse_ripgrep_json": "parsers._ripgrep",
    "parse_ripgrep_unlisted": "parsers._ripgrep",
    "parse_ruff_format": "parsers._ruff",
    "parse_ruff_json": "parsers._ruff",
    "parse_ty_gitlab": "parsers._ty",
}
"""Where each public name lives; ``tests/parsers/test_lazy_parsers.py`` checks it against the
imports above."""


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'parsers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
