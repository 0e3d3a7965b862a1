"""Bound bridges by name, for tests that call host functions directly; project virtual envs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from bridges import default_bridges

__all__ = ["call", "functions", "make_venv"]


def functions(workspace: Path, *, allow_write: bool = False, timeout_s: float = 60.0) -> dict:
    bound = default_bridges(workspace, allow_write=allow_write, timeout_s=timeout_s)
    return {function.name: function for function in bound}


def call(workspace: Path, name: str, *, allow_write: bool = False, **arguments: Any) -> Any:
    function = functions(workspace, allow_write=allow_write)[name]
    result = function.function(**arguments)
    function.validate_result(result)
    return result


def _uv(*args: str) -> None:
    for offline in (["--offline"], []):  # uv's cache first; PyPI only when it lacks something
        done = subprocess.run(["uv", *args, *offline], capture_output=True, text=True)
        if done.returncode == 0:
            return
    raise RuntimeError(f"uv {' '.join(args)} failed: {done.stderr[-2000:]}")


def make_venv(folder: Path, *, pytest_installed: bool) -> Path:
    """A real virtual environment at ``folder`` (punie's Python version); its site-packages."""
    _uv("venv", "-q", "--python", sys.executable, str(folder))
    if pytest_installed:
        _uv("pip", "install", "-q", "--python", str(folder / "bin" / "python"), "pytest")
    return next((folder / "lib").glob("python3*/site-packages"))
