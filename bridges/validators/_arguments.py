"""The argument models of the validator bridges, apart from the implementations (no LibCST)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["CheckLayersArguments", "ValidatorArguments"]

_CONFIG = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ValidatorArguments(BaseModel):
    """Arguments of every file validator: where to look."""

    model_config = _CONFIG

    path: str = "."
    """A .py file or a folder, relative to the workspace."""


class CheckLayersArguments(BaseModel):
    """Arguments of check_layers: the layer rules and where to look."""

    model_config = _CONFIG

    rules: dict[str, list[str]]
    """Layer (dotted module prefix) -> the layers it may import."""
    path: str = "."
    """A .py file or a folder, relative to the workspace."""
