"""Concurrent host calls (issue 16): ``async``/``await`` and the ``asyncio`` stand-in.

Host functions awaited at the same time run at the same time in the host and answer in order.
Concurrency is proven without timing: the host functions meet at a ``threading.Barrier`` that
only opens when all of them are running at once (one after the other, the first would wait
for the others until the barrier's timeout breaks it). Sync calls keep working unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from sandbox import HostFunctionError, Limits, Sandbox
from sandbox._calls import HostCaller
from sandbox._host import HostFunction
from sandbox._worker._compiled import Compiled, Refused
from sandbox._worker._policy import compile_snippet


class Meeting(BaseModel):
    """Who arrived, and how many were waiting at the barrier with them."""

    name: str
    parties: int


class _Room:
    """A barrier for ``parties`` concurrent host calls (broken after 10 s: a sequential run)."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(3, timeout=10)

    def meet(self, *, name: str) -> Meeting:
        """Wait until three calls are running at the same time."""
        if name == "missing":
            raise HostFunctionError("no one named 'missing'; pick another name")
        self.barrier.wait()
        return Meeting(name=name, parties=self.barrier.parties)


def double(*, x: int) -> int:
    """Twice x (never waits)."""
    return 2 * x


def nap(*, seconds: float) -> float:
    """Sleep in the host (a slow bridge)."""
    time.sleep(seconds)
    return seconds


@pytest.fixture
def room() -> _Room:
    return _Room()


@pytest.fixture
def sb(room: _Room) -> Iterator[Sandbox]:
    functions = [HostFunction.from_callable(room.meet, name="meet"), double, nap]
    with Sandbox(functions, Limits(timeout_s=10)) as sandbox:
        yield sandbox


def _meetings(names: list[str]) -> list[dict[str, object]]:
    return [{"name": name, "parties": 3} for name in names]


def test_top_level_await_gathers_three_calls_that_run_at_the_same_time(sb: Sandbox) -> None:
    result = sb.run(
        "import asyncio\n"
        "a, b, c = await asyncio.gather(meet(name='a'), meet(name='b'), meet(name='c'))\n"
        "[a.name, b.name, c.name, a.parties]"
    )
    assert result.error is None
    assert result.value == ["a", "b", "c", 3]
    assert [(call.name, call.arguments, call.ok) for call in result.calls] == [
        ("meet", {"name": "a"}, True),
        ("meet", {"name": "b"}, True),
        ("meet", {"name": "c"}, True),
    ]


def test_asyncio_run_of_an_async_main_with_a_comprehension(sb: Sandbox) -> None:
    result = sb.run(
        "import asyncio\n"
        "async def main(names):\n"
        "    found = await asyncio.gather(*[meet(name=n) for n in names])\n"
        "    return [m.name for m in found]\n"
        "asyncio.run(main(['x', 'y', 'z']))"
    )
    assert result.error is None
    assert result.value == ["x", "y", "z"]


def test_gathered_coroutines_each_await_their_own_calls(sb: Sandbox) -> None:
    result = sb.run(
        "import asyncio\n"
        "async def one(name):\n"
        "    met = await meet(name=name)\n"
        "    twice = await double(x=len(met.name))\n"
        "    return met.name + str(twice)\n"
        "await asyncio.gather(one('a'), one('bb'), one('ccc'))"
    )
    assert result.error is None
    assert result.value == ["a2", "bb4", "ccc6"]
    assert [call.name for call in result.calls] == ["meet"] * 3 + ["double"] * 3


def test_sync_calls_are_unchanged_in_plain_code_and_in_plain_helpers(sb: Sandbox) -> None:
    assert sb.run("double(x=21)").value == 42
    result = sb.run(
        "import asyncio\n"
        "def helper(x):\n"
        "    return double(x=x) + 1\n"
        "async def main():\n"
        "    return [helper(1), await double(x=2)]\n"
        "asyncio.run(main())"
    )
    assert result.error is None
    assert result.value == [3, 4]


def test_a_call_not_awaited_in_async_code_says_what_to_write(sb: Sandbox) -> None:
    result = sb.run("import asyncio\nr = double(x=1)\nawait asyncio.sleep(0)\nr.real")
    assert result.error is not None
    assert result.error.message == (
        "line 4: AttributeError: double(...) was not awaited: in async code (an 'async def', "
        "or a snippet that uses 'await') host functions are awaitable; write "
        "'await double(...)', or 'await asyncio.gather(double(...), ...)' to run several at "
        "the same time"
    )


def test_a_failed_call_raises_in_the_snippet_or_is_returned(sb: Sandbox) -> None:
    caught = sb.run(
        "import asyncio\n"
        "try:\n"
        "    await asyncio.gather(double(x=1), meet(name='missing'))\n"
        "except HostFunctionError as error:\n"
        "    found = str(error)\n"
        "found"
    )
    assert caught.value == "no one named 'missing'; pick another name"
    returned = sb.run(
        "import asyncio\n"
        "r = await asyncio.gather(double(x=1), meet(name='missing'), return_exceptions=True)\n"
        "[r[0], isinstance(r[1], HostFunctionError), str(r[1])]"
    )
    assert returned.value == [2, True, "no one named 'missing'; pick another name"]
    assert [call.ok for call in returned.calls] == [True, False]


def test_uncaught_failure_of_a_gathered_call_fails_the_run(sb: Sandbox) -> None:
    result = sb.run("import asyncio\nawait asyncio.gather(double(x=1), meet(name='missing'))")
    assert result.error is not None
    assert (result.error.kind, result.error.message) == (
        "host_function",
        "line 2: no one named 'missing'; pick another name",
    )


def test_the_call_limit_holds_across_one_batch(room: _Room) -> None:
    with Sandbox([double], Limits(host_calls=2)) as sandbox:
        result = sandbox.run(
            "import asyncio\n"
            "try:\n"
            "    await asyncio.gather(double(x=1), double(x=2), double(x=3), double(x=4))\n"
            "except Exception:\n"
            "    pass\n"
            "'swallowed'"
        )
    message = (
        "more than 2 host function calls in one run; call fewer times per snippet (collect "
        "what you need, then answer)"
    )
    assert result.error is not None
    assert (result.error.kind, result.error.message) == ("call_limit", message)
    assert [(call.arguments, call.ok, call.error) for call in result.calls] == [
        ({"x": 1}, True, None),
        ({"x": 2}, True, None),
        ({"x": 3}, False, message),
    ]


def test_the_whole_run_time_holds_across_one_batch() -> None:
    limits = Limits(timeout_s=1.0, run_timeout_s=1.0)
    with Sandbox([nap], limits) as sandbox:
        result = sandbox.run(
            "import asyncio\nawait asyncio.gather(nap(seconds=1.2), nap(seconds=1.2))"
        )
    assert result.error is not None
    assert result.error.kind == "run_timeout"
    assert [call.ok for call in result.calls] == [True, True]  # they ran, and are recorded


def test_sleep_lets_the_other_tasks_run_in_a_fixed_order(sb: Sandbox) -> None:
    result = sb.run(
        "import asyncio\n"
        "async def tick(name, delay):\n"
        "    print(name, 'start')\n"
        "    await asyncio.sleep(delay)\n"
        "    print(name, 'end')\n"
        "    return name\n"
        "await asyncio.gather(tick('slow', 0.05), tick('fast', 0), asyncio.sleep(0, 'x'))"
    )
    assert result.error is None
    assert result.value == ["slow", "fast", "x"]
    assert result.stdout == "slow start\nfast start\nfast end\nslow end\n"


def test_asyncio_run_inside_async_code_is_refused_with_a_hint(sb: Sandbox) -> None:
    assert sb.run("import asyncio\nasync def main():\n    return 1\nasyncio.run(main())").ok
    # A snippet that uses ``await`` at its top level already runs in the loop, all of it.
    result = sb.run(
        "import asyncio\nasync def main():\n    return 1\nasyncio.run(main())\nawait main()"
    )
    assert result.error is not None
    assert result.error.message == (
        "line 4: RuntimeError: asyncio.run() cannot be called from a running event loop: in "
        "async code (or a snippet that uses 'await' at its top level) write 'await main()' "
        "instead"
    )


def test_gather_refuses_what_cannot_be_awaited(sb: Sandbox) -> None:
    result = sb.run("import asyncio\nasyncio.gather(1)")
    assert result.error is not None
    assert result.error.message == (
        "line 2: TypeError: asyncio.gather() takes coroutines (call an 'async def' function), "
        "host function calls made in async code, asyncio.gather(...) or asyncio.sleep(...); "
        "got int"
    )


def test_the_asyncio_stand_in_offers_gather_run_and_sleep_only(sb: Sandbox) -> None:
    result = sb.run("import asyncio\nasyncio.get_event_loop()")
    assert result.error is not None
    assert result.error.message == (
        "line 2: AttributeError: module 'asyncio' has no attribute 'get_event_loop' in the "
        "sandbox; it offers: gather, run, sleep"
    )


def test_a_session_keeps_async_functions_between_runs(sb: Sandbox) -> None:
    with sb.session() as session:
        assert session.run("import asyncio\nasync def twice(x):\n    return await double(x=x)").ok
        assert session.run("await asyncio.gather(twice(1), twice(2))").value == [2, 4]


# -- the policy, on both compile paths -------------------------------------------------------

ACCEPTED = [
    "async def f():\n    return 1",
    "import asyncio\nawait asyncio.sleep(0)",
    "async def f(x):\n    return [await g for g in x]",
]


@pytest.mark.parametrize("source", ACCEPTED)
def test_both_compile_paths_accept_async_def_and_await(source: str) -> None:
    full = compile_snippet(source, max_depth=64, full_only=True)
    either = compile_snippet(source, max_depth=64)
    assert isinstance(full, Compiled) and isinstance(either, Compiled)
    assert (full.path, either.path) == ("restricted", "restricted")


REFUSED = [
    (
        "async def f(x):\n    async for i in x:\n        pass",
        "line 2: AsyncFor statements are not allowed: 'async for' and 'async with' are not "
        "supported; await host function calls, or run several with "
        "'await asyncio.gather(...)'",
    ),
    (
        "async def f(x):\n    async with x:\n        pass",
        "line 2: AsyncWith statements are not allowed: 'async for' and 'async with' are not "
        "supported; await host function calls, or run several with "
        "'await asyncio.gather(...)'",
    ),
    (
        "async def _f():\n    return 1",
        'line 1: "_f" is an invalid variable name because it starts with "_": names and '
        "attributes starting with '_' are private to the sandbox; use the public API (len(x) "
        "instead of x.__len__(), isinstance(x, int) instead of x.__class__)",
    ),
    (
        "async def f():\n    return (await g()).cr_frame",
        'line 2: "cr_frame" is a restricted name, that is forbidden to access in '
        "RestrictedPython: frames, generators, tracebacks and code objects are private",
    ),
]


@pytest.mark.parametrize(("source", "message"), REFUSED)
def test_both_compile_paths_refuse_the_rest_of_async(source: str, message: str) -> None:
    for full_only in (True, False):
        refused = compile_snippet(source, max_depth=64, full_only=full_only)
        assert isinstance(refused, Refused), refused
        assert refused.error["message"] == message


# -- the host side alone: a batch from an untrusted worker --------------------------------------


def test_a_batch_is_answered_in_order_and_bounded_by_the_call_limit() -> None:
    caller = HostCaller({"double": HostFunction.from_callable(double)}, call_limit=3)
    calls: list[Any] = [{"already": "one call"}]
    answer = caller.answer_batch(
        {
            "op": "calls",
            "calls": [
                {"name": "double", "args": {"x": 1}},
                "not a call",
                {"name": "double", "args": {"x": "two"}},
                {"name": "double", "args": {"x": 3}},
                {"name": "double", "args": {"x": 4}},
            ],
        },
        calls,
    )
    limit = (
        "more than 3 host function calls in one run; call fewer times per snippet (collect "
        "what you need, then answer)"
    )
    wrong = (
        "double(): argument 'x' expects int (Input should be a valid integer, unable to parse "
        "string as an integer); got 'two' (str)"
    )
    assert answer == {
        "answers": [
            {"ok": True, "result": 2},
            {"ok": False, "kind": "host_function", "message": "malformed host call"},
            {"ok": False, "kind": "host_function", "message": wrong},
            {"ok": False, "kind": "call_limit", "message": limit},
            {"ok": False, "kind": "call_limit", "message": limit},
        ]
    }
    assert [(record["arguments"], record["error"]) for record in calls[1:]] == [
        ({"x": 1}, None),
        ({"x": "two"}, wrong),
        ({"x": 3}, limit),
    ]


def test_a_batch_that_is_not_a_list_gets_no_answers() -> None:
    caller = HostCaller({"double": HostFunction.from_callable(double)}, call_limit=3)
    calls: list[Any] = []
    assert caller.answer_batch({"op": "calls", "calls": {"name": "double"}}, calls) == {
        "answers": []
    }
    assert calls == []


# -- what async code may not reach ------------------------------------------------------------

ESCAPES = [
    (
        "async def c():\n    pass\n'{0.cr_frame}'.format(c())",
        "line 3: AttributeError: the attribute 'cr_frame' is not accessible in the sandbox; use "
        "the public API",
    ),
    (
        "import asyncio\n"
        "async def main():\n"
        "    pending = double(x=1)\n"
        "    return '{0._sender}'.format(pending)\n"
        "asyncio.run(main())",
        "line 4: AttributeError: the attribute '_sender' is not accessible in the sandbox; use "
        "the public API",
    ),
    (
        "import asyncio\n"
        "async def c():\n"
        "    await asyncio.sleep(0)\n"
        "co = c()\n"
        "co.send(None)\n"
        "co.cr_await",
        'line 6: "cr_await" is a restricted name, that is forbidden to access in '
        "RestrictedPython: frames, generators, tracebacks and code objects are private",
    ),
]


@pytest.mark.parametrize(("source", "message"), ESCAPES)
def test_coroutines_and_pending_calls_keep_their_internals(
    sb: Sandbox, source: str, message: str
) -> None:
    result = sb.run(source)
    assert result.error is not None
    assert result.error.message == message
    assert result.calls == []


def test_a_failed_gather_closes_the_others_without_waiting_for_them(sb: Sandbox) -> None:
    result = sb.run(
        "import asyncio\n"
        "async def late():\n"
        "    try:\n"
        "        await asyncio.sleep(30)\n"
        "    finally:\n"
        "        print('closed')\n"
        "async def fail():\n"
        "    raise ValueError('no')\n"
        "try:\n"
        "    await asyncio.gather(late(), fail())\n"
        "except ValueError as error:\n"
        "    print('caught', error)\n"
        "'done'"
    )
    assert (result.value, result.stdout, result.error) == ("done", "closed\ncaught no\n", None)


def test_gathered_calls_record_when_each_began() -> None:
    """Two calls meet at a barrier (so both began before either could end), then one returns
    at once and the other naps half a second. Their recorded start times are close together
    and each start plus its duration is its end: recording the start at the end instead would
    put the starts half a second apart."""
    barrier = threading.Barrier(2, timeout=10)

    def meet_then_nap(*, seconds: float) -> float:
        """Wait for the other call, then sleep."""
        barrier.wait()
        time.sleep(seconds)
        return seconds

    with Sandbox([meet_then_nap, double], Limits(timeout_s=10)) as sandbox:
        before = time.time_ns()
        result = sandbox.run(
            "import asyncio\n"
            "await asyncio.gather(meet_then_nap(seconds=0.5), meet_then_nap(seconds=0.0))\n"
            "await double(x=1)"
        )
        after = time.time_ns()
    assert result.error is None
    assert [(call.name, call.arguments) for call in result.calls] == [
        ("meet_then_nap", {"seconds": 0.5}),
        ("meet_then_nap", {"seconds": 0.0}),
        ("double", {"x": 1}),
    ]
    starts = [call.started_ns or 0 for call in result.calls]
    ends = [(call.started_ns or 0) + int(call.duration_s * 1e9) for call in result.calls]
    assert all(before <= start <= end <= after for start, end in zip(starts, ends, strict=True))
    slow, quick, last = range(3)
    assert abs(starts[slow] - starts[quick]) < 250_000_000  # both began before the barrier
    assert ends[slow] - ends[quick] > 400_000_000  # the nap came after it
    assert starts[last] >= max(ends[slow], ends[quick]) - 1_000_000  # after the gather


def test_a_call_refused_over_the_limit_has_no_start_time() -> None:
    with Sandbox([double], Limits(host_calls=1)) as sandbox:
        result = sandbox.run("double(x=1)\ndouble(x=2)")
    assert [(call.ok, call.started_ns is None) for call in result.calls] == [
        (True, False),
        (False, True),
    ]


def test_a_session_is_alive_while_its_worker_holds_its_names() -> None:
    with Sandbox([double], Limits(timeout_s=0.5)) as sandbox, sandbox.session() as session:
        assert session.alive is False  # nothing ran yet
        assert session.run("x = 1").ok and session.alive is True
        timed_out = session.run("while True:\n    pass")
        assert (timed_out.error.kind if timed_out.error else None, session.alive) == (
            "timeout",
            False,
        )
        after = session.run("x")
        assert (after.error.kind if after.error else None, session.alive) == ("runtime", True)
