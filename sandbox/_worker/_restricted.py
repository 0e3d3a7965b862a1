"""The full compile path: RestrictedPython's transformer with punie's denials and rewrites.

Snippets the fast path (``_fast``) is unsure about come here. Beyond RestrictedPython 9.0's
checks (no ``_`` names or attributes, no frame/generator/traceback internals, no
``exec``/``eval``, no ``except*``, no async, no ``nonlocal``):

- builtins that open doors (``open``, ``getattr``, ``globals``, ``vars``, ...) and the
  ``BaseException`` family are refused by name, with a hint (``_denials``);
- imports are limited to the curated stand-ins (``_denials.ALLOWED_MODULES``);
- ``match`` statements are checked name by name (patterns read attributes natively);
- ``super().__init__`` (and the other methods a class may define) and ``x.__name__`` are
  read through the getattr guard, which checks the object;
- bare ``except:`` becomes ``except Exception:`` so limit aborts (``BaseException``) cannot be
  swallowed;
- tuple unpacking and ``x += y`` on names stay native bytecode (the iteration guard is ``iter``, so
  RestrictedPython's per-item unpacking wrappers would only cost time);
- ``d[k] += v`` and ``obj.attr += v`` are allowed through guarded helpers;
- the first statement of every ``except``/``finally`` body is ``_memory_guard_()``;
- the last expression statement is stored in the reserved name ``_value_``.

RestrictedPython (and ``ast``, ``typing``) are imported when this path is first used, not when
a worker starts: importing them costs more than starting the worker (benchmarks/README.md,
"sandbox figures moved from comments"). The worker loads them while idle (``preload``), so the
first snippet that needs them rarely waits. That is why the transformer class is built by
``policy_class()`` instead of at module level.
"""

from __future__ import annotations

from ._compiled import (
    FILENAME,
    Compiled,
    Refused,
    compile_tree,
    refused,
    store_last_value,
    syntax_refusal,
)
from ._denials import (
    ALLOWED_MODULES,
    DENIED_ATTRIBUTES,
    DENIED_NAMES,
    IMPORT_HINT,
    READABLE_DUNDERS,
    SUPER_METHODS,
    UNDERSCORE_HINT,
    pattern_attribute_problem,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: see the module docstring

if TYPE_CHECKING:
    import ast
    from typing import Any, Protocol

    class _Policy(Protocol):
        problems: list[tuple[int, int, str]]
        """Every problem found, as ``(line, end column, message)``."""

        def visit(self, node: ast.AST) -> Any: ...

    class _PolicyClass(Protocol):
        def __call__(self, *, max_depth: int) -> _Policy: ...


__all__ = ["compile_full", "policy_class", "preload"]


class _TooDeep(Exception):
    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


_built: list[_PolicyClass] = []
"""The transformer class once built: a product of imports, made once per process like one."""


def preload() -> None:
    """Import RestrictedPython and build the transformer now (the worker does it while idle)."""
    policy_class()


def policy_class() -> _PolicyClass:
    """punie's transformer class: RestrictedPython's plus the denials and rewrites above.

    Instances record every problem as ``(line, end column, message)`` in ``problems``.
    """
    if _built:
        return _built[0]
    import ast

    from RestrictedPython.transformer import (
        INSPECT_ATTRIBUTES,
        RestrictingNodeTransformer,
        copy_locations,
    )

    aug_operators: dict[type[ast.operator], str] = {
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

    def memory_guard(where: ast.stmt) -> ast.stmt:
        """``_memory_guard_()`` placed at ``where``: see ``_guards.memory_guard``."""
        call = ast.Expr(ast.Call(func=ast.Name("_memory_guard_", ast.Load()), args=[], keywords=[]))
        ast.copy_location(call, where)
        ast.fix_missing_locations(call)
        return call

    class SnippetPolicy(RestrictingNodeTransformer):
        """RestrictedPython's transformer plus punie's denials; records (line, message) problems."""

        def __init__(self, *, max_depth: int) -> None:
            super().__init__()
            self.problems: list[tuple[int, int, str]] = []
            self._depth = 0
            self._max_depth = max_depth

        # -- bookkeeping -------------------------------------------------------------------

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

        # -- names, imports, attributes -----------------------------------------------------

        def check_name(
            self, node: Any, name: str | None, allow_magic_methods: bool = False
        ) -> None:
            if name is not None and name in DENIED_NAMES:
                self._refuse(
                    node, f"'{name}' is not available in the sandbox: {DENIED_NAMES[name]}"
                )
                return
            super().check_name(node, name, allow_magic_methods)

        def check_import_names(self, node: ast.ImportFrom | ast.Import) -> ast.AST:
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level or module not in ALLOWED_MODULES:
                    self._refuse(
                        node, f"importing '{'.' * node.level}{module}' is refused: {IMPORT_HINT}"
                    )
            else:
                for alias in node.names:
                    if alias.name not in ALLOWED_MODULES:
                        self._refuse(node, f"importing '{alias.name}' is refused: {IMPORT_HINT}")
            return super().check_import_names(node)

        def visit_Attribute(self, node: ast.Attribute) -> Any:
            attr = node.attr
            if isinstance(node.ctx, ast.Load) and (
                attr in READABLE_DUNDERS or (attr in SUPER_METHODS and _calls_super(node.value))
            ):
                # ``type(x).__name__`` and ``super().__init__(...)``: read through the guard,
                # which checks the object (a super() bound to the snippet's own instance).
                read = ast.Call(
                    func=ast.Name("_getattr_", ast.Load()),
                    args=[self.visit(node.value), ast.Constant(attr)],
                    keywords=[],
                )
                copy_locations(read, node)
                return read
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

        # -- rewrites -----------------------------------------------------------------------

        def guard_iter(self, node: Any) -> Any:
            node = self.node_contents_visit(node)
            new_iter = ast.Call(
                func=ast.Name("_getiter_", ast.Load()), args=[node.iter], keywords=[]
            )
            copy_locations(new_iter, node.iter)
            node.iter = new_iter
            return node

        def visit_Assign(self, node: ast.Assign) -> Any:
            return self.node_contents_visit(node)

        def visit_AnnAssign(self, node: ast.AnnAssign) -> Any:
            # ``x: int = 1`` (dataclass fields): the target is checked like an assignment's,
            # the annotation and value like any expression.
            return self.node_contents_visit(node)

        def visit_With(self, node: ast.With) -> Any:
            return self.node_contents_visit(node)

        def visit_AugAssign(self, node: ast.AugAssign) -> Any:
            target = node.target
            if isinstance(target, ast.Name):
                self.check_name(target, target.id)
                node.value = self.visit(node.value)
                return node
            operator = aug_operators[type(node.op)]
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
            # RestrictedPython builds the new class node from parsed text, at line 1: put it
            # (and its ``metaclass=`` keyword) where the class is, so errors name the right line.
            ast.copy_location(rebuilt, node)
            for keyword in rebuilt.keywords:
                for child in ast.walk(keyword):
                    ast.copy_location(child, node)
            return rebuilt

        def visit_Try(self, node: ast.Try) -> Any:
            node = self.node_contents_visit(node)
            for handler in node.handlers:
                handler.body.insert(0, memory_guard(handler.body[0]))
            if node.finalbody:
                node.finalbody.insert(0, memory_guard(node.finalbody[0]))
            return node

        # -- async code (H2: concurrent host calls through the ``asyncio`` stand-in) ----------
        # ``async def`` is checked like ``def``; ``await`` like any expression; ``async for``
        # and ``async with`` stay refused (RestrictedPython's ``not_allowed``).

        def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> Any:
            self.check_name(node, node.name, allow_magic_methods=True)
            self.check_function_argument_names(node)
            with self.print_info.new_print_scope():
                node = self.node_contents_visit(node)
                # RestrictedPython treats any function node alike; its hint names FunctionDef only
                self.inject_print_collector(node)  # ty: ignore[invalid-argument-type]
            return node

        def visit_Await(self, node: ast.Await) -> Any:
            return self.node_contents_visit(node)

        def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
            if node.type is None:
                node.type = ast.copy_location(ast.Name("Exception", ast.Load()), node)
            return super().visit_ExceptHandler(node)

        # -- match statements (H1) -------------------------------------------------------
        # A pattern reads attributes natively (class patterns by keyword or ``__match_args__``,
        # value patterns ``Color.RED``) and binds names without a Name node, so it cannot be
        # rewritten to the guards: its names and attributes are checked here instead. A class
        # a snippet can reach has no private or denied name in ``__match_args__`` (snippet
        # classes cannot set it; namedtuple and dataclass fields are checked names; a test
        # checks the stand-ins' classes).

        def visit_Match(self, node: ast.Match) -> Any:
            return self.node_contents_visit(node)

        def visit_match_case(self, node: ast.match_case) -> Any:
            return self.node_contents_visit(node)

        def visit_MatchValue(self, node: ast.MatchValue) -> Any:
            self._check_pattern_path(node, node.value)
            return node

        def visit_MatchSingleton(self, node: ast.MatchSingleton) -> Any:
            return node

        def visit_MatchSequence(self, node: ast.MatchSequence) -> Any:
            return self.node_contents_visit(node)

        def visit_MatchStar(self, node: ast.MatchStar) -> Any:
            self.check_name(node, node.name)
            return node

        def visit_MatchMapping(self, node: ast.MatchMapping) -> Any:
            for key in node.keys:
                self._check_pattern_path(node, key)
            self.check_name(node, node.rest)
            node.patterns = [self.visit(pattern) for pattern in node.patterns]
            return node

        def visit_MatchClass(self, node: ast.MatchClass) -> Any:
            self._check_pattern_path(node, node.cls)
            for attribute in node.kwd_attrs:
                problem = pattern_attribute_problem(attribute)
                if problem is not None:
                    self._refuse(node, problem)
            node.patterns = [self.visit(pattern) for pattern in node.patterns]
            node.kwd_patterns = [self.visit(pattern) for pattern in node.kwd_patterns]
            return node

        def visit_MatchAs(self, node: ast.MatchAs) -> Any:
            self.check_name(node, node.name)
            if node.pattern is not None:
                node.pattern = self.visit(node.pattern)
            return node

        def visit_MatchOr(self, node: ast.MatchOr) -> Any:
            return self.node_contents_visit(node)

        def _check_pattern_path(self, node: ast.AST, path: ast.expr) -> None:
            """A value pattern's or class pattern's dotted name (``Color.RED``), or a literal:
            each attribute read natively must be one the guard would pass untouched."""
            while isinstance(path, ast.Attribute):
                problem = pattern_attribute_problem(path.attr)
                if problem is not None:
                    self._refuse(node, problem)
                path = path.value
            if isinstance(path, ast.Name):
                self.check_name(path, path.id)
            elif not isinstance(path, (ast.Constant, ast.UnaryOp, ast.BinOp)):
                self._refuse(node, "a match pattern may only name values and classes")

    _built.append(SnippetPolicy)
    return SnippetPolicy


def _calls_super(node: ast.expr) -> bool:
    import ast  # see the module docstring (only called while the policy runs)

    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _with_hint(info: str) -> str:
    text = info.rstrip(".")
    if 'starts with "_"' in text or "starts with '_'" in text:
        return f"{text}: {UNDERSCORE_HINT}"
    if "is a restricted name" in text:
        return f"{text}: frames, generators, tracebacks and code objects are private"
    if "Async" in text or "Await" in text:
        return (
            f"{text}: 'async for' and 'async with' are not supported; await host function "
            "calls, or run several with 'await asyncio.gather(...)'"
        )
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


def compile_full(source: str, *, max_depth: int, skip_policy: bool = False) -> Compiled | Refused:
    """Parse, check and transform with the full policy (``skip_policy``: parse only, tests)."""
    import ast  # see the module docstring

    try:
        tree = ast.parse(source, FILENAME, "exec")
    except SyntaxError as error:
        return syntax_refusal(error)
    except (RecursionError, MemoryError, ValueError, OverflowError) as error:
        return refused(
            "syntax",
            f"the snippet could not be parsed ({type(error).__name__}): it is nested too deeply "
            "or too large; split it into smaller statements",
            None,
        )
    if skip_policy:
        store_last_value(tree)
        return compile_tree(tree, "unchecked")
    policy = policy_class()(max_depth=max_depth)
    try:
        tree = policy.visit(tree)
    except _TooDeep as error:
        where = f"line {error.line}: " if error.line else ""
        return refused(
            "policy",
            f"{where}the code is nested more than {max_depth} levels deep; split long "
            "expressions into several statements with intermediate variables",
            error.line,
        )
    except (RecursionError, MemoryError):
        return refused(
            "policy",
            "the code is nested too deeply to check; split long expressions into several "
            "statements with intermediate variables",
            None,
        )
    problems = policy.problems
    if problems:
        first, _end, message = min(problems, key=lambda problem: problem[:2])
        line = first or None
        more = len(problems) - 1
        text = f"line {line}: {message}" if line else message
        if more:
            text += f" (and {more} more problem{'s' if more > 1 else ''} like it)"
        return refused("policy", text, line)
    store_last_value(tree)
    return compile_tree(tree, "restricted")
