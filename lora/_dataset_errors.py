"""Errors of the dataset step (``lora.build_dataset``), in the ``LoraError`` family.

::

    LoraError
    └── DatasetError              the dataset could not be built (nothing survived, a bad source)
        └── DatasetConfigError    a parameter, an output folder or a data file that cannot be used

An example that no longer does what it says is not an exception: it is left out and named, with
the reason, in the dataset card's ``dropped`` list.
"""

from __future__ import annotations

from lora._errors import LoraError

__all__ = ["DatasetConfigError", "DatasetError"]


class DatasetError(LoraError):
    """The dataset could not be built; the message says which source or step failed."""


class DatasetConfigError(DatasetError):
    """A parameter (fraction, cap, folder) or a data file is unusable; the message names it."""
