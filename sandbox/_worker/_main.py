"""The worker's main loop: receive a snippet, compile it under the policy, run it, answer.

Messages from the host: ``init`` (once: limits, host function names and result shapes), then
``run`` (``source``, ``session``) and ``reset``. Messages to the host: ``ready`` (after lockdown),
``call`` (a host function call: name and keyword arguments as data) and ``done`` (the outcome).
One run at a time; the host kills the process when a run exceeds its wall time.
"""

from __future__ import annotations

import math
import os
import resource
import sys
import time

from ._guards import (
    BUILTINS,
    STATE,
    HostFunctionError,
    LimitAbort,
    Record,
    make_globals_template,
)
from ._lockdown import lock_down
from ._modules import STAND_INS
from ._policy import FILENAME, VALUE_NAME, compile_snippet, nearest
from ._protocol import encode, encode_body, read_message, write_all
from ._protocol import frame as make_frame

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a worker ~10 ms

if TYPE_CHECKING:
    from typing import Any

__all__ = ["main"]

_COMPILE_RECURSION = 4000
_CACHE_SIZE = 256
_MESSAGE_CHARS = 2000


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
    """What a snippet calls: sends the call to the host as data and waits for the answer."""

    __slots__ = ("_no_arguments", "_prefix", "_shape", "_worker", "name")

    def __init__(self, name: str, shape: Any, worker: Worker) -> None:
        self.name = name
        self._shape = shape
        self._worker = worker
        # The call frame's body is this prefix + the arguments' JSON + "}": no dict to encode.
        self._prefix = b'{"op":"call","name":' + encode_body(name) + b',"args":'
        self._no_arguments = make_frame(self._prefix + b"{}}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self.name
        if args:
            raise TypeError(
                f"{name}() takes keyword arguments only: call it as {name}(argument=value, ...)"
            )
        if STATE.abort is not None:
            raise STATE.abort
        if kwargs:
            arguments = {}
            for key, value in kwargs.items():
                try:
                    arguments[key] = _to_data(value)
                except _NotData:
                    raise TypeError(
                        f"{name}(): argument '{key}' must be plain data (str, int, float, bool, "
                        f"None, list, dict, or a host function result); got {type(value).__name__}"
                    ) from None
            call = make_frame(self._prefix + encode_body(arguments) + b"}")
        else:
            call = self._no_arguments
        worker = self._worker
        # From here until the answer is read, nothing may interrupt: a RecursionError between
        # the write and the read would leave the answer in the pipe for the next request.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + 100)
        try:
            write_all(worker.write_fd, call)
            reply = read_message(worker.read_fd)
        except BaseException:
            worker.retire = (
                True  # the conversation with the host is out of step: stop after this run
            )
            raise
        finally:
            sys.setrecursionlimit(limit)
        if reply.get("ok"):
            return _from_data(reply.get("result"), self._shape)
        message = str(reply.get("message", "the host function failed"))
        if reply.get("kind") == "call_limit":
            raise STATE.fail("call_limit", message)
        raise HostFunctionError(message)

    def __repr__(self) -> str:
        return f"<host function {self.name}>"


class Worker:
    """State of one worker process: limits, host function proxies, session namespace, cache."""

    def __init__(self, init: dict[str, Any], read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd
        limits = init["limits"]
        self.timeout_s = float(limits["timeout_s"])
        self.output_bytes = int(limits["output_bytes"])
        self.nesting_depth = int(limits["nesting_depth"])
        self.recursion_depth = int(limits["recursion_depth"])
        self.value_chars = int(limits["value_chars"])
        self.skip_policy = bool(init.get("unsafe_skip_policy"))
        self.proxies = {
            item["name"]: HostProxy(item["name"], item.get("shape"), self)
            for item in init.get("functions", [])
        }
        self.template = make_globals_template(self.proxies)
        if self.skip_policy:
            import builtins

            self.template = {"__builtins__": builtins, "__name__": "__main__", **self.proxies}
        self.session: dict[str, Any] | None = None
        self.cache: dict[str, Any] = {}
        self.retire = False
        self._cpu_soft = 0
        self._cpu_bound = 0.0  # CPU seconds used is at most this + wall time since _cpu_wall
        self._cpu_wall = 0.0
        self._depth = 0

    def serve(self) -> None:
        read_fd, write_fd = self.read_fd, self.write_fd
        warmed = False
        while True:
            if not warmed:
                warmed = self._warm_up()
            try:
                message = read_message(read_fd)
            except EOFError:
                return
            op = message.get("op")
            if op == "run":
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
                self.session = None
                STATE.snippet_classes = set()
                reply = {"op": "done", "ok": True}
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
        from . import _restricted  # noqa: F401 - imported for its side effect: loaded modules

        return True

    def _compile(self, source: str) -> Any:
        code = self.cache.get(source)
        if code is not None:
            return code
        sys.setrecursionlimit(_COMPILE_RECURSION)
        compiled = compile_snippet(
            source, max_depth=self.nesting_depth, skip_policy=self.skip_policy
        )
        if not isinstance(compiled, dict):
            if len(self.cache) >= _CACHE_SIZE:
                self.cache.clear()
            self.cache[source] = compiled
        return compiled

    def run(self, source: str, *, session: bool) -> dict[str, Any]:
        compiled = self._compile(source)
        if isinstance(compiled, dict):
            return {"op": "done", "ok": False, "error": compiled, "stdout": ""}
        if session:
            namespace = self.session
            if namespace is None:
                namespace = self.session = dict(self.template)
        else:
            namespace = dict(self.template)
            STATE.snippet_classes = set()
        STATE.begin(output_limit=self.output_bytes)
        self._arm_cpu_limit()
        depth = self._depth or _stack_depth()
        self._depth = depth
        error: dict[str, Any] | None = None
        sys.setrecursionlimit(depth + self.recursion_depth + 25)
        code, tail = compiled
        value = None
        try:
            exec(code, namespace)
            if tail is not None:
                value = eval(tail, namespace)
        except LimitAbort:
            pass
        except MemoryError:
            self.retire = True
            error = _error(
                "memory",
                "the snippet ran out of memory (the limit is the sandbox's memory_mb); work "
                "on smaller pieces of data",
            )
        except BaseException as raised:
            error = self._runtime_error(raised, source)
        finally:
            sys.setrecursionlimit(_COMPILE_RECURSION)
        abort = STATE.abort
        if abort is not None:
            error = _error(abort.kind, abort.message)
        stdout = "".join(STATE.output)
        if tail is None:
            value = namespace.pop(VALUE_NAME, None)
        if error is not None:
            return {"op": "done", "ok": False, "error": error, "stdout": stdout}
        return {"op": "done", "ok": True, "value": self._value(value), "stdout": stdout}

    def _value(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is int or kind is bool:
            if kind is int and value.bit_length() > 4000:
                return _safe_repr(value, self.value_chars)
            return value
        if kind is str:
            return value if len(value) <= self.value_chars else _bounded(value, self.value_chars)
        try:
            data = _to_data(value)
        except (_NotData, RecursionError):
            return _safe_repr(value, self.value_chars)
        return data

    def _runtime_error(self, raised: BaseException, source: str) -> dict[str, Any]:
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
            known = [*self.proxies, *BUILTINS, *STAND_INS]
            guess = nearest(str(raised.name), known)
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
) -> dict[str, Any]:
    return {"kind": kind, "message": message, "line": line, "traceback": traceback}


def _stack_depth() -> int:
    depth = 0
    frame: Any = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def main(read_fd: int, write_fd: int) -> None:
    """Entry point: read ``init``, lock down, announce ``ready``, serve until the pipe closes."""
    init = read_message(read_fd)
    worker = Worker(init, read_fd, write_fd)
    info = lock_down(
        memory_mb=int(init["limits"]["memory_mb"]), allow_seccomp=not init.get("no_seccomp")
    )
    write_all(write_fd, encode({"op": "ready", "pid": os.getpid(), **info}))
    worker.serve()
