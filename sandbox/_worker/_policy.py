"""The language policy's front door: which path compiles a snippet, and the shared denials.

``compile_snippet`` turns source into code or into a ``syntax``/``policy`` error dict (``kind``,
``message``, ``line``) whose message says what was refused, where, and what to do instead. It
never raises: pathological input (deep nesting, compiler recursion, memory) becomes an error
too. It runs in the worker, so even a compiler crash costs a worker, not the host.

Two paths decide the same way for code they both accept:

- the full path (``_restricted``): RestrictedPython 9.0's transformer plus punie's denials,
  with precise errors and runtime guards;
- the fast path (here): plain snippets, proven by a check of the compiled code to need no guard
  at all, are compiled natively (about 4x cheaper). Anything the check is unsure about goes to
  the full path.

This module avoids importing ``typing``, ``ast``, ``dis`` and RestrictedPython so that a worker
starts quickly; the full path loads them on first use.
"""

from __future__ import annotations

import opcode
import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a worker ~10 ms

if TYPE_CHECKING:
    import ast
    from typing import Any

__all__ = [
    "ALLOWED_MODULES",
    "DENIED_ATTRIBUTES",
    "DENIED_NAMES",
    "FILENAME",
    "INSPECT_ATTRIBUTES",
    "NEAREST_CHARS",
    "VALUE_NAME",
    "compile_snippet",
    "nearest",
]

FILENAME = "<snippet>"
NEAREST_CHARS = 200
"""Longest name that gets a "did you mean" hint (see ``nearest``)."""
VALUE_NAME = "_value_"
ALLOWED_MODULES = ("json", "math", "re")
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
    "type": "use isinstance(x, int) to test a type",
    "object": "define a class without a base class instead",
    "super": "call the method on the class you need directly",
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


def _error(kind: str, message: str, line: int | None) -> dict[str, Any]:
    return {"kind": kind, "message": message, "line": line}


# -- the fast path -------------------------------------------------------------------------
#
# RestrictedPython's transformer costs ~0.4 ms for five lines (a Python call per AST node). Most
# model snippets are plain: no private names, no attribute writes, no str.format.
# For those, every guard the transformer would insert is a no-op at run time: ``_getiter_`` and
# ``_getitem_`` are the identity here, attribute reads of public, non-denied names cannot reach
# anything private, and nothing shared is written. So plain code is compiled natively and the
# *compiled* code is checked instead: every name it uses (globals, attributes, locals, cells, in
# every nested code object) and every opcode that could need a guard. Anything else, or anything
# the check is unsure about, takes the full RestrictedPython path, which decides with precise
# errors. The result for accepted code is the same either way; the fast path only saves time.

_SLOW_WORDS = ("except", "finally", "match", "nonlocal", "metaclass", "async", "await", "printed")
"""Source containing any of these goes to the full path (imports, bare ``except:`` and
``except*``, ``match``, ...); a substring test is ~10x cheaper than a regex and a false alarm
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
_MODULE = r"(?:json|re|math)(?:\s+as\s+\w+)?"
_NAME = r"\w+(?:\s+as\s+\w+)?"
_ALLOWED_IMPORT_LINE = re.compile(
    rf"\s*(?:import\s+{_MODULE}(?:\s*,\s*{_MODULE})*"
    rf"|from\s+(?:json|re|math)\s+import\s+{_NAME}(?:\s*,\s*{_NAME})*)\s*(?:#.*)?"
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
_plain_names: set[str] = set()


def _name_is_plain(name: str) -> bool:
    if name in _plain_names:
        return True
    if name[:1] == "_" and name not in _GENERATED_NAMES:
        return False
    if name in DENIED_NAMES or name in DENIED_ATTRIBUTES or name in _RUNTIME_GUARDED:
        return False
    if name.startswith(_OPAQUE_PREFIXES):
        return False
    if len(_plain_names) < 10_000:
        _plain_names.add(name)
    return True


def _code_is_plain(code: Any, max_depth: int, depth: int) -> bool:
    if depth > max_depth // 4 or code.co_stacksize > max_depth or code.co_flags & _ASYNC_FLAGS:
        return False
    if not _SLOW_OPCODES.isdisjoint(code.co_code[::2]):
        return False
    for names in (code.co_names, code.co_varnames, code.co_cellvars, code.co_freevars):
        for name in names:
            if name[:1] != "." and not _name_is_plain(name):
                return False
    if not _GENERATED_NAMES.isdisjoint(code.co_names) and not _generated_uses_only(code):
        return False
    if not _GENERATED_NAMES.isdisjoint(code.co_varnames + code.co_cellvars + code.co_freevars):
        return False
    for constant in code.co_consts:
        if hasattr(constant, "co_code") and not _code_is_plain(constant, max_depth, depth + 1):
            return False
    return True


def _generated_uses_only(code: Any) -> bool:
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


def _compile_fast(source: str, max_depth: int) -> tuple[Any, Any] | None:
    """Native compile plus a check of the code objects, or ``None`` to take the full path.

    The last expression's value comes from compiling the last top-level statement separately
    in ``eval`` mode (when it is one), which avoids building Python AST objects at all.
    """
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
            return _compile_fast_ast(source, max_depth)  # "x = 1; x + 1": the AST knows
        if _STATEMENT_START.match(tail) and '"""' not in source and "'''" not in source:
            code = compile(source, FILENAME, "exec", dont_inherit=True)
        else:
            tail_code = compile("\n" * index + tail, FILENAME, "eval", dont_inherit=True)
            code = compile(head, FILENAME, "exec", dont_inherit=True)
    except Exception:
        return _compile_fast_ast(source, max_depth)
    if not _code_is_plain(code, max_depth, 0):
        return None
    if tail_code is not None and not _code_is_plain(tail_code, max_depth, 0):
        return None
    return code, tail_code


def _compile_fast_ast(source: str, max_depth: int) -> tuple[Any, Any] | None:
    import ast

    try:
        tree = ast.parse(source, FILENAME, "exec")
        _store_last_value(tree)
        code = compile(tree, FILENAME, "exec", dont_inherit=True)
    except Exception:
        return None
    return (code, None) if _code_is_plain(code, max_depth, 0) else None


def compile_snippet(
    source: str, *, max_depth: int, skip_policy: bool = False, full_only: bool = False
) -> Any:
    """Compile a snippet: ``(code, tail)`` on success, an error dict on refusal. Never raises.

    Run ``code`` with ``exec``; when ``tail`` is not ``None`` it is the last expression, to be
    evaluated with ``eval`` in the same namespace for the value; otherwise the value (if any) is
    left in the name ``VALUE_NAME``.
    """
    if not skip_policy and not full_only:
        compiled = _compile_fast(source, max_depth)
        if compiled is not None:
            return compiled
    from ._restricted import compile_full  # imported on first need: it loads RestrictedPython

    return compile_full(source, max_depth=max_depth, skip_policy=skip_policy)


def _store_last_value(tree: ast.Module) -> None:
    import ast

    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        assert isinstance(last, ast.Expr)
        assign = ast.Assign(targets=[ast.Name(VALUE_NAME, ast.Store())], value=last.value)
        ast.copy_location(assign, last)
        ast.fix_missing_locations(assign)
        tree.body[-1] = assign


def _compile_tree(tree: ast.Module) -> Any:
    try:
        return compile(tree, FILENAME, "exec", dont_inherit=True), None
    except SyntaxError as error:
        return _syntax_error(error)
    except (TypeError, AttributeError) as error:  # a rewrite produced an invalid tree: refuse
        return _error("policy", f"the snippet could not be compiled safely ({error})", None)
    except (RecursionError, MemoryError, ValueError, OverflowError) as error:
        return _error(
            "syntax",
            f"the snippet could not be compiled ({type(error).__name__}): it is nested too "
            "deeply or too large; split it into smaller statements",
            None,
        )


def _syntax_error(error: SyntaxError) -> dict[str, Any]:
    line = error.lineno
    text = (error.text or "").strip()
    where = f"line {line}: " if line else ""
    shown = f" in {text[:120]!r}" if text else ""
    return _error(
        "syntax",
        f"{where}{type(error).__name__}: {error.msg}{shown}; fix the syntax (snippets are "
        "Python 3.11 statements, not a shell or a notebook)",
        line,
    )


def nearest(name: str, candidates: list[str]) -> str | None:
    """The closest candidate to ``name`` (for "did you mean" hints), if any is close.

    No hint for a name longer than ``NEAREST_CHARS``: difflib's cost is the product of the
    lengths, and a 20 MB keyword argument once cost the host 43 s of CPU.
    """
    if len(name) > NEAREST_CHARS:
        return None
    import difflib

    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None
