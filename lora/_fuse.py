"""``fuse`` an adapter into its base model, and ``quantize`` the result, with mlx-lm's Python API.

A base model that is itself quantized (an mlx-community 4-bit model) is dequantized as the adapter
is fused, so the fused weights keep the adapter's update at full precision; ``quantize`` then
converts once, at a chosen width. The default is 5 bits because the seed system measured that 4
bits erased its adapter's effect (60% on its gate) and 5 bits kept it. The adapter's
``punie_manifest.json`` (its profile) is copied into each output so the model keeps saying which
prompt it was trained on.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any, cast

from lora._errors import FuseError
from runtime.profiles import MANIFEST_NAME

__all__ = ["QUANTIZE_BITS", "fuse", "quantize"]

QUANTIZE_BITS = (2, 3, 4, 5, 6, 8)
"""The widths mlx can quantize to."""


def _fresh(out: Path, flag: str) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FuseError(
            f"{out} already exists and is not an empty directory; choose another {flag} or "
            "delete it first"
        )


def _is_quantized(model_dir: Path) -> bool:
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return "quantization" in config or "quantization_config" in config


def fuse(*, base: str | Path, adapter: str | Path, out: str | Path) -> Path:
    """Fuse the LoRA ``adapter`` into ``base`` and save a standalone model in ``out``.

    A quantized base is dequantized (the output is full precision: run ``quantize`` next).
    Returns ``out``. Raises ``FuseError`` for a missing adapter or an occupied ``out``.
    """
    from mlx.utils import tree_unflatten
    from mlx_lm.utils import dequantize_model, load, save

    adapter_dir, out_dir = Path(adapter).expanduser(), Path(out).expanduser()
    if not (adapter_dir / "adapter_config.json").is_file():
        raise FuseError(
            f"{adapter_dir} is not an adapter directory (no adapter_config.json); give the "
            "output directory of punie lora train"
        )
    _fresh(out_dir, "--out")
    base_name = str(Path(base).expanduser()) if Path(base).expanduser().exists() else str(base)
    try:
        loaded = load(base_name, adapter_path=str(adapter_dir), return_config=True)
    except Exception as error:  # mlx-lm raises many kinds for a bad model or adapter
        raise FuseError(
            f"cannot load {base_name} with the adapter {adapter_dir}: "
            f"{type(error).__name__}: {error}"
        ) from error
    model, tokenizer, config = cast(tuple[Any, Any, dict[str, Any]], loaded)  # return_config
    quantized = "quantization" in config or "quantization_config" in config
    fused = [
        (name, module.fuse(dequantize=quantized))
        for name, module in model.named_modules()
        if hasattr(module, "fuse")
    ]
    if fused:
        model.update_modules(tree_unflatten(fused))
    if quantized:
        model = dequantize_model(model)
        config.pop("quantization", None)
        config.pop("quantization_config", None)
    save(out_dir, base_name, model, tokenizer, config, donate_model=False)
    if (adapter_dir / MANIFEST_NAME).is_file():
        shutil.copyfile(adapter_dir / MANIFEST_NAME, out_dir / MANIFEST_NAME)
    return out_dir


def quantize(*, model: str | Path, out: str | Path, bits: int = 5, group_size: int = 64) -> Path:
    """Quantize a full-precision model directory (a fused model) to ``bits`` into ``out``.

    Returns ``out``. Raises ``FuseError`` for an unsupported width, an already quantized source or
    an occupied ``out``.
    """
    from mlx_lm.convert import convert

    source, out_dir = Path(model).expanduser(), Path(out).expanduser()
    if bits not in QUANTIZE_BITS:
        raise FuseError(
            f"cannot quantize to {bits} bits; --bits must be one of "
            f"{', '.join(map(str, QUANTIZE_BITS))} (5 keeps a LoRA's effect, 4 erased it)"
        )
    if not (source / "config.json").is_file():
        raise FuseError(
            f"{source} is not a model directory (no config.json); give the output of "
            "punie lora fuse"
        )
    if _is_quantized(source):
        raise FuseError(
            f"{source} is already quantized; quantize the full-precision model that "
            "punie lora fuse writes (it dequantizes a quantized base)"
        )
    _fresh(out_dir, "--out")
    if out_dir.exists():
        out_dir.rmdir()  # convert() insists on creating the directory itself
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # convert() prints progress lines
            convert(str(source), str(out_dir), quantize=True, q_bits=bits, q_group_size=group_size)
    except Exception as error:  # shapes that do not divide by group_size, unwritable out, ...
        raise FuseError(
            f"cannot quantize {source} to {bits} bits (group size {group_size}): "
            f"{type(error).__name__}: {error}"
        ) from error
    if (source / MANIFEST_NAME).is_file():
        shutil.copyfile(source / MANIFEST_NAME, out_dir / MANIFEST_NAME)
    return out_dir
