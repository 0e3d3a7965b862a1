"""The full language policy: RestrictedPython's transformer with punie's denials and rewrites.

Imported only when a snippet needs it (see ``_policy``: plain snippets take the fast path), so
that a worker starts without loading RestrictedPython and ``typing``. Beyond RestrictedPython
9.0's checks (no ``_`` names or attributes, no frame/generator/traceback internals, no
``exec``/``eval``, no ``except*``, no async, no ``nonlocal``):

- builtins that open doors (``open``, ``getattr``, ``type``, ``globals``, ``vars``, ...) and the
  ``BaseException`` family are refused by name, with a hint;
- imports are limited to the curated ``json``, ``re`` and ``math`` stand-ins;
- bare ``except:`` becomes ``except Exception:`` so limit aborts (``BaseException``) cannot be
  swallowed;
- tuple unpacking and ``x += y`` on names stay native bytecode (the iteration guard is ``iter``, so
  RestrictedPython's per-item unpacking wrappers would only cost time);
- ``d[k] += v`` and ``obj.attr += v`` are allowed through guarded helpers;
- the last expression statement is stored in the reserved name ``_value_``.
"""

from __future__ import annotations

import ast
from typing import Any

from RestrictedPython.transformer import (
    INSPECT_ATTRIBUTES,
    RestrictingNodeTransformer,
    copy_locations,
)

from ._policy import (
    ALLOWED_MODULES,
    DENIED_ATTRIBUTES,
    DENIED_NAMES,
    FILENAME,
    _compile_tree,
    _error,
    _store_last_value,
    _syntax_error,
)

__all__ = ["SnippetPolicy", "compile_full"]

_IMPORT_HINT = (
    "no modules can be imported except json, re, math; host functions are already defined, "
    "call them directly"
)
_UNDERSCORE_HINT = (
    "names and attributes starting with '_' are private to the sandbox; use the public API "
    "(len(x) instead of x.__len__(), isinstance(x, int) instead of x.__class__)"
)


class _TooDeep(Exception):
    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


class SnippetPolicy(RestrictingNodeTransformer):
    """RestrictedPython's transformer plus punie's denials; records (line, message) problems."""

    def __init__(self, *, max_depth: int) -> None:
        super().__init__()
        self.problems: list[tuple[int, int, str]] = []
        self._depth = 0
        self._max_depth = max_depth

    # -- bookkeeping -----------------------------------------------------------------------

    def visit(self, node: ast.AST) -> Any:
        self._depth += 1
        if self._depth > self._max_depth:
            raise _TooDeep(getattr(node, "lineno", None))
        try:
            return super().visit(node)
        finally:
            self._depth -= 1

    def error(self, node: ast.AST, info: str) -> None:
        self._record(node, _with_hint(info))
        super().error(node, info)

    def _refuse(self, node: ast.AST, message: str) -> None:
        self._record(node, message)
        self.errors.append(message)

    def _record(self, node: ast.AST, message: str) -> None:
        line = getattr(node, "lineno", None) or 0
        end = getattr(node, "end_col_offset", None) or 0
        self.problems.append((line, end, message))

    # -- names, imports, attributes ---------------------------------------------------------

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        if name is not None and name in DENIED_NAMES:
            self._refuse(node, f"'{name}' is not available in the sandbox: {DENIED_NAMES[name]}")
            return
        super().check_name(node, name, allow_magic_methods)

    def check_import_names(self, node: ast.ImportFrom | ast.Import) -> ast.AST:
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or module not in ALLOWED_MODULES:
                self._refuse(
                    node, f"importing '{'.' * node.level}{module}' is refused: {_IMPORT_HINT}"
                )
        else:
            for alias in node.names:
                if alias.name not in ALLOWED_MODULES:
                    self._refuse(node, f"importing '{alias.name}' is refused: {_IMPORT_HINT}")
        return super().check_import_names(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        attr = node.attr
        if attr in DENIED_ATTRIBUTES and attr not in INSPECT_ATTRIBUTES:
            self._refuse(
                node,
                f"the attribute '{attr}' is not accessible in the sandbox: "
                + (
                    "use str.format() or an f-string"
                    if attr == "format_map"
                    else "frames, code objects and class internals are private"
                ),
            )
        return super().visit_Attribute(node)

    # -- rewrites ---------------------------------------------------------------------------

    def guard_iter(self, node: Any) -> Any:
        node = self.node_contents_visit(node)
        new_iter = ast.Call(func=ast.Name("_getiter_", ast.Load()), args=[node.iter], keywords=[])
        copy_locations(new_iter, node.iter)
        node.iter = new_iter
        return node

    def visit_Assign(self, node: ast.Assign) -> Any:
        return self.node_contents_visit(node)

    def visit_With(self, node: ast.With) -> Any:
        return self.node_contents_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        target = node.target
        if isinstance(target, ast.Name):
            self.check_name(target, target.id)
            node.value = self.visit(node.value)
            return node
        operator = _AUG_OPERATORS[type(node.op)]
        if isinstance(target, ast.Subscript):
            helper = "_aug_item_"
            owner = self.visit(target.value)
            key = self.visit(target.slice)
        else:
            assert isinstance(target, ast.Attribute)
            if target.attr.startswith("_") or target.attr in DENIED_ATTRIBUTES:
                return self.visit_Attribute(target)
            helper = "_aug_attr_"
            owner = self.visit(target.value)
            key = ast.Constant(target.attr)
        call = ast.Call(
            func=ast.Name(helper, ast.Load()),
            args=[owner, key, ast.Constant(operator), self.visit(node.value)],
            keywords=[],
        )
        statement = ast.Expr(call)
        ast.copy_location(statement, node)
        ast.fix_missing_locations(statement)
        return statement

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        rebuilt = super().visit_ClassDef(node)
        assert isinstance(rebuilt, ast.ClassDef)
        # RestrictedPython builds the new class node from parsed text, at line 1: put it (and
        # its ``metaclass=`` keyword) where the class is, so errors name the right line.
        ast.copy_location(rebuilt, node)
        for keyword in rebuilt.keywords:
            for child in ast.walk(keyword):
                ast.copy_location(child, node)
        return rebuilt

    def visit_Try(self, node: ast.Try) -> Any:
        node = self.node_contents_visit(node)
        for handler in node.handlers:
            handler.body.insert(0, _memory_guard(handler.body[0]))
        if node.finalbody:
            node.finalbody.insert(0, _memory_guard(node.finalbody[0]))
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        if node.type is None:
            node.type = ast.copy_location(ast.Name("Exception", ast.Load()), node)
        return super().visit_ExceptHandler(node)


def _memory_guard(where: ast.stmt) -> ast.stmt:
    """``_memory_guard_()`` placed at ``where``: see ``_guards.memory_guard``."""
    call = ast.Expr(ast.Call(func=ast.Name("_memory_guard_", ast.Load()), args=[], keywords=[]))
    ast.copy_location(call, where)
    ast.fix_missing_locations(call)
    return call


_AUG_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+=",
    ast.Sub: "-=",
    ast.Mult: "*=",
    ast.Div: "/=",
    ast.Mod: "%=",
    ast.Pow: "**=",
    ast.LShift: "<<=",
    ast.RShift: ">>=",
    ast.BitOr: "|=",
    ast.BitXor: "^=",
    ast.BitAnd: "&=",
    ast.FloorDiv: "//=",
    ast.MatMult: "@=",
}


def _with_hint(info: str) -> str:
    text = info.rstrip(".")
    if 'starts with "_"' in text or "starts with '_'" in text:
        return f"{text}: {_UNDERSCORE_HINT}"
    if "is a restricted name" in text:
        return f"{text}: frames, generators, tracebacks and code objects are private"
    if "Async" in text or "Await" in text:
        return f"{text}: async code is not supported; host functions return their results directly"
    if "Exec calls" in text or "Eval calls" in text:
        return f"{text}: running generated code is not allowed; write the code directly"
    if "TryStar" in text:
        return f"{text}: 'except*' is not supported; use a plain 'except ValueError:' clause"
    if "Nonlocal" in text:
        return f"{text}: return the new value from the inner function instead"
    if "Match" in text:
        return f"{text}: use if/elif instead of match statements"
    if "statements are not allowed" in text or "is not known" in text:
        return f"{text}: rewrite it with plain statements"
    return text


def compile_full(source: str, *, max_depth: int, skip_policy: bool = False) -> Any:
    """Parse, check and transform with the full policy; ``(code, None)`` or an error dict."""
    try:
        tree = ast.parse(source, FILENAME, "exec")
    except SyntaxError as error:
        return _syntax_error(error)
    except (RecursionError, MemoryError, ValueError, OverflowError) as error:
        return _error(
            "syntax",
            f"the snippet could not be parsed ({type(error).__name__}): it is nested too deeply "
            "or too large; split it into smaller statements",
            None,
        )
    if skip_policy:
        _store_last_value(tree)
        return _compile_tree(tree)
    policy = SnippetPolicy(max_depth=max_depth)
    try:
        tree = policy.visit(tree)
    except _TooDeep as error:
        where = f"line {error.line}: " if error.line else ""
        return _error(
            "policy",
            f"{where}the code is nested more than {max_depth} levels deep; split long "
            "expressions into several statements with intermediate variables",
            error.line,
        )
    except (RecursionError, MemoryError):
        return _error(
            "policy",
            "the code is nested too deeply to check; split long expressions into several "
            "statements with intermediate variables",
            None,
        )
    if policy.problems:
        first, _end, message = min(policy.problems, key=lambda problem: problem[:2])
        line = first or None
        more = len(policy.problems) - 1
        text = f"line {line}: {message}" if line else message
        if more:
            text += f" (and {more} more problem{'s' if more > 1 else ''} like it)"
        return _error("policy", text, line)
    _store_last_value(tree)
    return _compile_tree(tree)
