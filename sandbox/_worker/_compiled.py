"""What compiling a snippet gives: ``Compiled`` or ``Refused``, and the helpers both paths share.

``compile_snippet`` (``_policy``) never raises; it returns one of the two values below, so the
worker cannot mistake a refusal for code. A ``Refused`` carries an ``ErrorData`` of kind
``syntax`` or ``policy`` whose message says what was refused, where, and what to do instead.

Plain classes with ``__slots__``, not dataclasses: ``dataclasses`` imports ``inspect``, which
costs a worker's start more than the whole policy.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    import ast
    from types import CodeType
    from typing import Literal, NoReturn, TypeAlias

    from ._messages import ErrorData

    CompilePath: TypeAlias = Literal["fast", "restricted", "unchecked"]

__all__ = [
    "FILENAME",
    "VALUE_NAME",
    "Compiled",
    "Refused",
    "compile_tree",
    "refused",
    "store_last_value",
    "syntax_refusal",
]

FILENAME = "<snippet>"
"""The file name of every snippet's code: tracebacks keep only frames with it."""
VALUE_NAME = "_value_"
"""Where a snippet's last expression is stored when it is not compiled apart (a name a snippet
cannot write: it starts with '_')."""


_TOP_LEVEL_AWAIT = 0x2000
"""``ast.PyCF_ALLOW_TOP_LEVEL_AWAIT``: a snippet may ``await`` at its top level; its code is
then a coroutine the worker drives (``_aio.run_coroutine``). Code without ``await`` compiles
as before."""


class Compiled:
    """A snippet the policy accepted.

    Run ``code`` with ``exec``; when ``tail`` is not ``None`` it is the last expression, to be
    evaluated with ``eval`` in the same namespace for the value; otherwise the value (if any)
    is left in the name ``VALUE_NAME``. ``path`` says who compiled it: ``fast`` (native code
    proven to need no guard, ``_fast``), ``restricted`` (RestrictedPython, ``_restricted``) or
    ``unchecked`` (the tests' ``unsafe_skip_policy``).
    """

    __slots__ = ("code", "path", "tail")
    __match_args__ = ("code", "tail", "path")

    code: CodeType
    tail: CodeType | None
    path: CompilePath

    def __init__(self, code: CodeType, tail: CodeType | None, path: CompilePath) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "tail", tail)
        object.__setattr__(self, "path", path)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Compiled is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Compiled):
            return NotImplemented
        return (self.code, self.tail, self.path) == (other.code, other.tail, other.path)

    def __hash__(self) -> int:
        return hash((self.code, self.tail, self.path))

    def __repr__(self) -> str:
        return f"Compiled(path={self.path!r}, tail={self.tail is not None})"


class Refused:
    """A snippet the policy refused (or could not compile): ``error`` says why and what to do."""

    __slots__ = ("error",)
    __match_args__ = ("error",)

    error: ErrorData

    def __init__(self, error: ErrorData) -> None:
        object.__setattr__(self, "error", error)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Refused is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Refused):
            return NotImplemented
        return self.error == other.error

    __hash__ = None  # type: ignore[assignment]  # its error is a dict

    def __repr__(self) -> str:
        return f"Refused({self.error!r})"


def refused(kind: str, message: str, line: int | None) -> Refused:
    return Refused({"kind": kind, "message": message, "line": line})


def syntax_refusal(error: SyntaxError) -> Refused:
    line = error.lineno
    text = (error.text or "").strip()
    where = f"line {line}: " if line else ""
    shown = f" in {text[:120]!r}" if text else ""
    return refused(
        "syntax",
        f"{where}{type(error).__name__}: {error.msg}{shown}; fix the syntax (snippets are "
        "Python 3.11 statements, not a shell or a notebook)",
        line,
    )


def store_last_value(tree: ast.Module) -> None:
    """Turn a last expression statement into ``VALUE_NAME = <expression>``."""
    import ast  # not at start: plain snippets never build a syntax tree

    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        assign = ast.Assign(targets=[ast.Name(VALUE_NAME, ast.Store())], value=last.value)
        ast.copy_location(assign, last)
        ast.fix_missing_locations(assign)
        tree.body[-1] = assign


def compile_tree(tree: ast.Module, path: CompilePath) -> Compiled | Refused:
    """Compile a checked (or rewritten) tree; a tree the compiler rejects is refused."""
    try:
        code = compile(tree, FILENAME, "exec", flags=_TOP_LEVEL_AWAIT, dont_inherit=True)
        return Compiled(code, None, path)
    except SyntaxError as error:
        return syntax_refusal(error)
    except (TypeError, AttributeError) as error:  # a rewrite produced an invalid tree: refuse
        return refused("policy", f"the snippet could not be compiled safely ({error})", None)
    except (RecursionError, MemoryError, ValueError, OverflowError) as error:
        return refused(
            "syntax",
            f"the snippet could not be compiled ({type(error).__name__}): it is nested too "
            "deeply or too large; split it into smaller statements",
            None,
        )
