"""Stand-ins for working with data: collections, itertools, functools, operator, heapq, bisect, copy.

The doors, and what each table does about them:

- ``collections.namedtuple`` generates a class's code from the names it is given: type and field
  names must be identifiers that do not start with '_' (``check_name``), ``rename`` and
  ``module`` are not accepted, and the class belongs to the snippet (``module="snippet"``).
- ``operator.attrgetter`` and ``methodcaller`` read attributes in C, outside the getattr guard:
  they are replaced by versions that read through ``guarded_getattr``; ``setitem`` and
  ``delitem`` write outside the write guard: they go through ``guarded_write``.
- ``functools.total_ordering``, ``wraps`` and ``update_wrapper`` write attributes on what they
  are given: only on the snippet's own classes and functions (else they would change a class or
  function every later run shares), and ``wraps`` copies the standard attributes only
  (``assigned=('__code__',)`` would swap code objects).
- ``functools.singledispatch`` reads type hints, which evaluates string annotations as code.
"""

from __future__ import annotations

from .._access import (
    guarded_getattr,
    guarded_write,
    is_snippet_class,
    is_snippet_function,
)
from ._table import IMPORTED, Table, check_name, left

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import ModuleType
    from typing import Any

__all__ = ["TABLES"]


def _collections(real: ModuleType) -> dict[str, Any]:
    make = real.namedtuple

    def namedtuple(
        typename: str, field_names: str | Iterable[str], *, defaults: Iterable[Any] | None = None
    ) -> type:
        """``collections.namedtuple`` for snippets: plain names only, owned by the snippet."""
        check_name("namedtuple type name", typename)
        if isinstance(field_names, str):
            names = field_names.replace(",", " ").split()
        else:
            names = list(field_names)
        for name in names:
            check_name("namedtuple field name", name)
        return make(typename, names, defaults=defaults, module="snippet")

    return {"namedtuple": namedtuple}


def _functools(real: ModuleType) -> dict[str, Any]:
    ordering = real.total_ordering
    update = real.update_wrapper

    def total_ordering(cls: type) -> type:
        """``functools.total_ordering`` for the snippet's own classes."""
        if not is_snippet_class(cls):
            raise TypeError("total_ordering() decorates classes defined in the snippet only")
        return ordering(cls)

    def update_wrapper(wrapper: Callable[..., Any], wrapped: Callable[..., Any]) -> Any:
        """``functools.update_wrapper`` for the snippet's own functions (standard attributes)."""
        if not is_snippet_function(wrapper):
            raise TypeError(
                "update_wrapper() and wraps() change functions defined in the snippet only"
            )
        return update(wrapper, wrapped)

    def wraps(wrapped: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
        """``functools.wraps`` for the snippet's own functions (standard attributes)."""

        def decorate(wrapper: Callable[..., Any]) -> Any:
            return update_wrapper(wrapper, wrapped)

        return decorate

    return {"total_ordering": total_ordering, "update_wrapper": update_wrapper, "wraps": wraps}


def _operator(real: ModuleType) -> dict[str, Any]:
    def attrgetter(*names: str) -> Callable[[Any], Any]:
        """``operator.attrgetter`` whose every step goes through the sandbox's getattr guard."""
        if not names:
            raise TypeError("attrgetter expected 1 argument, got 0")
        paths: list[list[str]] = []
        for name in names:
            if not isinstance(name, str):
                raise TypeError("attribute name must be a string")
            paths.append(name.split("."))

        def get_one(obj: Any, path: list[str]) -> Any:
            for part in path:
                obj = guarded_getattr(obj, part)
            return obj

        def attrgetter(obj: Any) -> Any:
            if len(paths) == 1:
                return get_one(obj, paths[0])
            return tuple(get_one(obj, path) for path in paths)

        return attrgetter

    def methodcaller(name: str, /, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        """``operator.methodcaller`` that looks the method up through the getattr guard."""
        if not isinstance(name, str):
            raise TypeError("method name must be a string")

        def methodcaller(obj: Any) -> Any:
            return guarded_getattr(obj, name)(*args, **kwargs)

        return methodcaller

    def setitem(obj: Any, key: Any, value: Any, /) -> None:
        """``obj[key] = value`` with the sandbox's write guard."""
        guarded_write(obj)[key] = value

    def delitem(obj: Any, key: Any, /) -> None:
        """``del obj[key]`` with the sandbox's write guard."""
        del guarded_write(obj)[key]

    return {
        "attrgetter": attrgetter,
        "methodcaller": methodcaller,
        "setitem": setitem,
        "delitem": delitem,
    }


_OPERATOR_NAMES = (
    "abs", "add", "and_", "attrgetter", "call", "concat", "contains", "countOf", "delitem", "eq",
    "floordiv", "ge", "getitem", "gt", "iadd", "iand", "iconcat", "ifloordiv", "ilshift",
    "imatmul", "imod", "imul", "index", "indexOf", "inv", "invert", "ior", "ipow", "irshift",
    "is_", "is_not", "isub", "itemgetter", "itruediv", "ixor", "le", "length_hint", "lshift",
    "lt", "matmul", "methodcaller", "mod", "mul", "ne", "neg", "not_", "or_", "pos", "pow",
    "rshift", "setitem", "sub", "truediv", "truth", "xor",
)  # fmt: skip

TABLES = {
    "collections": Table(
        "collections",
        (
            "ChainMap",
            "Counter",
            "OrderedDict",
            "UserDict",
            "UserList",
            "UserString",
            "defaultdict",
            "deque",
            "namedtuple",
        ),
        {
            "abc": "it is a module of its own (collections.abc); for annotations use typing's "
            "Iterable, Mapping and friends, and isinstance(x, dict) to test",
        },
        _collections,
    ),
    "itertools": Table(
        "itertools",
        (
            "accumulate",
            "chain",
            "combinations",
            "combinations_with_replacement",
            "compress",
            "count",
            "cycle",
            "dropwhile",
            "filterfalse",
            "groupby",
            "islice",
            "pairwise",
            "permutations",
            "product",
            "repeat",
            "starmap",
            "takewhile",
            "tee",
            "zip_longest",
        ),
        {},
    ),
    "functools": Table(
        "functools",
        (
            "WRAPPER_ASSIGNMENTS",
            "WRAPPER_UPDATES",
            "cache",
            "cached_property",
            "cmp_to_key",
            "lru_cache",
            "partial",
            "partialmethod",
            "reduce",
            "total_ordering",
            "update_wrapper",
            "wraps",
        ),
        {
            **left(
                "it reads type hints, which evaluates string annotations as code; "
                "test the type with isinstance() in one function instead",
                "singledispatch",
                "singledispatchmethod",
            ),
            "recursive_repr": "it decorates __repr__, which snippet classes cannot define",
            "get_cache_token": "it belongs to the abc machinery; it has no use in a snippet",
            "RLock": "there are no threads in the sandbox",
            "GenericAlias": IMPORTED,
            "namedtuple": IMPORTED + " (collections.namedtuple)",
        },
        _functools,
    ),
    "operator": Table("operator", _OPERATOR_NAMES, {}, _operator),
    "heapq": Table(
        "heapq",
        (
            "heapify",
            "heappop",
            "heappush",
            "heappushpop",
            "heapreplace",
            "merge",
            "nlargest",
            "nsmallest",
        ),
        {},
    ),
    "bisect": Table(
        "bisect",
        ("bisect", "bisect_left", "bisect_right", "insort", "insort_left", "insort_right"),
        {},
    ),
    "copy": Table(
        "copy",
        ("Error", "copy", "deepcopy", "error"),
        {
            "dispatch_table": "it is the table copy consults for every type, shared by every "
            "later run; copy.copy() and copy.deepcopy() work without it",
        },
    ),
}
"""The decision tables of this module's stand-ins, by module name."""
