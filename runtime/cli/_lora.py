"""``punie lora STEP``: the learning loop, one subcommand per step of ``lora``'s Python API.

Each step is one block below: ``_register_<step>(steps)`` adds its parser and sets its
``handler``; the handler imports ``lora`` (and mlx) lazily, returns 0 on success, 1 when the work
failed, 2 for a usage error. ``dataset`` builds train/valid JSONL from the bridges' examples
(each run for real in the sandbox) and exported traces, plus its dataset card.
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
