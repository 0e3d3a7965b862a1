"""Plain typed host functions for loop tests (real functions run through the real sandbox)."""

from __future__ import annotations

from pydantic import BaseModel

from sandbox import HostFunctionError

__all__ = ["Report", "broken", "typecheck"]


class Report(BaseModel):
    """What the fake type checker finds."""

    error_count: int
    errors: list[str]


def typecheck(*, path: str) -> Report:
    """Type-check the files under path."""
    errors = [f"{path}/app.py:3: bad", f"{path}/app.py:9: worse"]
    return Report(error_count=len(errors), errors=errors)


def broken(*, reason: str) -> int:
    """Always fails with the given reason."""
    raise HostFunctionError(f"cannot do that: {reason}")
