"""Fuse a trained adapter and quantize the result: both load through MLXModel and generate."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lora import FuseError, TrainConfig, fuse, quantize, train
from runtime import MLXModel
from runtime.models import GenerationSettings
from runtime.profiles import MANIFEST_NAME, get_profile, read_manifest
from runtime.template import Message
from tests.lora.lora_train_support import write_dataset

REQUEST = [Message(role="user", content="How many type errors are in pkg/module_1.py?")]
GREEDY = GenerationSettings(max_tokens=12)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("MLX_DISABLE_COMPILE", "1")
    from runtime.models import build_tiny_model

    yield build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def adapter(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("run")
    config = TrainConfig(iters=16, steps_per_save=8, steps_per_eval=16, learning_rate=1e-3)
    return train(
        base=base,
        data=write_dataset(root / "data"),
        out=root / "adapter",
        config=config,
        profile="core",
        progress=False,
    ).adapter


def test_the_fused_model_generates_what_base_plus_adapter_generates(
    base: Path, adapter: Path, tmp_path: Path
) -> None:
    fused = fuse(base=base, adapter=adapter, out=tmp_path / "fused")
    with_adapter = MLXModel(base, adapter=adapter).complete(REQUEST, GREEDY)
    plain = MLXModel(base).complete(REQUEST, GREEDY)
    alone = MLXModel(fused).complete(REQUEST, GREEDY)
    assert alone.text == with_adapter.text
    assert alone.text != plain.text  # the adapter changed the model, and fusing kept it
    assert read_manifest(fused / MANIFEST_NAME).profile == get_profile("core")


def test_quantize_writes_a_five_bit_model_that_generates(
    base: Path, adapter: Path, tmp_path: Path
) -> None:
    fused = fuse(base=base, adapter=adapter, out=tmp_path / "fused")
    quantized = quantize(model=fused, out=tmp_path / "q5")
    config = json.loads((quantized / "config.json").read_text())
    assert config["quantization"] == {"group_size": 64, "bits": 5, "mode": "affine"}
    assert MLXModel(quantized).complete(REQUEST, GREEDY).completion_tokens > 0
    assert (quantized / MANIFEST_NAME).is_file()


def test_a_quantized_base_is_dequantized_when_fused(
    base: Path, adapter: Path, tmp_path: Path
) -> None:
    four_bit = quantize(model=base, out=tmp_path / "q4", bits=4)
    fused = fuse(base=four_bit, adapter=adapter, out=tmp_path / "fused")
    config = json.loads((fused / "config.json").read_text())
    assert "quantization" not in config
    assert MLXModel(fused).complete(REQUEST, GREEDY).completion_tokens > 0


def test_quantizing_twice_is_refused(base: Path, tmp_path: Path) -> None:
    four_bit = quantize(model=base, out=tmp_path / "q4", bits=4)
    with pytest.raises(FuseError) as caught:
        quantize(model=four_bit, out=tmp_path / "again")
    assert str(caught.value) == (
        f"{four_bit} is already quantized; quantize the full-precision model that "
        "punie lora fuse writes (it dequantizes a quantized base)"
    )


def test_an_unsupported_width_is_refused(base: Path, tmp_path: Path) -> None:
    with pytest.raises(FuseError) as caught:
        quantize(model=base, out=tmp_path / "q7", bits=7)
    assert str(caught.value) == (
        "cannot quantize to 7 bits; --bits must be one of 2, 3, 4, 5, 6, 8 "
        "(5 keeps a LoRA's effect, 4 erased it)"
    )


def test_an_occupied_output_is_refused(base: Path, adapter: Path, tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FuseError) as caught:
        fuse(base=base, adapter=adapter, out=occupied)
    assert str(caught.value) == (
        f"{occupied} already exists and is not an empty directory; choose another --out or "
        "delete it first"
    )


def test_a_folder_without_adapter_config_is_refused(base: Path, tmp_path: Path) -> None:
    with pytest.raises(FuseError, match="is not an adapter directory"):
        fuse(base=base, adapter=tmp_path, out=tmp_path / "fused")
