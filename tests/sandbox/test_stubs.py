"""Stub rendering: what a model reads is derived from the host function records."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox import HostFunction
from sandbox._stubs import render_stub, render_stubs


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    file: str
    """Path relative to the workspace."""
    severity: Literal["error", "warning"]


class Report(BaseModel):
    """What the checker found."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    success: bool
    """True when nothing was found."""
    findings: list[Finding]
    note: str | None = None


def check(*, path: str = ".", select: list[str] | None = None) -> Report:
    """Check a path.

    Returns every finding.
    """
    raise NotImplementedError


def double(*, x: int) -> int:
    return 2 * x


EXPECTED = '''\
def check(*, path: str = ".", select: list[str] | None = None) -> Report:
    """Check a path.

    Returns every finding.
    """
    ...

def double(*, x: int) -> int:
    ...

class Report:
    """What the checker found."""

    success: bool
    """True when nothing was found."""
    findings: list[Finding]
    note: str | None

class Finding:
    file: str
    """Path relative to the workspace."""
    severity: Literal['error', 'warning']
'''


def test_render_stubs_snapshot() -> None:
    assert render_stubs([check, double]) == EXPECTED


def test_each_model_is_rendered_once() -> None:
    def again(*, path: str) -> Report:
        raise NotImplementedError

    text = render_stubs([check, again])
    assert text.count("class Report:") == 1 and text.count("class Finding:") == 1


def test_single_stub_without_models() -> None:
    stub = render_stub(HostFunction.from_callable(double), with_models=False)
    assert stub == "def double(*, x: int) -> int:\n    ...\n"


def test_rendered_stub_is_valid_python() -> None:
    compile(render_stubs([check, double]), "<stubs>", "exec")


def test_annotated_constraints_are_kept_and_rendered_as_the_base_type() -> None:
    def head(*, count: Annotated[int, Field(ge=1, le=50)] = 10) -> list[str]:
        raise NotImplementedError

    function = HostFunction.from_callable(head)
    with pytest.raises(ValidationError):
        function.argument_model.model_validate({"count": 0})
    assert function.argument_model.model_validate({"count": 5}).model_dump() == {"count": 5}
    assert render_stub(function) == "def head(*, count: int = 10) -> list[str]:\n    ...\n"
