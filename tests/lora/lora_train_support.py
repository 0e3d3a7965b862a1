"""Helpers for the training tests (a plain module: conftest modules are not importable)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["OPENBLAS", "conversation", "mlx_environment", "write_dataset"]

OPENBLAS = Path("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")


def mlx_environment() -> dict[str, str]:
    """Environment for processes that run mlx: offline, no compile cache, OpenBLAS if present."""
    env = dict(os.environ)
    env["HF_HUB_OFFLINE"] = "1"
    env["MLX_DISABLE_COMPILE"] = "1"
    if OPENBLAS.exists():
        env["LD_PRELOAD"] = str(OPENBLAS)
    return env


TOOL_CALL = (
    "<tool_call>\n<function=execute_code>\n<parameter=code>\n"
    "print(typecheck(path='{path}').error_count)\n</parameter>\n</function>\n</tool_call>"
)


def conversation(index: int) -> list[dict[str, Any]]:
    """A two-assistant-turn conversation: a tool call, its result, then the answer."""
    path = f"pkg/module_{index}.py"
    return [
        {"role": "system", "content": "You are punie."},
        {"role": "user", "content": f"How many type errors are in {path}?"},
        {"role": "assistant", "content": TOOL_CALL.format(path=path)},
        {"role": "tool", "content": str(index % 4)},
        {"role": "assistant", "content": f"There are {index % 4} type errors in {path}."},
    ]


def write_dataset(folder: Path, *, train: int = 8, valid: int = 2) -> Path:
    """train.jsonl and valid.jsonl of ``conversation`` rows (no card)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, indices in (("train", range(train)), ("valid", range(train, train + valid))):
        lines = [json.dumps({"messages": conversation(i)}) + "\n" for i in indices]
        (folder / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder
