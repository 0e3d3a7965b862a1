"""Contracts of the git bridges: status, diff and log."""

from __future__ import annotations

from typing import Literal

from parsers.contracts._base import Contract

__all__ = ["GitChange", "GitCommit", "GitDiff", "GitDiffFile", "GitLog", "GitStatus"]

ChangeKind = Literal[
    "modified", "added", "deleted", "renamed", "copied", "type_changed", "unmerged", "untracked"
]


class GitChange(Contract):
    """One path with changes in the working tree or the index."""

    path: str
    """Path relative to the repository root."""
    status: ChangeKind
    """The kind of change ('untracked' for files git does not know yet)."""
    staged: bool
    """True when the change is in the index (would be committed)."""
    original_path: str | None
    """For a rename or copy, the path before; else None."""


class GitStatus(Contract):
    """The state of the working tree."""

    branch: str | None
    """Current branch name, or None when HEAD is detached."""
    commit: str | None
    """Full hash of HEAD, or None in a repository without commits."""
    clean: bool
    """True when nothing is modified, staged or untracked."""
    changes: list[GitChange]
    """Every changed path; a file changed both in the index and the tree appears twice."""


class GitDiffFile(Contract):
    """How much one file changed."""

    path: str
    """Path relative to the repository root."""
    added: int
    """Lines added (0 for binary files)."""
    removed: int
    """Lines removed (0 for binary files)."""


class GitDiff(Contract):
    """Changes not yet committed (or staged), as a unified diff."""

    staged: bool
    """True when this is the diff of the index against HEAD, False for the working tree."""
    files: list[GitDiffFile]
    """Changed files with line counts."""
    diff: str
    """The unified diff text; empty when there is nothing to show."""


class GitCommit(Contract):
    """One commit."""

    hash: str
    """Full commit hash."""
    author: str
    """Author name."""
    email: str
    """Author e-mail."""
    date: str
    """Author date, ISO 8601 with offset."""
    subject: str
    """First line of the message."""


class GitLog(Contract):
    """Recent commits, newest first."""

    commits: list[GitCommit]
    """The commits, newest first."""
