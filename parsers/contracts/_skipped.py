"""The one shape every bridge uses to say which files it could not look at, and why.

Real trees are messy: a latin-1 file without a declaration, a fixture that does not parse on
purpose, a binary blob with a ``.py`` name, a generated file of 40 MB. A bridge working on many
files never lets one of them end the whole result; it returns what it could read and lists the
rest here, so the model (and the person) can tell "no matches" from "not looked at".
"""

from __future__ import annotations

from typing import Literal

from parsers.contracts._base import Contract

__all__ = ["SkipReason", "SkippedFile"]

SkipReason = Literal[
    "undecodable", "binary", "too_large", "syntax_error", "unreadable", "timeout", "crashed"
]
"""Why a file was skipped: 'undecodable' (not valid in its declared encoding, UTF-8 when none),
'binary' (NUL bytes), 'too_large' (over the bridge's size limit), 'syntax_error' (does not parse),
'unreadable' (the file system refused it), 'timeout' (its share of work ran past the limit),
'crashed' (the parser's process died on it)."""


class SkippedFile(Contract):
    """One file a bridge could not look at."""

    file: str
    """Path of the file, relative to the workspace."""
    reason: SkipReason
    """Why it was skipped, e.g. 'undecodable' or 'syntax_error'."""
    detail: str
    """One line saying what exactly went wrong, e.g. 'line 3: invalid syntax'."""
