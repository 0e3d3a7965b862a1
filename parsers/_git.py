"""git: porcelain v2 status, ``--numstat`` diff counts and a fixed-format log.

The bridges run git with NUL-separated output (``-z``) so that any path, unicode or with spaces,
arrives verbatim:

- ``git status --porcelain=v2 --branch -z``: header lines ``# branch.oid`` / ``# branch.head``,
  then records ``1 XY ...`` (changed), ``2 XY ... path\\0orig`` (renamed/copied), ``u XY ...``
  (unmerged), ``? path`` (untracked), ``! path`` (ignored).
- ``git diff --numstat -z``: ``added\\tremoved\\tpath\\0`` (``-`` counts for binary files;
  a rename is ``added\\tremoved\\t\\0old\\0new\\0``).
- ``git log -z --format=LOG_FORMAT``: one record per commit, fields separated by ``\\x1f``.
"""

from __future__ import annotations

from typing import Literal

from parsers._common import Reader
from parsers.contracts import GitChange, GitCommit, GitDiffFile, GitLog, GitStatus

__all__ = ["LOG_FORMAT", "parse_git_log", "parse_git_numstat", "parse_git_status"]

LOG_FORMAT = "%H%x1f%an%x1f%ae%x1f%aI%x1f%s"
"""The ``--format`` the git_log bridge passes; ``parse_git_log`` reads exactly these five fields."""

ChangeKind = Literal[
    "modified", "added", "deleted", "renamed", "copied", "type_changed", "unmerged", "untracked"
]
_CODES: dict[str, ChangeKind] = {
    "M": "modified",
    "A": "added",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type_changed",
    "U": "unmerged",
}


def parse_git_status(text: str, *, version: str) -> GitStatus:
    """Read ``git status --porcelain=v2 --branch -z``."""
    reader = Reader(tool="git", version=version)
    records = text.split("\0")
    if records and records[-1] == "":
        records.pop()
    branch: str | None = None
    commit: str | None = None
    has_header = False
    changes: list[GitChange] = []
    index = 0
    while index < len(records):
        record = records[index]
        index += 1
        if record.startswith("# "):
            key, _, value = record[2:].partition(" ")
            if key == "branch.oid":
                has_header = True
                commit = None if value == "(initial)" else value
            elif key == "branch.head":
                branch = None if value == "(detached)" else value
            continue
        kind, _, rest = record.partition(" ")
        if kind in ("?", "!") and not rest:
            raise reader.fail(record, "an untracked or ignored record without a path")
        if kind == "?":
            changes.append(
                GitChange(path=rest, status="untracked", staged=False, original_path=None)
            )
        elif kind == "!":
            continue
        elif kind in ("1", "2", "u"):
            fields_count = {"1": 8, "2": 9, "u": 10}[kind]
            parts = record.split(" ", fields_count)
            if len(parts) != fields_count + 1 or len(parts[1]) != 2:
                raise reader.fail(record, f"a type-{kind} status record has the wrong fields")
            xy, path = parts[1], parts[-1]
            original = None
            if kind == "2":
                if index >= len(records):
                    raise reader.fail(record, "a rename record without its original path")
                original = records[index]
                index += 1
            if kind == "u":
                changes.append(
                    GitChange(path=path, status="unmerged", staged=False, original_path=None)
                )
                continue
            for staged, code in ((True, xy[0]), (False, xy[1])):
                if code == ".":
                    continue
                if code not in _CODES:
                    raise reader.fail(record, f"unknown change code {code!r}")
                changes.append(
                    GitChange(
                        path=path,
                        status=_CODES[code],
                        staged=staged,
                        original_path=original if code in "RC" else None,
                    )
                )
        else:
            raise reader.fail(record, f"unknown status record type {kind!r}")
    if not has_header:
        # ``--branch`` always prints this header, even before the first commit: without it the
        # text is not the output we asked for, and an empty result would claim a clean tree.
        raise reader.fail(
            text[:200] or "<empty output>",
            "no '# branch.oid' header (expected the output of git status --porcelain=v2 --branch)",
        )
    return GitStatus(branch=branch, commit=commit, clean=not changes, changes=changes)


def parse_git_numstat(text: str, *, version: str) -> list[GitDiffFile]:
    """Read ``git diff --numstat -z``."""
    reader = Reader(tool="git", version=version)
    records = text.split("\0")
    if records and records[-1] == "":
        records.pop()
    files: list[GitDiffFile] = []
    index = 0
    while index < len(records):
        record = records[index]
        index += 1
        parts = record.split("\t")
        if len(parts) != 3:
            raise reader.fail(record, "a numstat record is not 'added<TAB>removed<TAB>path'")
        added, removed, path = parts
        if path == "":  # rename: the old and new paths follow as separate records
            if index + 1 >= len(records):
                raise reader.fail(record, "a rename numstat record without its paths")
            path = records[index + 1]
            index += 2
        files.append(
            GitDiffFile(
                path=path,
                added=_count(reader, added, record),
                removed=_count(reader, removed, record),
            )
        )
    return files


def _count(reader: Reader, text: str, record: str) -> int:
    if text == "-":
        return 0
    if not text.isdigit():
        raise reader.fail(record, f"line count {text!r} is not a number")
    return int(text)


def parse_git_log(text: str, *, version: str) -> GitLog:
    """Read ``git log -z --format=LOG_FORMAT`` (newest first)."""
    reader = Reader(tool="git", version=version)
    commits = []
    for record in text.split("\0"):
        record = record.strip("\n")
        if not record:
            continue
        fields = record.split("\x1f")
        if len(fields) != 5 or len(fields[0]) not in (40, 64):
            raise reader.fail(record, "a log record is not hash, author, email, date, subject")
        commits.append(
            GitCommit(
                hash=fields[0], author=fields[1], email=fields[2], date=fields[3], subject=fields[4]
            )
        )
    return GitLog(commits=commits)
