"""Helpers shared by the runtime tests (a plain module: conftest modules are not importable)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["OPENBLAS", "free_port", "mlx_environment"]

OPENBLAS = Path("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")


def mlx_environment() -> dict[str, str]:
    """Environment for processes that run mlx: offline, no compile cache, OpenBLAS if present."""
    env = dict(os.environ)
    env["HF_HUB_OFFLINE"] = "1"
    env["MLX_DISABLE_COMPILE"] = "1"
    if OPENBLAS.exists():
        env["LD_PRELOAD"] = str(OPENBLAS)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
