"""Checkpoints: everything a resumed run needs to continue exactly where one stopped.

A checkpoint is a directory ``checkpoints/0000400/`` holding the adapter weights
(``adapters.safetensors``), Adam's state (``optimizer.safetensors``: moments, step, learning rate)
and ``state.json`` (the iteration, the losses so far, and the config and data fingerprints the
resumed run must match). It is written under a temporary name and renamed, so an interruption
never leaves a half-written checkpoint that looks complete. Nothing else is needed to resume: the
batch order and the per-iteration random seed are functions of ``(seed, iteration)``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim
from mlx.utils import tree_flatten, tree_map_with_path

from lora._errors import CheckpointError

__all__ = ["CHECKPOINTS", "latest_checkpoint", "load_checkpoint", "save_checkpoint"]

CHECKPOINTS = "checkpoints"
"""The folder of checkpoints inside a training output directory."""


def save_checkpoint(
    out: Path,
    *,
    iteration: int,
    model: nn.Module,
    optimizer: optim.Optimizer,
    state: dict[str, Any],
    keep: int,
) -> Path:
    """Write checkpoint ``iteration`` atomically and delete all but the ``keep`` newest."""
    folder = out / CHECKPOINTS
    final = folder / f"{iteration:07d}"
    partial = folder / f".{iteration:07d}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    mx.save_safetensors(
        str(partial / "adapters.safetensors"), dict(tree_flatten(model.trainable_parameters()))
    )
    mx.save_safetensors(str(partial / "optimizer.safetensors"), dict(tree_flatten(optimizer.state)))
    (partial / "state.json").write_text(
        json.dumps({"iteration": iteration, **state}, indent=2) + "\n", encoding="utf-8"
    )
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    for old in _complete(folder)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _complete(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_dir() and path.name.isdigit() and (path / "state.json").is_file()
    )


def latest_checkpoint(out: Path) -> Path | None:
    """The newest complete checkpoint under ``out``, or None."""
    found = _complete(out / CHECKPOINTS)
    return found[-1] if found else None


def load_checkpoint(
    checkpoint: Path, *, model: nn.Module, optimizer: optim.Optimizer
) -> dict[str, Any]:
    """Restore adapter weights and optimizer state from ``checkpoint``; returns its state.json."""
    try:
        state = json.loads((checkpoint / "state.json").read_text(encoding="utf-8"))
        weights = mx.load(str(checkpoint / "adapters.safetensors"))
        saved = mx.load(str(checkpoint / "optimizer.safetensors"))
    except (OSError, ValueError, RuntimeError) as error:
        raise CheckpointError(
            f"cannot read the checkpoint {checkpoint}: {error}; delete that folder to resume "
            "from the one before it"
        ) from None
    assert isinstance(weights, dict) and isinstance(saved, dict)
    model.load_weights(list(weights.items()), strict=False)
    optimizer.init(model.trainable_parameters())
    expected = {name for name, _ in tree_flatten(optimizer.state)}
    if expected != set(saved):
        raise CheckpointError(
            f"the optimizer state in {checkpoint} does not fit this model's adapters "
            f"({len(saved)} saved tensors, {len(expected)} expected): was it written for another "
            "base model or num_layers? Train into a new --out"
        )
    optimizer.state = tree_map_with_path(lambda path, _: saved[path], optimizer.state)
    return state
