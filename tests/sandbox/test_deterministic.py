"""``Sandbox(deterministic=True)`` (issue 16): reproducible runs for evaluation.

A frozen clock, ``random`` seeded for every new namespace, and unsalted string hashing, so that
the same snippet gives the same value in any worker, after any other run.
"""

from __future__ import annotations

import datetime as real_datetime
import os
import random
import subprocess
import sys
from collections.abc import Iterator

import pytest

from sandbox import Sandbox
from sandbox._worker import _clock

ORDER = "str(list({'apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape'}))"


@pytest.fixture(scope="module")
def fixed() -> Iterator[Sandbox]:
    with Sandbox(deterministic=True, pool_size=1) as sandbox:
        yield sandbox


def _unsalted(expression: str) -> str:
    """``expression`` evaluated by a Python whose string hashing is unsalted."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", f"print({expression})"],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_string_hashing_is_unsalted_in_every_worker(fixed: Sandbox) -> None:
    expected = _unsalted(ORDER)
    assert fixed.run(ORDER).value == expected
    with Sandbox(deterministic=True) as other:  # another process
        assert other.run(ORDER).value == expected
        assert other.run("hash('punie')").value == int(_unsalted("hash('punie')"))


def test_an_ordinary_sandbox_keeps_salted_hashing() -> None:
    with Sandbox() as ordinary:
        assert ordinary.run("hash('punie')").value != int(_unsalted("hash('punie')"))


def test_random_starts_from_the_seed_in_every_new_namespace(fixed: Sandbox) -> None:
    seeded = random.Random(_clock.SEED)
    first, second = seeded.random(), seeded.random()
    snippet = "import random\n[random.random(), random.random()]"
    assert fixed.run(snippet).value == [first, second]
    assert fixed.run(snippet).value == [first, second]  # the same worker, a new namespace
    with fixed.session() as session:
        assert session.run("import random\nrandom.random()").value == first
        assert session.run("random.random()").value == second  # a session goes on
        session.reset()
        assert session.run("import random\nrandom.random()").value == first


def test_the_clock_is_frozen(fixed: Sandbox) -> None:
    result = fixed.run(
        "import datetime\n"
        "[datetime.datetime.now().isoformat(), datetime.date.today().isoformat(),\n"
        " datetime.datetime.now(datetime.timezone.utc).isoformat()]"
    )
    assert result.value == [
        "2000-01-01T00:00:00",
        "2000-01-01",
        "2000-01-01T00:00:00+00:00",
    ]


def test_an_ordinary_sandbox_reads_the_real_clock() -> None:
    with Sandbox() as ordinary:
        result = ordinary.run("import datetime\ndatetime.date.today().year")
    assert result.value == real_datetime.date.today().year


def test_the_frozen_classes_follow_the_clock() -> None:
    classes = _clock.frozen_datetime(real_datetime)
    try:
        _clock.CLOCK.frozen = _clock.FROZEN_TIME
        assert classes["datetime"].utcnow() == real_datetime.datetime(2000, 1, 1)
        assert classes["datetime"].now(real_datetime.UTC).isoformat() == (
            "2000-01-01T00:00:00+00:00"
        )
        assert classes["date"].today() == real_datetime.date(2000, 1, 1)
    finally:
        _clock.CLOCK.frozen = None
    assert classes["date"].today() == real_datetime.date.today()
    assert repr(classes["date"](2020, 5, 17)) == "date(2020, 5, 17)"


def test_the_sandbox_says_whether_it_is_deterministic(fixed: Sandbox) -> None:
    assert fixed.deterministic is True
    with Sandbox() as ordinary:
        assert ordinary.deterministic is False
