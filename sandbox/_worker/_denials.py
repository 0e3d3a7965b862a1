"""The language policy's shared denials: what a snippet may not name, and what to do instead.

Both compile paths (``_fast``, ``_restricted``) and the runtime guards (``_guards``) read these
tables, so a name or attribute is refused in one place and every refusal says the same thing.
To allow a module, add it to ``ALLOWED_MODULES`` and give it a stand-in in ``_modules``; the
messages and the fast path's import check are built from that one table.

This module imports nothing but the standard library's cheapest parts: a worker loads it at
start.
"""

from __future__ import annotations

__all__ = [
    "ALLOWED_MODULES",
    "DENIED_ATTRIBUTES",
    "DENIED_NAMES",
    "GUARDED_ATTRIBUTES",
    "IMPORT_HINT",
    "IMPORT_REFUSED",
    "INSPECT_ATTRIBUTES",
    "NEAREST_CHARS",
    "OPAQUE_PREFIXES",
    "READABLE_DUNDERS",
    "SUPER_METHODS",
    "UNDERSCORE_HINT",
    "nearest",
    "pattern_attribute_problem",
]

ALLOWED_MODULES = (
    "json", "re", "math",
    "asyncio",  # asyncio: H2, concurrent host calls
    "base64", "bisect", "collections", "copy", "csv", "dataclasses", "datetime", "decimal",
    "difflib", "enum", "fnmatch", "fractions", "functools", "hashlib", "heapq", "io",
    "itertools", "operator", "pathlib", "random", "statistics", "string", "textwrap", "typing",
    "uuid",
)  # fmt: skip
"""The only names ``import`` accepts (each has a curated stand-in in ``_modules``), in the order
the messages list them: ``json``, ``re``, ``math`` and ``asyncio`` are built when a worker
starts, the standard-library stand-ins (``_stdlib``) when a snippet first imports them."""
IMPORT_REFUSED = f"no modules can be imported except {', '.join(ALLOWED_MODULES)}"
IMPORT_HINT = f"{IMPORT_REFUSED}; host functions are already defined, call them directly"
UNDERSCORE_HINT = (
    "names and attributes starting with '_' are private to the sandbox; use the public API "
    "(len(x) instead of x.__len__(), isinstance(x, int) instead of x.__class__)"
)
_NO_INTROSPECTION = "introspection is not available in the sandbox; work with the values directly"
DENIED_NAMES: dict[str, str] = {
    "exec": "running generated code is not allowed; write the code directly",
    "eval": "evaluating strings is not allowed; write the expression directly",
    "compile": "compiling code is not allowed; write the code directly",
    "open": "there is no file access; use the host functions to read or change files",
    "input": "there is no console input; the snippet gets its data from host functions",
    "breakpoint": "there is no debugger; print() values instead",
    "help": "there is no interactive help; read the host function stubs instead",
    "globals": _NO_INTROSPECTION,
    "locals": _NO_INTROSPECTION,
    "vars": _NO_INTROSPECTION,
    "dir": _NO_INTROSPECTION,
    "getattr": "use plain attribute access (obj.name) instead",
    "setattr": "assign the attribute directly (obj.name = value) instead",
    "delattr": "attributes cannot be deleted by name; use a dict for dynamic keys",
    "object": "define a class without a base class instead",
    "memoryview": "binary buffers are not available; work with str, list and dict",
    "bytearray": "binary buffers are not available; work with str, list and dict",
    "classmethod": "use a module-level function instead",
    "staticmethod": "use a module-level function instead",
    "property": "use a method or a plain attribute instead",
    "exit": "end the snippet by reaching its last line; its last expression is the result",
    "quit": "end the snippet by reaching its last line; its last expression is the result",
    "copyright": _NO_INTROSPECTION,
    "credits": _NO_INTROSPECTION,
    "license": _NO_INTROSPECTION,
    "BaseException": "raise and catch Exception subclasses such as ValueError",
    "SystemExit": "end the snippet by reaching its last line; raise ValueError to fail",
    "KeyboardInterrupt": "raise and catch Exception subclasses such as ValueError",
    "GeneratorExit": "raise and catch Exception subclasses such as ValueError",
}
"""Names a snippet may neither read nor bind, with what to do instead."""

INSPECT_ATTRIBUTES = frozenset(
    {
        "tb_frame", "tb_next", "f_back", "f_builtins", "f_code", "f_generator", "f_globals",
        "f_locals", "f_trace", "co_code", "gi_frame", "gi_code", "gi_yieldfrom", "cr_await",
        "cr_frame", "cr_code", "cr_origin", "ag_await", "ag_frame", "ag_code",
    }
)  # fmt: skip
"""RestrictedPython 9.0's ``INSPECT_ATTRIBUTES`` (a test pins that this copy covers it)."""

DENIED_ATTRIBUTES = INSPECT_ATTRIBUTES | {
    "f_lineno",
    "f_lasti",
    "tb_lineno",
    "tb_lasti",
    "gi_running",
    "gi_suspended",
    "cr_running",
    "cr_suspended",
    "ag_running",
    "co_consts",
    "co_names",
    "mro",
    "func_globals",
    "func_code",
    "im_func",
    "im_self",
    "format_map",
}
"""Attributes refused at compile time and again by the runtime ``getattr`` guard."""

READABLE_DUNDERS = frozenset({"__name__"})
"""Private attributes a snippet may read anyway (``type(x).__name__``, ``f.__name__``): a str."""

SUPER_METHODS = frozenset({"__init__", "__contains__", "__lt__", "__le__", "__eq__", "__ne__",
                           "__gt__", "__ge__"})  # fmt: skip
"""The methods a snippet class may define (RestrictedPython's ``ALLOWED_FUNC_NAMES``, a test
pins the copy), which is why ``super().__init__(...)`` and friends may be read: only from a
``super()`` call at compile time, and at run time only from a ``super`` object bound to an
instance of a class the snippet defined (``_access.guarded_getattr``)."""

GUARDED_ATTRIBUTES = frozenset({"format", "obj", "format_map"})
"""Public attribute names the runtime guard answers specially (``str.format`` is re-implemented,
``AttributeError.obj`` refused): a place that reads attributes natively (a ``match`` class
pattern) may not name them."""
OPAQUE_PREFIXES = ("co_", "f_", "tb_", "gi_", "cr_", "ag_")
"""Attributes of code objects, frames, tracebacks, generators and coroutines."""


def pattern_attribute_problem(name: str) -> str | None:
    """Why a ``match`` pattern may not read the attribute ``name`` (or ``None`` if it may).

    Class patterns (``case Point(x=0)``) and value patterns (``case Color.RED``) read attributes
    natively, without the runtime guard, so they may name only attributes the guard would pass
    untouched: public, not denied, not answered specially.
    """
    if name[:1] == "_":
        return f"the attribute '{name}' is private: {UNDERSCORE_HINT}"
    if name in DENIED_ATTRIBUTES or name in GUARDED_ATTRIBUTES or name.startswith(OPAQUE_PREFIXES):
        return (
            f"a match pattern cannot read the attribute '{name}'; bind the whole value with "
            "'case x:' and work with x in the case body"
        )
    return None


NEAREST_CHARS = 200
"""Longest name that gets a "did you mean" hint (see ``nearest``)."""


def nearest(name: str, candidates: list[str]) -> str | None:
    """The closest candidate to ``name`` (for "did you mean" hints), if any is close.

    No hint for a name longer than ``NEAREST_CHARS``: difflib's cost is the product of the
    lengths, and a 20 MB keyword argument once kept the host's CPU busy for most of a minute.
    """
    if len(name) > NEAREST_CHARS:
        return None
    import difflib  # not at start: only an error message needs it

    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None
