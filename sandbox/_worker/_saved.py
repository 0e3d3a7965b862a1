"""Saved sessions, the worker's half: a session namespace as data, and back (``Session.dump``).

A namespace is saved as what can be rebuilt without running anything but policy-checked
snippet code, and without ``pickle``:

- values that are data, as a tagged tree (``encode_value``): ``None``, ``bool``, ``int``,
  finite ``float`` and ``str`` as themselves; every container as ``[tag, ...]`` (``list``,
  ``tuple``, ``dict`` as ``[key, value]`` pairs, ``set``, ``frozenset``), a host function's
  result as ``["record", model, pairs]``, a stand-in module as ``["module", name]``, what
  ``from module import name`` bound as ``["from", module, name]``, a non-finite float as
  ``["float", "inf"]``;
- the snippet's own top-level functions and classes, as their source: the worker remembers
  which snippet bound each one (``Worker.definitions``), and ``definition_source`` cuts the
  ``def``/``class`` statement (with its decorators) out of it. On restore they are replayed as
  snippets, under the policy.

Everything else (an instance of a snippet's class, a generator, a lambda, a host function
alias) is skipped with a reason. The host validates every tree it receives or reads from a
blob (``sandbox._session_blob``); ``decode_value`` here trusts the host, like every host
message.
"""

from __future__ import annotations

import math

from ._modules import STAND_INS
from ._readonly import Record, StandInModule

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "MAX_DEPTH",
    "NotSaved",
    "decode_value",
    "definition_source",
    "encode_value",
    "is_single_definition",
    "stand_in_member",
]

MAX_DEPTH = 60
"""Deepest nesting of a saved value (the host checks the same bound)."""
_INT_BITS = 4000
"""Largest int saved (larger ones do not convert to decimal text under CPython's limit)."""


class NotSaved(Exception):
    """A value that is not data: ``str(error)`` says why, for the list of skipped names."""


def encode_value(value: Any, depth: int = 0) -> Any:
    """The tagged tree of ``value``, or ``NotSaved``."""
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if value.bit_length() > _INT_BITS:
            raise NotSaved(f"an int of more than {_INT_BITS} bits")
        return value
    if kind is float:
        return value if math.isfinite(value) else ["float", repr(value)]
    if depth >= MAX_DEPTH:
        raise NotSaved(f"data nested more than {MAX_DEPTH} levels deep")
    inner = depth + 1
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        return [kind.__name__, [encode_value(item, inner) for item in value]]
    if kind is dict:
        return [
            "dict",
            [[encode_value(k, inner), encode_value(v, inner)] for k, v in value.items()],
        ]
    if kind is Record:
        name = object.__getattribute__(value, "_name")
        fields = object.__getattribute__(value, "_fields")
        return ["record", name, [[key, encode_value(item, inner)] for key, item in fields.items()]]
    if kind is StandInModule:
        name = object.__getattribute__(value, "_name")
        if STAND_INS.get(name) is value:
            return ["module", name]
    member = stand_in_member(value)
    if member is not None:
        return ["from", *member]
    if kind.__dict__.get("__module__") == "snippet":
        raise NotSaved(
            f"an instance of the session's class {kind.__name__} (the class is saved, its "
            "instances are not): make it again after the restore"
        )
    raise NotSaved(f"{_article(kind.__name__)} is not data")


def stand_in_member(value: Any) -> list[str] | None:
    """``[module, name]`` when ``value`` is what ``from module import name`` gives (a function
    or class of a stand-in the session imported), else ``None``."""
    for module_name in STAND_INS:
        if not STAND_INS.loaded(module_name):
            continue
        module = STAND_INS[module_name]
        members = object.__getattribute__(module, "_members")
        for name, member in members.items():
            if member is value and name[:1] != "_":
                return [module_name, name]
    return None


def _article(name: str) -> str:
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def decode_value(tree: Any) -> Any:
    """The value of a tagged tree (validated by the host)."""
    if type(tree) is not list:
        return tree
    tag = tree[0]
    if tag == "float":
        return float(tree[1])
    if tag == "module":
        return STAND_INS[tree[1]]
    if tag == "from":
        return getattr(STAND_INS[tree[1]], tree[2])
    if tag == "record":
        return Record(tree[1], {key: decode_value(item) for key, item in tree[2]})
    if tag == "dict":
        return {decode_value(key): decode_value(item) for key, item in tree[1]}
    items = [decode_value(item) for item in tree[1]]
    if tag == "list":
        return items
    if tag == "tuple":
        return tuple(items)
    if tag == "set":
        return set(items)
    return frozenset(items)


def definition_source(source: str, name: str) -> str | None:
    """The last top-level ``def``/``class`` statement named ``name`` in ``source`` (with its
    decorators), or ``None``. ``source`` is a snippet this worker compiled under the policy."""
    import ast  # not at start: only a dump needs a syntax tree

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found = None
    for node in tree.body:
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == name
        ):
            found = node
    if found is None or found.end_lineno is None:
        return None
    start = min([found.lineno, *(item.lineno for item in found.decorator_list)])
    return "\n".join(source.splitlines()[start - 1 : found.end_lineno])


def is_single_definition(source: str, name: str) -> bool:
    """Whether ``source`` is exactly one top-level ``def``/``class`` statement named ``name``
    (what a restore replays; anything else in a blob is refused)."""
    import ast  # not at start: only a restore needs a syntax tree

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return (
        len(tree.body) == 1
        and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and tree.body[0].name == name
    )
