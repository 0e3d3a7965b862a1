"""Curated stand-ins for ``json``, ``re`` and ``math``: public functions only, no module object.

Allowed modules are where sandboxes usually leak (``json.codecs.open``, ``re.enum`` -> builtins,
``datetime.sys``): a real module re-exports everything it imports. A stand-in is a read-only
object holding exactly the listed functions and constants; asking it for anything else is an
``AttributeError`` that lists what it has. ``re`` flags are plain ints (the real ones are enum
members whose class leads back into the ``enum`` module).

``STAND_INS`` is the table of importable modules, one entry per name in
``_denials.ALLOWED_MODULES`` (a test pins that they match): to offer another module, add its
name there and its stand-in here.
"""

from __future__ import annotations

import json as _json
import math as _math
import re as _re

from ._readonly import Record, StandInModule

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["STAND_INS", "StandInModule", "to_json_data"]


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

STAND_INS: dict[str, StandInModule] = {
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
}
