"""Answering a snippet's host function calls on the host: validate, run, validate, record.

A call arrives as data (name and keyword arguments parsed from the worker's JSON). The arguments
are validated against the function's ``argument_model`` (an error names the argument, the type
it expects and the value it got, written for a model), the callable runs, its return value is
validated against the result type and turned into JSON data, and every call is recorded for
``RunResult.calls``. This runs once per call, thousands of times per run in a loop, so each
function's validator is looked up once (``HostCaller``) and pydantic-core is called directly.
"""

from __future__ import annotations

import reprlib
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator

from sandbox._host import HostFunction, HostFunctionError
from sandbox._worker._denials import nearest
from sandbox._worker._messages import CallAnswer, CallAnswers, CallFailure

__all__ = ["HostCaller"]

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80

_MALFORMED: CallFailure = {"ok": False, "kind": "host_function", "message": "malformed host call"}
_RECORD_CHARS = 64 * 1024
"""Characters of argument data kept in one call's record (``RunResult.calls``): a loop sending
20 MB per call once kept every copy and took the host to 627 MB."""
_RECORD_DEPTH = 20
_NAME_CHARS = 80
"""Longest argument name quoted in an error message (the rest is elided)."""


class _Prepared:
    """One host function with its argument validator looked up once."""

    __slots__ = ("function", "host", "no_arguments", "validate_arguments")

    def __init__(self, host: HostFunction) -> None:
        self.host = host
        self.function = host.function
        model = host.argument_model
        decorators = model.__pydantic_decorators__
        # Nothing to validate when the model has no fields, no model-level validators and no
        # post-init hook, and the call gave no arguments (any argument goes to the validator).
        self.no_arguments = (
            not model.model_fields
            and not decorators.model_validators
            and not decorators.root_validators
            and getattr(model, "__pydantic_post_init__", None) is None
        )
        validator = model.__pydantic_validator__
        self.validate_arguments: Callable[[Any], BaseModel] = (
            validator.validate_python
            if isinstance(validator, SchemaValidator)
            else model.model_validate  # a model built lazily (``defer_build``)
        )


class HostCaller:
    """Answers the host calls of one sandbox's runs; stateless and thread-safe."""

    __slots__ = ("_functions", "_limit")

    def __init__(self, functions: Mapping[str, HostFunction], call_limit: int) -> None:
        self._functions = {name: _Prepared(function) for name, function in functions.items()}
        self._limit = call_limit

    def answer(self, message: Mapping[str, Any], calls: list[Any]) -> CallAnswer:
        """Run one call from ``message`` (a ``CallMessage`` as the worker sent it: nothing in
        it is trusted) and return the reply for the worker.

        ``calls`` collects one record per call as plain dicts (validated into ``HostCall``
        once, with the whole ``RunResult``).
        """
        name = message.get("name")
        arguments = message.get("args")
        if type(name) is not str or type(arguments) is not dict:
            return _MALFORMED
        if len(calls) >= self._limit:
            record, answer = self._over_limit(name, arguments)
        else:
            record, answer = self._call(name, arguments)
        calls.append(record)
        return answer

    def answer_batch(self, message: Mapping[str, Any], calls: list[Any]) -> CallAnswers:
        """Run the calls of a ``CallsMessage`` (several calls a snippet awaited at the same
        time, ``asyncio.gather``) concurrently, each on a thread of its own, and return their
        answers in the order they came; records are appended in that order too.

        The call limit holds: only as many calls as the run has left are made, the others
        are answered ``call_limit`` (and the first of them recorded), as a sequence of single
        calls would be. Each host function's own timeout is its own business, as for a
        single call; the worker's clock is paused meanwhile (``WorkerProcess.request``).
        """
        items = message.get("calls")
        if type(items) is not list:
            return {"answers": []}
        room = self._limit - len(calls)
        answers: list[CallAnswer] = []
        records: list[Any] = []
        work: list[tuple[int, str, dict[str, Any]]] = []
        over = False
        for item in items:
            name = item.get("name") if type(item) is dict else None
            arguments = item.get("args") if type(item) is dict else None
            if type(name) is not str or type(arguments) is not dict:
                answers.append(_MALFORMED)
                continue
            if len(work) >= room:
                record, answer = self._over_limit(name, arguments)
                if not over:
                    records.append((len(answers), record))
                    over = True
                answers.append(answer)
                continue
            work.append((len(answers), name, arguments))
            answers.append(_MALFORMED)  # replaced below
        if len(work) == 1:
            index, name, arguments = work[0]
            done = [self._call(name, arguments)]
        elif work:
            pool = _executor()
            futures = [pool.submit(self._call, name, arguments) for _, name, arguments in work]
            done = [future.result() for future in futures]
        else:
            done = []
        for (index, _, _), (record, answer) in zip(work, done, strict=True):
            answers[index] = answer
            records.append((index, record))
        records.sort(key=lambda pair: pair[0])
        calls.extend(record for _, record in records)
        return {"answers": answers}

    def _over_limit(self, name: str, arguments: dict[str, Any]) -> tuple[Any, CallFailure]:
        text = (
            f"more than {self._limit} host function calls in one run; call "
            "fewer times per snippet (collect what you need, then answer)"
        )
        record = {
            "name": _short(name),
            "arguments": _recorded(arguments),
            "ok": False,
            "duration_s": 0.0,
            "error": text,
            "started_ns": None,  # never made
        }
        return record, {"ok": False, "kind": "call_limit", "message": text}

    def _call(self, name: str, arguments: dict[str, Any]) -> tuple[Any, CallAnswer]:
        """Validate, run, validate: the call's record and the worker's answer (any thread)."""
        prepared = self._functions.get(name)
        began_ns = time.time_ns()
        started = time.perf_counter()
        error: str | None = None
        data: Any = None
        if prepared is None:
            error = f"there is no host function named {_short(name)!r}"
        elif prepared.no_arguments and not arguments:
            error, data = _invoke(prepared, {})  # nothing to validate: no fields, none given
        else:
            try:
                validated = prepared.validate_arguments(arguments)
            except ValidationError as invalid:
                error = _argument_error(prepared.host, invalid)
            else:
                error, data = _invoke(prepared, validated.__dict__)
        record = {
            "name": name if prepared is not None else _short(name),
            "arguments": _recorded(arguments),
            "ok": error is None,
            "duration_s": time.perf_counter() - started,
            "error": error,
            "started_ns": began_ns,
        }
        if error is not None:
            return record, {"ok": False, "kind": "host_function", "message": error}
        return record, {"ok": True, "result": data}


_CONCURRENT_CALLS = 32
"""Host calls of one batch (and of all batches in this process together) that run at once."""
_pool: list[ThreadPoolExecutor] = []
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's threads for concurrent host calls, started on first use (most runs never
    gather, and a thread that is never needed should not exist)."""
    with _pool_lock:
        if not _pool:
            _pool.append(
                ThreadPoolExecutor(_CONCURRENT_CALLS, thread_name_prefix="punie-host-call")
            )
        return _pool[0]


def _invoke(prepared: _Prepared, arguments: dict[str, Any]) -> tuple[str | None, Any]:
    host = prepared.host
    try:
        raw = prepared.function(**arguments)
    except HostFunctionError as failed:
        return str(failed) or f"{host.name}() failed", None
    except Exception as failed:
        return f"{host.name}() failed: {type(failed).__name__}: {failed}", None
    try:
        return None, host.validate_result(raw)
    except Exception as invalid:
        return (
            f"{host.name}() returned a value that does not match its declared result type "
            f"({type(invalid).__name__}); this is a bug in the host function, not in the snippet",
            None,
        )


def _short(text: str) -> str:
    if len(text) <= _NAME_CHARS:
        return text
    return f"{text[:_NAME_CHARS]}... ({len(text) - _NAME_CHARS} more characters)"


def _recorded(arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments as kept in the call's record: at most ``_RECORD_CHARS`` characters of
    string data in all (each item counts at least one), long strings cut and long containers
    shortened with a note of what was left out; names (dict keys) cut to ``_NAME_CHARS``."""
    if not arguments:
        return arguments
    return _bound(arguments, [_RECORD_CHARS], 0)


def _bound(value: Any, budget: list[int], depth: int) -> Any:
    kind = type(value)
    if kind is str:
        size = len(value)
        if size <= budget[0]:
            budget[0] -= max(size, 1)
            return value
        keep = max(budget[0], 0)
        budget[0] = 0
        return f"{value[:keep]}... ({size - keep} more characters)"
    if kind is list or kind is dict:
        if depth >= _RECORD_DEPTH:
            return f"... ({len(value)} items)"
        if kind is list:
            items: list[Any] = []
            for index, item in enumerate(value):
                if budget[0] <= 0:
                    items.append(f"... ({len(value) - index} more items)")
                    break
                items.append(_bound(item, budget, depth + 1))
            return items
        mapping: dict[str, Any] = {}
        for index, (key, item) in enumerate(value.items()):
            if budget[0] <= 0:
                mapping["..."] = f"{len(value) - index} more items"
                break
            name = _short(key) if type(key) is str else key
            mapping[name] = _bound(item, budget, depth + 1)
        return mapping
    budget[0] -= 8
    return value


def _type_text(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _argument_error(function: HostFunction, invalid: ValidationError) -> str:
    fields = function.argument_model.model_fields
    parts: list[str] = []
    for item in invalid.errors(include_url=False):
        location = item.get("loc", ())
        field = _short(str(location[0])) if location else "?"
        kind = item.get("type")
        expected = _type_text(fields[field].annotation) if field in fields else "?"
        if kind == "missing":
            parts.append(f"missing required argument '{field}' ({expected})")
        elif kind == "extra_forbidden":
            guess = nearest(field, list(fields))
            hint = f"; did you mean '{guess}'?" if guess else ""
            parts.append(
                f"unexpected argument '{field}'{hint} (its arguments are: "
                f"{', '.join(fields) or 'none'})"
            )
        else:
            path = field + "".join(f"[{_repr.repr(part)}]" for part in location[1:])
            given = item.get("input")
            parts.append(
                f"argument '{path}' expects {expected} ({item.get('msg')}); got "
                f"{_repr.repr(given)} ({type(given).__name__})"
            )
    return f"{function.name}(): " + "; ".join(parts)
