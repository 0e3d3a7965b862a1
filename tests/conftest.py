"""Shared fixtures: ``shop_workspace`` is a fresh copy of examples/shop with a git history."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges import sample_workspace

collect_ignore = ["fixtures"]
"""Fixture projects hold tests of their own (some fail on purpose); only bridges run them."""


@pytest.fixture
def shop_workspace(tmp_path: Path) -> Path:
    """A private working copy of the sample workspace (4 commits, shop/inventory.py modified)."""
    return sample_workspace(tmp_path / "shop")
