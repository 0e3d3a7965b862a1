"""lora: the learning loop (dataset, LoRA training with mlx-lm, fuse, quantize); see docs/lora.md."""

from lora._card import DatasetCard, card_hash
from lora._config import TrainConfig, load_train_config
from lora._dataset import TRAIN_FILE, VALID_FILE, build_dataset
from lora._dataset_errors import DatasetConfigError, DatasetError
from lora._errors import CheckpointError, FuseError, LoraError, TrainConfigError, TrainDataError
from lora._fuse import QUANTIZE_BITS, fuse, quantize
from lora._mask import ChatTokenizer, MaskedExample, mask_conversation
from lora._train import RUN_RECORD, LossReport, TrainResult, train

__all__ = [
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
    "LoraError",
    "LossReport",
    "MaskedExample",
    "TrainConfig",
    "TrainConfigError",
    "TrainDataError",
    "TrainResult",
    "build_dataset",
    "card_hash",
    "fuse",
    "load_train_config",
    "mask_conversation",
    "quantize",
    "train",
]
