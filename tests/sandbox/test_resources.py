"""Resource limits: each fires with its own kind, on time, and the sandbox keeps working.

Timing here is a functional check of the limit (it must fire within 1 s of its setting, read
from ``RunResult.duration_s``), not a speed measurement.
"""

from __future__ import annotations

import pytest

from sandbox import Limits, Sandbox


def _still_works(sb: Sandbox) -> None:
    assert sb.run("sum([1, 2, 3])").value == 6


@pytest.mark.parametrize(
    "source",
    [
        "while True:\n    pass",
        "x = 0\nwhile True:\n    x += 1",
        "import math\nwhile True:\n    math.sqrt(2.0)",
        "def spin():\n    while True:\n        yield 1\nfor _ in spin():\n    pass",
        "[i for i in range(10 ** 12) if i < 0]",
    ],
    ids=["pass-loop", "counter", "busy-sleep", "generator", "comprehension"],
)
def test_timeout(sb: Sandbox, source: str) -> None:
    result = sb.run(source)
    assert result.error is not None
    assert (result.error.kind, result.error.message) == (
        "timeout",
        "the snippet ran longer than 1 s and was stopped; do less work per snippet (smaller "
        "inputs, fewer iterations, no endless loops)",
    )
    assert sb.limits.timeout_s <= result.duration_s <= sb.limits.timeout_s + 1.0
    _still_works(sb)


def test_timeout_loses_session_state_and_says_so(sb: Sandbox) -> None:
    with sb.session() as session:
        session.run("kept = 1")
        result = session.run("while True:\n    pass")
        assert result.error is not None and result.error.kind == "timeout"
        assert "session's variables were lost" in result.error.message
        assert session.run("kept").error is not None
        assert session.run("2 + 2").value == 4


def test_host_function_time_does_not_count() -> None:
    import time

    def slow(*, seconds: float) -> float:
        time.sleep(seconds)
        return seconds

    with Sandbox([slow], Limits(timeout_s=0.5)) as box:
        result = box.run("slow(seconds=0.4) + slow(seconds=0.4)")
        assert result.ok and result.value == 0.8


@pytest.mark.parametrize(
    "source",
    [
        "x = 'a' * (10 ** 10)",
        "x = [0] * (10 ** 10)",
        "blocks = []\nwhile True:\n    blocks.append('x' * 10 ** 7)",
        "d = {}\ni = 0\nwhile True:\n    d[i] = [i] * 1000000\n    i += 1",
    ],
    ids=["string", "list", "append-loop", "dict-growth"],
)
def test_memory_bomb(sb: Sandbox, source: str) -> None:
    result = sb.run(source)
    assert result.error is not None and result.error.kind == "memory", result.error
    assert result.duration_s <= sb.limits.timeout_s + 1.0
    _still_works(sb)


def test_recursion(sb: Sandbox) -> None:
    result = sb.run("def down(n):\n    return down(n + 1)\ndown(0)")
    assert result.error is not None and result.error.kind == "runtime"
    assert "RecursionError" in result.error.message and "use a loop" in result.error.message
    assert result.error.line == 2
    assert result.error.traceback is not None and "repeated" in result.error.traceback
    _still_works(sb)


def test_recursion_depth_is_configurable() -> None:
    source = "def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\ndepth(150)"
    with Sandbox(limits=Limits(recursion_depth=100)) as box:
        assert box.run(source).error is not None
    with Sandbox(limits=Limits(recursion_depth=400)) as box:
        assert box.run(source).value == 150


def test_output_flood(sb: Sandbox) -> None:
    result = sb.run("while True:\n    print('spam' * 100)")
    assert result.error is not None and result.error.kind == "output_limit"
    assert len(result.stdout.encode()) <= sb.limits.output_bytes
    assert "print a summary" in result.error.message
    _still_works(sb)


def test_value_flood_is_bounded(sb: Sandbox) -> None:
    result = sb.run("class Big:\n    pass\n[Big() for _ in range(100000)]")
    assert result.ok and isinstance(result.value, str)
    assert len(result.value) <= sb.limits.value_chars + 100


def test_host_call_flood(sb: Sandbox) -> None:
    result = sb.run("for i in range(1000):\n    noop()")
    assert result.error is not None and result.error.kind == "call_limit"
    assert len(result.calls) == sb.limits.host_calls + 1
    assert [c.ok for c in result.calls].count(False) == 1
    _still_works(sb)


def test_call_limit_cannot_be_caught(sb: Sandbox) -> None:
    source = (
        "try:\n    for i in range(1000):\n        noop()\nexcept Exception:\n    pass\n'swallowed'"
    )
    result = sb.run(source)
    assert result.error is not None and result.error.kind == "call_limit"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("1" + "+1" * 20000, "syntax"),
        ("(" * 1000 + ")" * 1000, "syntax"),
        ("[" * 250 + "]" * 250, "syntax"),
        ("label = '{}'.format('deep')\n" + "[" * 150 + "]" * 150, "policy"),
        ("f = " + "lambda: " * 200 + "1", "policy"),
        ("".join("    " * i + "if 1:\n" for i in range(120)) + "    " * 120 + "pass\n", "syntax"),
        ("x = " + "-" * 30000 + "1", "syntax"),
        ("x = 1\n" * 20000, "policy"),
    ],
    ids=[
        "long-sum",
        "parentheses",
        "lists",
        "lists-full-policy",
        "lambdas",
        "indentation",
        "unary",
        "too-large",
    ],
)
def test_pathological_source_is_refused_cleanly(sb: Sandbox, source: str, kind: str) -> None:
    result = sb.run(source)
    assert result.error is not None and result.error.kind == kind, result.error
    assert (
        "split" in result.error.message
        or "SyntaxError" in result.error.message
        or ("IndentationError" in result.error.message)
    )
    _still_works(sb)


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("raise SystemExit(1)", "policy"),
        ("raise KeyboardInterrupt", "policy"),
        ("raise BaseException", "policy"),
        ("raise StopIteration", "runtime"),
        ("raise ValueError('bad input')", "runtime"),
        ("def g():\n    yield 1\nx = g()\nnext(x)\nx.close()\n'closed'", "ok"),
    ],
)
def test_exception_family(sb: Sandbox, source: str, kind: str) -> None:
    result = sb.run(source)
    if kind == "ok":
        assert result.ok
    else:
        assert result.error is not None and result.error.kind == kind
    _still_works(sb)


def test_crashed_worker_is_replaced() -> None:
    with Sandbox(_unsafe_skip_policy=True) as box:
        result = box.run("import os\nos._exit(3)")
        assert result.error is not None and result.error.kind == "crash"
        assert "died" in result.error.message
        assert box.run("1 + 1").value == 2


def test_recursion_into_host_calls_keeps_host_and_worker_in_step() -> None:
    def noop() -> None:
        return None

    def double(*, x: int) -> int:
        return 2 * x

    source = "def down(n):\n    noop()\n    return down(n + 1)\ndown(0)"
    with Sandbox([noop, double], Limits(host_calls=100_000, recursion_depth=40)) as box:
        for _ in range(3):
            result = box.run(source)
            assert result.error is not None and result.error.kind == "runtime"
            assert "RecursionError" in result.error.message
            assert box.run("double(x=21)").value == 42
        caught = "def down(n):\n    try:\n        noop()\n    except Exception:\n        pass\n    return down(n + 1)\ndown(0)"
        result = box.run(caught)
        assert result.error is not None
        for _ in range(3):
            assert box.run("double(x=21)").value == 42


def test_timeouts_still_fire_in_a_forked_child() -> None:
    import os

    with Sandbox(limits=Limits(timeout_s=0.5)) as box:
        assert box.run("1").value == 1  # the watchdog thread is running in this process
    pid = os.fork()
    if pid == 0:  # the child: a new sandbox must still enforce its wall time
        import signal

        signal.alarm(20)  # a regression must fail the test, not hang it
        code = 1
        try:
            with Sandbox(limits=Limits(timeout_s=0.5)) as child_box:
                result = child_box.run("while True:\n    pass")
                code = 0 if result.error is not None and result.error.kind == "timeout" else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
