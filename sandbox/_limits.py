"""Limits: every resource a snippet may use, with safe defaults that are on.

One ``Limits`` value belongs to one ``Sandbox``: its workers are locked down with it (address
space, CPU) and every run is measured against it (wall time, output, host calls, source size,
nesting). Nothing is unlimited by default; raise a limit deliberately when a caller needs more.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Limits"]


class Limits(BaseModel):
    """Resource limits of one sandbox. All defaults are on; every limit is configurable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(default=5.0, gt=0, le=3600)
    """Wall time of the snippet's own execution per run, in seconds. Time spent inside host
    functions does not count (they carry their own timeouts). Enforced by killing the worker."""

    memory_mb: int = Field(default=256, ge=64, le=65536)
    """Address-space limit of each worker process in MiB (``RLIMIT_AS``)."""

    output_bytes: int = Field(default=64 * 1024, ge=256)
    """Captured ``print`` output per run, in bytes of UTF-8; going over fails the run."""

    host_calls: int = Field(default=100, ge=0)
    """Host function calls per run; the next call fails the run with kind ``call_limit``."""

    source_bytes: int = Field(default=64 * 1024, ge=16)
    """Largest accepted snippet, in bytes of UTF-8."""

    nesting_depth: int = Field(default=64, ge=4, le=200)
    """Deepest accepted nesting of syntax (expressions inside expressions, blocks in blocks)."""

    recursion_depth: int = Field(default=200, ge=10, le=2000)
    """Deepest call stack a snippet's own functions may build."""

    value_chars: int = Field(default=16 * 1024, ge=64)
    """Largest ``repr`` kept for a last-expression value that is not plain JSON data."""
