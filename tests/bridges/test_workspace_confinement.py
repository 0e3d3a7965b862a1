"""Paths from snippets never leave the workspace: '..', absolute paths and symlinks are refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest

from bridges import PathNotFound, PathOutsideWorkspace, relative_path, resolve_in_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    (tmp_path / "secret.txt").write_text("password\n")
    return root


def test_relative_paths_resolve_inside(workspace: Path) -> None:
    assert resolve_in_workspace(workspace, "pkg/mod.py") == workspace / "pkg" / "mod.py"
    assert resolve_in_workspace(workspace, ".") == workspace
    assert resolve_in_workspace(workspace, "") == workspace
    assert resolve_in_workspace(workspace, "./pkg/./mod.py", kind="file").name == "mod.py"


@pytest.mark.parametrize("path", ["../secret.txt", "pkg/../../secret.txt", "..", "pkg\\..\\.."])
def test_dot_dot_is_refused(workspace: Path, path: str) -> None:
    with pytest.raises(PathOutsideWorkspace, match=r"contains '\.\.'"):
        resolve_in_workspace(workspace, path)


@pytest.mark.parametrize("path", ["/etc/passwd", "~/.ssh/id_rsa", "C:\\Windows"])
def test_absolute_paths_are_refused(workspace: Path, path: str) -> None:
    with pytest.raises(PathOutsideWorkspace, match="relative to the workspace root"):
        resolve_in_workspace(workspace, path)


def test_a_symlink_leading_out_is_refused(workspace: Path) -> None:
    os.symlink(workspace.parent / "secret.txt", workspace / "innocent.txt")
    os.symlink(workspace.parent, workspace / "up")
    with pytest.raises(PathOutsideWorkspace, match="symlink"):
        resolve_in_workspace(workspace, "innocent.txt")
    with pytest.raises(PathOutsideWorkspace, match="symlink"):
        resolve_in_workspace(workspace, "up/secret.txt", must_exist=False)


def test_a_symlink_inside_is_fine(workspace: Path) -> None:
    os.symlink(workspace / "pkg" / "mod.py", workspace / "alias.py")
    assert resolve_in_workspace(workspace, "alias.py") == workspace / "pkg" / "mod.py"


def test_missing_paths_and_wrong_kinds(workspace: Path) -> None:
    with pytest.raises(PathNotFound, match="list_files"):
        resolve_in_workspace(workspace, "nope.py")
    with pytest.raises(PathNotFound, match="is a folder"):
        resolve_in_workspace(workspace, "pkg", kind="file")
    with pytest.raises(PathNotFound, match="is a file"):
        resolve_in_workspace(workspace, "pkg/mod.py", kind="dir")
    assert resolve_in_workspace(workspace, "new.py", must_exist=False) == workspace / "new.py"


def test_nul_bytes_are_refused(workspace: Path) -> None:
    with pytest.raises(PathOutsideWorkspace, match="NUL"):
        resolve_in_workspace(workspace, "pkg/mod.py\x00.txt")


def test_relative_path_for_display(workspace: Path) -> None:
    assert relative_path(workspace, workspace / "pkg" / "mod.py") == "pkg/mod.py"
    assert relative_path(workspace, "pkg/mod.py") == "pkg/mod.py"
    assert relative_path(workspace, "/usr/lib/python3/typing.py") == "/usr/lib/python3/typing.py"


def tricky(workspace: Path) -> None:
    outside = workspace.parent
    (workspace / "data").mkdir()
    os.symlink(outside / "secret.txt", workspace / "leak.txt")
    os.symlink(outside, workspace / "up")
    os.symlink(workspace / "pkg" / "mod.py", workspace / "alias.py")
    os.symlink(workspace / "pkg", workspace / "pkglink")
    os.symlink(outside / "gone.txt", workspace / "dangling.txt")
    os.mkfifo(workspace / "fifo")


PATHS = [
    ".",
    "",
    "pkg",
    "pkg/mod.py",
    " pkg/mod.py ",
    "leak.txt",
    "up/secret.txt",
    "alias.py",
    "pkglink/mod.py",
    "dangling.txt",
    "fifo",
    "missing.py",
    "data",
    "pkg/mod.py/x",
]


@pytest.mark.parametrize("kind", ["any", "file", "dir"])
def test_the_fast_path_answers_like_the_slow_one(
    workspace: Path, kind: Literal["any", "file", "dir"], monkeypatch: pytest.MonkeyPatch
) -> None:
    """resolve_in_workspace answers plain existing paths from /proc/self/fd; every answer and
    every error must be what Path.resolve-based checking gives."""
    import bridges._workspace as confinement

    tricky(workspace)

    def outcome(path: str) -> Path | tuple[str, str]:
        try:
            return resolve_in_workspace(workspace, path, kind=kind)
        except (PathNotFound, PathOutsideWorkspace) as error:
            return (type(error).__name__, str(error))

    fast = {path: outcome(path) for path in PATHS}
    monkeypatch.setattr(confinement, "_resolve_fast", lambda *_: None)
    slow = {path: outcome(path) for path in PATHS}
    assert fast == slow
    if kind != "dir":
        assert fast["pkg/mod.py"] == workspace.resolve() / "pkg" / "mod.py"
    assert fast["leak.txt"] == slow["leak.txt"] != workspace / "leak.txt"


def test_relative_path_without_resolving_agrees(workspace: Path) -> None:
    root = workspace.resolve()
    assert relative_path(root, root / "pkg" / "mod.py") == "pkg/mod.py"
    assert relative_path(root, root) == "."
    assert relative_path(root, "/usr/lib/python3/typing.pyi") == "/usr/lib/python3/typing.pyi"
