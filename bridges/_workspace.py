"""Workspace confinement: every path a bridge touches is resolved here.

Paths from snippets are relative to the workspace root. Absolute paths, ``..`` components and
symlinks whose target lies outside the workspace are refused with ``PathOutsideWorkspace`` before
any file or tool is touched, so a snippet can never read or write outside the folder it was given.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal

from bridges._errors import PathNotFound, PathOutsideWorkspace

__all__ = ["relative_path", "resolve_in_workspace"]

Kind = Literal["file", "dir", "any"]


def resolve_in_workspace(
    workspace: Path, path: str, *, must_exist: bool = True, kind: Kind = "any"
) -> Path:
    """Resolve ``path`` (relative to ``workspace``) to an absolute path inside the workspace.

    Raises ``PathOutsideWorkspace`` for absolute paths, ``..`` components and symlinks leading
    out, and ``PathNotFound`` when ``must_exist`` and the path is missing or of the wrong kind.
    """
    text = path.strip() or "."
    if must_exist:
        found = _resolve_fast(workspace, text, kind)
        if found is not None:
            return found
    root = workspace.resolve()
    if "\x00" in text:
        raise PathOutsideWorkspace(f"path {path!r} contains a NUL byte; pass a plain relative path")
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() or text[:1] == "~":
        raise PathOutsideWorkspace(
            f"path {path!r} is absolute; pass a path relative to the workspace root, e.g. 'src/app.py'"
        )
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        raise PathOutsideWorkspace(
            f"path {path!r} contains '..'; bridges only see the workspace, so pass a path "
            "relative to its root without '..'"
        )
    try:
        resolved = (root / text).resolve()
        exists = resolved.exists()
    except OSError as error:  # a name too long for the file system, a loop of symlinks
        raise PathNotFound(
            f"path {_short(path)} cannot be used ({error.strerror or error}); pass the path of an "
            "existing file or folder, e.g. from list_files()"
        ) from None
    if resolved != root and root not in resolved.parents:
        raise PathOutsideWorkspace(
            f"path {path!r} is a symlink (or goes through one) that leads outside the workspace; "
            "only files inside the workspace can be used"
        )
    if must_exist:
        if not exists:
            raise PathNotFound(
                f"path {path!r} does not exist in the workspace; call list_files() to see the "
                "files that do"
            )
        if kind == "file" and not resolved.is_file():
            if not resolved.is_dir():
                raise PathNotFound(
                    f"path {path!r} is not a regular file (a pipe, socket or device); "
                    "pass the path of a text file"
                )
            raise PathNotFound(f"path {path!r} is a folder, not a file; pass a file path")
        if kind == "dir" and not resolved.is_dir():
            raise PathNotFound(f"path {path!r} is a file, not a folder; pass a folder path")
    return resolved


_PLAIN = re.compile(r"[\w.\- ]+(?:/[\w.\- ]+)*")
"""A relative path of ordinary names: the common case, which may take the fast path."""
_KIND_TESTS = {"file": stat.S_ISREG, "dir": stat.S_ISDIR}


def _resolve_fast(workspace: Path, text: str, kind: Kind) -> Path | None:
    """``resolve_in_workspace`` for an existing plain path in a few system calls; else None.

    ``Path.resolve`` walks the path with an ``lstat`` per component, twice per call (root and
    path), a cost every file-touching bridge call pays. Here the path is opened with
    ``O_PATH`` (no read access needed, never blocks on a FIFO), ``/proc/self/fd`` names where it
    really is, and ``fstat`` what it is. The checks are the same; anything unusual — and every
    failure — returns None, so the slow path decides and raises its typed, model-facing error.
    """
    if not _PLAIN.fullmatch(text) or ".." in text.split("/"):
        return None
    root = _real(str(workspace))
    if root is None:
        return None
    if text == ".":
        return None if kind == "file" else Path(root)
    target = _real(os.path.join(root, text), kind)
    if target is None or (target != root and not target.startswith(root + os.sep)):
        return None
    return Path(target)


def _real(path: str, kind: Kind = "dir") -> str | None:
    """The real path of an existing ``path`` of ``kind``, or None (not Linux, missing, other)."""
    try:
        descriptor = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except (AttributeError, OSError):
        return None
    try:
        real = os.readlink(f"/proc/self/fd/{descriptor}")
        mode = os.fstat(descriptor).st_mode
    except OSError:
        return None
    finally:
        os.close(descriptor)
    test = _KIND_TESTS.get(kind)
    if (test is not None and not test(mode)) or not real.startswith("/"):
        return None
    return real


def _short(path: str) -> str:
    return repr(path) if len(path) <= 120 else repr(path[:100]) + f"... ({len(path)} characters)"


def relative_path(workspace: Path, path: Path | str) -> str:
    """``path`` as shown to the model: relative to the workspace, with '/' separators.

    Paths outside the workspace (which tools sometimes report, e.g. for stdlib stubs) are
    returned unchanged.
    """
    candidate = Path(path)
    if not candidate.is_absolute():
        return candidate.as_posix()
    shown = str(candidate)
    base = str(workspace)
    if workspace.is_absolute() and shown.startswith(base + os.sep) and ".." not in candidate.parts:
        return shown[len(base) + 1 :].replace(os.sep, "/")  # the usual case: no resolving
    if shown == base:
        return "."
    root = workspace.resolve()
    try:
        return candidate.relative_to(root).as_posix()
    except ValueError:
        try:
            return candidate.resolve().relative_to(root).as_posix()
        except ValueError:
            return candidate.as_posix()
