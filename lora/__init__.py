"""lora: the learning loop (dataset, LoRA training with mlx-lm, fuse, quantize, gate, the model
registry, and ``run`` for all of them); see docs/lora.md."""

from lora._card import DatasetCard, card_hash
from lora._config import TrainConfig, load_train_config
from lora._dataset import TRAIN_FILE, VALID_FILE, build_dataset
from lora._dataset_errors import DatasetConfigError, DatasetError
from lora._errors import CheckpointError, FuseError, LoraError, TrainConfigError, TrainDataError
from lora._fuse import QUANTIZE_BITS, fuse, quantize
from lora._gate import DEFAULT_MARGIN, GateResult, gate
from lora._gate_errors import GateError, PipelineError, RegistryError
from lora._mask import ChatTokenizer, MaskedExample, mask_conversation
from lora._pipeline import PipelineResult, StepReport, run
from lora._registry import ModelRegistry, RegisteredModel, read_registry
from lora._train import RUN_RECORD, LossReport, TrainResult, train

__all__ = [
    "DEFAULT_MARGIN",
    "QUANTIZE_BITS",
    "RUN_RECORD",
    "TRAIN_FILE",
    "VALID_FILE",
    "ChatTokenizer",
    "CheckpointError",
    "DatasetCard",
    "DatasetConfigError",
    "DatasetError",
    "FuseError",
    "GateError",
    "GateResult",
    "LoraError",
    "LossReport",
    "MaskedExample",
    "ModelRegistry",
    "PipelineError",
    "PipelineResult",
    "RegisteredModel",
    "RegistryError",
    "StepReport",
    "TrainConfig",
    "TrainConfigError",
    "TrainDataError",
    "TrainResult",
    "build_dataset",
    "card_hash",
    "fuse",
    "gate",
    "load_train_config",
    "mask_conversation",
    "quantize",
    "read_registry",
    "run",
    "train",
]
