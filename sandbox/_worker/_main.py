"""The worker's main loop: receive a snippet, compile it under the policy, run it, answer.

Messages from the host: ``init`` (once: limits, host function names and result shapes), then
``run`` (``source``, ``session``) and ``reset``. Messages to the host: ``ready`` (after lockdown),
``call`` (a host function call: name and keyword arguments as data) and ``done`` (the outcome).
One run at a time; the host kills the process when a run exceeds its wall time.
"""

from __future__ import annotations

import gc
import math
import os
import resource
import sys
import time
from types import FunctionType

from ._aio import CO_COROUTINE, LOOP, PendingCall, called_from_async_code, run_coroutine
from ._clock import CLOCK, FROZEN_TIME, SEED
from ._compiled import FILENAME, VALUE_NAME, Refused
from ._denials import nearest
from ._errors import HostFunctionError
from ._frames import encode, encode_body, frame as make_frame, write_all
from ._guards import BUILTINS, MEMORY_MESSAGE, guarded_apply, make_globals_template
from ._lockdown import lock_down
from ._modules import STAND_INS
from ._policy import compile_snippet
from ._readonly import Record
from ._restricted import preload
from ._saved import (
    NotSaved,
    decode_value,
    definition_source,
    encode_value,
    is_single_definition,
    stand_in_member,
)
from ._state import STATE, LimitAbort, WorkerCaches
from ._stdlib import reseed

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType
    from typing import Any, TypeAlias

    from ._messages import (
        CallAnswer,
        DoneMessage,
        ErrorData,
        InitMessage,
        ReadyMessage,
        RestoreMessage,
        Shape,
    )

    _Ready: TypeAlias = tuple[CodeType, CodeType | None, bool]
    """Compiled code, its last expression (or ``None``), and whether it has handlers."""

__all__ = ["main"]

_COMPILE_RECURSION = 4000
_CACHE_SIZE = 256
_MESSAGE_CHARS = 2000
_COLLECT_ROUNDS = 8
"""Garbage collections after a stateless run before the worker gives up on it (a finalizer
that keeps making new garbage with finalizers): the worker is then retired, not reused."""


class _NotData(Exception):
    pass


def _to_data(value: Any, depth: int = 0) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value
    if kind is int:
        if value.bit_length() > 4000:
            raise _NotData
        return value
    if kind is float:
        if math.isfinite(value):
            return value
        raise _NotData
    if depth > 60:
        raise _NotData
    if kind is list or kind is tuple:
        return [_to_data(item, depth + 1) for item in value]
    if kind is dict:
        result = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotData
            result[key] = _to_data(item, depth + 1)
        return result
    if kind is Record:
        return _to_data(object.__getattribute__(value, "_fields"), depth + 1)
    raise _NotData


def _capped_data(value: Any, budget: list[int], depth: int = 0) -> Any:
    """``_to_data`` for a last-expression value, kept to about ``budget[0]`` characters of JSON.

    A value is shown to a person and read by the model, so ``list(range(10**6))`` must not
    become megabytes: once the budget is spent, a list ends with a note string
    ``"... (N more items)"``, a dict with a ``"..."`` key ``"(N more keys)"``, a string with
    ``"... (N more characters)"``. The shape stays data (a list stays a list), and the note
    says how much was cut. Each scalar costs its printed length plus two for the separator.
    """
    kind = type(value)
    if value is None or kind is bool:
        budget[0] -= 6
        return value
    if kind is str:
        room = max(budget[0], 0)
        budget[0] -= len(value) + 4
        return value if len(value) <= room else _bounded(value, room)
    if kind is int or kind is float:
        if kind is int and value.bit_length() > 4000:
            raise _NotData
        if kind is float and not math.isfinite(value):
            raise _NotData
        budget[0] -= len(repr(value)) + 2
        return value
    if depth > 60:
        raise _NotData
    budget[0] -= 2
    if kind is list or kind is tuple:
        items: list[Any] = []
        for index, item in enumerate(value):
            if budget[0] <= 0:
                items.append(f"... ({len(value) - index} more items)")
                break
            items.append(_capped_data(item, budget, depth + 1))
        return items
    if kind is Record:
        value = object.__getattribute__(value, "_fields")
        kind = type(value)
    if kind is dict:
        result: dict[str, Any] = {}
        for index, (key, item) in enumerate(value.items()):
            if type(key) is not str:
                raise _NotData
            if budget[0] <= 0:
                result["..."] = f"({len(value) - index} more keys)"
                break
            budget[0] -= len(key) + 4
            result[key] = _capped_data(item, budget, depth + 1)
        return result
    raise _NotData


def _from_data(data: Any, shape: Any) -> Any:
    if shape is None or data is None:
        return data
    kind = type(data)
    if kind is dict:
        model = shape.get("m")
        if model is not None:
            fields = shape["f"]
            return Record(model, {k: _from_data(v, fields.get(k)) for k, v in data.items()})
        values = shape.get("d")
        if values is not None:
            return {k: _from_data(v, values) for k, v in data.items()}
        return data
    if kind is list:
        items = shape.get("l")
        if items is not None:
            return [_from_data(item, items) for item in data]
    return data


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"... ({len(text) - limit} more characters)"


def _safe_repr(value: Any, limit: int) -> str:
    try:
        text = repr(value)
    except Exception as error:
        text = f"<{type(value).__name__} object (repr failed: {type(error).__name__})>"
    return _bounded(text, limit)


class HostProxy:
    """What a snippet calls: sends the call to the host as data and waits for the answer.

    Called from async code while the scheduler runs (``_aio``), it returns a ``PendingCall``
    instead, made when awaited, together with the other tasks' calls (``Worker.send_calls``).
    """

    __slots__ = ("_item_prefix", "_no_arguments", "_prefix", "_shape", "_worker", "name")

    def __copy__(self) -> HostProxy:
        return self  # copy.copy/deepcopy (and dataclasses.asdict) must not walk the Worker

    def __deepcopy__(self, memo: dict[int, object]) -> HostProxy:
        return self

    def __init__(self, name: str, shape: Shape, worker: Worker) -> None:
        self.name = name
        self._shape = shape
        self._worker = worker
        # The call frame's body is this prefix + the arguments' JSON + "}": no dict to encode.
        self._prefix = b'{"op":"call","name":' + encode_body(name) + b',"args":'
        self._item_prefix = b'{"name":' + encode_body(name) + b',"args":'
        self._no_arguments = make_frame(self._prefix + b"{}}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self.name
        if args:
            raise TypeError(
                f"{name}() takes keyword arguments only: call it as {name}(argument=value, ...)"
            )
        state = STATE
        if not state.active:
            state.check_active(f"{name}()")
        if state.abort is not None:
            raise state.abort
        worker = self._worker
        body = b"{}"
        if kwargs:
            arguments = {}
            for key, value in kwargs.items():
                try:
                    arguments[key] = _to_data(value)
                except _NotData:
                    raise TypeError(
                        f"{name}(): argument '{_bounded(key, 80)}' must be plain data (str, "
                        "int, float, bool, None, list, dict, or a host function result); got "
                        f"{type(value).__name__}"
                    ) from None
            body = encode_body(arguments)
            if len(body) > worker.argument_bytes:
                raise HostFunctionError(
                    f"{name}(): the arguments are {len(body)} bytes of data; the limit is "
                    f"{worker.argument_bytes}: pass smaller values (a path instead of the "
                    "content, a few items instead of all)"
                )
            call = make_frame(self._prefix + body + b"}")
        else:
            call = self._no_arguments
        if LOOP.running and called_from_async_code(sys._getframe(1), _TRANSPARENT):
            return PendingCall(name, body, self, worker.send_calls)
        # The hot path (a loop of calls): ``Worker.exchange`` inlined.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + 100)
        try:
            write_all(worker.write_fd, call)
            reply = worker.caches.reader.read_answer()
        except BaseException:
            worker.retire = True  # the conversation with the host is out of step
            raise
        finally:
            sys.setrecursionlimit(limit)
        if reply["ok"]:
            return _from_data(reply["result"], self._shape)
        return self.outcome(reply)

    def outcome(self, reply: CallAnswer) -> Any:
        """The snippet's value for the host's answer: a failed call raises
        ``HostFunctionError``, a limit (calls, the whole run's time) aborts the run."""
        if reply["ok"]:
            return _from_data(reply["result"], self._shape)
        message = str(reply.get("message", "the host function failed"))
        kind = reply["kind"]
        if kind == "call_limit" or kind == "run_timeout":
            raise STATE.fail(kind, message)
        raise HostFunctionError(message)

    def __repr__(self) -> str:
        return f"<host function {self.name}>"


_TRANSPARENT = frozenset({guarded_apply.__code__})
"""Frames between a snippet's call and the proxy that are not the snippet's (``_apply_``)."""


class Worker:
    """State of one worker process: limits, host function proxies, session namespace, the
    compiled-code cache and the process's other caches (``WorkerCaches``, given by ``main``)."""

    def __init__(self, init: InitMessage, caches: WorkerCaches, write_fd: int) -> None:
        self.caches = caches
        self.read_fd = caches.reader.fd
        self.write_fd = write_fd
        limits = init["limits"]
        self.timeout_s = float(limits["timeout_s"])
        self.output_bytes = int(limits["output_bytes"])
        self.nesting_depth = int(limits["nesting_depth"])
        self.recursion_depth = int(limits["recursion_depth"])
        self.value_chars = int(limits["value_chars"])
        self.argument_bytes = int(limits.get("argument_bytes", 1024 * 1024))
        self.skip_policy = bool(init.get("unsafe_skip_policy"))
        self.deterministic = bool(init.get("deterministic"))
        if self.deterministic:
            CLOCK.frozen = FROZEN_TIME
        self.proxies = {
            item["name"]: HostProxy(item["name"], item.get("shape"), self)
            for item in init.get("functions", [])
        }
        self.template = make_globals_template(self.proxies)
        if self.skip_policy:
            import builtins

            self.template = {"__builtins__": builtins, "__name__": "__main__", **self.proxies}
        self.session: dict[str, Any] | None = None
        self.cache: dict[str, _Ready] = {}
        self.retire = False
        self.definitions: dict[str, tuple[Any, str, int]] = {}
        """The session's own functions and classes: name -> (the object, the snippet that
        bound it, when); what ``dump`` saves as source (``_saved``)."""
        self._defined = 0
        self._cpu_soft = 0
        self._cpu_bound = 0.0  # CPU seconds used is at most this + wall time since _cpu_wall
        self._cpu_wall = 0.0
        self._depth = 0

    def exchange(self, frame: bytes, read: Callable[[], Any]) -> Any:
        """Send one call frame and read the host's answer with ``read``."""
        # From here until the answer is read, nothing may interrupt: a RecursionError between
        # the write and the read would leave the answer in the pipe for the next request.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + 100)
        try:
            write_all(self.write_fd, frame)
            return read()
        except BaseException:
            self.retire = True  # the conversation with the host is out of step: stop after this run
            raise
        finally:
            sys.setrecursionlimit(limit)

    def send_calls(self, pending: list[PendingCall]) -> None:
        """Make the calls parked by async tasks: one ``call`` message for one, else one
        ``calls`` message that the host answers at once, in order (it runs them concurrently).
        Each call gets its value or its ``HostFunctionError``; a limit aborts the run."""
        reader = self.caches.reader
        if len(pending) == 1:
            only = pending[0]
            frame = make_frame(only._proxy._prefix + only._body + b"}")
            answers = [self.exchange(frame, reader.read_answer)]
        else:
            items = [call._proxy._item_prefix + call._body + b"}" for call in pending]
            frame = make_frame(b'{"op":"calls","calls":[' + b",".join(items) + b"]}")
            answers = self.exchange(frame, reader.read_answers)["answers"]
        for call, answer in zip(pending, answers, strict=True):
            try:
                call._complete(call._proxy.outcome(answer))
            except HostFunctionError as failed:
                call._complete(None, failed)

    def serve(self) -> None:
        write_fd = self.write_fd
        read_request = self.caches.reader.read_request
        warmed = False
        while True:
            if not warmed:
                warmed = self._warm_up()
            try:
                message = read_request()
            except EOFError:
                return
            op = message["op"]
            reply: DoneMessage
            if message["op"] == "run":  # indexing the message (not ``op``) narrows its type
                try:
                    reply = self.run(message["source"], session=bool(message.get("session")))
                except BaseException as failure:  # a bug or exhaustion in the worker's own code
                    self.retire = True
                    reply = {
                        "op": "done",
                        "ok": False,
                        "error": _error(
                            "crash",
                            f"the worker failed while running the snippet "
                            f"({type(failure).__name__}); simplify the snippet",
                        ),
                        "stdout": "",
                    }
            elif op == "reset":
                reply = self.reset()
            elif message["op"] == "dump":
                reply = self.dump()
            elif message["op"] == "restore":
                reply = self.restore(message)
            else:
                reply = {"op": "done", "ok": False, "error": _error("crash", f"unknown op {op}")}
            if self.retire:
                reply["retire"] = True
            try:
                data = encode(reply)
            except (ValueError, TypeError, RecursionError):
                reply["value"] = "<value could not be encoded>"
                data = encode(reply)
            write_all(write_fd, data)
            if self.retire:
                return

    def _arm_cpu_limit(self) -> None:
        """Keep ``RLIMIT_CPU`` a little above what this run may use (a backstop: the host kills
        the worker at the wall-time limit first). Re-armed only when the margin runs low.

        Reading the process CPU clock is a system call; the worker has one thread, so the CPU
        it used since the last reading is at most the wall time since then (a vDSO read): the
        real clock is read only when that upper bound gets near the margin.
        """
        now = time.monotonic()
        if self._cpu_bound + (now - self._cpu_wall) + self.timeout_s + 2 <= self._cpu_soft:
            return
        used = time.process_time()
        self._cpu_bound, self._cpu_wall = used, now
        if used + self.timeout_s + 2 <= self._cpu_soft:
            return
        self._cpu_soft = int(used + self.timeout_s + 30)
        try:  # noqa: SIM105 - contextlib would cost the worker's start-up an import
            resource.setrlimit(resource.RLIMIT_CPU, (self._cpu_soft, resource.RLIM_INFINITY))
        except (ValueError, OSError):
            pass

    def _warm_up(self) -> bool:
        """Load the full policy while idle, so the first snippet that needs it does not wait.

        Returns ``False`` (try again later) when a request is already waiting.
        """
        import select

        if select.select([self.read_fd], [], [], 0)[0]:
            return False
        preload()

        # Everything alive now is the worker's own: move it out of the collector's sight so that
        # the collection after every stateless run only walks what that run created.
        gc.collect()
        gc.freeze()
        return True

    def _new_namespace(self) -> dict[str, Any]:
        """A fresh namespace; in a deterministic sandbox, ``random`` starts again from ``SEED``
        (``_clock``) with every one, so a run does not depend on what the worker ran before."""
        if self.deterministic:
            reseed(SEED)
        return dict(self.template)

    def _compile(self, source: str) -> _Ready | Refused:
        ready = self.cache.get(source)
        if ready is not None:
            return ready
        sys.setrecursionlimit(_COMPILE_RECURSION)
        compiled = compile_snippet(
            source,
            max_depth=self.nesting_depth,
            plain_names=self.caches.plain_names,
            skip_policy=self.skip_policy,
        )
        if isinstance(compiled, Refused):
            return compiled
        code, tail = compiled.code, compiled.tail
        ready = (code, tail, _has_handlers(code) or _has_handlers(tail))
        if len(self.cache) >= _CACHE_SIZE:
            self.cache.clear()
        self.cache[source] = ready
        return ready

    def run(self, source: str, *, session: bool) -> DoneMessage:
        compiled = self._compile(source)
        if isinstance(compiled, Refused):
            return {"op": "done", "ok": False, "error": compiled.error, "stdout": ""}
        if session:
            namespace = self.session
            if namespace is None:
                namespace = self.session = self._new_namespace()
        else:
            namespace = self._new_namespace()
        STATE.begin(output_limit=self.output_bytes)
        self._arm_cpu_limit()
        depth = self._depth or _stack_depth()
        self._depth = depth
        error: ErrorData | None = None
        sys.setrecursionlimit(depth + self.recursion_depth + 25)
        code, tail, handlers = compiled
        value = data = None
        try:
            try:
                if code.co_flags & CO_COROUTINE:  # top-level ``await``: drive it
                    run_coroutine(eval(code, namespace))
                else:
                    exec(code, namespace)
                if tail is not None:
                    value = eval(tail, namespace)
                    if tail.co_flags & CO_COROUTINE:
                        value = run_coroutine(value)
            except LimitAbort:
                pass
            except MemoryError:
                STATE.fail("memory", MEMORY_MESSAGE)
            except BaseException as raised:
                error = self._runtime_error(raised, source)
            if tail is None:
                value = namespace.pop(VALUE_NAME, None)
            if error is None and STATE.abort is None:
                data = self._value(value)
            value = None
            if not session:  # its finalizers run now, inside this run, or never
                namespace = None
                self._collect(full=handlers)
            elif "def" in source or "class" in source:
                self._remember_definitions(namespace, source)
        finally:
            sys.setrecursionlimit(_COMPILE_RECURSION)
        abort = STATE.abort
        if abort is not None:
            error = _error(abort.kind, abort.message)
            if abort.kind == "memory":
                self.retire = True  # its heap is no longer trustworthy
        stdout = "".join(STATE.output)
        STATE.end()
        if error is not None:
            return {"op": "done", "ok": False, "error": error, "stdout": stdout}
        return {"op": "done", "ok": True, "value": data, "stdout": stdout}

    def _remember_definitions(self, namespace: dict[str, Any], source: str) -> None:
        """Note which snippet bound each of the session's functions and classes (a session
        run whose source mentions ``def`` or ``class``; an alias or a lambda is noted too,
        and skipped by ``dump``)."""
        definitions = self.definitions
        for name, value in namespace.items():
            kind = type(value)
            if kind is FunctionType:
                if value.__code__.co_filename != FILENAME:
                    continue
            elif not (isinstance(value, type) and value.__dict__.get("__module__") == "snippet"):
                continue
            known = definitions.get(name)
            if known is None or known[0] is not value:
                self._defined += 1
                definitions[name] = (value, source, self._defined)

    def dump(self) -> DoneMessage:
        """The session namespace as data (``_saved``): ``names`` (tagged values),
        ``definitions`` (``[name, source]`` in the order they were made) and ``skipped``
        (name -> why it cannot be saved)."""
        names: dict[str, Any] = {}
        made: list[tuple[int, str, str]] = []
        skipped: dict[str, str] = {}
        template = self.template
        for name, value in (self.session or {}).items():
            if name[:1] == "_" or template.get(name, _ABSENT) is value:
                continue
            if name in self.proxies:
                skipped[name] = "it hides the host function of that name"
                continue
            known = self.definitions.get(name)
            if known is not None and known[0] is value:
                text = definition_source(known[1], name)
                if text is not None:
                    made.append((known[2], name, text))
                    continue
            if (type(value) is FunctionType or isinstance(value, type)) and (
                stand_in_member(value) is None
            ):
                skipped[name] = (
                    "not bound by a top-level 'def' or 'class' statement of that name (a "
                    "lambda, an alias, or a definition inside a block)"
                )
                continue
            try:
                names[name] = encode_value(value)
            except (NotSaved, RecursionError) as error:
                skipped[name] = str(error) or "data nested too deeply"
        made.sort()
        value = {
            "names": names,
            "definitions": [[name, text] for _, name, text in made],
            "skipped": skipped,
        }
        return {"op": "done", "ok": True, "value": value}

    def restore(self, message: RestoreMessage) -> DoneMessage:
        """A new session namespace from a saved one (validated by the host): bind the data,
        then replay each definition as a session snippet, under the policy."""
        self.session = namespace = self._new_namespace()
        self.definitions = {}
        for name, tree in message["names"].items():
            try:
                namespace[name] = decode_value(tree)
            except Exception as error:  # e.g. a name a stand-in no longer offers
                return _restore_failed(
                    f"the value of {name!r} could not be rebuilt ({type(error).__name__}: "
                    f"{_bounded(str(error), 300)})"
                )
        for name, text in message["definitions"]:
            if not is_single_definition(text, name):
                return _restore_failed(
                    f"the definition saved for {name!r} is not one 'def' or 'class' statement "
                    "of that name"
                )
            reply = self.run(text, session=True)
            if not reply["ok"]:
                error = reply.get("error")
                reason = error["message"] if error is not None else "it failed"
                return _restore_failed(f"replaying the definition of {name!r} failed: {reason}")
        return {"op": "done", "ok": True}

    def reset(self) -> DoneMessage:
        """Forget the session; run what it left behind now, with ``print`` and host calls dead.

        The process's caches are reset here too, where the run state is: the next session
        starts from what a fresh worker knows (the compiled-code cache aside: it maps source
        text to code, whatever the session)."""
        self.session = None
        self.definitions = {}
        self.caches.reset()
        sys.setrecursionlimit((self._depth or _stack_depth()) + self.recursion_depth + 25)
        try:
            self._collect()
        finally:
            sys.setrecursionlimit(_COMPILE_RECURSION)
        abort = STATE.abort
        if abort is not None and abort.kind == "memory":
            self.retire = True
        STATE.end()
        return {"op": "done", "ok": True}

    def _collect(self, *, full: bool = True) -> None:
        """Collect every cycle a dropped namespace left, so that the finalizers of what a run
        created (a generator's ``finally:``) run now, never during a later run. The namespace
        is not cleared first: a finalizer still needs its globals (``print``, the guards).

        Only code with exception handlers (``try``, ``with``) can run when a generator is
        collected, so a run without any (``full=False``) skips the collection: a full one costs
        a sizeable share of a warm ``1+1``. A run whose garbage keeps making new garbage retires
        the worker instead.
        """
        STATE.snippet_classes = set()
        if not full:
            return
        for _ in range(_COLLECT_ROUNDS):
            if not gc.collect():
                return
        self.retire = True

    def _value(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is int or kind is bool:
            if kind is int and value.bit_length() > 4000:
                return _safe_repr(value, self.value_chars)
            return value
        if kind is str:
            return value if len(value) <= self.value_chars else _bounded(value, self.value_chars)
        try:
            data = _capped_data(value, [self.value_chars])
        except (_NotData, RecursionError):
            return _safe_repr(value, self.value_chars)
        return data

    def _runtime_error(self, raised: BaseException, source: str) -> ErrorData:
        frames: list[tuple[str, int]] = []
        tb = raised.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename == FILENAME:
                frames.append((code.co_name, tb.tb_lineno))
            tb = tb.tb_next
        line = frames[-1][1] if frames else None
        kind_name = type(raised).__name__
        text = _bounded(str(raised), _MESSAGE_CHARS)
        if isinstance(raised, HostFunctionError):
            where = f"line {line}: " if line else ""
            return _error("host_function", f"{where}{text}", line)
        if isinstance(raised, RecursionError):
            text = (
                f"maximum recursion depth exceeded (the sandbox allows about "
                f"{self.recursion_depth} nested calls); use a loop instead"
            )
        elif isinstance(raised, NameError) and getattr(raised, "name", None):
            missing = str(raised.name)
            if missing in STAND_INS:  # "did you mean 'math'?" would name the very same word
                text += f"; '{missing}' is a module: add `import {missing}` first"
            else:
                guess = nearest(missing, [*self.proxies, *BUILTINS, *STAND_INS])
                if guess:
                    text += f"; did you mean '{guess}'?"
        where = f"line {line}: " if line else ""
        lines = source.splitlines()
        trace: list[str] = []
        previous: tuple[str, int] | None = None
        repeats = 0
        for frame in frames[-50:]:
            if frame == previous:
                repeats += 1
                continue
            if repeats:
                trace.append(f"  (the line above repeated {repeats} more times)")
                repeats = 0
            previous = frame
            name, number = frame
            code_line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
            scope = "the snippet" if name == "<module>" else f"{name}()"
            trace.append(f"line {number}, in {scope}: {code_line}")
        if repeats:
            trace.append(f"  (the line above repeated {repeats} more times)")
        return _error(
            "runtime",
            f"{where}{kind_name}: {text}",
            line,
            traceback="\n".join(trace) if trace else None,
        )


def _error(
    kind: str, message: str, line: int | None = None, traceback: str | None = None
) -> ErrorData:
    return {"kind": kind, "message": message, "line": line, "traceback": traceback}


def _restore_failed(message: str) -> DoneMessage:
    return {"op": "done", "ok": False, "error": _error("policy", message), "stdout": ""}


_ABSENT = object()


def _has_handlers(code: CodeType | None) -> bool:
    """Whether ``code`` or a code object nested in it has an exception handler (``try``,
    ``with``): the only way snippet code runs when a suspended generator is collected."""
    if code is None:
        return False
    if code.co_exceptiontable:
        return True
    return any(hasattr(item, "co_code") and _has_handlers(item) for item in code.co_consts)


def _unraisable(info: Any) -> None:
    """Errors nobody can catch (in a finalizer run by the collector): a memory failure there
    still fails the run and retires the worker; anything else is dropped silently."""
    if isinstance(info.exc_value, MemoryError) or (
        isinstance(info.exc_value, LimitAbort) and info.exc_value.kind == "memory"
    ):
        STATE.fail("memory", MEMORY_MESSAGE)


def _stack_depth() -> int:
    depth = 0
    frame: Any = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def main(read_fd: int, write_fd: int) -> None:
    """Entry point: read ``init``, lock down, announce ``ready``, serve until the pipe closes."""
    sys.unraisablehook = _unraisable
    caches = WorkerCaches(read_fd)  # one per process, created before anything is read
    init = caches.reader.read_init()
    worker = Worker(init, caches, write_fd)
    info = lock_down(
        memory_mb=int(init["limits"]["memory_mb"]), allow_seccomp=not init.get("no_seccomp")
    )
    ready: ReadyMessage = {
        "op": "ready",
        "pid": os.getpid(),
        "seccomp": info["seccomp"],
        "landlock": info["landlock"],
        "rlimits": info["rlimits"],
    }
    write_all(write_fd, encode(ready))
    worker.serve()
