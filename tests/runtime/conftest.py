"""Fixtures for the runtime tests: a private data dir per test, the tiny model once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def punie_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes its traces under its own tmp dir, never in the real data dir."""
    directory = tmp_path / "punie-data"
    monkeypatch.setenv("PUNIE_DATA_DIR", str(directory))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("MLX_DISABLE_COMPILE", "1")
    return directory


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A tiny random qwen3 model with a freshly trained tokenizer (built once, ~3 s)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("MLX_DISABLE_COMPILE", "1")
    from runtime.models import build_tiny_model

    yield build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")
