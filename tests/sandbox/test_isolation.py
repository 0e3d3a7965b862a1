"""Runs cannot reach each other (issue 12, section 1) and memory failures end the run (section 5).

A generator suspended inside ``try: ... finally:`` and left in a reference cycle is collected
whenever the garbage collector next runs. Before the fix that was during *another* run on the
same worker: its ``print`` landed in the victim's output and its host calls were recorded (and
executed) on the victim's behalf, even after ``Session.reset()`` and a return to the pool. Each
attack below plants such a generator, then runs a victim on the same worker (a pool of one; the
worker's pid is compared so that the test cannot pass by landing on a fresh process) and checks
that the victim's output and calls are exactly its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from sandbox import Limits, Sandbox

CALLED: list[str] = []


def record(*, text: str) -> None:
    """A host function with a visible effect in the host (stands in for a writing bridge)."""
    CALLED.append(text)


def noop() -> None:
    """Does nothing."""


VICTIM = (
    "junk = [[i] for i in range(300000)]\n"  # enough allocations to set off the collector
    "print('SECRET api_key=xyz')\nnoop()\n'victim'"
)

_SPY = """\
def spy():
    try:
        yield 1
    finally:
        print('ATTACKER WAS HERE')
        record(text='on behalf of whoever runs now')
"""

PLANTS = {
    "cycle-of-lists": _SPY + "def plant():\n    g = spy()\n    next(g)\n    box = [g]\n"
    "    box.append(box)\nplant()\n'planted'",
    "cycle-through-an-object": _SPY + "class Holder:\n    pass\nh = Holder()\nh.me = h\n"
    "h.g = spy()\nnext(h.g)\nh = None\n'planted'",
    "class-attribute": _SPY + "class Holder:\n    pass\nHolder.g = spy()\nnext(Holder.g)\n"
    "'planted'",
    "last-value": _SPY + "g = spy()\nnext(g)\ng",
    "closure-cycle": _SPY + "def plant():\n    g = spy()\n    next(g)\n    def again():\n"
    "        return again, g\n    return 'planted'\nplant()",
    "finalizer-plants-another": "def spy(depth):\n    try:\n        yield 1\n    finally:\n"
    "        if depth < 3:\n            inner = spy(depth + 1)\n            next(inner)\n"
    "            box = [inner]\n            box.append(box)\n"
    "        print('ATTACKER WAS HERE')\n        record(text='again')\n"
    "def plant():\n    g = spy(0)\n    next(g)\n    box = [g]\n    box.append(box)\n"
    "plant()\n'planted'",
}


@pytest.fixture
def box() -> Iterator[Sandbox]:
    CALLED.clear()
    with Sandbox([record, noop], Limits(timeout_s=5.0), pool_size=1) as sandbox:
        yield sandbox


def _worker_pid(sandbox: Sandbox) -> int:
    """The pid of the one idle worker (to prove that the victim ran where the attack did)."""
    (worker,) = sandbox._pool._idle
    return worker.pid


def _assert_victim_clean(sandbox: Sandbox) -> None:
    result = sandbox.run(VICTIM)
    assert result.ok, result.error
    assert result.value == "victim"
    assert result.stdout == "SECRET api_key=xyz\n"
    assert [call.name for call in result.calls] == ["noop"]


@pytest.mark.parametrize("plant", list(PLANTS.values()), ids=list(PLANTS))
def test_a_stateless_run_never_runs_code_in_a_later_run(box: Sandbox, plant: str) -> None:
    planted = box.run(plant)
    assert planted.ok, planted.error
    pid = _worker_pid(box)
    # The attacker's finalizers ran inside the attacker's own run, or not at all.
    calls_in_plant = len(planted.calls)
    assert planted.stdout == "ATTACKER WAS HERE\n" * calls_in_plant
    assert [call.arguments["text"] for call in planted.calls] == CALLED
    for _ in range(3):
        _assert_victim_clean(box)
    assert _worker_pid(box) == pid
    assert len(CALLED) == calls_in_plant


def test_the_finalizers_of_a_stateless_run_run_inside_it(box: Sandbox) -> None:
    planted = box.run(PLANTS["cycle-of-lists"])
    assert planted.stdout == "ATTACKER WAS HERE\n"
    assert [(call.name, call.arguments) for call in planted.calls] == [
        ("record", {"text": "on behalf of whoever runs now"})
    ]


def test_a_session_reset_leaves_nothing_running(box: Sandbox) -> None:
    with box.session() as session:
        planted = session.run(PLANTS["cycle-of-lists"])
        assert planted.ok and planted.stdout == "" and CALLED == []
        session.reset()
        result = session.run(VICTIM)
        assert result.stdout == "SECRET api_key=xyz\n"
        assert [call.name for call in result.calls] == ["noop"]
    # The finalizer ran during the reset, where print and host functions are dead.
    assert CALLED == []


def test_a_closed_session_returns_a_clean_worker_to_the_pool() -> None:
    with Sandbox([record, noop], Limits(timeout_s=5.0), pool_size=2) as sandbox:
        CALLED.clear()
        assert sandbox.run("1").ok
        for _ in range(600):  # the pool fills up in the background: then a closed session's
            if len(sandbox._pool._idle) == 2:  # worker goes back to it (one slot is free)
                break
            time.sleep(0.05)
        with sandbox.session() as session:
            assert session.run(PLANTS["cycle-of-lists"]).ok
            worker = session._worker
            assert worker is not None
        assert sandbox._pool._idle[-1] is worker  # the next stateless run gets this worker
        for _ in range(3):
            _assert_victim_clean(sandbox)
            assert sandbox._pool._idle[-1] is worker
        assert CALLED == []


def test_a_reset_whose_finalizer_never_ends_costs_the_worker_not_the_next_run(
    box: Sandbox,
) -> None:
    spin = (
        "def spy():\n    try:\n        yield 1\n    finally:\n        while True:\n"
        "            pass\ndef plant():\n    g = spy()\n    next(g)\n    box = [g]\n"
        "    box.append(box)\nplant()\n"
    )
    with box.session() as session:
        session.run(spin)
        session.reset()
        assert session.run("1 + 1").value == 2
    _assert_victim_clean(box)


def test_a_stateless_finalizer_that_never_ends_times_out_its_own_run() -> None:
    spin = (
        "def spy():\n    try:\n        yield 1\n    finally:\n        while True:\n"
        "            pass\ndef plant():\n    g = spy()\n    next(g)\n    box = [g]\n"
        "    box.append(box)\nplant()\n'planted'"
    )
    with Sandbox([record, noop], Limits(timeout_s=0.5), pool_size=1) as sandbox:
        result = sandbox.run(spin)
        assert result.error is not None and result.error.kind == "timeout"
        _assert_victim_clean(sandbox)


def test_print_and_host_functions_are_dead_outside_a_run() -> None:
    from sandbox._worker._guards import BUILTINS, STATE
    from sandbox._worker._main import HostProxy

    assert STATE.active is False  # no run is in progress in this (test) process
    with pytest.raises(RuntimeError) as raised:
        BUILTINS["print"]("stolen")
    assert str(raised.value) == "print() is not available outside the run that created it"
    proxy = HostProxy("record", None, worker=None)  # ty: ignore[invalid-argument-type]
    with pytest.raises(RuntimeError) as raised:
        proxy(text="on behalf of nobody")
    assert str(raised.value) == "record() is not available outside the run that created it"
    assert STATE.output == []


# -- memory failures ------------------------------------------------------------------------

_ALLOCATE = "'A' * (10 ** 10)"

SWALLOWED = {
    "except-memory-error": f"try:\n    x = {_ALLOCATE}\nexcept MemoryError:\n    pass\n'survived'",
    "except-exception": f"try:\n    x = {_ALLOCATE}\nexcept Exception as e:\n    print('caught')\n"
    "'survived'",
    "finally-return": f"def f():\n    try:\n        x = {_ALLOCATE}\n    finally:\n"
    "        return 'survived'\nf()",
    "in-a-finalizer": "def g():\n    try:\n        yield 1\n    finally:\n"
    f"        x = {_ALLOCATE}\nk = g()\nnext(k)\nk = None\n'survived'",
    "caught-then-looping": f"try:\n    x = {_ALLOCATE}\nexcept Exception:\n    pass\n"
    "for i in range(3):\n    print(i)\n'survived'",
    "growing-list": "x = []\ntry:\n    while True:\n        x.append('A' * 1000000)\n"
    "except Exception:\n    x = None\n'survived'",
}


@pytest.mark.parametrize("source", list(SWALLOWED.values()), ids=list(SWALLOWED))
def test_a_memory_failure_cannot_be_swallowed(source: str) -> None:
    with Sandbox([noop], Limits(timeout_s=5.0, memory_mb=256)) as sandbox, sandbox.session() as s:
        assert s.run("kept = 'before'").ok
        result = s.run(source)
        assert result.ok is False
        assert result.error is not None
        assert (result.error.kind, result.error.message) == (
            "memory",
            "the snippet ran out of memory (the limit is the sandbox's memory_mb); work on "
            "smaller pieces of data",
        )
        assert result.stdout == ""
        # The worker was retired: the session's variables went with it.
        lost = s.run("kept")
        assert lost.error is not None and lost.error.kind == "runtime"
        assert lost.error.message == "line 1: NameError: name 'kept' is not defined"
        assert s.run("1 + 1").value == 2


def test_other_exceptions_are_still_caught_normally(box: Sandbox) -> None:
    result = box.run(
        "try:\n    1 / 0\nexcept Exception as e:\n    print('caught', e)\nfinally:\n"
        "    print('finally')\n'survived'"
    )
    assert result.ok, result.error
    assert (result.value, result.stdout) == (
        "survived",
        "caught division by zero\nfinally\n",
    )
