"""``punie lora STEP``: the learning loop, one subcommand per step of ``lora``'s Python API.

Each step is one block below: ``_register_<step>(steps)`` adds its parser and sets its
``handler``; the handler imports ``lora`` (and mlx) lazily, returns 0 on success, 1 when the work
failed, 2 for a usage error. ``dataset`` builds train/valid JSONL from the bridges' examples
(each run for real in the sandbox) and exported traces, plus its dataset card. ``gate`` compares
a candidate with the current model and promotes it (``models`` lists the registry); ``run`` does
every step in one resumable command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lora",
        help="build a dataset, train a LoRA adapter with mlx-lm, fuse, quantize and gate it",
        description="The learning loop: bridge examples and traces -> dataset -> LoRA adapter. "
        "See docs/lora.md.",
    )
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)
    _register_dataset(steps)
    _register_train(steps)
    _register_fuse(steps)
    _register_quantize(steps)
    _register_tiny_model(steps)
    _register_gate(steps)
    _register_models(steps)
    _register_run(steps)


# -- dataset -------------------------------------------------------------------------------------


def _register_dataset(steps: Any) -> None:
    parser = steps.add_parser(
        "dataset",
        help="train/valid chat JSONL from the bridges' examples (run for real) and traces",
        description="Run every bridge example in the sandbox against a fresh copy of the sample "
        "workspace, render it through the runtime's template with a profile, add traces and "
        "no-tool questions, refuse anything in the evaluation suite, and write train.jsonl, "
        "valid.jsonl, card.json and card.md into --out.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (new or empty)")
    parser.add_argument(
        "--profile",
        default="core",
        help="bridge selection + stub style: full, compact, core (default), or a JSON file "
        'such as {"name": "git", "bridges": ["git_*"], "stub_style": "compact"}',
    )
    parser.add_argument(
        "--traces",
        type=Path,
        help="a trace folder, or a file written by 'punie traces export' (successful runs only)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of splits and sampling")
    parser.add_argument(
        "--tokenizer",
        type=Path,
        help="model folder whose tokenizer counts tokens for the card (default: an estimate)",
    )
    parser.add_argument(
        "--suite",
        default="standard",
        help="evaluation suite whose items are refused (default: standard; 'none': no check)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print only the dataset card as JSON (no progress)"
    )
    parser.set_defaults(handler=_dataset)


def _dataset(arguments: argparse.Namespace) -> int:
    from lora import DatasetConfigError, DatasetError, build_dataset
    from runtime import UsageError
    from runtime.cli._display import error_text, make_console

    errors = make_console(stderr=True)
    try:
        card = build_dataset(
            arguments.out,
            profile=_profile(arguments.profile),
            traces=arguments.traces,
            seed=arguments.seed,
            tokenizer=arguments.tokenizer,
            suite=None if arguments.suite == "none" else arguments.suite,
            progress=not arguments.json,
        )
    except (UsageError, DatasetConfigError) as error:
        errors.print(error_text(str(error)))
        return 2
    except DatasetError as error:
        errors.print(error_text(str(error)))
        return 1
    if arguments.json:
        sys.stdout.write(json.dumps(card.model_dump(mode="json"), indent=2) + "\n")
        return 0
    from rich.markdown import Markdown

    make_console().print(Markdown(card.markdown()))
    return 0


# -- train ---------------------------------------------------------------------------------------


def _register_train(steps: Any) -> None:
    parser = steps.add_parser(
        "train",
        help="train a LoRA adapter with mlx-lm on a dataset folder (train/valid JSONL)",
        description="LoRA through mlx-lm's Python API; every assistant turn of a row is trained. "
        "Writes adapters.safetensors, adapter_config.json, punie_manifest.json, punie_run.json "
        "and checkpoints into --out. Defaults: the seed's recipe (see docs/lora.md).",
    )
    parser.add_argument("--base", required=True, help="base model folder (or hub id)")
    parser.add_argument("--data", type=Path, required=True, help="folder with train/valid.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="adapter output folder")
    parser.add_argument("--config", type=Path, help="TOML file of training settings")
    parser.add_argument("--iters", type=int, help="iterations (overrides the config)")
    parser.add_argument("--seed", type=int, help="seed (overrides the config)")
    parser.add_argument("--profile", help="profile, for a dataset without a card")
    parser.add_argument(
        "--resume", action="store_true", help="continue from the newest checkpoint in --out"
    )
    parser.add_argument(
        "--json", action="store_true", help="print only a JSON summary (no progress bar)"
    )
    parser.set_defaults(handler=_train)


def _train(arguments: argparse.Namespace) -> int:
    from lora import CheckpointError, LoraError, TrainConfigError, load_train_config, train
    from runtime import UsageError
    from runtime.cli._display import error_text, make_console

    errors = make_console(stderr=True)
    try:
        config = load_train_config(arguments.config, iters=arguments.iters, seed=arguments.seed)
        result = train(
            base=arguments.base,
            data=arguments.data,
            out=arguments.out,
            config=config,
            profile=arguments.profile,
            resume=arguments.resume,
            progress=not arguments.json,
        )
    except (UsageError, TrainConfigError, CheckpointError) as error:
        errors.print(error_text(str(error)))
        return 2
    except LoraError as error:
        errors.print(error_text(str(error)))
        return 1
    except KeyboardInterrupt:
        errors.print(
            error_text(
                f"interrupted; continue with the same command plus --resume (--out "
                f"{arguments.out} keeps the newest checkpoints)"
            )
        )
        return 1
    summary = {
        "adapter": str(result.adapter),
        "iters": result.iters,
        "first_loss": result.first_loss,
        "last_loss": result.last_loss,
        "val_loss": result.val_losses[-1].loss if result.val_losses else None,
        "resumed_from": result.resumed_from,
        "seconds": round(result.seconds, 1),
    }
    if arguments.json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        make_console().print(
            f"adapter: {result.adapter}  loss {result.first_loss:.3f} -> {result.last_loss:.3f}"
            f"  ({result.iters} iterations, {result.seconds:.0f} s)"
        )
    return 0


# -- fuse ----------------------------------------------------------------------------------------


def _register_fuse(steps: Any) -> None:
    parser = steps.add_parser(
        "fuse",
        help="fuse an adapter into its base model (a quantized base is dequantized)",
        description="Write a standalone model: base weights plus the LoRA update. Quantize it "
        "next with 'punie lora quantize'.",
    )
    parser.add_argument("--base", required=True, help="base model folder (or hub id)")
    parser.add_argument("--adapter", type=Path, required=True, help="adapter folder (train --out)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (new or empty)")
    parser.set_defaults(handler=_fuse)


def _fuse(arguments: argparse.Namespace) -> int:
    from lora import FuseError, fuse
    from runtime.cli._display import error_text, make_console

    try:
        out = fuse(base=arguments.base, adapter=arguments.adapter, out=arguments.out)
    except FuseError as error:
        make_console(stderr=True).print(error_text(str(error)))
        return 1
    sys.stdout.write(f"{out}\n")
    return 0


# -- quantize ------------------------------------------------------------------------------------


def _register_quantize(steps: Any) -> None:
    parser = steps.add_parser(
        "quantize",
        help="quantize a fused model (default 5 bits: 4 erased the seed's adapter)",
        description="Convert a full-precision model folder to an mlx quantized model.",
    )
    parser.add_argument("--model", type=Path, required=True, help="model folder (fuse --out)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (new or empty)")
    parser.add_argument("--bits", type=int, default=5, help="bits per weight (default 5)")
    parser.add_argument("--group-size", type=int, default=64, help="quantization group size")
    parser.set_defaults(handler=_quantize)


def _quantize(arguments: argparse.Namespace) -> int:
    from lora import FuseError, quantize
    from runtime.cli._display import error_text, make_console

    try:
        out = quantize(
            model=arguments.model,
            out=arguments.out,
            bits=arguments.bits,
            group_size=arguments.group_size,
        )
    except FuseError as error:
        make_console(stderr=True).print(error_text(str(error)))
        return 1
    sys.stdout.write(f"{out}\n")
    return 0


# -- tiny-model ----------------------------------------------------------------------------------


def _register_tiny_model(steps: Any) -> None:
    parser = steps.add_parser(
        "tiny-model",
        help="build the offline tiny random-weight model (for trying the pipeline, ~3 s)",
        description="Write a tiny qwen3 model with random weights and a freshly trained "
        "tokenizer: nothing is downloaded. It generates nonsense until trained.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    parser.set_defaults(handler=_tiny_model)


def _tiny_model(arguments: argparse.Namespace) -> int:
    from runtime.cli._display import error_text, make_console
    from runtime.models import build_tiny_model

    if arguments.out.exists() and any(arguments.out.iterdir()):
        make_console(stderr=True).print(
            error_text(f"{arguments.out} is not empty; choose another --out")
        )
        return 2
    sys.stdout.write(f"{build_tiny_model(arguments.out, seed=arguments.seed)}\n")
    return 0


# -- gate ----------------------------------------------------------------------------------------


def _register_gate(steps: Any) -> None:
    parser = steps.add_parser(
        "gate",
        help="evaluate a candidate against the current model; promote it if no layer is worse",
        description="Run both models on the evaluation suite through the real runtime, print "
        "the per-layer comparison, and promote the candidate (the model registry in "
        "$PUNIE_DATA_DIR/models.json; --model promoted runs it) only if no layer is worse than "
        "the current model's by more than --margin. Exit status: 0 promoted, 1 refused or "
        "failed, 2 usage error.",
    )
    parser.add_argument(
        "--candidate", required=True, help="model folder or spec (mlx:PATH, openai:URL#MODEL)"
    )
    parser.add_argument(
        "--current",
        default="promoted",
        help="the model to beat: folder or spec (default: promoted, the registry's current one)",
    )
    parser.add_argument("--suite", default="standard", help="suite name, folder or .toml file")
    parser.add_argument(
        "--margin", type=float, default=0.02, help="points a layer may lose (default 0.02)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="evaluation processes (each loads the model)"
    )
    _add_case_limits(parser)
    parser.add_argument("--no-promote", action="store_true", help="compare only")
    parser.add_argument("--json", action="store_true", help="print only a JSON summary")
    parser.set_defaults(handler=_gate)


def _gate(arguments: argparse.Namespace) -> int:
    from lora import GateError, LoraError, gate
    from runtime.cli._display import error_text, make_console

    errors = make_console(stderr=True)
    try:
        result = gate(
            arguments.candidate,
            arguments.current,
            suite=arguments.suite,
            margin=arguments.margin,
            workers=arguments.workers,
            max_turns=arguments.max_turns,
            max_time_s=arguments.max_time,
            promote_on_pass=not arguments.no_promote,
            progress=None if arguments.json else _suite_progress(errors),
        )
    except GateError as error:
        errors.print(error_text(str(error)))
        return 2
    except LoraError as error:
        errors.print(error_text(str(error)))
        return 1
    if arguments.json:
        summary = {
            "candidate": result.candidate,
            "current": result.current,
            "suite": result.suite,
            "cases": result.cases,
            "skipped": list(result.skipped),
            "promoted": result.promoted,
            "layers": result.layers(),
            "message": result.verdict.message,
        }
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        sys.stdout.write(result.table())
    return 0 if result.promoted or (arguments.no_promote and result.verdict.ok) else 1


def _add_case_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-turns", type=int, default=8, help="model replies per case (default 8)"
    )
    parser.add_argument(
        "--max-time",
        type=float,
        default=300.0,
        help="seconds per case (default 300; a tight limit makes scores depend on speed)",
    )


def _suite_progress(console: Any) -> Any:
    """A callback for ``evals.run_suite``: one line when a model's evaluation ends (the gate
    evaluates the current model first, then the candidate)."""
    names = iter(("current", "candidate"))

    def report(update: Any) -> None:
        if update.done == update.total:
            console.print(
                f"{next(names, 'model')}: {update.passed} of {update.total} cases passed every "
                f"layer ({update.elapsed_s:.0f} s)",
                highlight=False,
            )

    return report


# -- models --------------------------------------------------------------------------------------


def _register_models(steps: Any) -> None:
    parser = steps.add_parser(
        "models",
        help="list the models the gate promoted (the current one is --model promoted)",
        description="The model registry, $PUNIE_DATA_DIR/models.json: every promotion, oldest "
        "first; the current model is marked with *.",
    )
    parser.add_argument("--json", action="store_true", help="print the registry file as JSON")
    parser.set_defaults(handler=_models)


def _models(arguments: argparse.Namespace) -> int:
    from lora import RegistryError, read_registry
    from runtime.cli._display import error_text, make_console

    try:
        registry = read_registry()
    except RegistryError as error:
        make_console(stderr=True).print(error_text(str(error)))
        return 1
    if arguments.json:
        sys.stdout.write(registry.model_dump_json(indent=2) + "\n")
        return 0
    if not registry.models:
        sys.stdout.write("no model promoted yet: punie lora gate or punie lora run promotes one\n")
        return 0
    current = registry.current()
    for entry in registry.models:
        mark = "*" if entry is current else " "
        sys.stdout.write(
            f"{mark} {entry.promoted_at:%Y-%m-%d %H:%M}  {entry.spec}  "
            f"profile {entry.profile or '-'}  replaced {entry.replaced} on {entry.suite} "
            f"({entry.cases} cases)\n"
        )
    return 0


# -- run -----------------------------------------------------------------------------------------


def _register_run(steps: Any) -> None:
    parser = steps.add_parser(
        "run",
        help="dataset -> train -> fuse -> quantize -> gate in one command, resumable",
        description="Every step of the pipeline into --out (dataset/, adapter/, fused/, model/, "
        "gate.json). Run it again to resume: a step whose outputs match its inputs' hashes "
        "(punie_pipeline.json) is skipped; training continues from its last checkpoint.",
    )
    parser.add_argument("--base", required=True, help="base model folder (or hub id)")
    parser.add_argument("--out", type=Path, required=True, help="the run's folder")
    parser.add_argument("--config", type=Path, help="TOML file of training settings")
    parser.add_argument("--iters", type=int, help="training iterations (overrides the config)")
    parser.add_argument(
        "--profile", default="core", help="dataset profile: full, compact, core or a JSON file"
    )
    parser.add_argument("--traces", type=Path, help="traces to add to the dataset")
    parser.add_argument("--bits", type=int, default=5, help="quantization width (default 5)")
    parser.add_argument(
        "--suite", default="standard", help="evaluation suite: held out of the data, gates"
    )
    parser.add_argument("--margin", type=float, default=0.02, help="gate margin (default 0.02)")
    parser.add_argument(
        "--current", help="the model to beat (default: the promoted one, else the base model)"
    )
    parser.add_argument("--workers", type=int, default=1, help="evaluation processes")
    _add_case_limits(parser)
    parser.add_argument("--json", action="store_true", help="print only the JSON summary on stdout")
    parser.set_defaults(handler=_run)


def _run(arguments: argparse.Namespace) -> int:
    from lora import (
        CheckpointError,
        DatasetConfigError,
        GateError,
        LoraError,
        PipelineError,
        TrainConfigError,
        run,
    )
    from runtime import UsageError
    from runtime.cli._display import error_text, make_console

    errors = make_console(stderr=True)
    try:
        result = run(
            base=arguments.base,
            out=arguments.out,
            config=arguments.config,
            iters=arguments.iters,
            profile=_profile(arguments.profile),
            traces=arguments.traces,
            bits=arguments.bits,
            suite=arguments.suite,
            margin=arguments.margin,
            current=arguments.current,
            workers=arguments.workers,
            max_turns=arguments.max_turns,
            max_time_s=arguments.max_time,
            progress=not arguments.json,
            say=lambda line: errors.print(line, highlight=False),
        )
    except (
        UsageError,
        DatasetConfigError,
        TrainConfigError,
        CheckpointError,
        GateError,
        PipelineError,
    ) as error:
        errors.print(error_text(str(error)))
        return 2
    except LoraError as error:
        errors.print(error_text(str(error)))
        return 1
    except KeyboardInterrupt:
        errors.print(
            error_text(f"interrupted; run the same command again to resume ({arguments.out})")
        )
        return 1
    if arguments.json:
        sys.stdout.write(json.dumps(result.summary()) + "\n")
    else:
        sys.stdout.write(result.gate_table)
        make_console().print(f"adapter: {result.adapter}\nmodel:   {result.model}", highlight=False)
    return 0


def _profile(text: str) -> Any:
    """A built-in profile name, or a JSON file holding one ``runtime.profiles.Profile``."""
    from pydantic import ValidationError

    from runtime.profiles import Profile, ProfileError

    if not text.endswith(".json"):
        return text
    path = Path(text).expanduser()
    try:
        return Profile.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(f"cannot read the profile file {path}: {error.strerror}") from None
    except ValidationError as error:
        raise ProfileError(
            f"{path} is not a profile: {error.errors()[0]['loc']}: {error.errors()[0]['msg']}. "
            'Write e.g. {"name": "git", "bridges": ["git_*"], "stub_style": "compact"}'
        ) from None
