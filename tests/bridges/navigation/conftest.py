"""Fixtures of the LSP tests: workspaces shared per module (a warm server per workspace)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeContext, sample_workspace
from bridges.navigation import session_for
from tests.raw_lsp import generate_project


@pytest.fixture(scope="module")
def nav_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of examples/shop shared by one module's read-only navigation tests."""
    root = sample_workspace(tmp_path_factory.mktemp("nav") / "shop")
    yield root
    session_for(root).close()


@pytest.fixture(scope="module")
def nav_context(nav_workspace: Path) -> BridgeContext:
    return BridgeContext(workspace=nav_workspace)


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A generated 100-module package whose modules import each other."""
    root = generate_project(tmp_path_factory.mktemp("big"), modules=100).resolve()
    yield root
    session_for(root).close()
