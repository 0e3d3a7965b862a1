"""Curated stand-ins for ``json``, ``re`` and ``math``: public functions only, no module object.

Allowed modules are where sandboxes usually leak (``json.codecs.open``, ``re.enum`` -> builtins,
``datetime.sys``): a real module re-exports everything it imports. A stand-in is a read-only
object holding exactly the listed functions and constants; asking it for anything else is an
``AttributeError`` that lists what it has. ``re`` flags are plain ints (the real ones are enum
members whose class leads back into the ``enum`` module).

``STAND_INS`` is the table of importable modules, one entry per name in
``_denials.ALLOWED_MODULES`` (a test pins that they match): to offer another module, add its
name there and its stand-in here, or a builder in ``_stdlib``. The standard-library stand-ins
are built on first import (``StandIns``): a worker that never imports ``statistics`` never
loads it, and a worker's start stays as cheap as it was with three modules.
"""

from __future__ import annotations

import json as _json
import math as _math
import re as _re

from ._aio import ASYNCIO
from ._readonly import Record, StandInModule
from ._stdlib import BUILDERS

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

__all__ = ["STAND_INS", "StandInModule", "StandIns", "to_json_data"]


def to_json_data(value: Any) -> Any:
    """Records become dicts so that ``json.dumps(result)`` works on host function results."""
    if isinstance(value, Record):
        fields = object.__getattribute__(value, "_fields")
        return {key: to_json_data(item) for key, item in fields.items()}
    if isinstance(value, dict):
        return {key: to_json_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_data(item) for item in value]
    return value


def _dumps(
    obj: Any,
    *,
    indent: int | str | None = None,
    sort_keys: bool = False,
    separators: tuple[str, str] | None = None,
    ensure_ascii: bool = True,
) -> str:
    return _json.dumps(
        to_json_data(obj),
        indent=indent,
        sort_keys=sort_keys,
        separators=separators,
        ensure_ascii=ensure_ascii,
    )


def _loads(s: str | bytes) -> Any:
    return _json.loads(s)


def _wrap(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    name = getattr(function, "__name__", "function")
    call.__name__ = name
    call.__qualname__ = name
    call.__doc__ = function.__doc__
    return call


_RE_FLAGS = ("ASCII", "IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "A", "I", "M", "S", "X")
_RE_FUNCTIONS = (
    "compile", "escape", "findall", "finditer", "fullmatch", "match", "search", "split",
    "sub", "subn",
)  # fmt: skip

_AT_START: dict[str, StandInModule] = {
    "json": StandInModule(
        "json",
        {"dumps": _dumps, "loads": _loads, "JSONDecodeError": _json.JSONDecodeError},
    ),
    "re": StandInModule(
        "re",
        {
            **{name: _wrap(getattr(_re, name)) for name in _RE_FUNCTIONS},
            **{name: int(getattr(_re, name)) for name in _RE_FLAGS},
            "error": _re.error,
        },
    ),
    "math": StandInModule(
        "math",
        {name: getattr(_math, name) for name in dir(_math) if not name.startswith("_")},
    ),
    "asyncio": ASYNCIO,  # gather, run, sleep: concurrent host calls (``_aio``)
}


class StandIns:
    """The importable modules by name: those built at start, and the others on first use.

    A mapping with the few operations the worker needs (``get``, ``[]``, ``in``, iteration
    in ``ALLOWED_MODULES`` order). ``loaded`` says whether a module's stand-in exists yet.
    """

    __slots__ = ("_builders", "_built")

    def __init__(
        self, built: dict[str, StandInModule], builders: dict[str, Callable[[], StandInModule]]
    ) -> None:
        self._built = dict(built)
        self._builders = builders

    def get(self, name: str, default: StandInModule | None = None) -> StandInModule | None:
        module = self._built.get(name)
        if module is None:
            builder = self._builders.get(name)
            if builder is None:
                return default
            module = self._built[name] = builder()
        return module

    def loaded(self, name: str) -> bool:
        return name in self._built

    def __getitem__(self, name: str) -> StandInModule:
        module = self.get(name)
        if module is None:
            raise KeyError(name)
        return module

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._builders

    def __iter__(self) -> Iterator[str]:
        return iter([*self._built, *(name for name in self._builders if name not in self._built)])

    def __len__(self) -> int:
        return len(set(self._built) | set(self._builders))


STAND_INS = StandIns(_AT_START, BUILDERS)
