"""git_status, git_diff and git_log on the sample workspace's fixed history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bridges import BridgeError, PathOutsideWorkspace
from tests.bridges.bridge_helpers import call


def test_status(shop_workspace: Path) -> None:
    result = call(shop_workspace, "git_status")
    assert result.branch == "main"
    assert not result.clean
    assert [(c.path, c.status, c.staged) for c in result.changes] == [
        ("shop/inventory.py", "modified", False)
    ]


def test_status_sees_untracked_and_staged(shop_workspace: Path) -> None:
    (shop_workspace / "shop" / "reviews.py").write_text("REVIEWS = []\n")
    subprocess.run(["git", "add", "shop/inventory.py"], cwd=shop_workspace, check=True)
    result = call(shop_workspace, "git_status")
    assert {(c.path, c.status, c.staged) for c in result.changes} == {
        ("shop/inventory.py", "modified", True),
        ("shop/reviews.py", "untracked", False),
    }


def test_diff_working_tree_and_staged(shop_workspace: Path) -> None:
    result = call(shop_workspace, "git_diff")
    assert [(f.path, f.added, f.removed) for f in result.files] == [("shop/inventory.py", 1, 1)]
    assert "-LOW_STOCK_THRESHOLD = 3" in result.diff
    assert "+LOW_STOCK_THRESHOLD = 5" in result.diff
    staged = call(shop_workspace, "git_diff", staged=True)
    assert (staged.files, staged.diff) == ([], "")
    only_cart = call(shop_workspace, "git_diff", path="shop/cart.py")
    assert only_cart.files == []


def test_log(shop_workspace: Path) -> None:
    result = call(shop_workspace, "git_log", count=10)
    subjects = [c.subject for c in result.commits]
    assert subjects[-1] == "Start the shop: products, catalog and cart"
    assert "Add pricing: discounts, tax and coupons" in subjects
    assert all(c.author == "Ada Shopkeeper" for c in result.commits)
    pricing = call(shop_workspace, "git_log", path="shop/pricing.py")
    assert [c.subject for c in pricing.commits] == ["Add pricing: discounts, tax and coupons"]
    assert len(call(shop_workspace, "git_log", count=1).commits) == 1


def test_git_paths_are_confined(shop_workspace: Path) -> None:
    with pytest.raises(PathOutsideWorkspace):
        call(shop_workspace, "git_log", path="../..")


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    with pytest.raises(BridgeError, match="not a git repository"):
        call(tmp_path, "git_status")


def test_a_repository_without_commits(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert call(tmp_path, "git_log").commits == []
    status = call(tmp_path, "git_status")
    assert (status.commit, status.clean) == (None, True)


def nested_workspace(tmp_path: Path) -> Path:
    """A workspace that is a sub-folder of a larger repository with changes outside it."""
    repository = tmp_path / "repository"
    workspace = repository / "ws"
    workspace.mkdir(parents=True)
    (repository / "outside.txt").write_text("secret\n")
    (workspace / "a.py").write_text("x = 1\n")
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=repository, check=True)
    subprocess.run(["git", "add", "ws/a.py"], cwd=repository, check=True)
    subprocess.run([*("git", *identity), "commit", "-qm", "inside"], cwd=repository, check=True)
    subprocess.run(["git", "add", "outside.txt"], cwd=repository, check=True)
    subprocess.run([*("git", *identity), "commit", "-qm", "outside"], cwd=repository, check=True)
    (repository / "outside.txt").write_text("secret\nplans\n")
    (repository / "untracked_outside.txt").write_text("more\n")
    (workspace / "a.py").write_text("x = 2\n")
    (workspace / "new.py").write_text("y = 1\n")
    return workspace


def test_a_workspace_inside_a_larger_repository_sees_only_itself(tmp_path: Path) -> None:
    workspace = nested_workspace(tmp_path)
    status = call(workspace, "git_status")
    assert {(c.path, c.status) for c in status.changes} == {
        ("a.py", "modified"),
        ("new.py", "untracked"),
    }
    diff = call(workspace, "git_diff")
    assert [(f.path, f.added, f.removed) for f in diff.files] == [("a.py", 1, 1)]
    assert "secret" not in diff.diff
    assert "outside.txt" not in diff.diff
    assert "a/a.py" in diff.diff
    assert [(f.path) for f in call(workspace, "git_diff", path="a.py").files] == ["a.py"]
    log = call(workspace, "git_log")
    assert [c.subject for c in log.commits] == ["inside"]


def test_paths_are_literal_not_git_pathspec_magic(tmp_path: Path) -> None:
    workspace = nested_workspace(tmp_path)
    for path in (":/", ":(top)", "*"):
        assert call(workspace, "git_log", path=path).commits == [], path
        assert call(workspace, "git_diff", path=path).files == [], path
