"""Host functions shared by the sandbox tests (real functions, no mocks).

A doubler, a typed result model with nested records, a function that fails for the model, one
that crashes, one that returns the wrong type, and a no-op for call floods.
"""

from __future__ import annotations

from pydantic import BaseModel

from sandbox import HostFunctionError, Limits

__all__ = ["HOST_FUNCTIONS", "LIMITS", "Diagnostic", "TypeCheckResult"]


class Diagnostic(BaseModel):
    """One finding of the type checker."""

    line: int
    message: str


class TypeCheckResult(BaseModel):
    """The outcome of a type check."""

    ok: bool
    errors: list[Diagnostic]


def double(*, x: int) -> int:
    """Twice x."""
    return 2 * x


def typecheck(*, path: str) -> TypeCheckResult:
    """A canned type check of ``path``."""
    if path == "missing.py":
        raise HostFunctionError(f"no file named {path!r}; list the workspace files first")
    return TypeCheckResult(
        ok=False,
        errors=[Diagnostic(line=3, message="int is not str"), Diagnostic(line=9, message="x")],
    )


def explode(*, reason: str = "boom") -> int:
    """Always fails with an ordinary exception (a bug in the host function)."""
    raise RuntimeError(reason)


def noop() -> None:
    """Does nothing."""


def wrong_result() -> int:
    """Returns the wrong type."""
    return "not an int"  # ty: ignore[invalid-explicit-return]


HOST_FUNCTIONS = [double, typecheck, explode, noop, wrong_result]
LIMITS = Limits(timeout_s=1.0, memory_mb=256, host_calls=20, output_bytes=4096)
