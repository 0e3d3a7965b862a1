"""The access guards: attribute and item reads, writes, and ``str.format``, for snippets and stand-ins.

The transformed code calls ``guarded_getattr`` (``_getattr_``), ``guarded_getitem`` and
``guarded_write``; the standard-library stand-ins (``_stdlib``) call the same functions where a
real module would walk attributes or write on a snippet's behalf (``operator.attrgetter``,
``operator.setitem``, ``functools.total_ordering``, ``dataclasses.dataclass``). One module, so
that a stand-in can never guard differently from the language.

What counts as the snippet's own: a class built by a ``class`` statement (``snippet_class``
records it; its ``__module__`` is ``snippet``), its instances, and functions compiled from the
snippet (their code's file name is ``FILENAME``). Everything else belongs to the sandbox or the
standard library, which every later run in the same worker shares.
"""

from __future__ import annotations

import importlib
import string
import types

from ._compiled import FILENAME
from ._denials import DENIED_ATTRIBUTES, READABLE_DUNDERS, SUPER_METHODS
from ._readonly import Record
from ._state import STATE

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

__all__ = [
    "WRITABLE_TYPES",
    "bound_format",
    "guarded_getattr",
    "guarded_getitem",
    "guarded_write",
    "is_sandbox_class",
    "is_snippet_class",
    "is_snippet_function",
    "safe_format",
]

_PACKAGE = __name__.rpartition(".")[0]
"""``_worker`` in a worker, ``sandbox._worker`` in the tests."""

WRITABLE_TYPES: set[type] = set()
"""Standard-library types whose instances a snippet may change by assignment besides dicts and
lists: only types whose every instance is the snippet's own (a stand-in adds
``decimal.Context`` when ``decimal`` is first imported; ``getcontext`` is not offered)."""


def is_snippet_class(cls: object) -> bool:
    """Whether ``cls`` is a class the snippet defined (or a subclass of one)."""
    if not isinstance(cls, type):
        return False
    if cls in STATE.snippet_classes:
        return True
    return cls.__dict__.get("__module__") == "snippet" and not issubclass(cls, Record)


def is_snippet_function(function: object) -> bool:
    """Whether ``function`` was compiled from a snippet (a ``def`` or a ``lambda``)."""
    return isinstance(function, types.FunctionType) and function.__code__.co_filename == FILENAME


def is_sandbox_class(cls: type) -> bool:
    """Whether ``cls`` is one of the sandbox's own classes (records, stand-ins, host functions):
    their constructors take the worker's internals, so ``type(x)`` does not hand them out."""
    module = cls.__dict__.get("__module__")
    return isinstance(module, str) and (module == _PACKAGE or module.startswith(_PACKAGE + "."))


def _snippet_super(obj: Any) -> bool:
    """A ``super()`` object bound to an instance of a class the snippet defined."""
    if type(obj) is not super:
        return False
    bound = obj.__self__
    return bound is not None and not isinstance(bound, type) and is_snippet_class(type(bound))


def guarded_getattr(obj: Any, name: str) -> Any:
    """``obj.name`` for snippets: no private names, no frame/code internals, safe ``format``."""
    if type(name) is not str:
        raise TypeError("attribute names must be str")
    if name[:1] == "_" or name in DENIED_ATTRIBUTES:
        if name in READABLE_DUNDERS or (name in SUPER_METHODS and _snippet_super(obj)):
            return getattr(obj, name)
        raise AttributeError(
            f"the attribute '{name}' is not accessible in the sandbox; use the public API"
        )
    if name == "format":
        if isinstance(obj, str):
            return bound_format(obj)
        if isinstance(obj, type) and issubclass(obj, str):
            return safe_format
    if isinstance(obj, _OPAQUE_TYPES):
        raise AttributeError(f"the attribute '{name}' is not accessible in the sandbox")
    if name == "obj" and isinstance(obj, BaseException):
        raise AttributeError("the attribute 'obj' of exceptions is not accessible in the sandbox")
    return getattr(obj, name)


_OPAQUE_TYPES: tuple[type, ...] = (
    types.ModuleType,
    types.FrameType,
    types.TracebackType,
    types.CodeType,
    string.Formatter,
)


def guarded_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def guarded_write(obj: Any) -> Any:
    """Allow item/attribute writes only on plain containers and the snippet's own classes."""
    kind = type(obj)
    if kind is dict or kind is list or kind in STATE.snippet_classes or kind in WRITABLE_TYPES:
        return obj
    if isinstance(obj, type) and obj in STATE.snippet_classes:
        return obj
    if is_snippet_class(kind) or is_snippet_class(obj):
        return obj  # a class built by the fast path (plain ``type``), or an instance of one
    if kind is Record:
        raise TypeError(f"{obj._name} is read-only; build a dict with the values you need")
    raise TypeError(
        f"{kind.__name__} objects cannot be changed in the sandbox; only dicts, lists and "
        "instances of classes defined in the snippet can"
    )


class _SafeFormatter(string.Formatter):
    """``str.format`` whose field lookups go through the sandbox's guards (CVE-2023-41039)."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        first, rest = _field_name_split(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            obj = guarded_getattr(obj, key) if is_attribute else guarded_getitem(obj, key)
        return obj, first


_FORMATTER = _SafeFormatter()
_field_name_split: Callable[[str], tuple[Any, Iterable[tuple[bool, Any]]]] = (
    importlib.import_module("_string").formatter_field_name_split
)


def safe_format(template: str, /, *args: Any, **kwargs: Any) -> str:
    if not isinstance(template, str):
        raise TypeError("format() needs a str template")
    return _FORMATTER.vformat(template, args, kwargs)


def bound_format(template: str) -> Callable[..., str]:
    def format(*args: Any, **kwargs: Any) -> str:
        return _FORMATTER.vformat(template, args, kwargs)

    return format
