"""Learnability: training teaches the tiny model to route requests to bridges it never saw paired
with these file names (accuracy 0 before, at least 0.8 after; see routing_task.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lora.lora_train_support import mlx_environment

TASK = Path(__file__).with_name("routing_task.py")


@pytest.mark.slow
def test_training_teaches_bridge_selection(tmp_path: Path) -> None:
    environment = mlx_environment()  # OpenBLAS and no compile: ~3x faster than in-process here
    base = tmp_path / "base"
    subprocess.run(
        [str(Path(sys.executable).with_name("punie")), "lora", "tiny-model", "--out", str(base)],
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    finished = subprocess.run(
        [sys.executable, str(TASK), str(base), str(tmp_path / "run")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    summary = json.loads(finished.stdout.strip().splitlines()[-1])
    print(summary)  # the accuracy reached, for the record (pytest -s)
    assert summary["before"] == 0.0
    assert summary["after"] >= 0.8
    assert summary["last_loss"] < summary["first_loss"]
