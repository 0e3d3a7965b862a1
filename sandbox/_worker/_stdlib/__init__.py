"""The standard-library stand-ins, built the first time a snippet imports each one.

Each module of this package holds the decision tables (``_table.Table``) of a few stand-ins:
the names offered, and for every other public name of the real module the reason it is left
out, which is also what a snippet that asks for it is told. A stand-in is built by importing
the real module and copying the offered names (some replaced by guarded versions) into a
read-only ``StandInModule``: no module object is ever reachable from a snippet.

Nothing is imported until a snippet imports a stand-in: not the real module, not even the
table that describes it (``_GROUPS`` says which of this package's modules holds it), so that a
worker starts as cheaply as it did with three modules (tests/sandbox/test_worker_layout.py
pins that a worker starts without ``typing``, ``dataclasses`` or ``inspect``). The one
exception is ``binascii``: ``base64`` needs it, and it links to libz, which Landlock leaves
unreadable once the worker is locked down (~0.4 ms at start).
"""

from __future__ import annotations

import binascii  # noqa: F401  # before the lockdown: see the module docstring
import importlib

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._readonly import StandInModule
    from ._table import Table

__all__ = ["BUILDERS", "import_for_c_code", "reseed", "tables"]

_GROUPS = {
    "_data": ("bisect", "collections", "copy", "functools", "heapq", "itertools", "operator"),
    "_numbers": ("decimal", "fractions", "random", "statistics"),
    "_text": ("base64", "csv", "difflib", "fnmatch", "hashlib", "io", "string", "textwrap",
              "uuid"),
    "_types": ("dataclasses", "datetime", "enum", "pathlib", "typing"),
}  # fmt: skip
"""Which module of this package holds each stand-in's table (a test pins it against them)."""


def _find_table(name: str) -> Table:
    group = next(group for group, names in _GROUPS.items() if name in names)
    return importlib.import_module(f"{__name__}.{group}").TABLES[name]


def _builder(name: str) -> Callable[[], StandInModule]:
    return lambda: _find_table(name).build()


BUILDERS: dict[str, Callable[[], StandInModule]] = {
    name: _builder(name) for names in _GROUPS.values() for name in names
}
"""What ``_modules.STAND_INS`` calls the first time a snippet imports each module."""


def tables() -> dict[str, Table]:
    """Every standard-library stand-in's decision table, by module name (loads them all)."""
    return {name: _find_table(name) for name in BUILDERS}


def reseed(seed: int | None) -> None:
    """Seed the ``random`` stand-in's generator (``_numbers.reseed``)."""
    importlib.import_module(f"{__name__}._numbers").reseed(seed)


_C_IMPORTS = frozenset({"time", "_strptime"})


def import_for_c_code(name: str) -> bool:
    """Import ``name`` for a stand-in's C code, if it is one that code needs; ``False`` if not.

    ``datetime.strftime`` imports ``time`` and ``datetime.strptime`` ``_strptime`` while a
    snippet calls them: CPython's ``PyImport_Import`` calls the ``__import__`` of the calling
    frame's builtins, which is the sandbox's import guard, with ``fromlist`` an empty *list*,
    and then takes the module from ``sys.modules`` itself, ignoring what the call returned. A
    snippet's ``import`` passes ``None`` or a tuple and cannot name ``__import__`` to call it
    otherwise; the guard returns ``None`` to such a call in any case.
    """
    if name not in _C_IMPORTS:
        return False
    importlib.import_module(name)
    return True
