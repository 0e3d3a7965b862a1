"""Training rows -> masked token ids -> batches, in an order fixed by the seed alone.

The order of iteration ``k`` is a pure function of ``(seed, k)`` (epoch ``k // batches`` is a
permutation drawn from ``numpy.random.default_rng([seed, epoch])``), so a resumed run sees exactly
the batches the interrupted run would have seen, with no iterator state to save.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lora._errors import TrainDataError
from lora._mask import ChatTokenizer, MaskedExample, mask_conversation

__all__ = [
    "Batch",
    "PreparedSplit",
    "batch_at",
    "batches_per_epoch",
    "prepare_split",
    "read_rows",
    "validation_batches",
]


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The ``{"messages": [...]}`` rows of an mlx-lm chat JSONL file (blank lines skipped)."""
    rows: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise TrainDataError(
            f"cannot read {path}: {error.strerror or error}; the data directory needs "
            "train.jsonl and valid.jsonl (punie lora dataset writes them)"
        ) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise TrainDataError(f"{path}:{number} is not JSON: {error.msg}") from None
        if not isinstance(row, dict) or not isinstance(row.get("messages"), list):
            raise TrainDataError(
                f'{path}:{number} is not a chat row: expected {{"messages": [{{"role": ..., '
                '"content": ...}, ...]}'
            )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class PreparedSplit:
    """One split, tokenized and masked."""

    examples: tuple[MaskedExample, ...]
    truncated: int
    """Examples cut to ``max_seq_length`` (they keep the trained tokens that fit)."""
    dropped: int
    """Examples with no trained token left after the cut."""

    @property
    def tokens(self) -> int:
        return sum(len(example.tokens) for example in self.examples)


def prepare_split(tokenizer: ChatTokenizer, path: Path, *, max_seq_length: int) -> PreparedSplit:
    """Tokenize and mask every row of ``path``; rows are cut to ``max_seq_length`` tokens."""
    examples: list[MaskedExample] = []
    truncated = dropped = 0
    for number, row in enumerate(read_rows(path), start=1):
        try:
            example = mask_conversation(tokenizer, row["messages"], tools=row.get("tools"))
        except TrainDataError as error:
            raise TrainDataError(f"{path}:{number}: {error}") from None
        if len(example.tokens) > max_seq_length:
            truncated += 1
            example = example.truncated(max_seq_length)
            if not example.spans:
                dropped += 1
                continue
        examples.append(example)
    return PreparedSplit(examples=tuple(examples), truncated=truncated, dropped=dropped)


@dataclass(frozen=True)
class Batch:
    """Inputs, next-token targets and the loss mask of the targets, padded to the longest row."""

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    """1.0 where the target token belongs to an assistant turn."""
    tokens: int
    """Real (unpadded) input tokens, for tokens/s."""


def _collate(examples: list[MaskedExample]) -> Batch:
    width = max(len(example.tokens) for example in examples) - 1
    inputs = np.zeros((len(examples), width), dtype=np.int32)
    targets = np.zeros((len(examples), width), dtype=np.int32)
    mask = np.zeros((len(examples), width), dtype=np.float32)
    for row, example in enumerate(examples):
        ids = np.asarray(example.tokens, dtype=np.int32)
        flags = np.asarray(example.mask(), dtype=np.float32)
        length = len(ids) - 1
        inputs[row, :length] = ids[:-1]
        targets[row, :length] = ids[1:]
        mask[row, :length] = flags[1:]  # target t+1 is trained when token t+1 is the assistant's
    return Batch(
        inputs=inputs,
        targets=targets,
        mask=mask,
        tokens=int(sum(len(example.tokens) - 1 for example in examples)),
    )


def batches_per_epoch(count: int, batch_size: int) -> int:
    return count // batch_size


def batch_at(
    examples: tuple[MaskedExample, ...], *, iteration: int, batch_size: int, seed: int
) -> Batch:
    """The batch of 0-based ``iteration``: epochs are seeded permutations, last partial batch
    dropped."""
    per_epoch = batches_per_epoch(len(examples), batch_size)
    if per_epoch == 0:
        raise TrainDataError(
            f"{len(examples)} training examples cannot fill one batch of {batch_size}; lower "
            "batch_size in the config or add examples"
        )
    epoch, index = divmod(iteration, per_epoch)
    order = np.random.default_rng([seed, epoch]).permutation(len(examples))
    chosen = order[index * batch_size : (index + 1) * batch_size]
    return _collate([examples[int(i)] for i in chosen])


def validation_batches(
    examples: tuple[MaskedExample, ...], *, batch_size: int, limit: int
) -> list[Batch]:
    """The validation split in file order, ``limit`` batches at most (-1: all)."""
    count = len(examples) // batch_size
    if limit >= 0:
        count = min(count, limit)
    return [_collate(list(examples[i * batch_size : (i + 1) * batch_size])) for i in range(count)]
