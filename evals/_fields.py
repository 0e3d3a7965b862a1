"""Which result fields a snippet reads, found with ``ast`` (layer L4) — and which do not exist.

A read is a dotted path from a bridge's result: ``result = typecheck(path="src")`` then
``result.error_count`` reads ``error_count``; ``for d in result.errors: d.file`` reads
``errors.file``; ``typecheck().success`` reads ``success``. The walk follows names bound to a
bridge result (assignment, ``for`` targets, comprehension targets, subscripts of a list field)
through one snippet in source order; it does not follow values through functions or containers
the snippet builds. A read that names no field of the model it is made on is reported with the
path as written (``errors.filez``).
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["FieldReads", "check_field_path", "field_reads"]

_UNIONS: tuple[Any, ...] = (Union, types.UnionType)
_SEQUENCES: tuple[Any, ...] = (list, tuple, set, frozenset)


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) in _UNIONS:
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            return annotation
        annotation = members[0]
    return annotation


def _element(annotation: Any) -> Any | None:
    annotation = _strip(annotation)
    arguments = get_args(annotation)
    if get_origin(annotation) in _SEQUENCES and arguments:
        return arguments[0]
    if get_origin(annotation) is dict and len(arguments) == 2:
        return arguments[1]
    return None


def _model(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _attribute_type(model: type[BaseModel], name: str) -> tuple[bool, Any]:
    """(exists, annotation) of a field, computed field or property of ``model``."""
    if name in model.model_fields:
        return True, model.model_fields[name].annotation
    if name in model.model_computed_fields:
        return True, model.model_computed_fields[name].return_type
    attribute = getattr(model, name, None)
    if isinstance(attribute, property) and not name.startswith("_"):
        return True, getattr(attribute.fget, "__annotations__", {}).get("return", Any)
    return False, None


def check_field_path(model: type[BaseModel], path: str) -> str | None:
    """None when ``path`` (``errors.file``) exists on ``model``, else what is wrong."""
    current: Any = model
    for position, part in enumerate(path.split(".")):
        target = _model(current) or _model(_element(current))
        if target is None:
            done = ".".join(path.split(".")[:position])
            return f"{done} is not a model, so it has no field {part!r}"
        exists, current = _attribute_type(target, part)
        if not exists:
            known = ", ".join(target.model_fields)
            return f"{target.__name__} has no field {part!r} (its fields: {known})"
    return None


@dataclass
class FieldReads:
    """What one snippet reads, per bridge: existing paths, and paths that do not exist."""

    reads: dict[str, set[str]] = field(default_factory=dict)
    """Bridge name -> dotted paths read that exist."""
    unknown: dict[str, set[str]] = field(default_factory=dict)
    """Bridge name -> dotted paths read that name no field (the first bad part ends the path)."""


@dataclass(frozen=True)
class _Value:
    bridge: str
    path: str
    annotation: Any


class _Walker(ast.NodeVisitor):
    def __init__(self, results: dict[str, type[BaseModel]]) -> None:
        self.results = results
        self.env: dict[str, _Value] = {}
        self.found = FieldReads()

    def value_of(self, node: ast.AST) -> _Value | None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            model = self.results.get(node.func.id)
            return None if model is None else _Value(node.func.id, "", model)
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.value_of(node.value)
            if base is None:
                return None
            return self.read(base, node.attr)
        if isinstance(node, ast.Subscript):
            base = self.value_of(node.value)
            if base is None or isinstance(node.slice, ast.Slice):
                return base
            element = _element(base.annotation)
            return None if element is None else _Value(base.bridge, base.path, element)
        return None

    def read(self, base: _Value, name: str) -> _Value | None:
        path = f"{base.path}.{name}" if base.path else name
        model = _model(base.annotation) or _model(_element(base.annotation))
        if model is None:
            return None  # a method of a plain value (str.upper...), not a field read
        exists, annotation = _attribute_type(model, name)
        if not exists:
            if not hasattr(BaseModel, name):
                self.found.unknown.setdefault(base.bridge, set()).add(path)
            return None
        self.found.reads.setdefault(base.bridge, set()).add(path)
        return _Value(base.bridge, path, annotation)

    def bind(self, target: ast.AST, value: _Value | None) -> None:
        if isinstance(target, ast.Name):
            if value is None:
                self.env.pop(target.id, None)
            else:
                self.env[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            for item in target.elts:
                self.bind(item, None)

    def element_of(self, iterable: ast.AST) -> _Value | None:
        if (
            isinstance(iterable, ast.Call)
            and isinstance(iterable.func, ast.Name)
            and iterable.func.id in ("sorted", "reversed", "list", "tuple")
            and iterable.args
        ):
            iterable = iterable.args[0]
        base = self.value_of(iterable)
        if base is None:
            return None
        element = _element(base.annotation)
        return None if element is None else _Value(base.bridge, base.path, element)

    # -- statements, in source order --------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        value = self.value_of(node.value)
        for target in node.targets:
            self.bind(target, value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self.bind(node.target, self.value_of(node.value))

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target, self.value_of(node.value))

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)
        self.bind(node.target, self.element_of(node.iter))
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        for generator in node.generators:
            self.visit(generator.iter)
            self.bind(generator.target, self.element_of(generator.iter))
            for condition in generator.ifs:
                self.visit(condition)
        self.visit(node.elt)

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_GeneratorExp = _comprehension

    def visit_DictComp(self, node: ast.DictComp) -> None:
        for generator in node.generators:
            self.visit(generator.iter)
            self.bind(generator.target, self.element_of(generator.iter))
            for condition in generator.ifs:
                self.visit(condition)
        self.visit(node.key)
        self.visit(node.value)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if self.value_of(node.value) is not None:
            self.value_of(node)  # records the read (or the unknown field)
        self.visit(node.value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)
        self.visit(node.slice)


def field_reads(code: str, results: dict[str, type[BaseModel]]) -> FieldReads:
    """The result fields ``code`` reads; ``results`` maps bridge names to their result models.

    A snippet that does not parse reads nothing.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return FieldReads()
    walker = _Walker(results)
    for statement in tree.body:
        walker.visit(statement)
    return walker.found
