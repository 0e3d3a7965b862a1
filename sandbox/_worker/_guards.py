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
import operator
import sys

from ._access import guarded_getattr, guarded_getitem, guarded_write, is_sandbox_class
from ._denials import IMPORT_REFUSED
from ._errors import HostFunctionError
from ._modules import STAND_INS
from ._readonly import missing_member
from ._state import STATE
from ._stdlib import import_for_c_code

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


def snippet_class(
    name: str, bases: tuple[type, ...], namespace: dict[str, Any], /, **keywords: Any
) -> type:
    """The metaclass of every ``class`` statement (RestrictedPython passes it as
    ``metaclass=__metaclass__``; the fast path's ``__build_class__`` does the same): checks the
    bases and records the class as the snippet's own.

    Without it, ``class X(value):`` calls ``type(value)(name, bases, namespace)``: any type
    a snippet holds an instance of would be called with arguments it never expected. A base
    whose own metaclass is not ``type`` (``enum.Enum``, ``typing.Protocol``) still gets it:
    ``type(name, bases, namespace)`` hands the call to the most derived metaclass of the bases,
    and ``_prepare`` gave it the namespace it expects. Keywords (``total=False``) go to the
    bases' ``__init_subclass__``.
    """
    for base in bases:
        if not isinstance(base, type):
            raise TypeError(
                f"class {name}: an instance of {type(base).__name__} cannot be a base class; "
                "derive from a class defined in the snippet (or from nothing)"
            )
        if is_sandbox_class(base):
            raise TypeError(
                f"class {name}: {base.__name__} cannot be a base class; derive from a class "
                "defined in the snippet (or from nothing)"
            )
    cls = type(name, bases, namespace, **keywords)
    STATE.snippet_classes.add(cls)
    return cls


def _prepare(name: str, bases: tuple[Any, ...], /, **keywords: Any) -> Any:
    """``snippet_class.__prepare__``: the namespace the bases' metaclass expects (an enum's
    member dictionary), or a plain dict; ``__build_class__`` asks for it before the body runs."""
    winner: type = type
    for base in bases:
        if not isinstance(base, type):
            return {}  # snippet_class refuses it with a clear message
        meta = type(base)
        if issubclass(meta, winner):
            winner = meta
        elif not issubclass(winner, meta):
            return {}  # a metaclass conflict: type() reports it
    if winner is type:
        return {}
    return winner.__prepare__(name, bases, **keywords)


snippet_class.__prepare__ = _prepare  # ty: ignore[missing-attribute]


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


def _import(
    name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
) -> Any:
    if type(fromlist) is list and not fromlist and not level and import_for_c_code(name):
        return None  # datetime.strftime's own import of time (see ``import_for_c_code``)
    module = STAND_INS.get(name) if level == 0 and type(name) is str else None
    if module is None:
        raise ImportError(f"importing '{name}' is refused: {IMPORT_REFUSED}")
    for item in fromlist or ():  # ``from m import a, b``: say why a name is missing, and
        problem = missing_member(module, item) if type(item) is str else "not a name"
        if problem is not None:  # what to use instead (CPython's own message drops it)
            raise ImportError(f"cannot import name '{item}' from '{name}': {problem}")
    return module


def _type(*args: Any) -> type:
    """``type(x)`` for snippets: the class of ``x``, to inspect (``type(x).__name__``,
    ``type(x) is int``). Not the three-argument form, not the metaclass of a class (both build
    classes outside the ``class`` statement's checks), not the sandbox's own classes (their
    constructors take the worker's internals)."""
    if len(args) != 1:
        raise TypeError(
            "type() takes exactly one argument in the sandbox: type(x) gives the class of x; "
            "define classes with a class statement"
        )
    cls = builtins.type(args[0])
    if issubclass(cls, builtins.type):
        raise TypeError(
            "type() of a class is not available in the sandbox; compare classes directly "
            "(x is int) or use issubclass(x, int)"
        )
    if is_sandbox_class(cls):
        raise TypeError(
            "type() of a host function, its result or a module is not available in the "
            "sandbox; print the value, or test it with isinstance(x, dict)"
        )
    return cls


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
        "type": _type,
        "super": super,
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
