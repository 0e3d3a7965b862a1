"""Fixtures for the sandbox tests: one sandbox per module with the support host functions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import Sandbox
from tests.sandbox.sandbox_support import HOST_FUNCTIONS, LIMITS


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox with short limits, shared by the tests of one module."""
    with Sandbox(host_functions=HOST_FUNCTIONS, limits=LIMITS) as sandbox:
        yield sandbox
