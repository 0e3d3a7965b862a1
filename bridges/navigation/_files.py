"""Which Python files of a workspace changed since the last look — cheaply, before every request.

ty server does not watch the file system; it relies on its client to report changes. A full
directory walk before each request would cost more than ty needs to answer, even on a small
project. ``SourceTracker`` walks once, then only ``stat``s what it knows: every known
file (a changed mtime or size means changed content) and every known folder (a changed mtime
means an
entry was created, deleted or renamed there, so only that folder is listed again). On Linux
even that scan is skipped when inotify (``_inotify.FolderWatch``) reports no event at all in the
known folders since the last look.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from bridges.navigation._inotify import FolderWatch

__all__ = ["Changes", "SourceTracker"]

_SKIP_DIRS = frozenset(
    {"__pycache__", "node_modules", ".venv", "venv", ".git", ".hg", ".tox", ".mypy_cache"}
)
_SOURCE_SUFFIXES = (".py", ".pyi")
_CONFIG_FILES = frozenset({"pyproject.toml", "ty.toml"})


@dataclass
class Changes:
    """Absolute paths (as strings) that appeared, changed or disappeared."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.changed or self.deleted)


def _wanted_file(name: str) -> bool:
    return name.endswith(_SOURCE_SUFFIXES) or name in _CONFIG_FILES


def _wanted_dir(name: str) -> bool:
    return name not in _SKIP_DIRS and not name.startswith(".")


Stamp = tuple[int, int]


def _mtime(path: str) -> Stamp | None:
    """(mtime in ns, size): the size catches rewrites within one coarse kernel clock tick."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class SourceTracker:
    """Remembers the Python sources under ``root`` and reports what changed on each ``poll``."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.files: dict[str, Stamp] = {}
        self.dirs: dict[str, Stamp] = {}
        self.watch = FolderWatch()
        self.link_dirs: set[str] = set()
        """Folders holding the targets of symlinked sources: watched too, as their content
        changes without an event in the workspace's own folders."""
        self._walk(root, self.files, Changes())
        self.watch.add([*self.dirs, *self.link_dirs])
        self.scans = 0
        """How many polls had to stat (the others were answered by inotify)."""

    def _list(self, folder: str) -> tuple[list[str], list[str]]:
        files: list[str] = []
        dirs: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if _wanted_dir(entry.name):
                                dirs.append(entry.path)
                        elif _wanted_file(entry.name):
                            files.append(entry.path)
                            if entry.is_symlink():
                                target = os.path.realpath(entry.path)
                                self.link_dirs.add(os.path.dirname(target))
                    except OSError:
                        continue
        except OSError:
            pass
        return files, dirs

    def _walk(self, folder: str, known: dict[str, Stamp], changes: Changes) -> None:
        """Record ``folder`` and everything below it; new files go to ``changes.created``."""
        stack = [folder]
        while stack:
            current = stack.pop()
            mtime = _mtime(current)
            if mtime is None:
                continue
            self.dirs[current] = mtime
            files, dirs = self._list(current)
            for path in files:
                file_mtime = _mtime(path)
                if file_mtime is not None and path not in known:
                    known[path] = file_mtime
                    changes.created.append(path)
            stack.extend(dirs)

    def close(self) -> None:
        """Release the inotify descriptor."""
        self.watch.close()

    def poll(self) -> Changes:
        """What changed since the last poll; nothing, at the cost of one poll, if inotify is
        sure of it."""
        if not self.watch.changed():
            return Changes()
        self.scans += 1
        changes = self._scan()
        self.watch.add([*self.dirs, *self.link_dirs])
        return changes

    def _scan(self) -> Changes:
        """Compare with the last poll: stat known folders and files, relist changed folders."""
        changes = Changes()
        for folder, before in list(self.dirs.items()):
            now = _mtime(folder)
            if now == before:
                continue
            if now is None:  # the folder is gone, and everything under it
                prefix = folder + os.sep
                for path in [p for p in self.files if p.startswith(prefix)]:
                    del self.files[path]
                    changes.deleted.append(path)
                for gone in [d for d in self.dirs if d == folder or d.startswith(prefix)]:
                    del self.dirs[gone]
                continue
            self.dirs[folder] = now
            files, dirs = self._list(folder)
            for path in files:
                if path not in self.files:
                    mtime = _mtime(path)
                    if mtime is not None:
                        self.files[path] = mtime
                        changes.created.append(path)
            listed = set(files)
            for path in [p for p in self.files if os.path.dirname(p) == folder]:
                if path not in listed:
                    del self.files[path]
                    changes.deleted.append(path)
            for sub in dirs:
                if sub not in self.dirs:
                    self._walk(sub, self.files, changes)
        created = set(changes.created)
        for path, before in list(self.files.items()):
            if path in created:
                continue
            now = _mtime(path)
            if now is None:
                del self.files[path]
                changes.deleted.append(path)
            elif now != before:
                self.files[path] = now
                changes.changed.append(path)
        return changes
