"""The lora package's one exception family.

::

    LoraError                    base of everything the LoRA pipeline raises on purpose
    ├── DatasetError             the dataset step cannot build (lora/_dataset_errors.py)
    │   └── DatasetConfigError   a dataset option or profile that cannot be used
    ├── TrainConfigError         a training config (TOML file or keyword) that cannot be used
    ├── TrainDataError           training rows that cannot be masked or batched
    ├── CheckpointError          an output directory that cannot be resumed (or must not be reused)
    ├── FuseError                fusing or quantizing failed (missing adapter, occupied output)
    ├── GateError                the gate cannot compare (unknown model, no case both can run)
    ├── RegistryError            the model registry cannot be read or written (lora/_gate_errors.py)
    └── PipelineError            punie lora run cannot go on or resume (lora/_gate_errors.py)

Every message says what to change: the config key, the file, the flag.
"""

from __future__ import annotations

__all__ = ["CheckpointError", "FuseError", "LoraError", "TrainConfigError", "TrainDataError"]


class LoraError(Exception):
    """Base class of every error the LoRA pipeline raises deliberately."""


class TrainConfigError(LoraError):
    """A training config key is unknown, mistyped or out of range; the message names the key."""


class TrainDataError(LoraError):
    """A training row cannot be turned into tokens and a loss mask (or there are too few rows)."""


class CheckpointError(LoraError):
    """An output directory holds another run, or a checkpoint that does not match this run."""


class FuseError(LoraError):
    """Fusing an adapter or quantizing a model failed; the message names the path to fix."""
