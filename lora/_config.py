"""``TrainConfig``: every knob of a LoRA training run, read from a TOML file.

The defaults are the seed system's recipe, the one that produced its best router (rank 8, scale 20,
dropout 0, the last 8 layers, learning rate 1e-4, batch 1 with gradient accumulation 4, sequences up
to 2048 tokens, 800 iterations), plus a fixed seed so that two runs of the same config on the same
data give the same adapter. A config file holds only the keys it changes::

    # lora.toml
    rank = 16
    iters = 300
    learning_rate = 2e-4

Unknown keys are refused with the nearest known key, so a typo never silently trains the default.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lora._errors import TrainConfigError

__all__ = ["TrainConfig", "load_train_config"]


class TrainConfig(BaseModel):
    """The settings of one training run (``punie lora train --config FILE``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rank: int = Field(default=8, ge=1)
    """LoRA rank: the width of the low-rank update of each adapted linear layer."""
    scale: float = Field(default=20.0, gt=0)
    """Multiplier of the low-rank update (mlx-lm's ``scale``; other trainers call it ``alpha/r``)."""
    dropout: float = Field(default=0.0, ge=0, lt=1)
    """Dropout on the LoRA input (0: the seed found no gain, and 0 keeps runs bit-reproducible)."""
    num_layers: int = Field(default=8, ge=-1)
    """How many transformer blocks, counted from the last, get adapters (-1: all of them)."""
    learning_rate: float = Field(default=1e-4, gt=0)
    """Adam's learning rate, constant over the run."""
    batch_size: int = Field(default=1, ge=1)
    """Examples per forward pass (padded to the longest in the batch)."""
    grad_accumulation: int = Field(default=4, ge=1)
    """Forward passes whose gradients are averaged into one optimizer update."""
    max_seq_length: int = Field(default=2048, ge=8)
    """Longer examples are cut to this many tokens (the card's token lengths say how many are)."""
    iters: int = Field(default=800, ge=1)
    """Forward passes (batches) to train for; updates = iters / grad_accumulation."""
    seed: int = 0
    """Seeds ``mx.random`` (LoRA init, dropout), ``np.random`` and the example order."""
    steps_per_report: int = Field(default=10, ge=1)
    """Iterations between training-loss reports (progress bar and run record)."""
    steps_per_eval: int = Field(default=100, ge=1)
    """Iterations between validation-loss measurements (also measured before and after)."""
    val_batches: int = Field(default=25, ge=-1)
    """Validation batches per measurement (-1: the whole validation split)."""
    steps_per_save: int = Field(default=100, ge=1)
    """Iterations between checkpoints; must be a multiple of ``grad_accumulation``."""
    keep_checkpoints: int = Field(default=3, ge=1)
    """How many of the newest checkpoints to keep (older ones are deleted)."""

    @model_validator(mode="after")
    def _checkpoints_fall_on_updates(self) -> TrainConfig:
        if self.steps_per_save % self.grad_accumulation:
            raise ValueError(
                f"steps_per_save ({self.steps_per_save}) must be a multiple of "
                f"grad_accumulation ({self.grad_accumulation}): a checkpoint can only be taken "
                "between optimizer updates"
            )
        return self

    def lora_parameters(self) -> dict[str, float]:
        """The ``lora_parameters`` table of mlx-lm's ``adapter_config.json``."""
        return {"rank": self.rank, "scale": self.scale, "dropout": self.dropout}

    def identity(self) -> dict[str, Any]:
        """The settings that must match for a run to resume another (everything but ``iters``
        and bookkeeping): changing them mid-run would not give the same adapter."""
        return self.model_dump(
            exclude={
                "iters",
                "steps_per_report",
                "steps_per_eval",
                "val_batches",
                "keep_checkpoints",
            }
        )


def _explain(error: ValidationError, source: str) -> str:
    known = list(TrainConfig.model_fields)
    lines = []
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"]) or "config"
        if problem["type"] == "extra_forbidden":
            near = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; the keys are: {', '.join(known)}"
            lines.append(f"unknown key {key!r}{hint}")
        else:
            lines.append(f"{key}: {problem['msg']}")
    return f"invalid training config ({source}): " + "; ".join(lines)


def load_train_config(path: str | Path | None = None, **overrides: Any) -> TrainConfig:
    """Read a TOML config (its keys override the defaults), then apply ``overrides`` on top.

    ``None`` values in ``overrides`` are ignored, so CLI flags that were not given can be passed
    as they are. Raises ``TrainConfigError`` naming the key for unknown keys and bad values.
    """
    values: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        location = Path(path).expanduser()
        source = str(location)
        try:
            values = tomllib.loads(location.read_text(encoding="utf-8"))
        except OSError as error:
            raise TrainConfigError(
                f"cannot read the training config {location}: {error.strerror or error}; "
                "give an existing TOML file to --config"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise TrainConfigError(
                f"the training config {location} is not valid TOML: {error}"
            ) from None
    values.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return TrainConfig.model_validate(values)
    except ValidationError as error:
        raise TrainConfigError(_explain(error, source)) from None
