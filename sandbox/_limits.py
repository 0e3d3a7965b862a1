"""Limits: every resource a snippet may use, with safe defaults that are on.

One ``Limits`` value belongs to one ``Sandbox``: its workers are locked down with it (address
space, CPU) and every run is measured against it (wall time, output, host calls, source size,
nesting). Nothing is unlimited by default; raise a limit deliberately when a caller needs more.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Limits"]


class Limits(BaseModel):
    """Resource limits of one sandbox. All defaults are on; every limit is configurable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(default=5.0, gt=0, le=3600)
    """Wall time of the snippet's own execution per run, in seconds. Time spent inside host
    functions does not count here (see ``run_timeout_s``). Enforced by killing the worker."""

    run_timeout_s: float = Field(default=600.0, gt=0, le=86400)
    """Wall time of the whole run, host function calls included, in seconds: without it, 100
    calls of a bridge with a 60 s timeout could hold a run for 100 minutes. Once it has passed,
    the next host call (or the one in progress, when it returns) fails the run with kind
    ``run_timeout``, or the worker is killed if the snippet is computing. At least
    ``timeout_s``; when left unset it is raised to ``timeout_s`` if that is larger."""

    memory_mb: int = Field(default=256, ge=64, le=65536)
    """Address-space limit of each worker process in MiB (``RLIMIT_AS``)."""

    output_bytes: int = Field(default=64 * 1024, ge=256)
    """Captured ``print`` output per run, in bytes of UTF-8; going over fails the run."""

    host_calls: int = Field(default=100, ge=0)
    """Host function calls per run; the next call fails the run with kind ``call_limit``."""

    argument_bytes: int = Field(default=1024 * 1024, ge=1024, le=32 * 1024 * 1024)
    """Largest host function call, in bytes of JSON arguments; a bigger call fails in the
    snippet (a ``HostFunctionError`` it may catch) without reaching the host."""

    source_bytes: int = Field(default=64 * 1024, ge=16)
    """Largest accepted snippet, in bytes of UTF-8."""

    nesting_depth: int = Field(default=64, ge=4, le=200)
    """Deepest accepted nesting of syntax (expressions inside expressions, blocks in blocks)."""

    recursion_depth: int = Field(default=200, ge=10, le=2000)
    """Deepest call stack a snippet's own functions may build."""

    value_chars: int = Field(default=16 * 1024, ge=64)
    """Largest ``repr`` kept for a last-expression value that is not plain JSON data."""

    @model_validator(mode="before")
    @classmethod
    def _run_covers_snippet(cls, data: Any) -> Any:
        """An unset ``run_timeout_s`` follows a larger ``timeout_s``; a set one must cover it."""
        if not isinstance(data, dict):
            return data
        timeout = data.get("timeout_s")
        if not isinstance(timeout, (int, float)):
            return data
        run_timeout = data.get("run_timeout_s")
        if run_timeout is None:
            if timeout > 600.0:
                return {**data, "run_timeout_s": timeout}
            return data
        if isinstance(run_timeout, (int, float)) and run_timeout < timeout:
            raise ValueError(
                f"run_timeout_s ({run_timeout:g}) is the wall time of the whole run, host calls "
                f"included, so it cannot be shorter than timeout_s ({timeout:g}); raise "
                "run_timeout_s or lower timeout_s"
            )
        return data
