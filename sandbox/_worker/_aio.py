"""The ``asyncio`` stand-in: ``gather``, ``run`` and ``sleep`` over a scheduler of its own.

Why: bridges are slow (a type checker, a linter, a test run) and a question often needs several
that do not depend on each other. A model already knows how to say "run these at the same
time"::

    tc, lint, tests = await asyncio.gather(
        typecheck(path="src"), ruff_check(path="src"), pytest_run(path="tests")
    )

In async code (an ``async def`` body, or a snippet that uses ``await`` at its top level) a host
function call does not block: it returns a ``PendingCall``. Awaiting it parks the task; once no
task can go on, the scheduler sends every parked call to the host in one ``calls`` message, the
host runs them at the same time and answers them in order, and each task resumes with its own
result. In ordinary code (and in a plain ``def`` called from async code) a call still blocks
and returns its result, as before.

Not the real ``asyncio``: that one imports ``typing``, sockets and selectors, none of which a
locked-down worker has or needs. Only what a snippet needs is here: coroutines of the snippet's
own ``async def`` functions, ``PendingCall``, ``gather`` (optionally ``return_exceptions``) and
``sleep``. When a gathered awaitable fails (and ``return_exceptions`` is false) the others are
closed at once (real asyncio lets them run on until ``asyncio.run`` ends). A limit abort (call,
output, memory) is never returned as a value: it ends the run.
"""

from __future__ import annotations

import time
import types

from ._readonly import StandInModule

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Generator
    from typing import Any

__all__ = [
    "ASYNCIO",
    "CO_COROUTINE",
    "LOOP",
    "PendingCall",
    "run_coroutine",
]

CO_COROUTINE = 0x0080
"""``inspect.CO_COROUTINE``: the flag of an ``async def`` body, and of a snippet compiled with
top-level ``await`` that uses it."""

_COMPREHENSIONS = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"})
"""Frames that belong to the function around them when deciding whether a call is async
(Python 3.11 gives comprehensions frames of their own; ``gather(*[f(x) for x in xs])``)."""


class _Loop:
    """Whether the scheduler is running (``asyncio.run`` inside it is an error)."""

    __slots__ = ("running",)

    def __init__(self) -> None:
        self.running = False


LOOP = _Loop()


def called_from_async_code(frame: Any, transparent: frozenset[Any]) -> bool:
    """Whether the code that made a call (``frame``) runs as a coroutine driven by the
    scheduler: its own frame, or the function around a comprehension, skipping the guards'
    frames in ``transparent`` (``_apply_`` calls for ``f(*args, **kwargs)``)."""
    while frame is not None:
        code = frame.f_code
        if code in transparent or code.co_name in _COMPREHENSIONS:
            frame = frame.f_back
            continue
        return bool(code.co_flags & CO_COROUTINE)
    return False


class PendingCall:
    """A host function call made in async code: made when awaited, together with every other
    call awaited at the same moment. Awaiting it twice gives the same result."""

    __slots__ = ("_body", "_error", "_finished", "_name", "_proxy", "_result", "_sender")

    def __init__(
        self,
        name: str,
        body: bytes,
        proxy: Any,
        sender: Callable[[list[PendingCall]], None],
    ) -> None:
        self._name = name
        self._body = body
        """The keyword arguments as the JSON bytes of a call message."""
        self._proxy = proxy
        """The host function's proxy (``_main.HostProxy``): it reads the answer."""
        self._sender = sender
        self._finished = False
        self._result: Any = None
        self._error: BaseException | None = None

    def _complete(self, result: Any = None, error: BaseException | None = None) -> None:
        """Set the outcome (the worker's batch sender calls this; private: not for snippets)."""
        self._finished = True
        self._result = result
        self._error = error

    def __await__(self) -> Generator[Any, Any, Any]:
        if not self._finished:
            yield self
        error = self._error
        if error is not None:
            raise error
        return self._result

    def __getattr__(self, attribute: str) -> Any:
        raise AttributeError(self._hint())

    def __iter__(self) -> Any:
        raise TypeError(self._hint())

    def __len__(self) -> int:
        raise TypeError(self._hint())

    def __getitem__(self, key: Any) -> Any:
        raise TypeError(self._hint())

    def __bool__(self) -> bool:
        raise TypeError(self._hint())

    def _hint(self) -> str:
        name = self._name
        return (
            f"{name}(...) was not awaited: in async code (an 'async def', or a snippet that "
            f"uses 'await') host functions are awaitable; write 'await {name}(...)', or "
            f"'await asyncio.gather({name}(...), ...)' to run several at the same time"
        )

    def __repr__(self) -> str:
        return f"<{self._name}(...) not awaited: write 'await {self._name}(...)'>"


class _Sleep:
    __slots__ = ("delay", "result")

    def __init__(self, delay: float, result: Any) -> None:
        self.delay = delay
        self.result = result

    def __await__(self) -> Generator[Any, Any, Any]:
        yield self
        return self.result

    def __repr__(self) -> str:
        return f"<asyncio.sleep({self.delay!r}): await it>"


class _Gather:
    __slots__ = ("awaitables", "return_exceptions")

    def __init__(self, awaitables: tuple[Any, ...], return_exceptions: bool) -> None:
        self.awaitables = awaitables
        self.return_exceptions = return_exceptions

    def __await__(self) -> Generator[Any, Any, Any]:
        return (yield self)

    def __repr__(self) -> str:
        return f"<asyncio.gather() of {len(self.awaitables)}: await it>"


_AWAITABLES = (types.CoroutineType, PendingCall, _Sleep, _Gather)


def _check_awaitable(value: Any, where: str) -> None:
    if not isinstance(value, _AWAITABLES):
        raise TypeError(
            f"{where} takes coroutines (call an 'async def' function), host function calls "
            f"made in async code, asyncio.gather(...) or asyncio.sleep(...); got "
            f"{type(value).__name__}"
        )


def gather(*awaitables: Any, return_exceptions: bool = False) -> _Gather:
    """Run the awaitables at the same time; await it for their results, in order."""
    for item in awaitables:
        _check_awaitable(item, "asyncio.gather()")
    return _Gather(awaitables, bool(return_exceptions))


def sleep(delay: float, result: Any = None) -> _Sleep:
    """Let the other tasks run, for ``delay`` seconds (it counts against the time limit)."""
    if type(delay) not in (int, float):
        raise TypeError(f"asyncio.sleep() takes a number of seconds, got {type(delay).__name__}")
    return _Sleep(max(float(delay), 0.0), result)


def run(main: Any) -> Any:
    """Run a coroutine to its end and return its result."""
    if LOOP.running:
        raise RuntimeError(
            "asyncio.run() cannot be called from a running event loop: in async code (or a "
            "snippet that uses 'await' at its top level) write 'await main()' instead"
        )
    _check_awaitable(main, "asyncio.run()")
    return run_coroutine(main)


async def _awaiting(awaitable: Any) -> Any:
    return await awaitable


class _Group:
    """The children of one awaited ``gather``: their results, and whether it failed."""

    __slots__ = ("failed", "parent", "remaining", "results", "return_exceptions", "tasks")

    def __init__(self, parent: _Task, size: int, return_exceptions: bool) -> None:
        self.parent = parent
        self.remaining = size
        self.results: list[Any] = [None] * size
        self.return_exceptions = return_exceptions
        self.failed = False
        self.tasks: list[_Task] = []


class _Task:
    __slots__ = ("coroutine", "group", "index", "send", "throw")

    def __init__(self, coroutine: Coroutine[Any, Any, Any], group: _Group | None, index: int):
        self.coroutine = coroutine
        self.group = group
        self.index = index
        self.send: Any = None
        self.throw: BaseException | None = None

    def cancelled(self) -> bool:
        group = self.group
        while group is not None:
            if group.failed:
                return True
            group = group.parent.group
        return False


def _fatal(error: BaseException) -> bool:
    """Errors no task may receive as a value or catch: limit aborts and memory exhaustion."""
    return not isinstance(error, Exception) or isinstance(error, MemoryError)


def run_coroutine(main: Any) -> Any:
    """Drive ``main`` (a coroutine or one of this module's awaitables) and every task it
    gathers until ``main`` finishes; return its result or raise its exception."""
    if not isinstance(main, types.CoroutineType):
        main = _awaiting(main)
    root = _Task(main, None, 0)
    outcome: list[Any] = []  # [result] or [None, error] once the root finishes
    ready: list[_Task] = [root]
    calls: list[tuple[_Task, PendingCall]] = []
    sleepers: list[tuple[float, int, _Task]] = []
    counter = 0
    LOOP.running = True
    try:
        while not outcome:
            if ready:
                batch, ready = ready, []
                for task in batch:
                    if not task.cancelled():
                        counter += 1
                        _step(task, ready, calls, sleepers, outcome, counter)
                continue
            if calls:
                _send_calls(calls, ready)
                calls = []
                continue
            if sleepers:
                sleepers.sort(key=lambda item: (item[0], item[1]))
                deadline, _, task = sleepers.pop(0)
                if task.cancelled():
                    continue  # a gather it belonged to failed: nothing to wait for
                pause = deadline - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                ready.append(task)
                continue
            raise RuntimeError("the coroutines are waiting for each other; nothing can run")
    finally:
        LOOP.running = False
    if len(outcome) == 1:
        return outcome[0]
    raise outcome[1]


def _step(
    task: _Task,
    ready: list[_Task],
    calls: list[tuple[_Task, PendingCall]],
    sleepers: list[tuple[float, int, _Task]],
    outcome: list[Any],
    counter: int,
) -> None:
    throw, task.throw = task.throw, None
    send, task.send = task.send, None
    try:
        yielded = task.coroutine.throw(throw) if throw is not None else task.coroutine.send(send)
    except StopIteration as stop:
        _finish(task, stop.value, None, ready, outcome)
        return
    except BaseException as error:
        if _fatal(error):
            raise
        _finish(task, None, error, ready, outcome)
        return
    kind = type(yielded)
    if kind is PendingCall:
        calls.append((task, yielded))
    elif kind is _Sleep:
        sleepers.append((time.monotonic() + yielded.delay, counter, task))
    elif kind is _Gather:
        awaitables = yielded.awaitables
        if not awaitables:
            task.send = []
            ready.append(task)
            return
        group = _Group(task, len(awaitables), yielded.return_exceptions)
        for index, item in enumerate(awaitables):
            coroutine = item if type(item) is types.CoroutineType else _awaiting(item)
            child = _Task(coroutine, group, index)
            group.tasks.append(child)
            ready.append(child)
    else:
        task.throw = RuntimeError(
            f"'await' got {kind.__name__}: in the sandbox, await coroutines of 'async def' "
            "functions, host function calls, asyncio.gather(...) or asyncio.sleep(...)"
        )
        ready.append(task)


def _finish(
    task: _Task,
    result: Any,
    error: BaseException | None,
    ready: list[_Task],
    outcome: list[Any],
) -> None:
    group = task.group
    if group is None:
        outcome.extend((result,) if error is None else (None, error))
        return
    if group.failed:
        return
    parent = group.parent
    if error is not None and not group.return_exceptions:
        group.failed = True
        for sibling in group.tasks:
            if sibling is not task:
                _close(sibling)
        parent.throw = error
        ready.append(parent)
        return
    group.results[task.index] = error if error is not None else result
    group.remaining -= 1
    if not group.remaining:
        parent.send = group.results
        ready.append(parent)


def _close(task: _Task) -> None:
    """Close a cancelled task's coroutine (its ``finally`` blocks run now); what they raise is
    dropped, unless it must end the run."""
    try:
        task.coroutine.close()
    except BaseException as error:
        if _fatal(error):
            raise


def _send_calls(waiting: list[tuple[_Task, PendingCall]], ready: list[_Task]) -> None:
    """Make every parked call (once each, in the order they were awaited) and wake their tasks."""
    pending: list[PendingCall] = []
    seen: set[int] = set()
    for task, call in waiting:
        if not call._finished and id(call) not in seen and not task.cancelled():
            seen.add(id(call))
            pending.append(call)
    if pending:
        pending[0]._sender(pending)
    for task, _call in waiting:
        if not task.cancelled():
            ready.append(task)


ASYNCIO = StandInModule("asyncio", {"gather": gather, "run": run, "sleep": sleep})
"""What ``import asyncio`` gives a snippet."""
