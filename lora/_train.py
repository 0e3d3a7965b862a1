"""``train``: a LoRA adapter from a chat dataset, with mlx-lm's model, LoRA layers and optimizer.

Why our own loop and not ``mlx_lm.tuner.train``: its loss mask is one ``[offset, end)`` range per
row (so it can train only the last message), and it saves neither the optimizer state nor the data
position, so a resumed run would not continue the interrupted one. The loop here is mlx-lm's
recipe — ``mlx_lm.load``, ``linear_to_lora_layers``, Adam, gradient accumulation that averages
``grad_accumulation`` gradients per update — with a per-token mask that covers every assistant
turn (``lora._mask``), checkpoints that hold Adam's state, and an order of batches and random
seeds that depends only on ``(seed, iteration)``: a run resumed from a checkpoint produces the
same adapter, bit for bit, as one that was never interrupted.

Output directory::

    OUT/adapters.safetensors      the adapter (mlx-lm format; also written at every checkpoint)
    OUT/adapter_config.json       what mlx_lm.load(..., adapter_path=OUT) and mlx_lm.fuse read
    OUT/punie_manifest.json       the profile the dataset was rendered with (runtime.profiles)
    OUT/punie_run.json            config, dataset fingerprints, versions, losses, timings
    OUT/checkpoints/0000100/      the newest checkpoints (weights, optimizer, state)
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from lora._config import TrainConfig, load_train_config
from lora._errors import CheckpointError, TrainDataError
from runtime.profiles import AdapterManifest, Profile, get_profile, write_manifest

__all__ = ["RUN_RECORD", "LossReport", "TrainResult", "train"]

RUN_RECORD = "punie_run.json"
"""The run record's file name, beside the adapter."""

CARD_NAMES = ("card.json", "dataset_card.json")
"""Where the dataset card may be, in the data directory (``punie lora dataset`` writes it)."""


class LossReport(BaseModel):
    """One loss measurement."""

    model_config = ConfigDict(frozen=True)

    iteration: int
    """Iterations done when it was measured (0: before training)."""
    loss: float
    """Mean cross-entropy per trained token."""
    tokens_per_second: float | None = None
    """Training throughput over the report window (None for validation)."""


class TrainResult(BaseModel):
    """What a training run produced; the same figures are in ``punie_run.json``."""

    model_config = ConfigDict(frozen=True)

    adapter: Path
    """The output directory (pass it as ``adapter=`` to ``MLXModel`` or ``--adapter-path``)."""
    iters: int
    train_losses: tuple[LossReport, ...]
    val_losses: tuple[LossReport, ...]
    resumed_from: int | None
    """The checkpoint iteration this run continued from (None: started fresh)."""
    seconds: float
    """Wall time of this invocation (loading included)."""

    @property
    def first_loss(self) -> float:
        return self.train_losses[0].loss

    @property
    def last_loss(self) -> float:
        return self.train_losses[-1].loss


def _sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _dataset_card(data: Path) -> tuple[str | None, Profile | None]:
    """The card's hash and the profile it records (None, None without a card)."""
    for name in CARD_NAMES:
        path = data / name
        if path.is_file():
            card = json.loads(path.read_text(encoding="utf-8"))
            found = card.get("profile") if isinstance(card, dict) else None
            profile = (
                Profile.model_validate(found)
                if isinstance(found, dict)
                else get_profile(found)
                if isinstance(found, str)
                else None
            )
            return _sha256(path), profile
    return None, None


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for package in ("punie", "mlx", "mlx-lm", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


@contextmanager
def _progress(total: int, start: int, enabled: bool) -> Generator[Callable[..., None]]:
    """A rich progress bar on stderr; yields ``advance(**fields)``."""
    if not enabled:
        yield lambda **_: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]}  val {task.fields[val]}  {task.fields[speed]} tok/s"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    task = progress.add_task("train", total=total, completed=start, loss="-", val="-", speed="-")
    with progress:
        yield lambda **fields: progress.update(task, advance=1, **fields)


def _loss(model: Any, inputs: Any, targets: Any, mask: Any) -> tuple[Any, Any]:
    import mlx.core as mx
    import mlx.nn as nn

    logits = model(inputs)
    trained = mask.sum()
    total = (nn.losses.cross_entropy(logits, targets) * mask).astype(mx.float32).sum()
    return total / mx.maximum(trained, 1), trained


def train(
    *,
    base: str | Path,
    data: str | Path,
    out: str | Path,
    config: TrainConfig | str | Path | None = None,
    profile: Profile | str | None = None,
    resume: bool = False,
    progress: bool = True,
) -> TrainResult:
    """Train a LoRA adapter on ``data`` (``train.jsonl``/``valid.jsonl``) for the model ``base``.

    ``config`` is a ``TrainConfig``, a TOML file, or None for the defaults. The profile comes from
    the dataset card (``profile`` overrides it, for datasets built elsewhere); the adapter's
    manifest records it. ``resume=True`` continues from the newest checkpoint in ``out`` (and
    starts fresh when there is none); without it an ``out`` that already holds a run is refused.
    """
    started = time.perf_counter()
    import mlx.core as mx
    import mlx.nn as nn
    import mlx.optimizers as optim
    import mlx_lm
    import numpy as np
    from mlx.utils import tree_flatten, tree_map
    from mlx_lm.tuner.utils import linear_to_lora_layers

    from lora._batches import batch_at, prepare_split, validation_batches
    from lora._checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint

    settings = config if isinstance(config, TrainConfig) else load_train_config(config)
    data_dir, out_dir = Path(data).expanduser(), Path(out).expanduser()
    train_file, valid_file = data_dir / "train.jsonl", data_dir / "valid.jsonl"
    card_hash, card_profile = _dataset_card(data_dir)
    chosen = get_profile(profile) if profile is not None else card_profile
    checkpoint = latest_checkpoint(out_dir)
    if not resume and (checkpoint is not None or (out_dir / "adapters.safetensors").exists()):
        raise CheckpointError(
            f"{out_dir} already holds a training run; pass resume=True (--resume) to continue it "
            "from its newest checkpoint, or choose another output directory (--out)"
        )
    identity = {
        "config": settings.identity(),
        "data": _sha256(train_file, valid_file) if train_file.is_file() else None,
        "base": str(base),
    }

    model, tokenizer = mlx_lm.load(str(base))[:2]
    training = prepare_split(tokenizer, train_file, max_seq_length=settings.max_seq_length)
    validation = prepare_split(tokenizer, valid_file, max_seq_length=settings.max_seq_length)
    if (
        len(training.examples) < settings.batch_size
        or len(validation.examples) < settings.batch_size
    ):
        raise TrainDataError(
            f"{len(training.examples)} training and {len(validation.examples)} validation "
            f"examples in {data_dir}; each split needs at least batch_size "
            f"({settings.batch_size})"
        )

    model.freeze()
    mx.random.seed(settings.seed)
    np.random.seed(settings.seed)
    linear_to_lora_layers(model, settings.num_layers, settings.lora_parameters())
    optimizer = optim.Adam(learning_rate=settings.learning_rate)
    optimizer.init(model.trainable_parameters())
    out_dir.mkdir(parents=True, exist_ok=True)
    adapter_config = {
        "fine_tune_type": "lora",
        "model": str(base),
        "num_layers": settings.num_layers,
        "lora_parameters": settings.lora_parameters(),
        "seed": settings.seed,
    }
    (out_dir / "adapter_config.json").write_text(
        json.dumps(adapter_config, indent=2) + "\n", encoding="utf-8"
    )

    train_losses: list[LossReport] = []
    val_losses: list[LossReport] = []
    start = 0
    resumed_from: int | None = None
    if resume and checkpoint is not None:
        state = load_checkpoint(checkpoint, model=model, optimizer=optimizer)
        if state.get("identity") != identity:
            saved = state.get("identity", {})
            differ = sorted(
                key
                for key in set(identity["config"]) | set(saved.get("config", {}))
                if identity["config"].get(key) != saved.get("config", {}).get(key)
            ) + [key for key in ("data", "base") if identity[key] != saved.get(key)]
            raise CheckpointError(
                f"the checkpoint {checkpoint} was written by a different run "
                f"(differs in: {', '.join(differ)}); resume with the same settings and data, "
                "or train into a new --out"
            )
        start = resumed_from = int(state["iteration"])
        train_losses = [LossReport.model_validate(r) for r in state["train_losses"]]
        val_losses = [LossReport.model_validate(r) for r in state["val_losses"]]

    loss_and_grad = nn.value_and_grad(model, _loss)
    held_out = validation_batches(
        validation.examples, batch_size=settings.batch_size, limit=settings.val_batches
    )

    def validate() -> float:
        model.eval()
        total, count = 0.0, 0.0
        for batch in held_out:
            loss, trained = _loss(
                model, mx.array(batch.inputs), mx.array(batch.targets), mx.array(batch.mask)
            )
            total += loss.item() * trained.item()
            count += trained.item()
        model.train()
        return total / max(count, 1.0)

    def save(iteration: int) -> None:
        save_checkpoint(
            out_dir,
            iteration=iteration,
            model=model,
            optimizer=optimizer,
            keep=settings.keep_checkpoints,
            state={
                "identity": identity,
                "train_losses": [r.model_dump() for r in train_losses],
                "val_losses": [r.model_dump() for r in val_losses],
            },
        )
        mx.save_safetensors(
            str(out_dir / "adapters.safetensors"), dict(tree_flatten(model.trainable_parameters()))
        )

    model.train()
    accumulated: Any = None
    pending = 0
    window_loss = window_trained = window_tokens = 0.0
    window_time = 0.0
    val_text = f"{val_losses[-1].loss:.3f}" if val_losses else "-"
    with _progress(settings.iters, start, progress) as advance:
        if start == 0:
            val_losses.append(LossReport(iteration=0, loss=validate()))
            val_text = f"{val_losses[-1].loss:.3f}"
        for iteration in range(start, settings.iters):
            tick = time.perf_counter()
            batch = batch_at(
                training.examples,
                iteration=iteration,
                batch_size=settings.batch_size,
                seed=settings.seed,
            )
            mx.random.seed(settings.seed * 1_000_003 + iteration)  # dropout, resumable
            (loss, trained), grads = loss_and_grad(
                model, mx.array(batch.inputs), mx.array(batch.targets), mx.array(batch.mask)
            )
            accumulated = grads if accumulated is None else tree_map(mx.add, accumulated, grads)
            pending += 1
            done = iteration + 1
            if done % settings.grad_accumulation == 0 or done == settings.iters:
                optimizer.update(model, tree_map(partial(mx.multiply, 1.0 / pending), accumulated))
                accumulated, pending = None, 0
            mx.eval(model.parameters(), optimizer.state, loss, trained, accumulated)
            window_loss += loss.item() * trained.item()
            window_trained += trained.item()
            window_tokens += batch.tokens
            window_time += time.perf_counter() - tick
            fields: dict[str, str] = {}
            if done % settings.steps_per_report == 0 or done == settings.iters:
                report = LossReport(
                    iteration=done,
                    loss=window_loss / max(window_trained, 1.0),
                    tokens_per_second=window_tokens / max(window_time, 1e-9),
                )
                train_losses.append(report)
                fields.update(loss=f"{report.loss:.3f}", speed=f"{report.tokens_per_second:.0f}")
                window_loss = window_trained = window_tokens = window_time = 0.0
            if done % settings.steps_per_eval == 0 or done == settings.iters:
                val_losses.append(LossReport(iteration=done, loss=validate()))
                val_text = f"{val_losses[-1].loss:.3f}"
            fields["val"] = val_text
            if done % settings.steps_per_save == 0 or done == settings.iters:
                save(done)
            advance(**fields)

    if chosen is not None:
        write_manifest(
            out_dir,
            AdapterManifest(profile=chosen, base_model=str(base), dataset_card_hash=card_hash),
        )
    seconds = time.perf_counter() - started
    record = {
        "created": datetime.now(UTC).isoformat(),
        "base_model": str(base),
        "data": str(data_dir),
        "dataset_card_hash": card_hash,
        "data_hash": identity["data"],
        "profile": chosen.model_dump(mode="json") if chosen is not None else None,
        "config": settings.model_dump(),
        "versions": _versions(),
        "examples": {
            "train": len(training.examples),
            "valid": len(validation.examples),
            "truncated": training.truncated + validation.truncated,
            "dropped": training.dropped + validation.dropped,
            "train_tokens": training.tokens,
        },
        "resumed_from": resumed_from,
        "seconds": round(seconds, 3),
        "train_losses": [r.model_dump() for r in train_losses],
        "val_losses": [r.model_dump() for r in val_losses],
    }
    (out_dir / RUN_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return TrainResult(
        adapter=out_dir,
        iters=settings.iters,
        train_losses=tuple(train_losses),
        val_losses=tuple(val_losses),
        resumed_from=resumed_from,
        seconds=seconds,
    )
