"""The pre-run check: catch a snippet's mistakes against the host functions before it runs.

A small model's most common slips are a misspelt bridge, a positional argument, a keyword that
does not exist, and a field name on the result that does not exist (``result.errorz``). All of
them are visible in the source, so we report them statically — with the line and the nearest
valid name — instead of spending a worker round trip and a confusing runtime traceback.

The check follows result types through simple assignments (``r = typecheck()``), attribute and
index access (``r.errors[0]``), ``for`` loops and comprehensions. It is deliberately
conservative: a name it cannot type is left alone, so it never rejects a correct snippet.
"""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sandbox._host import HostFunction, as_host_function
from sandbox._types import annotation_text, element_type, is_model, strip_optional

__all__ = ["PrecheckIssue", "Prechecker", "precheck"]

IssueCode = Literal[
    "syntax",
    "unknown_function",
    "positional_argument",
    "unknown_argument",
    "missing_argument",
    "unknown_field",
    "type",
]
"""``type`` is used by the optional full type check (``bridges.typecheck_snippet``)."""

_BUILTIN_NAMES = frozenset(dir(builtins))
_NEAREST_CHARS = 200
"""Longest name that gets a "did you mean" hint (matching costs the product of the lengths)."""


@dataclass(frozen=True, slots=True)
class PrecheckIssue:
    """One problem found before running: where, what, and what to write instead."""

    line: int
    message: str
    code: IssueCode


@dataclass(frozen=True, slots=True)
class _Signature:
    name: str
    parameters: tuple[str, ...]
    required: frozenset[str]
    result_type: Any


class Prechecker:
    """A pre-run checker for one set of host functions (build once, check many snippets)."""

    def __init__(self, host_functions: Iterable[HostFunction | Any]) -> None:
        self._signatures: dict[str, _Signature] = {}
        for item in host_functions:
            function = as_host_function(item)
            fields = function.argument_model.model_fields
            self._signatures[function.name] = _Signature(
                name=function.name,
                parameters=tuple(fields),
                required=frozenset(n for n, f in fields.items() if f.is_required()),
                result_type=function.result_type,
            )

    def check(self, source: str, *, known_names: Iterable[str] = ()) -> list[PrecheckIssue]:
        """Problems in ``source``; ``known_names`` are names bound by earlier snippets."""
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            return [
                PrecheckIssue(
                    line=error.lineno or 1,
                    message=f"SyntaxError on line {error.lineno}: {error.msg}. Fix the syntax "
                    "and send the whole snippet again.",
                    code="syntax",
                )
            ]
        except (ValueError, RecursionError, MemoryError) as error:
            return [
                PrecheckIssue(line=1, message=f"cannot parse the snippet: {error}", code="syntax")
            ]
        walker = _Walker(self._signatures, set(known_names))
        try:
            walker.visit(tree)
            walker.report_unknown_calls()
        except (RecursionError, MemoryError) as error:  # 400 chained attributes, and the like
            return [
                PrecheckIssue(
                    line=1,
                    message=f"the snippet is nested too deeply to check ({type(error).__name__}); "
                    "split long expressions and attribute chains into several statements "
                    "with intermediate variables",
                    code="syntax",
                )
            ]
        return sorted(set(walker.issues), key=lambda issue: (issue.line, issue.message))


def precheck(
    source: str, host_functions: Sequence[HostFunction | Any], *, known_names: Iterable[str] = ()
) -> list[PrecheckIssue]:
    """Check a snippet against host functions; an empty list means nothing was found."""
    try:
        checker = _cached_checker(tuple(host_functions))
    except TypeError:  # unhashable host function: build one for this call
        checker = Prechecker(host_functions)
    return checker.check(source, known_names=known_names)


@lru_cache(maxsize=16)
def _cached_checker(host_functions: tuple[Any, ...]) -> Prechecker:
    return Prechecker(host_functions)


def _nearest(word: str, candidates: Iterable[str]) -> str | None:
    if len(word) > _NEAREST_CHARS:  # difflib is quadratic: no hint for a name nobody types
        return None
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    nearest = _nearest(word, candidates)
    return f"; did you mean '{nearest}'?" if nearest else ""


class _Walker(ast.NodeVisitor):
    """Visits statements in source order, tracking the result type bound to each name."""

    def __init__(self, signatures: dict[str, _Signature], bound: set[str]) -> None:
        self.signatures = signatures
        self.bound = bound
        """Names the snippet (or an earlier one) binds; collected during the single pass."""
        self.types: dict[str, Any] = {}
        self.issues: list[PrecheckIssue] = []
        self.unresolved_calls: list[tuple[ast.Call, str]] = []

    # -- leaves and names bound (one traversal does both jobs) ------------------------------

    def visit_Constant(self, node: ast.Constant) -> None:
        return

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self.bound.add(node.id)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.bound.add(node.name)
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.visit_FunctionDef(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.generic_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self.bound.add(node.arg)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.visit_Import(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    # -- binding -------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        inferred = self.infer(node.value)
        for target in node.targets:
            self.bind(target, inferred)
            self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self.bind(node.target, self.infer(node.value))
        self.visit(node.target)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.bind(node.target, self.element_of(node.iter))
        self.visit(node.target)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self.visit_For(node)

    def visit_comprehension_scope(
        self,
        node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
        results: list[ast.expr],
    ) -> None:
        saved = dict(self.types)
        for generator in node.generators:
            self.visit(generator.iter)
            self.bind(generator.target, self.element_of(generator.iter))
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.types = saved

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self.visit_comprehension_scope(node, [node.elt])

    def visit_SetComp(self, node: ast.SetComp) -> None:
        self.visit_comprehension_scope(node, [node.elt])

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        self.visit_comprehension_scope(node, [node.elt])

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self.visit_comprehension_scope(node, [node.key, node.value])

    def bind(self, target: ast.AST, inferred: Any | None) -> None:
        if isinstance(target, ast.Name):
            if inferred is None:
                self.types.pop(target.id, None)
            else:
                self.types[target.id] = inferred
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, None)

    # -- checks --------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name):
            self.check_call(node, node.func.id)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)
        self.infer(node)  # reports unknown fields along the chain

    def check_call(self, node: ast.Call, name: str) -> None:
        signature = self.signatures.get(name)
        if signature is None:
            if name not in _BUILTIN_NAMES:
                self.unresolved_calls.append((node, name))
            return
        call = f"{name}({', '.join(f'{p}=...' for p in signature.parameters)})"
        if node.args:
            self.report(
                node,
                "positional_argument",
                f"{name}() takes keyword arguments only; write {call}",
            )
        if any(keyword.arg is None for keyword in node.keywords):
            return  # **kwargs: cannot tell statically
        given = {keyword.arg for keyword in node.keywords if keyword.arg}
        for keyword in node.keywords:
            if keyword.arg and keyword.arg not in signature.parameters:
                hint = _did_you_mean(keyword.arg, signature.parameters)
                valid = ", ".join(signature.parameters) or "no arguments"
                self.report(
                    keyword,
                    "unknown_argument",
                    f"{name}() has no argument '{keyword.arg}'{hint or '; it takes: ' + valid}",
                )
        if not node.args:
            for missing in sorted(signature.required - given):
                self.report(
                    node,
                    "missing_argument",
                    f"{name}() needs the argument '{missing}'; write {call}",
                )

    def report_unknown_calls(self) -> None:
        """Calls of names bound nowhere (checked last: a def may follow its first use)."""
        for node, name in self.unresolved_calls:
            if name in self.bound:
                continue
            hint = _did_you_mean(name, self.signatures)
            available = ", ".join(sorted(self.signatures)) or "none"
            self.report(
                node,
                "unknown_function",
                f"'{name}' is not defined{hint}"
                if hint
                else f"'{name}' is not defined; the functions you can call are: {available}",
            )

    # -- inference -----------------------------------------------------------------------

    def infer(self, node: ast.AST) -> Any | None:
        if isinstance(node, ast.Await):  # in async code a bridge call is awaited for its result
            return self.infer(node.value)
        if isinstance(node, ast.Name):
            return self.types.get(node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            signature = self.signatures.get(node.func.id)
            return signature.result_type if signature else None
        if isinstance(node, ast.Attribute):
            owner = self.infer(node.value)
            if owner is None:
                return None
            return self.field_type(node, strip_optional(owner), node.attr)
        if isinstance(node, ast.Subscript):
            owner = self.infer(node.value)
            if owner is None or isinstance(node.slice, ast.Slice):
                return owner if isinstance(node.slice, ast.Slice) else None
            return element_type(owner)
        return None

    def element_of(self, iterable: ast.AST) -> Any | None:
        inferred = self.infer(iterable)
        return element_type(inferred) if inferred is not None else None

    def field_type(self, node: ast.Attribute, owner: Any, attribute: str) -> Any | None:
        if is_model(owner):
            fields = owner.model_fields
            if attribute in fields:
                return fields[attribute].annotation
            hint = _did_you_mean(attribute, fields)
            valid = ", ".join(fields)
            self.report(
                node,
                "unknown_field",
                f"{owner.__name__} has no field '{attribute}'"
                + (hint or f"; its fields are: {valid}"),
            )
            return None
        item = element_type(owner)
        if item is not None and is_model(item) and attribute in item.model_fields:
            self.report(
                node,
                "unknown_field",
                f"'{attribute}' is a field of each item, but this value is a "
                f"{annotation_text(owner)}; index it ([0]) or loop over it",
            )
        return None

    def report(self, node: ast.AST, code: IssueCode, message: str) -> None:
        line = getattr(node, "lineno", 1)
        self.issues.append(PrecheckIssue(line=line, message=f"line {line}: {message}", code=code))
