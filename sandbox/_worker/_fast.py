"""The bytecode fast path: plain snippets compiled natively, then proven to need no guard.

This file is the whole of it, so that a security review of the fast path reads one file.

RestrictedPython's transformer (``_restricted``) makes a Python call per syntax-tree node. Most
model snippets are plain: no private names, no attribute writes, no ``str.format``. For those,
every guard the transformer would insert is a no-op at run time: ``_getiter_`` and
``_getitem_`` are the identity here, attribute reads of public, non-denied names cannot reach
anything private, and nothing shared is written. So plain code is compiled natively and the
*compiled* code is checked instead: every name it uses (globals, attributes, locals, cells, in
every nested code object) and every opcode that could need a guard. Anything else, or anything
the check is unsure about, returns ``None``: the full RestrictedPython path then decides, with
precise errors. The result for accepted code is the same either way; the fast path only saves
time (benchmarks/README.md, "sandbox figures moved from comments").
"""

from __future__ import annotations

import opcode
import re

from ._compiled import FILENAME, VALUE_NAME, Compiled, store_last_value
from ._denials import ALLOWED_MODULES, DENIED_ATTRIBUTES, DENIED_NAMES

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from types import CodeType

__all__ = ["PLAIN_NAMES_LIMIT", "compile_fast"]

PLAIN_NAMES_LIMIT = 10_000
"""Most names a worker remembers as proven plain (``WorkerCaches.plain_names``)."""

_SLOW_WORDS = ("except", "finally", "match", "nonlocal", "metaclass", "async", "await", "printed")
"""Source containing any of these goes to the full path (imports, bare ``except:`` and
``except*``, ``match``, ...); a substring test is much cheaper than a regex and a false alarm
only costs time."""
_SLOW_OPCODES = frozenset(
    opcode.opmap[name]
    for name in (
        "STORE_ATTR",
        "DELETE_ATTR",
        "IMPORT_STAR",
        "CHECK_EG_MATCH",
        "MATCH_CLASS",
        "MATCH_MAPPING",
        "MATCH_SEQUENCE",
        "MATCH_KEYS",
        "SETUP_ANNOTATIONS",
        # Item writes: the full path puts them behind the ``_write_`` guard (dicts, lists and
        # snippet classes only); natively they would reach any ``__setitem__``.
        "STORE_SUBSCR",
        "DELETE_SUBSCR",
        "STORE_SLICE",
    )
    if name in opcode.opmap
)
_ALLOWED = "|".join(re.escape(name) for name in ALLOWED_MODULES)
_MODULE = rf"(?:{_ALLOWED})(?:\s+as\s+\w+)?"
_NAME = r"\w+(?:\s+as\s+\w+)?"
_ALLOWED_IMPORT_LINE = re.compile(
    rf"\s*(?:import\s+{_MODULE}(?:\s*,\s*{_MODULE})*"
    rf"|from\s+(?:{_ALLOWED})\s+import\s+{_NAME}(?:\s*,\s*{_NAME})*)\s*(?:#.*)?"
)
"""A whole line that only imports the curated modules; any other line mentioning ``import``
(another module, a relative import, a continuation, a string) sends the snippet to the full
path, which refuses what must be refused with a ``policy`` error."""
_GENERATED_NAMES = frozenset({"__name__", "__module__", "__qualname__", VALUE_NAME})
_CLASS_PROLOGUE = (
    (opcode.opmap["LOAD_NAME"], "__name__"),
    (opcode.opmap["STORE_NAME"], "__module__"),
    (opcode.opmap["STORE_NAME"], "__qualname__"),
)
"""The only uses of the generated names a class body may make (its first instructions); any
other use came from the source (``f.__name__``, spelt with full-width letters if need be)."""
_NAME_OPS = frozenset(opcode.hasname)
_NAME_SHIFTS = {opcode.opmap["LOAD_GLOBAL"]: 1}
"""Opcodes whose argument carries flags below the name index (3.11: ``LOAD_GLOBAL``; 3.12
adds ``LOAD_ATTR`` and ``LOAD_SUPER_ATTR``)."""
if "LOAD_METHOD" not in opcode.opmap:  # Python 3.12+
    _NAME_SHIFTS[opcode.opmap["LOAD_ATTR"]] = 1
if "LOAD_SUPER_ATTR" in opcode.opmap:
    _NAME_SHIFTS[opcode.opmap["LOAD_SUPER_ATTR"]] = 2
_RUNTIME_GUARDED = frozenset(
    {
        "format", "obj", "printed",
        # ``string.Formatter``'s own methods: the guard refuses every attribute of a formatter
        # (one of its opaque types); natively the check would be skipped.
        "vformat", "parse", "get_field", "get_value", "check_unused_args", "format_field",
        "convert_field",
    }
)  # fmt: skip
_OPAQUE_PREFIXES = ("co_", "f_", "tb_", "gi_", "cr_", "ag_")
"""Attributes of code objects, frames, tracebacks, generators and coroutines: the guard refuses
them (some by name, all by the object's type); the fast path defers every one to it."""
_ASYNC_FLAGS = 0x0080 | 0x0100 | 0x0200  # CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR


def _name_is_plain(name: str, plain_names: set[str]) -> bool:
    if name in plain_names:
        return True
    if name[:1] == "_" and name not in _GENERATED_NAMES:
        return False
    if name in DENIED_NAMES or name in DENIED_ATTRIBUTES or name in _RUNTIME_GUARDED:
        return False
    if name.startswith(_OPAQUE_PREFIXES):
        return False
    if len(plain_names) < PLAIN_NAMES_LIMIT:
        plain_names.add(name)
    return True


def _code_is_plain(code: CodeType, max_depth: int, depth: int, plain_names: set[str]) -> bool:
    if depth > max_depth // 4 or code.co_stacksize > max_depth or code.co_flags & _ASYNC_FLAGS:
        return False
    if not _SLOW_OPCODES.isdisjoint(code.co_code[::2]):
        return False
    for names in (code.co_names, code.co_varnames, code.co_cellvars, code.co_freevars):
        for name in names:
            if name[:1] != "." and not _name_is_plain(name, plain_names):
                return False
    if not _GENERATED_NAMES.isdisjoint(code.co_names) and not _generated_uses_only(code):
        return False
    if not _GENERATED_NAMES.isdisjoint(code.co_varnames + code.co_cellvars + code.co_freevars):
        return False
    for constant in code.co_consts:
        if hasattr(constant, "co_code") and not _code_is_plain(
            constant, max_depth, depth + 1, plain_names
        ):
            return False
    return True


def _generated_uses_only(code: CodeType) -> bool:
    """Whether the generated names in ``code`` are used only as the compiler uses them: a
    class body's prologue, and the last value stored in ``VALUE_NAME`` at module level."""
    names = code.co_names
    raw = code.co_code
    store_name = _CLASS_PROLOGUE[1][0]
    uses: list[tuple[int, str]] = []
    extended = 0
    for index in range(0, len(raw), 2):
        op = raw[index]
        argument = raw[index + 1] | extended
        if op == opcode.EXTENDED_ARG:
            extended = argument << 8
            continue
        extended = 0
        if op in _NAME_OPS:
            name = names[argument >> _NAME_SHIFTS.get(op, 0)]
            if name in _GENERATED_NAMES:
                if name == VALUE_NAME and op == store_name and code.co_name == "<module>":
                    continue
                uses.append((op, name))
    return not uses or tuple(uses) == _CLASS_PROLOGUE


_STATEMENT_START = re.compile(
    r"(?:if|elif|else|for|while|def|class|with|try|except|finally|return|raise|pass|break"
    r"|continue|del|global|assert)\b|@|[A-Za-z_][\w.]*\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"
)


def _split_last_line(source: str) -> tuple[str, str, int] | None:
    """Split at the last line starting in column 0: (head, tail, tail's 0-based line)."""
    lines = source.rstrip().split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line and line[0] not in " \t#)]}\r":
            return "\n".join(lines[:index]), "\n".join(lines[index:]), index
    return None


def compile_fast(
    source: str, max_depth: int, plain_names: set[str] | None = None
) -> Compiled | None:
    """Native compile plus a check of the code objects, or ``None`` to take the full path.

    The last expression's value comes from compiling the last top-level statement separately
    in ``eval`` mode (when it is one), which avoids building Python AST objects at all.
    ``plain_names`` remembers names already proven plain (the worker's ``WorkerCaches``); a
    call without it checks every name afresh.
    """
    if plain_names is None:
        plain_names = set()
    for word in _SLOW_WORDS:
        if word in source:
            return None
    if "import" in source:
        for line in source.split("\n"):
            if "import" in line and not _ALLOWED_IMPORT_LINE.fullmatch(line.rstrip("\r")):
                return None
    split = _split_last_line(source)
    if split is None:
        return None
    head, tail, index = split
    tail_code = None
    try:
        if ";" in tail:
            return _compile_fast_ast(source, max_depth, plain_names)  # "x = 1; x + 1"
        if _STATEMENT_START.match(tail) and '"""' not in source and "'''" not in source:
            code = compile(source, FILENAME, "exec", dont_inherit=True)
        else:
            tail_code = compile("\n" * index + tail, FILENAME, "eval", dont_inherit=True)
            code = compile(head, FILENAME, "exec", dont_inherit=True)
    except Exception:
        return _compile_fast_ast(source, max_depth, plain_names)
    if not _code_is_plain(code, max_depth, 0, plain_names):
        return None
    if tail_code is not None and not _code_is_plain(tail_code, max_depth, 0, plain_names):
        return None
    return Compiled(code, tail_code, "fast")


def _compile_fast_ast(source: str, max_depth: int, plain_names: set[str]) -> Compiled | None:
    import ast  # not at start: most snippets are split without a syntax tree

    try:
        tree = ast.parse(source, FILENAME, "exec")
        store_last_value(tree)
        code = compile(tree, FILENAME, "exec", dont_inherit=True)
    except Exception:
        return None
    if not _code_is_plain(code, max_depth, 0, plain_names):
        return None
    return Compiled(code, None, "fast")
