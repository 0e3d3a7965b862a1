"""sample_workspace() gives every test the same shop with the same git history."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bridges import sample_workspace


def git(workspace: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=workspace, capture_output=True, text=True, check=True)
    return done.stdout


def test_history_is_fixed_and_one_file_is_left_modified(tmp_path: Path) -> None:
    first = sample_workspace(tmp_path / "a")
    second = sample_workspace(tmp_path / "b")
    log = git(first, "log", "--format=%H|%an|%aI|%s")
    assert log == git(second, "log", "--format=%H|%an|%aI|%s"), "hashes must be reproducible"
    subjects = [line.split("|", 3)[3] for line in log.splitlines()]
    assert subjects[-3:] == [
        "Add inventory reservations",
        "Add pricing: discounts, tax and coupons",
        "Start the shop: products, catalog and cart",
    ]
    assert git(first, "status", "--porcelain") == " M shop/inventory.py\n"


def test_the_copy_equals_the_source(shop_workspace: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "examples" / "shop"
    for path in source.rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        copy = shop_workspace / path.relative_to(source)
        assert copy.read_text() == path.read_text(), path


def test_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine\n")
    with pytest.raises(FileExistsError, match="not empty"):
        sample_workspace(tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine\n"
