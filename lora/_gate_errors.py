"""Errors of the gate, the model registry and ``lora.run``, in the ``LoraError`` family.

::

    LoraError
    ├── GateError        the gate cannot compare: an unusable model spec or suite, or
    │                    no case both models can run
    ├── RegistryError    the model registry cannot be read or written
    └── PipelineError    ``punie lora run`` cannot go on (an output folder it cannot use)

A candidate the gate refuses is not an exception: ``GateResult.promoted`` is False and the
comparison says which layers were worse.
"""

from __future__ import annotations

from lora._errors import LoraError

__all__ = ["GateError", "PipelineError", "RegistryError"]


class GateError(LoraError):
    """The gate could not evaluate the two models; the message names the model, suite or flag."""


class RegistryError(LoraError):
    """The model registry (``$PUNIE_DATA_DIR/models.json``) is unreadable or unwritable."""


class PipelineError(LoraError):
    """``lora.run`` cannot use its output folder or a step's recorded state."""
