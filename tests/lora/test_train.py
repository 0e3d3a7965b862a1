"""A short real LoRA run on the CPU with the tiny model: loss falls, files land, resume is exact."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lora import (
    RUN_RECORD,
    CheckpointError,
    TrainConfig,
    TrainConfigError,
    TrainDataError,
    TrainResult,
    load_train_config,
    train,
)
from runtime.profiles import get_profile, read_manifest
from tests.lora.lora_train_support import write_dataset

SHORT = TrainConfig(iters=24, steps_per_save=8, steps_per_eval=12, steps_per_report=4)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("MLX_DISABLE_COMPILE", "1")
    from runtime.models import build_tiny_model

    yield build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def trained(tiny_model: Path, data: Path, tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    out = tmp_path_factory.mktemp("run") / "adapter"
    return train(base=tiny_model, data=data, out=out, config=SHORT, profile="core", progress=False)


def test_the_loss_falls(trained: TrainResult) -> None:
    assert [report.iteration for report in trained.train_losses] == [4, 8, 12, 16, 20, 24]
    assert [report.iteration for report in trained.val_losses] == [0, 12, 24]
    assert trained.last_loss < trained.first_loss - 1.0
    assert trained.val_losses[-1].loss < trained.val_losses[0].loss - 1.0
    assert all((r.tokens_per_second or 0) > 0 for r in trained.train_losses)


def test_the_adapter_and_its_records_are_written(
    trained: TrainResult, tiny_model: Path, data: Path
) -> None:
    out = trained.adapter
    assert sorted(p.name for p in out.iterdir()) == [
        "adapter_config.json",
        "adapters.safetensors",
        "checkpoints",
        "punie_manifest.json",
        RUN_RECORD,
    ]
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == [
        "0000008",
        "0000016",
        "0000024",
    ]
    assert json.loads((out / "adapter_config.json").read_text()) == {
        "fine_tune_type": "lora",
        "model": str(tiny_model),
        "num_layers": 8,
        "lora_parameters": {"rank": 8, "scale": 20.0, "dropout": 0.0},
        "seed": 0,
    }
    manifest = read_manifest(out)
    assert manifest.profile == get_profile("core")
    assert manifest.base_model == str(tiny_model)
    assert manifest.dataset_card_hash is None  # this dataset has no card
    record = json.loads((out / RUN_RECORD).read_text())
    assert record["config"] == SHORT.model_dump()
    assert record["profile"] == get_profile("core").model_dump(mode="json")
    assert record["examples"] == {
        "train": 8,
        "valid": 2,
        "truncated": 0,
        "dropped": 0,
        "train_tokens": record["examples"]["train_tokens"],
    }
    assert sorted(record["versions"]) == ["mlx", "mlx-lm", "numpy", "platform", "punie", "python"]
    assert [r["loss"] for r in record["train_losses"]] == [r.loss for r in trained.train_losses]
    assert record["resumed_from"] is None


def test_mlx_lm_loads_the_adapter_through_mlxmodel(trained: TrainResult, tiny_model: Path) -> None:
    from runtime import MLXModel
    from runtime.models import GenerationSettings
    from runtime.template import Message

    model = MLXModel(tiny_model, adapter=trained.adapter)
    assert model.profile == get_profile("core")
    completion = model.complete(
        [Message(role="user", content="How many type errors are in pkg/module_1.py?")],
        GenerationSettings(max_tokens=8),
    )
    assert completion.completion_tokens > 0


def test_resuming_gives_the_same_adapter_as_one_uninterrupted_run(
    trained: TrainResult, tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    import mlx.core as mx

    out = tmp_path / "adapter"
    first = SHORT.model_copy(update={"iters": 8})
    train(base=tiny_model, data=data, out=out, config=first, profile="core", progress=False)
    resumed = train(
        base=tiny_model,
        data=data,
        out=out,
        config=SHORT,
        profile="core",
        resume=True,
        progress=False,
    )
    assert resumed.resumed_from == 8
    assert [(r.iteration, r.loss) for r in resumed.train_losses] == [
        (r.iteration, r.loss) for r in trained.train_losses
    ]
    # the first part measured validation at its own end (8) too; the rest is the same
    assert [v for v in resumed.val_losses if v.iteration != 8] == list(trained.val_losses)
    ours = mx.load(str(out / "adapters.safetensors"))
    theirs = mx.load(str(trained.adapter / "adapters.safetensors"))
    assert isinstance(ours, dict) and isinstance(theirs, dict)
    assert sorted(ours) == sorted(theirs)
    assert all(mx.array_equal(ours[name], theirs[name]).item() for name in ours)


def test_an_occupied_output_is_refused_without_resume(
    trained: TrainResult, tiny_model: Path, data: Path
) -> None:
    with pytest.raises(CheckpointError) as caught:
        train(base=tiny_model, data=data, out=trained.adapter, config=SHORT, progress=False)
    assert str(caught.value) == (
        f"{trained.adapter} already holds a training run; pass resume=True (--resume) to "
        "continue it from its newest checkpoint, or choose another output directory (--out)"
    )


def test_resuming_with_other_settings_is_refused(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "adapter"
    first = SHORT.model_copy(update={"iters": 8})
    train(base=tiny_model, data=data, out=out, config=first, progress=False)
    other = SHORT.model_copy(update={"rank": 4})
    with pytest.raises(CheckpointError, match=r"differs in: rank\)"):
        train(base=tiny_model, data=data, out=out, config=other, resume=True, progress=False)


def test_too_few_examples_for_a_batch_are_refused(tiny_model: Path, tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "data", train=2, valid=1)
    config = SHORT.model_copy(update={"batch_size": 2})
    with pytest.raises(TrainDataError) as caught:
        train(base=tiny_model, data=data, out=tmp_path / "out", config=config, progress=False)
    assert str(caught.value) == (
        f"2 training and 1 validation examples in {data}; each split needs at least batch_size (2)"
    )


def test_a_row_that_is_not_a_chat_row_is_refused_with_its_line(
    tiny_model: Path, tmp_path: Path
) -> None:
    data = write_dataset(tmp_path / "data")
    with (data / "train.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"text": "plain completion rows are not chat rows"}\n')
    with pytest.raises(TrainDataError) as caught:
        train(base=tiny_model, data=data, out=tmp_path / "out", config=SHORT, progress=False)
    assert str(caught.value).startswith(f"{data / 'train.jsonl'}:9 is not a chat row")


def test_the_defaults_are_the_seed_recipe() -> None:
    assert load_train_config().model_dump() == {
        "rank": 8,
        "scale": 20.0,
        "dropout": 0.0,
        "num_layers": 8,
        "learning_rate": 1e-4,
        "batch_size": 1,
        "grad_accumulation": 4,
        "max_seq_length": 2048,
        "iters": 800,
        "seed": 0,
        "steps_per_report": 10,
        "steps_per_eval": 100,
        "val_batches": 25,
        "steps_per_save": 100,
        "keep_checkpoints": 3,
    }


def test_a_toml_file_overrides_defaults_and_flags_override_it(tmp_path: Path) -> None:
    path = tmp_path / "lora.toml"
    path.write_text("rank = 16\niters = 300\n", encoding="utf-8")
    config = load_train_config(path, iters=50, seed=None)
    assert (config.rank, config.iters, config.seed) == (16, 50, 0)


def test_an_unknown_key_is_refused_with_the_nearest_one(tmp_path: Path) -> None:
    path = tmp_path / "lora.toml"
    path.write_text("alpha = 16\nlearning_rat = 0.001\n", encoding="utf-8")
    with pytest.raises(TrainConfigError) as caught:
        load_train_config(path)
    assert str(caught.value) == (
        f"invalid training config ({path}): unknown key 'alpha'; the keys are: "
        + ", ".join(TrainConfig.model_fields)
        + "; unknown key 'learning_rat'; did you mean 'learning_rate'?"
    )


def test_checkpoints_must_fall_between_updates() -> None:
    with pytest.raises(TrainConfigError, match=r"steps_per_save \(10\) must be a multiple"):
        load_train_config(steps_per_save=10, grad_accumulation=4)


def test_the_cli_trains_and_refuses_an_occupied_output(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from tests.lora.lora_train_support import mlx_environment

    punie = str(Path(sys.executable).with_name("punie"))
    config = tmp_path / "lora.toml"
    config.write_text("steps_per_save = 4\nsteps_per_report = 4\n", encoding="utf-8")
    command = [punie, "lora", "train", "--base", str(tiny_model), "--data", str(data)]
    command += ["--out", str(tmp_path / "out"), "--config", str(config), "--iters", "8", "--json"]
    done = subprocess.run(
        command, env=mlx_environment(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["adapter"], summary["iters"], summary["resumed_from"]) == (
        str(tmp_path / "out"),
        8,
        None,
    )
    again = subprocess.run(
        command, env=mlx_environment(), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 2
    assert "pass resume=True (--resume)" in again.stderr
