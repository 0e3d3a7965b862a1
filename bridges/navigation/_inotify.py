"""A cheap "did anything change?" for a set of folders: Linux inotify through ctypes.

``SourceTracker.poll`` stats every known file and folder before each request (about a hundred
stat calls on a 100-module project, more than ty needs to answer). When the kernel can tell us
that nothing in the watched folders changed since the last look, that scan is skipped: one
``poll(0)`` of the inotify descriptor replaces it (it is read only when it has events). Any
event at all (in any file of a watched folder) only says "scan again"; the stat scan stays the
single source of truth.

This is an optimisation with a safe fallback, never a requirement: off Linux, without libc's
``inotify_*`` functions, or when a watch cannot be added (``max_user_watches`` reached), the
watcher reports "maybe changed" every time and the tracker scans as before. inotify does not see
changes made on another machine to a network file system; such workspaces should set
``PUNIE_LSP_POLL=stat`` so that every request scans.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import sys

__all__ = ["FolderWatch"]

_IN_MODIFY = 0x002
_IN_ATTRIB = 0x004
_IN_CLOSE_WRITE = 0x008
_IN_MOVED_FROM = 0x040
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_MASK = (
    _IN_MODIFY
    | _IN_ATTRIB
    | _IN_CLOSE_WRITE
    | _IN_MOVED_FROM
    | _IN_MOVED_TO
    | _IN_CREATE
    | _IN_DELETE
    | _IN_DELETE_SELF
    | _IN_MOVE_SELF
)
_IN_NONBLOCK = os.O_NONBLOCK
_IN_CLOEXEC = os.O_CLOEXEC


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux") or os.environ.get("PUNIE_LSP_POLL") == "stat":
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    except (OSError, AttributeError):
        return None
    return libc


class FolderWatch:
    """Watches folders; ``changed()`` is True if anything may have changed since the last call.

    Starts "dirty" (the first call is always True), and a folder added with ``add`` makes the
    next call True as well, so a change that happened before the watch existed is not missed.
    """

    def __init__(self) -> None:
        self._libc = _libc()
        self._fd = -1
        self._watches: set[int] = set()
        self._dirty = True
        self._ready = select.poll()
        if self._libc is not None:
            fd = self._libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
            if fd >= 0:
                self._fd = fd
                self._ready.register(fd, select.POLLIN)

    @property
    def active(self) -> bool:
        """False when the kernel cannot help and every ``changed()`` is True."""
        return self._fd >= 0

    def add(self, folders: list[str]) -> None:
        """Watch these folders (again: a folder deleted and re-created needs a new watch).

        A folder not watched before makes the next ``changed()`` True.
        """
        if self._fd < 0 or self._libc is None:
            return
        for folder in folders:
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK)
            if wd < 0:
                if ctypes.get_errno() in (errno.ENOENT, errno.ENOTDIR):
                    self._dirty = True  # it vanished since the scan: the next one will see it
                    continue
                self.close()  # out of watches (max_user_watches): scan every time
                return
            if wd not in self._watches:
                self._watches.add(wd)
                self._dirty = True

    def changed(self) -> bool:
        """Whether anything may have changed in a watched folder since the last call."""
        if self._fd < 0:
            return True
        dirty, self._dirty = self._dirty, False
        if not self._ready.poll(0):  # the usual answer, without the cost of a failed read
            return dirty
        while True:
            try:
                if not os.read(self._fd, 65536):
                    return True
            except BlockingIOError:
                return dirty
            except OSError:
                self.close()
                return True
            dirty = True

    def close(self) -> None:
        """Stop watching; later ``changed()`` calls are always True."""
        if self._fd >= 0:
            self._ready.unregister(self._fd)
            os.close(self._fd)
        self._fd = -1
        self._watches.clear()
