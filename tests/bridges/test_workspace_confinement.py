"""Paths from snippets never leave the workspace: '..', absolute paths and symlinks are refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

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


# --- A sibling folder that shares the workspace's name as a prefix (issue 12, section 6) -------
#
# ``ws-secrets/`` next to workspace ``ws/``: its real paths start with the workspace root's
# characters, so any check written as ``startswith(root)`` without the separator lets a symlink
# into it through. Every path-taking bridge family must refuse the links, and whole-tree calls
# must not show what lies behind them.

SECRET = "sk-sibling-9f2c"


def _git(cwd: Path, *args: str) -> None:
    import subprocess

    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def sibling(tmp_path: Path) -> Path:
    """``tmp/ws`` (the workspace) beside ``tmp/ws-secrets``, one git repository holding both."""
    root = tmp_path / "ws"
    secrets = tmp_path / "ws-secrets"
    (root / "pkg").mkdir(parents=True)
    secrets.mkdir()
    (root / "pkg" / "mod.py").write_text("def public() -> int:\n    return 1\n")
    (secrets / "secret.py").write_text(
        f"import os\n\nTOKEN = {SECRET!r}\n\n\ndef leaked_function() -> str:\n    return TOKEN\n"
    )
    (root / "leak.py").symlink_to(secrets / "secret.py")
    (root / "vault").symlink_to(secrets)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "both folders")
    with (secrets / "secret.py").open("a") as changed:  # a change git must not show
        changed.write(f"CHANGED = {SECRET!r}\n")
    (root / "pkg" / "mod.py").write_text("def public() -> int:\n    return 2\n")
    return root.resolve()


def test_the_sibling_tree_really_shares_the_prefix(sibling: Path) -> None:
    secret = os.path.realpath(sibling / "leak.py")
    assert secret.startswith(str(sibling)) and not secret.startswith(str(sibling) + os.sep)


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("read_file", {"path": "leak.py"}),
        ("read_file", {"path": "vault/secret.py"}),
        ("list_files", {"path": "vault"}),
        ("grep", {"pattern": "TOKEN", "path": "leak.py"}),
        ("grep", {"pattern": "TOKEN", "path": "vault"}),
        ("cst_find_pattern", {"pattern": "function:leaked*", "path": "leak.py"}),
        ("cst_find_pattern", {"pattern": "function:leaked*", "path": "vault"}),
        ("ruff_check", {"path": "leak.py"}),
        ("git_diff", {"path": "leak.py"}),
        ("git_log", {"path": "vault/secret.py"}),
        ("document_symbols", {"file": "leak.py"}),
        ("hover", {"file": "vault/secret.py", "symbol": "TOKEN"}),
    ],
)
def test_links_into_a_sibling_folder_are_refused(
    sibling: Path, name: str, arguments: dict[str, Any]
) -> None:
    from tests.bridges.bridge_helpers import call

    with pytest.raises(PathOutsideWorkspace) as raised:
        call(sibling, name, **arguments)
    assert "symlink" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_whole_tree_bridges_show_nothing_behind_the_links(sibling: Path) -> None:
    from tests.bridges.bridge_helpers import call

    listed = call(sibling, "list_files", path=".")
    assert [file for file in listed.files if file.startswith("vault/")] == []
    assert "pkg/mod.py" in listed.files
    found = call(sibling, "grep", pattern=SECRET, path=".")
    assert (found.match_count, found.matches) == (0, [])
    functions = call(sibling, "cst_find_pattern", pattern="function:*", path=".")
    assert [(match.file, match.name) for match in functions.matches] == [("pkg/mod.py", "public")]
    linted = call(sibling, "ruff_check", path=".", select=["F401"])
    assert linted.violations == []
    status = call(sibling, "git_status")
    assert [(change.path, change.status) for change in status.changes] == [
        ("pkg/mod.py", "modified")
    ]
    diff = call(sibling, "git_diff")
    assert [file.path for file in diff.files] == ["pkg/mod.py"]
    assert SECRET not in diff.diff


def test_relative_path_keeps_a_sibling_path_outside(sibling: Path) -> None:
    secret = str(sibling.parent / "ws-secrets" / "secret.py")
    assert relative_path(sibling, secret) == secret
    assert relative_path(sibling, sibling / "pkg" / "mod.py") == "pkg/mod.py"
