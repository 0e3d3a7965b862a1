"""Bound bridges by name, for tests that call host functions directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bridges import default_bridges

__all__ = ["call", "functions"]


def functions(workspace: Path, *, allow_write: bool = False, timeout_s: float = 60.0) -> dict:
    bound = default_bridges(workspace, allow_write=allow_write, timeout_s=timeout_s)
    return {function.name: function for function in bound}


def call(workspace: Path, name: str, *, allow_write: bool = False, **arguments: Any) -> Any:
    function = functions(workspace, allow_write=allow_write)[name]
    result = function.function(**arguments)
    function.validate_result(result)
    return result
