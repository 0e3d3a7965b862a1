"""``run``: dataset -> train -> fuse -> quantize -> gate in one call, resumable at each step.

Everything lands in one folder::

    OUT/dataset/              train.jsonl, valid.jsonl, card.json, card.md   (build_dataset)
    OUT/adapter/              the LoRA adapter, its manifest and run record   (train)
    OUT/fused/                base + adapter, full precision                  (fuse)
    OUT/model/                the quantized candidate                         (quantize)
    OUT/gate.json             the comparison and the decision                 (gate)
    OUT/punie_pipeline.json   per step: a hash of its inputs, a hash of its outputs, a summary

A step is **skipped** when the hash of its inputs (its settings and the hashes of the outputs it
reads) equals the recorded one and its outputs on disk still hash to what was recorded; otherwise
it runs again, from scratch (its folder is emptied) — except training, which **resumes** from its
newest checkpoint when only ``iters`` changed or it was interrupted. So a second ``run`` with the
same arguments does nothing but check hashes, a larger ``--iters`` continues training and redoes
what follows it, and a changed config retrains.

Files are hashed by content, except files over 256 MiB (the weights of a real model), which are
fingerprinted by size and modification time so that a re-run does not read tens of gigabytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from lora._config import TrainConfig, load_train_config
from lora._gate import DEFAULT_MARGIN, GateResult, gate, model_spec
from lora._gate_errors import PipelineError
from lora._registry import read_registry

if TYPE_CHECKING:
    from evals import Suite
    from runtime.profiles import Profile

__all__ = ["STATE_FILE", "STEPS", "PipelineResult", "StepReport", "run"]

STATE_FILE = "punie_pipeline.json"
"""The pipeline's record of each step, in the output folder."""

STEPS = ("dataset", "train", "fuse", "quantize", "gate")
"""The steps, in order."""

_BIG = 256 * 1024 * 1024
"""Files larger than this are fingerprinted by size and mtime instead of content."""

_ADAPTER_FILES = (
    "adapters.safetensors",
    "adapter_config.json",
    "punie_manifest.json",
    "punie_run.json",
)
_DATASET_FILES = ("train.jsonl", "valid.jsonl", "card.json")

Status = Literal["ran", "skipped", "resumed"]


@dataclass(frozen=True)
class StepReport:
    """What one step did in this call."""

    name: str
    status: Status
    """``ran``, ``skipped`` (outputs matched their inputs) or ``resumed`` (training only)."""
    seconds: float


@dataclass(frozen=True)
class PipelineResult:
    """The run's outputs and summaries (``summary()`` is what ``--json`` prints)."""

    out: Path
    adapter: Path
    model: Path
    """The quantized candidate (what was gated, and promoted if ``gate["promoted"]``)."""
    profile: str
    dataset: dict[str, int]
    """``{"train": N, "valid": N}`` rows."""
    train: dict[str, Any]
    """``{"first_loss": X, "last_loss": X, "iters": N}``."""
    gate: dict[str, Any]
    """``{"promoted": BOOL, "layers": {layer: {"baseline", "candidate", "delta"}}}``."""
    gate_table: str
    """The comparison as ``punie lora gate`` prints it."""
    steps: tuple[StepReport, ...] = field(default=())

    def summary(self) -> dict[str, Any]:
        """The one JSON object ``punie lora run --json`` prints."""
        return {
            "adapter": str(self.adapter),
            "profile": self.profile,
            "dataset": self.dataset,
            "train": self.train,
            "gate": self.gate,
        }


def _file_digest(path: Path) -> str:
    stat = path.stat()
    if stat.st_size > _BIG:
        return f"stat:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_hash(root: Path, names: Iterable[str] | None = None) -> str | None:
    """A hash of files under ``root`` (``names``, or every file); None when one is missing."""
    if not root.is_dir():
        return None
    if names is None:
        files = sorted(p for p in root.rglob("*") if p.is_file())
    else:
        files = [root / name for name in names]
        if not all(p.is_file() for p in files):
            return None
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(root)}\0{_file_digest(path)}\n".encode())
    return digest.hexdigest()


def _hash(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _base_identity(base: str) -> dict[str, str | None]:
    path = Path(base).expanduser()
    if path.is_dir():
        return {"path": str(path.resolve()), "files": _files_hash(path)}
    return {"hub": base}


def _load_suite(suite: Suite | str | Path) -> tuple[Suite, dict[str, str]]:
    """The suite, and what identifies it: its name and a hash of its cases."""
    from evals import EvalError, load_suite

    try:
        loaded = load_suite(suite) if isinstance(suite, str | Path) else suite
    except EvalError as error:
        raise PipelineError(f"cannot use the suite {suite!r} (--suite): {error}") from None
    cases = _hash([case.model_dump(mode="json") for case in loaded.cases])
    return loaded, {"name": loaded.name, "cases": cases}


def _write_json(path: Path, value: object) -> None:
    """Atomically: a temporary file in the same folder, then ``os.replace``."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(value, indent=2, default=str) + "\n")
    os.replace(temporary, path)


class _State:
    """``punie_pipeline.json``: per step ``{"inputs", "outputs", "seconds", "summary"}``."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_FILE
        self.steps: dict[str, dict[str, Any]] = {}
        if out.exists() and not out.is_dir():
            raise PipelineError(f"--out {out} is a file; give a folder for the run's outputs")
        if self.path.is_file():
            try:
                recorded = json.loads(self.path.read_text(encoding="utf-8"))
                self.steps = dict(recorded["steps"])
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise PipelineError(
                    f"cannot read {self.path} ({error}); delete it to run every step again"
                ) from None
        elif out.is_dir() and any(out.iterdir()):
            raise PipelineError(
                f"--out {out} is not empty and holds no {STATE_FILE}: it is not the folder of a "
                "punie lora run. Choose a new folder (or an earlier run's, to resume it)"
            )
        out.mkdir(parents=True, exist_ok=True)

    def done(self, name: str, inputs: str, outputs: str | None) -> dict[str, Any] | None:
        """The recorded step when its inputs and outputs still match, else None."""
        recorded = self.steps.get(name)
        matches = recorded is not None and outputs is not None
        if matches and recorded.get("inputs") == inputs and recorded.get("outputs") == outputs:
            return recorded
        return None

    def record(self, name: str, **entry: Any) -> None:
        self.steps[name] = entry
        _write_json(self.path, {"format": "punie.pipeline", "version": 1, "steps": self.steps})


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def _checkpoint_iteration(adapter: Path) -> int | None:
    folder = adapter / "checkpoints"
    found = sorted(
        int(p.name)
        for p in (folder.iterdir() if folder.is_dir() else ())
        if p.is_dir() and p.name.isdigit() and (p / "state.json").is_file()
    )
    return found[-1] if found else None


def run(
    *,
    base: str | Path,
    out: str | Path,
    config: TrainConfig | str | Path | None = None,
    iters: int | None = None,
    profile: Profile | str = "core",
    traces: str | Path | None = None,
    bits: int = 5,
    suite: Suite | str | Path = "standard",
    margin: float = DEFAULT_MARGIN,
    current: str | Path | None = None,
    workers: int = 1,
    max_turns: int = 8,
    max_time_s: float = 300.0,
    registry: str | Path | None = None,
    progress: bool = False,
    say: Callable[[str], None] | None = None,
) -> PipelineResult:
    """Build a dataset, train, fuse, quantize and gate the result, skipping done steps.

    ``base``: the base model folder (or hub id). ``config``: a ``TrainConfig`` or TOML file;
    ``iters`` overrides its ``iters``; its ``seed`` also seeds the dataset. ``profile``: the
    dataset's profile (the adapter carries it). ``suite``: the evaluation suite, both held out of
    the dataset and used by the gate. ``current``: the model the candidate must not be worse than
    (default: the promoted model, else the base model); ``workers``, ``max_turns`` and
    ``max_time_s`` are the gate's (``lora.gate``). ``say`` gets one line per step (ran,
    skipped, resumed). Raises ``PipelineError`` for an unusable ``out``, and what each step
    raises (``DatasetError``, ``TrainConfigError``, ``FuseError``, ``GateError``...).
    """
    from evals import suite_fingerprints
    from lora._dataset import build_dataset
    from runtime.profiles import get_profile

    tell = say or (lambda _: None)
    root = Path(out).expanduser().resolve()
    state = _State(root)
    settings = config if isinstance(config, TrainConfig) else load_train_config(config)
    if iters is not None:
        settings = settings.model_copy(update={"iters": iters})
        settings = TrainConfig.model_validate(settings.model_dump())  # re-check the bounds
    chosen = get_profile(profile)
    base_text = (
        str(Path(base).expanduser().resolve()) if Path(base).expanduser().is_dir() else str(base)
    )
    base_id = _base_identity(base_text)
    loaded, suite_id = _load_suite(suite)
    reports: list[StepReport] = []

    def skipped(name: str, recorded: dict[str, Any]) -> dict[str, Any]:
        reports.append(StepReport(name=name, status="skipped", seconds=0.0))
        tell(f"{name}: skipped, its outputs match its inputs (recorded in {state.path})")
        return recorded["summary"]

    # -- dataset
    data_dir = root / "dataset"
    inputs = _hash(
        {
            "profile": chosen.model_dump(mode="json"),
            "seed": settings.seed,
            "suite": suite_id,
            "traces": _files_hash(Path(traces).expanduser()) if traces else None,
            "tokenizer": base_id,
        }
    )
    recorded = state.done("dataset", inputs, _files_hash(data_dir, _DATASET_FILES))
    if recorded is not None:
        data_summary = skipped("dataset", recorded)
    else:
        started = time.perf_counter()
        card = build_dataset(
            _fresh(data_dir),
            profile=chosen,
            traces=traces,
            seed=settings.seed,
            suite=loaded.name,
            fingerprints=suite_fingerprints(loaded),
            tokenizer=base_text if Path(base_text).is_dir() else None,
            max_tokens=settings.max_seq_length,
            progress=progress,
        )
        data_summary = {"train": card.counts["train"], "valid": card.counts["valid"]}
        seconds = time.perf_counter() - started
        state.record(
            "dataset",
            inputs=inputs,
            outputs=_files_hash(data_dir, _DATASET_FILES),
            seconds=round(seconds, 3),
            summary=data_summary,
        )
        reports.append(StepReport(name="dataset", status="ran", seconds=seconds))
        tell(
            f"dataset: ran in {seconds:.1f} s ({data_summary['train']} train, "
            f"{data_summary['valid']} valid rows)"
        )

    # -- train
    train_summary = _train_step(
        state,
        root=root,
        base=base_text,
        base_id=base_id,
        data_dir=data_dir,
        settings=settings,
        reports=reports,
        tell=tell,
        skipped=skipped,
        progress=progress,
    )
    adapter = root / "adapter"

    # -- fuse
    from lora._fuse import fuse, quantize

    fused = root / "fused"
    inputs = _hash({"base": base_id, "adapter": _files_hash(adapter, _ADAPTER_FILES)})
    recorded = state.done("fuse", inputs, _files_hash(fused))
    if recorded is not None:
        skipped("fuse", recorded)
    else:
        started = time.perf_counter()
        fuse(base=base_text, adapter=adapter, out=_fresh(fused))
        seconds = time.perf_counter() - started
        state.record(
            "fuse", inputs=inputs, outputs=_files_hash(fused), seconds=round(seconds, 3), summary={}
        )
        reports.append(StepReport(name="fuse", status="ran", seconds=seconds))
        tell(f"fuse: ran in {seconds:.1f} s ({fused})")

    # -- quantize
    model = root / "model"
    inputs = _hash({"fused": _files_hash(fused), "bits": bits})
    recorded = state.done("quantize", inputs, _files_hash(model))
    if recorded is not None:
        skipped("quantize", recorded)
    else:
        started = time.perf_counter()
        quantize(model=fused, out=_fresh(model), bits=bits)
        seconds = time.perf_counter() - started
        state.record(
            "quantize",
            inputs=inputs,
            outputs=_files_hash(model),
            seconds=round(seconds, 3),
            summary={"bits": bits},
        )
        reports.append(StepReport(name="quantize", status="ran", seconds=seconds))
        tell(f"quantize: ran in {seconds:.1f} s ({bits} bits, {model})")

    # -- gate
    gate_file = root / "gate.json"
    inputs = _hash(
        {
            "model": _files_hash(model),
            "current": str(current) if current is not None else "auto",
            "suite": suite_id,
            "margin": margin,
            "limits": [max_turns, max_time_s],
        }
    )
    recorded = state.done(
        "gate", inputs, _files_hash(root, ["gate.json"]) if gate_file.is_file() else None
    )
    if recorded is not None:
        gate_summary = skipped("gate", recorded)
        table = json.loads(gate_file.read_text(encoding="utf-8"))["table"]
    else:
        started = time.perf_counter()
        if current is None:
            promoted = read_registry(registry).promoted
            current_spec = promoted if promoted is not None else model_spec(base_text)
        else:
            current_spec = model_spec(current, registry=registry)
        result = gate(
            model,
            current_spec,
            suite=loaded,
            margin=margin,
            workers=workers,
            max_turns=max_turns,
            max_time_s=max_time_s,
            registry=registry,
        )
        gate_summary = {"promoted": result.promoted, "layers": result.layers()}
        table = result.table()
        _write_json(gate_file, _gate_record(result, table))
        seconds = time.perf_counter() - started
        state.record(
            "gate",
            inputs=inputs,
            outputs=_files_hash(root, ["gate.json"]),
            seconds=round(seconds, 3),
            summary=gate_summary,
        )
        reports.append(StepReport(name="gate", status="ran", seconds=seconds))
        tell(f"gate: ran in {seconds:.1f} s, {'promoted' if result.promoted else 'refused'}")

    return PipelineResult(
        out=root,
        adapter=adapter,
        model=model,
        profile=chosen.name,
        dataset=data_summary,
        train=train_summary,
        gate=gate_summary,
        gate_table=table,
        steps=tuple(reports),
    )


def _gate_record(result: GateResult, table: str) -> dict[str, Any]:
    return {
        "candidate": result.candidate,
        "current": result.current,
        "suite": result.suite,
        "cases": result.cases,
        "skipped": list(result.skipped),
        "margin": result.margin,
        "promoted": result.promoted,
        "registry": str(result.registry) if result.registry is not None else None,
        "verdict": result.verdict.model_dump(mode="json"),
        "comparison": result.comparison.model_dump(mode="json"),
        "table": table,
    }


def _train_step(
    state: _State,
    *,
    root: Path,
    base: str,
    base_id: dict[str, str | None],
    data_dir: Path,
    settings: TrainConfig,
    reports: list[StepReport],
    tell: Callable[[str], None],
    skipped: Callable[[str, dict[str, Any]], dict[str, Any]],
    progress: bool,
) -> dict[str, Any]:
    """Skip, resume (same settings but ``iters``, a checkpoint at or before it) or train fresh."""
    from lora._errors import CheckpointError
    from lora._train import train

    adapter = root / "adapter"
    data_hash = _files_hash(data_dir, _DATASET_FILES)
    identity = _hash({"base": base_id, "data": data_hash, "config": settings.identity()})
    inputs = _hash({"identity": identity, "config": settings.model_dump()})
    recorded = state.done("train", inputs, _files_hash(adapter, _ADAPTER_FILES))
    if recorded is not None:
        return skipped("train", recorded)
    previous = state.steps.get("train", {})
    reached = _checkpoint_iteration(adapter)
    resume = (
        previous.get("identity") == identity and reached is not None and reached <= settings.iters
    )
    if not resume:
        _fresh(adapter)
    # Recorded before training, so an interrupted run knows its checkpoints are resumable.
    state.record("train", identity=identity, inputs=None, outputs=None, seconds=0.0, summary={})
    started = time.perf_counter()
    try:
        result = train(
            base=base, data=data_dir, out=adapter, config=settings, resume=resume, progress=progress
        )
    except CheckpointError:
        if not resume:
            raise
        tell(f"train: the checkpoint at {reached} does not fit these settings; training afresh")
        resume = False
        _fresh(adapter)
        result = train(base=base, data=data_dir, out=adapter, config=settings, progress=progress)
    seconds = time.perf_counter() - started
    summary = {
        "first_loss": result.first_loss,
        "last_loss": result.last_loss,
        "iters": result.iters,
    }
    state.record(
        "train",
        identity=identity,
        inputs=inputs,
        outputs=_files_hash(adapter, _ADAPTER_FILES),
        seconds=round(seconds, 3),
        summary=summary,
    )
    status: Status = "resumed" if resume else "ran"
    reports.append(StepReport(name="train", status=status, seconds=seconds))
    how = f"resumed from checkpoint {reached}" if resume else "ran"
    tell(
        f"train: {how} in {seconds:.1f} s (loss {result.first_loss:.3f} -> "
        f"{result.last_loss:.3f}, {result.iters} iterations)"
    )
    return summary
