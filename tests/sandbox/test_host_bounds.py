"""Host-side work for a run is bounded (issue 12, section 2): argument size, what is recorded and
echoed, and the whole run's wall time, host calls included."""

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from sandbox import Limits, Sandbox


def take(*, x: str) -> int:
    """The length of x."""
    return len(x)


def noop() -> None:
    """Does nothing."""


def slow(*, seconds: float) -> float:
    """Sleeps, like a bridge running a slow tool."""
    time.sleep(seconds)
    return seconds


def test_an_oversized_call_is_refused_before_it_reaches_the_host() -> None:
    with Sandbox([take]) as box:
        result = box.run("take(x='A' * 2_000_000)")
    assert result.error is not None
    assert (result.error.kind, result.error.message) == (
        "host_function",
        "line 1: take(): the arguments are 2000008 bytes of data; the limit is 1048576: pass "
        "smaller values (a path instead of the content, a few items instead of all)",
    )
    assert result.calls == []


def test_the_refusal_can_be_caught_and_the_limit_raised() -> None:
    source = "try:\n    take(x='A' * 2_000_000)\nexcept HostFunctionError:\n    n = 0\nn"
    with Sandbox([take]) as box:
        assert box.run(source).value == 0
    with Sandbox([take], Limits(argument_bytes=4 * 1024 * 1024)) as box:
        assert box.run("take(x='A' * 2_000_000)").value == 2_000_000


def test_recorded_arguments_are_bounded() -> None:
    with Sandbox([take], Limits(argument_bytes=8 * 1024 * 1024)) as box:
        result = box.run("[take(x='A' * 5_000_000) for i in range(3)]")
    assert result.ok, result.error
    assert result.value == [5_000_000] * 3
    kept = "A" * 65536 + "... (4934464 more characters)"
    assert [call.arguments for call in result.calls] == [{"x": kept}] * 3


def test_small_arguments_are_recorded_whole() -> None:
    with Sandbox([take]) as box:
        result = box.run("take(x='short')")
    assert [(call.name, call.arguments) for call in result.calls] == [("take", {"x": "short"})]


def test_a_huge_argument_name_is_neither_echoed_nor_matched() -> None:
    with Sandbox([noop, take], Limits(argument_bytes=16 * 1024 * 1024)) as box:
        result = box.run("noop(**{'x' * 5_000_000: 1})")
        hinted = box.run("take(**{'x' * 300: 1})")
    name = "x" * 80 + "... (4999920 more characters)"
    message = f"noop(): unexpected argument '{name}' (its arguments are: none)"
    assert result.error is not None
    assert (result.error.kind, result.error.message) == ("host_function", f"line 1: {message}")
    (call,) = result.calls
    assert call.error == message
    assert call.arguments == {name: 1}
    # No "did you mean" for a name nobody types (matching costs the product of the lengths).
    assert hinted.error is not None
    assert hinted.error.message == (
        "line 1: take(): missing required argument 'x' (str); unexpected argument '"
        + "x" * 80
        + "... (220 more characters)' (its arguments are: x)"
    )


# -- the whole run's wall time --------------------------------------------------------------


def test_the_run_timeout_is_on_by_default_and_configurable() -> None:
    assert Limits().run_timeout_s == 600.0
    assert Limits(run_timeout_s=30).run_timeout_s == 30.0
    assert Limits(timeout_s=900).run_timeout_s == 900.0  # unset: it covers the snippet's own
    with pytest.raises(ValidationError) as raised:
        Limits(timeout_s=10, run_timeout_s=5)
    assert raised.value.errors()[0]["msg"] == (
        "Value error, run_timeout_s (5) is the wall time of the whole run, host calls "
        "included, so it cannot be shorter than timeout_s (10); raise run_timeout_s or lower "
        "timeout_s"
    )


_LATE = (
    "the run took longer than 1.5 s in all, host function calls included, and was stopped; "
    "make fewer or cheaper host calls per snippet"
)


def test_host_call_time_counts_against_the_run_timeout() -> None:
    limits = Limits(timeout_s=1.0, run_timeout_s=1.5)
    with Sandbox([slow], limits) as box, box.session() as session:
        assert session.run("kept = 'still here'").ok
        result = session.run(
            "total = 0\nfor i in range(20):\n    try:\n        total += slow(seconds=0.4)\n"
            "    except Exception:\n        pass\ntotal"
        )
        assert result.error is not None
        assert (result.error.kind, result.error.message) == ("run_timeout", _LATE)
        assert result.stdout == ""
        assert 0 < len(result.calls) < 20
        assert {call.name for call in result.calls} == {"slow"}
        # The failure is sticky (``except Exception`` cannot swallow it) and the worker was
        # not killed for it: the session keeps its variables.
        assert session.run("kept").value == "still here"


def test_computing_after_slow_host_calls_hits_the_run_timeout() -> None:
    with Sandbox([slow], Limits(timeout_s=1.0, run_timeout_s=1.5)) as box:
        result = box.run("slow(seconds=1.0)\nwhile True:\n    pass")
    assert result.error is not None
    assert (result.error.kind, result.error.message) == ("run_timeout", _LATE)
    assert [call.name for call in result.calls] == ["slow"]


def test_the_snippet_timeout_is_still_reported_as_its_own() -> None:
    with Sandbox([slow], Limits(timeout_s=0.5, run_timeout_s=30)) as box:
        result = box.run("slow(seconds=0.3)\nwhile True:\n    pass")
    assert result.error is not None
    assert result.error.kind == "timeout"
    assert result.error.message == (
        "the snippet ran longer than 0.5 s and was stopped; do less work per snippet (smaller "
        "inputs, fewer iterations, no endless loops)"
    )
