"""Git bridges take a file named like an option as a path, never as git's option.

Without ``--`` before the pathspec, ``git diff --output=x`` writes the diff into a file ``x`` of
the workspace (in a read-only session), and ``git log -p...`` changes what is shown. (ruff, ty
and pytest have the same tests in test_ruff_ty_projects.py and test_project_environment.py; the
language server is started with no path at all: the workspace goes in ``initialize``.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.bridges.bridge_helpers import call

HOSTILE = ("--output=x", "-p", "--stat")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in HOSTILE:
        (tmp_path / name).write_text("one\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "--", *HOSTILE)
    _git(tmp_path, "commit", "-q", "-m", "files named like options")
    for name in HOSTILE:
        (tmp_path / name).write_text("one\ntwo\n", encoding="utf-8")
    return tmp_path


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_git_diff_takes_option_like_names_as_paths(repo: Path) -> None:
    before = _tree(repo)
    for name in HOSTILE:
        diff = call(repo, "git_diff", path=name)
        assert [(f.path, f.added, f.removed) for f in diff.files] == [(name, 1, 0)]
        assert diff.diff.splitlines()[0] == f"diff --git a/{name} b/{name}"
    assert _tree(repo) == before  # no 'x' written by --output=x


def test_git_log_takes_option_like_names_as_paths(repo: Path) -> None:
    before = _tree(repo)
    for name in HOSTILE:
        log = call(repo, "git_log", path=name)
        assert [c.subject for c in log.commits] == ["files named like options"]
    assert _tree(repo) == before
