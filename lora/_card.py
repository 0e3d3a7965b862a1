"""The dataset card: what a dataset holds, how it was made, and what was left out and why.

Written beside the JSONL files as ``card.json`` (this model) and ``card.md`` (the same, for
people). Its SHA-256 (``card_hash``) is what an adapter's manifest and run record cite, so an
adapter names exactly the data it learned from.

Token lengths come from the model's own tokenizer when a model folder is given; otherwise they
are estimated as characters / 4 (``CHARS_PER_TOKEN``), about what byte-level BPE tokenizers give
on English and Python, and the card says which it used.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from runtime.profiles import Profile

__all__ = [
    "CARD_JSON",
    "CARD_MARKDOWN",
    "CHARS_PER_TOKEN",
    "DatasetCard",
    "Lengths",
    "card_hash",
    "estimate_tokens",
    "token_counter",
]

CARD_JSON = "card.json"
CARD_MARKDOWN = "card.md"
CHARS_PER_TOKEN = 4
"""The estimate used when no tokenizer is given."""


class Lengths(BaseModel):
    """Token lengths of the rows of one split."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int = 0
    min: int = 0
    median: float = 0.0
    max: int = 0
    total: int = 0
    over_limit: int = 0
    """Rows longer than ``DatasetCard.max_tokens`` (training truncates them)."""

    @classmethod
    def of(cls, lengths: Sequence[int], *, limit: int) -> Lengths:
        if not lengths:
            return cls()
        return cls(
            rows=len(lengths),
            min=min(lengths),
            median=float(statistics.median(lengths)),
            max=max(lengths),
            total=sum(lengths),
            over_limit=sum(length > limit for length in lengths),
        )


class DatasetCard(BaseModel):
    """Counts per split, bridge, category and turns; lengths; balance; refusals; timings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = "punie.dataset"
    version: int = 1
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))
    profile: Profile
    """The profile whose system prompt every row carries."""
    seed: int
    valid_fraction: float
    no_tool_fraction: float
    suite: str | None
    """The evaluation suite whose items were refused (None: no leakage check)."""
    counts: dict[str, int]
    """Rows per split: ``{"train": N, "valid": N}``."""
    sources: dict[str, int]
    """Rows per origin (``example``, ``trace``, ``no_tool``) over both splits."""
    bridges: dict[str, dict[str, int]]
    """Per owning bridge (``none`` for no-tool rows): rows per split."""
    categories: dict[str, dict[str, int]]
    """Per category: rows per split (a row counts once for each of its categories)."""
    turns: dict[str, int]
    """Rows by number of tool calls (``"0"``: a direct answer)."""
    tokens: dict[str, Lengths]
    """Token lengths per split."""
    token_method: str
    """``tokenizer:<folder>`` or ``estimate:chars/4``."""
    max_tokens: int
    balance: dict[str, Any]
    """Caps and floors applied and what they changed (rows capped, rows repeated)."""
    dropped: list[dict[str, str]]
    """Everything left out: ``{"id", "reason"}``."""
    dropped_by_reason: dict[str, int]
    """The same, counted by the kind of reason (``stale``, ``duplicate``, ``evaluation``...)."""
    rows: dict[str, list[str]]
    """Ids of the rows of each split, in file order."""
    timings: dict[str, float]
    """Seconds: ``sandbox`` (copies, checks and runs of the examples) and ``total``."""

    def markdown(self) -> str:
        """The card for people: tables of counts, then what was dropped and why."""
        out = [
            "# Dataset card",
            "",
            f"- profile: {self.profile.describe()}",
            f"- created: {self.created.isoformat(timespec='seconds')}",
            f"- seed: {self.seed}; valid fraction {self.valid_fraction:g}; "
            f"no-tool fraction {self.no_tool_fraction:g}",
            f"- evaluation suite refused: {self.suite or 'none (no leakage check)'}",
            f"- rows: train {self.counts.get('train', 0)}, valid {self.counts.get('valid', 0)}",
            f"- sources: {_pairs(self.sources)}",
            f"- tool calls per row: {_pairs(self.turns)}",
            f"- time: {self.timings.get('total', 0.0):.1f} s, of which sandbox "
            f"{self.timings.get('sandbox', 0.0):.1f} s",
            "",
            f"## Tokens ({self.token_method}, limit {self.max_tokens})",
            "",
            "| split | rows | min | median | max | total | over limit |",
            "|---|---|---|---|---|---|---|",
        ]
        for split, lengths in self.tokens.items():
            out.append(
                f"| {split} | {lengths.rows} | {lengths.min} | {lengths.median:g} | "
                f"{lengths.max} | {lengths.total} | {lengths.over_limit} |"
            )
        for title, table in (("Bridges", self.bridges), ("Categories", self.categories)):
            out += ["", f"## {title}", "", "| name | train | valid |", "|---|---|---|"]
            out += [
                f"| {name} | {split.get('train', 0)} | {split.get('valid', 0)} |"
                for name, split in table.items()
            ]
        out += ["", "## Balance", ""]
        out += [f"- {key}: {value}" for key, value in self.balance.items()]
        out += ["", f"## Dropped ({len(self.dropped)})", ""]
        out += [f"- {kind}: {count}" for kind, count in self.dropped_by_reason.items()]
        if self.dropped:
            out += ["", "| id | reason |", "|---|---|"]
            out += [
                f"| {item['id']} | {item['reason'].replace('|', '/').replace(chr(10), ' ')} |"
                for item in self.dropped
            ]
        return "\n".join(out) + "\n"


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "none"


def card_hash(folder: str | Path) -> str:
    """SHA-256 of a dataset's ``card.json``: how a manifest or run record cites the dataset."""
    return hashlib.sha256((Path(folder) / CARD_JSON).read_bytes()).hexdigest()


def estimate_tokens(messages: Sequence[dict[str, str]]) -> int:
    """Characters / 4 over the message contents, plus a few tokens of wrapping per message."""
    return sum(len(m["content"]) // CHARS_PER_TOKEN + 4 for m in messages)


def token_counter(
    model_dir: Path | None,
) -> tuple[Callable[[Sequence[dict[str, str]]], int], str]:
    """A function counting a row's tokens, and how it counts (for the card)."""
    if model_dir is None:
        return estimate_tokens, f"estimate:chars/{CHARS_PER_TOKEN}"
    from transformers import AutoTokenizer

    from lora._dataset_errors import DatasetConfigError

    try:
        tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
    except Exception as error:  # transformers raises many kinds for a bad folder
        raise DatasetConfigError(
            f"cannot load a tokenizer from {model_dir}: {type(error).__name__}: {error}. Give "
            "a model folder with tokenizer files, or leave out the tokenizer to estimate"
        ) from None

    def count(messages: Sequence[dict[str, str]]) -> int:
        return len(tokenizer.apply_chat_template(list(messages), tokenize=True))

    return count, f"tokenizer:{model_dir}"
