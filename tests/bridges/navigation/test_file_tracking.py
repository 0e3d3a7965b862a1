"""The change tracker behind "the server sees the files as they are now": every change on disk is
reported, and on Linux a poll with nothing changed costs one inotify poll instead of a stat scan."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from bridges.navigation._files import SourceTracker
from bridges.navigation._inotify import FolderWatch

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux")


def tree(root: Path) -> Path:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (root / "pkg" / "sub" / "b.py").write_text("B = 2\n", encoding="utf-8")
    return root


def names(paths: list[str], root: Path) -> list[str]:
    return sorted(Path(path).relative_to(root).as_posix() for path in paths)


def test_every_kind_of_change_is_reported(tmp_path: Path) -> None:
    root = tree(tmp_path)
    tracker = SourceTracker(str(root))
    try:
        assert not tracker.poll()
        (root / "pkg" / "a.py").write_text("A = 10\n", encoding="utf-8")
        assert names(tracker.poll().changed, root) == ["pkg/a.py"]
        (root / "pkg" / "new").mkdir()
        (root / "pkg" / "new" / "c.py").write_text("C = 3\n", encoding="utf-8")
        assert names(tracker.poll().created, root) == ["pkg/new/c.py"]
        # a file written into a folder found only by the last poll is seen too
        (root / "pkg" / "new" / "d.py").write_text("D = 4\n", encoding="utf-8")
        assert names(tracker.poll().created, root) == ["pkg/new/d.py"]
        shutil.rmtree(root / "pkg" / "sub")
        assert names(tracker.poll().deleted, root) == ["pkg/sub/b.py"]
        # a folder deleted and created again under the same name is watched again
        (root / "pkg" / "sub").mkdir()
        assert not tracker.poll()
        (root / "pkg" / "sub" / "e.py").write_text("E = 5\n", encoding="utf-8")
        assert names(tracker.poll().created, root) == ["pkg/sub/e.py"]
        (root / "pkg" / "sub" / "e.py").write_text("E = 6\n", encoding="utf-8")
        assert names(tracker.poll().changed, root) == ["pkg/sub/e.py"]
        os.utime(root / "pkg" / "a.py", ns=(1, 1))  # a touch: same size, other mtime
        assert names(tracker.poll().changed, root) == ["pkg/a.py"]
    finally:
        tracker.close()


@linux_only
def test_a_quiet_workspace_is_not_scanned_again(tmp_path: Path) -> None:
    root = tree(tmp_path)
    tracker = SourceTracker(str(root))
    try:
        assert tracker.watch.active
        tracker.poll()  # the first poll always scans
        scans = tracker.scans
        for _ in range(20):
            assert not tracker.poll()
        assert tracker.scans == scans  # inotify said nothing changed: no stat scan
        (root / "pkg" / "sub" / "b.py").write_text("B = 20\n", encoding="utf-8")
        assert names(tracker.poll().changed, root) == ["pkg/sub/b.py"]
        assert tracker.scans == scans + 1
    finally:
        tracker.close()


def test_a_symlinked_source_is_seen_changing_outside_the_workspace(tmp_path: Path) -> None:
    root = tree(tmp_path / "ws")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "shared.py").write_text("S = 1\n", encoding="utf-8")
    (root / "pkg" / "shared.py").symlink_to(elsewhere / "shared.py")
    tracker = SourceTracker(str(root))
    try:
        tracker.poll()
        assert not tracker.poll()
        (elsewhere / "shared.py").write_text("S = 100\n", encoding="utf-8")
        assert names(tracker.poll().changed, root) == ["pkg/shared.py"]
    finally:
        tracker.close()


def test_without_inotify_every_poll_scans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNIE_LSP_POLL", "stat")
    root = tree(tmp_path)
    tracker = SourceTracker(str(root))
    try:
        assert not tracker.watch.active
        for _ in range(3):
            assert not tracker.poll()
        assert tracker.scans == 3
        (root / "pkg" / "a.py").write_text("A = 11\n", encoding="utf-8")
        assert names(tracker.poll().changed, root) == ["pkg/a.py"]
    finally:
        tracker.close()


@linux_only
def test_a_closed_watch_reports_changes_every_time(tmp_path: Path) -> None:
    watch = FolderWatch()
    watch.add([str(tmp_path)])
    assert watch.changed()  # a new watch: look once
    assert not watch.changed()
    watch.close()
    assert not watch.active and watch.changed() and watch.changed()
