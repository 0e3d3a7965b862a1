"""The base every result contract shares: frozen, strict about unknown keys, documented fields.

Contracts are the typed API a model learns. ``use_attribute_docstrings`` makes the docstring under
each field its description, so the stub text the model reads carries the same words as the code.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["CONTRACT_VERSION", "Contract"]

CONTRACT_VERSION = "2"
"""Bumped on any deliberate contract change; the schema snapshot tests record it."""


class Contract(BaseModel):
    """Base of all result contracts: immutable, no extra keys, field docstrings as descriptions."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
