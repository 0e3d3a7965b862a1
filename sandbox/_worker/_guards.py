"""The runtime half of the language policy: guards, builtins and the per-run state they share.

The transformed code calls ``_getattr_``, ``_getitem_``, ``_getiter_``, ``_write_``, ``_print_``,
``_apply_``, ``_aug_item_`` and ``_aug_attr_``; a snippet cannot name or rebind them (names
starting with ``_`` are refused at compile time). The builtins are an allow-list: no
``BaseException`` family, no introspection, no I/O. ``sorted``, ``zip``, ``tuple``, ``reversed``
and friends, which RestrictedPython 9.0 dropped because they iterate in C past its iteration
guard, come back as wrappers that pass their input through ``_getiter_`` first.

Limits that a snippet could try to swallow (output, host calls) raise ``LimitAbort``, a
``BaseException`` the snippet cannot name, and also set a flag in the run state (``_state``)
that the worker checks after the run, so a ``finally: return`` cannot hide them either.
"""

from __future__ import annotations

import builtins
import importlib
import operator
import string
import sys
import types

from ._denials import ALLOWED_MODULES, DENIED_ATTRIBUTES
from ._errors import HostFunctionError
from ._modules import STAND_INS
from ._readonly import Record
from ._state import STATE

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

__all__ = [
    "BUILTINS",
    "MEMORY_MESSAGE",
    "guarded_getattr",
    "make_globals_template",
    "memory_guard",
]

MEMORY_MESSAGE = (
    "the snippet ran out of memory (the limit is the sandbox's memory_mb); work on smaller "
    "pieces of data"
)


def guarded_getattr(obj: Any, name: str) -> Any:
    """``obj.name`` for snippets: no private names, no frame/code internals, safe ``format``."""
    if type(name) is not str:
        raise TypeError("attribute names must be str")
    if name[:1] == "_" or name in DENIED_ATTRIBUTES:
        raise AttributeError(
            f"the attribute '{name}' is not accessible in the sandbox; use the public API"
        )
    if name == "format":
        if isinstance(obj, str):
            return _bound_format(obj)
        if isinstance(obj, type) and issubclass(obj, str):
            return _safe_format
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
    if kind is dict or kind is list or kind in STATE.snippet_classes:
        return obj
    if isinstance(obj, type) and obj in STATE.snippet_classes:
        return obj
    if _defined_by_snippet(kind) or (isinstance(obj, type) and _defined_by_snippet(obj)):
        return obj  # a class built by the fast path (plain ``type``), or an instance of one
    if kind is Record:
        raise TypeError(f"{obj._name} is read-only; build a dict with the values you need")
    raise TypeError(
        f"{kind.__name__} objects cannot be changed in the sandbox; only dicts, lists and "
        "instances of classes defined in the snippet can"
    )


def _defined_by_snippet(cls: type) -> bool:
    """Classes a snippet defines get ``__module__`` from its ``__name__``, which is ``snippet``."""
    return cls.__dict__.get("__module__") == "snippet" and not issubclass(cls, (Record,))


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


def _safe_format(template: str, /, *args: Any, **kwargs: Any) -> str:
    if not isinstance(template, str):
        raise TypeError("format() needs a str template")
    return _FORMATTER.vformat(template, args, kwargs)


def _bound_format(template: str) -> Callable[..., str]:
    def format(*args: Any, **kwargs: Any) -> str:
        return _FORMATTER.vformat(template, args, kwargs)

    return format


def guarded_apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "|=": operator.ior,
    "^=": operator.ixor,
    "&=": operator.iand,
    "//=": operator.ifloordiv,
    "@=": operator.imatmul,
}


def augment_item(obj: Any, key: Any, op: str, value: Any) -> None:
    """``obj[key] op= value`` with the write guard."""
    target = guarded_write(obj)
    target[key] = _INPLACE[op](obj[key], value)


def augment_attribute(obj: Any, name: str, op: str, value: Any) -> None:
    """``obj.name op= value`` with the read and write guards."""
    target = guarded_write(obj)
    setattr(target, name, _INPLACE[op](guarded_getattr(obj, name), value))


class Printer:
    """``print`` for snippets: collects output into the run state, bounded by the output limit."""

    __slots__ = ()

    def __init__(self, _getattr_: Any = None) -> None:
        pass

    def _call_print(
        self,
        *objects: Any,
        sep: str | None = " ",
        end: str | None = "\n",
        file: Any = None,
        flush: bool = False,
    ) -> None:
        if file is not None:
            raise TypeError("print(file=...) is not supported; printed text goes to stdout")
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        text = sep.join([str(item) for item in objects]) + end
        state = STATE
        if not state.active:
            state.check_active("print()")
        if state.abort is not None:
            raise state.abort
        state.output_size += len(text.encode("utf-8", "surrogatepass"))
        if state.output_size > state.output_limit:
            raise state.fail(
                "output_limit",
                f"the snippet printed more than {state.output_limit} bytes; print a summary "
                "(counts, the first few items) instead of everything",
            )
        state.output.append(text)

    def __call__(self) -> str:
        STATE.check_active("printed")
        return "".join(STATE.output)


def memory_guard() -> None:
    """The first statement of every ``except`` and ``finally`` body (the policy inserts it).

    After a ``MemoryError`` the worker's heap is no longer trustworthy, so a snippet may not
    recover from one: catching it (``except MemoryError``, ``except Exception``) or swallowing
    it (``finally: return``) fails the run with kind ``memory`` instead, and the worker is
    retired. The abort is sticky: whatever the snippet does next, the run has failed.
    """
    if isinstance(sys.exc_info()[1], MemoryError):
        raise STATE.fail("memory", MEMORY_MESSAGE)


def snippet_class(name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
    """The metaclass of every ``class`` statement (RestrictedPython passes it as
    ``metaclass=__metaclass__``; the fast path's ``__build_class__`` does the same): checks the
    bases and records the class as the snippet's own.

    Without it, ``class X(value):`` calls ``type(value)(name, bases, namespace)``: any type
    a snippet holds an instance of would be called with arguments it never expected.
    """
    for base in bases:
        if not isinstance(base, type):
            raise TypeError(
                f"class {name}: an instance of {type(base).__name__} cannot be a base class; "
                "derive from a class defined in the snippet (or from nothing)"
            )
    cls = type(name, bases, namespace)
    STATE.snippet_classes.add(cls)
    return cls


def _build_class(function: Any, name: str, /, *bases: Any, **keywords: Any) -> Any:
    """``__build_class__`` for natively compiled snippets: the same metaclass as the full path."""
    keywords.setdefault("metaclass", snippet_class)
    return builtins.__build_class__(function, name, *bases, **keywords)


# -- builtins ------------------------------------------------------------------------------

_iter = builtins.iter


def _sorted(iterable: Iterable[Any], /, *, key: Any = None, reverse: bool = False) -> list[Any]:
    return builtins.sorted(_iter(iterable), key=key, reverse=reverse)


def _zip(*iterables: Iterable[Any], strict: bool = False) -> Iterator[tuple[Any, ...]]:
    return builtins.zip(*[_iter(item) for item in iterables], strict=strict)


def _tuple(iterable: Iterable[Any] = (), /) -> tuple[Any, ...]:
    return builtins.tuple(_iter(iterable))


def _reversed(sequence: Any, /) -> Iterator[Any]:
    return builtins.reversed(
        sequence if isinstance(sequence, (list, str, range)) else list(sequence)
    )


def _hasattr(obj: Any, name: str, /) -> bool:
    try:
        guarded_getattr(obj, name)
    except AttributeError:
        return False
    return True


_IMPORT_REFUSED = f"no modules can be imported except {', '.join(ALLOWED_MODULES)}"


def _import(
    name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
) -> Any:
    module = STAND_INS.get(name) if level == 0 else None
    if module is None:
        raise ImportError(f"importing '{name}' is refused: {_IMPORT_REFUSED}")
    return module


_ALLOWED_BUILTINS = (
    "abs", "all", "any", "ascii", "bin", "bool", "callable", "chr", "dict", "divmod",
    "enumerate", "filter", "float", "format", "frozenset", "hash", "hex", "int", "isinstance",
    "issubclass", "iter", "len", "list", "map", "max", "min", "next", "oct", "ord", "pow",
    "range", "repr", "round", "set", "slice", "str", "sum", "True", "False", "None",
    "Ellipsis", "NotImplemented", "__build_class__",
    "Exception", "ArithmeticError", "AssertionError", "AttributeError", "EOFError",
    "FloatingPointError", "ImportError", "IndexError", "KeyError", "LookupError",
    "MemoryError", "NameError", "NotImplementedError", "OSError", "OverflowError",
    "RecursionError", "ReferenceError", "RuntimeError", "StopIteration", "SyntaxError",
    "TimeoutError", "TypeError", "UnboundLocalError", "UnicodeError", "ValueError",
    "ZeroDivisionError", "ModuleNotFoundError", "Warning",
)  # fmt: skip

BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _ALLOWED_BUILTINS}
BUILTINS.update(
    {
        "sorted": _sorted,
        "zip": _zip,
        "tuple": _tuple,
        "reversed": _reversed,
        "hasattr": _hasattr,
        "__import__": _import,
        "HostFunctionError": HostFunctionError,
        "print": Printer()._call_print,
        "__build_class__": _build_class,
    }
)

_GLOBALS_TEMPLATE: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "__name__": "snippet",
    "__metaclass__": snippet_class,
    "_getattr_": guarded_getattr,
    "_getitem_": guarded_getitem,
    "_getiter_": _iter,
    "_write_": guarded_write,
    "_print_": Printer,
    "_apply_": guarded_apply,
    "_aug_item_": augment_item,
    "_aug_attr_": augment_attribute,
    "_memory_guard_": memory_guard,
}


def make_globals_template(host_proxies: dict[str, Any]) -> dict[str, Any]:
    """The namespace every run starts from: guards, and builtins plus the host function proxies."""
    merged = dict(BUILTINS)
    merged.update(host_proxies)
    template = dict(_GLOBALS_TEMPLATE)
    template["__builtins__"] = merged
    return template
