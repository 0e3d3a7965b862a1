"""Which binding a name means in one file, found with LibCST's scope analysis.

``cst_rename`` must change one thing, not every identifier that happens to be spelled the same.
A name is *bound* by an assignment, a ``def``/``class``, a parameter, an import, a ``for``/``with``
/``except`` target and so on; each binding lives in a scope. Here the scopes that a person can
name are the module, each class and each function, spelled as a dotted path (``Text``,
``Text.render``, ``make``). Lambdas, comprehensions and annotation scopes have no name, so their
bindings count as bindings of the named scope around them: renaming a local in ``make`` also
renames a comprehension variable of the same name inside ``make``, which changes nothing that
the program means.

A class member is special: ``self.x`` and ``cls.x`` inside the class's methods and ``Class.x``
anywhere in the file are the member too, although for Python's scopes they are attribute
accesses. An instance attribute that exists only as ``self.x = ...`` in a method is a member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    ClassScope,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from bridges.cst._names import dotted_name

__all__ = ["Binding", "ScopeIndex"]


@dataclass
class Binding:
    """Every binding of one name in one named scope (and its unnamed inner scopes)."""

    name: str
    owner: tuple[str, ...]
    """Dotted path of the scope that binds it; empty for the module."""
    is_class_member: bool
    scopes: list[Scope] = field(default_factory=list)
    """The LibCST scopes that hold the assignments (the named scope and unnamed inner ones)."""
    assignments: list[Assignment] = field(default_factory=list)
    class_nodes: list[cst.ClassDef] = field(default_factory=list)
    """For a class member: the class definitions (more than one when the class is redefined)."""

    @property
    def spelling(self) -> str:
        """How ``old_name`` says this binding: ``cell_len``, ``Text.cell_len``, ``make.total``."""
        return ".".join((*self.owner, self.name))

    @property
    def is_module_level(self) -> bool:
        """True for a binding of the module scope."""
        return not self.owner


def _is_named(scope: Scope) -> bool:
    return isinstance(scope, GlobalScope | ClassScope) or (
        isinstance(scope, FunctionScope) and isinstance(scope.node, cst.FunctionDef)
    )


class ScopeIndex:
    """Scope facts about one module, computed once per rename."""

    def __init__(self, module: cst.Module) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        scope_of: Mapping[cst.CSTNode, Scope | None] = wrapper.resolve(ScopeProvider)
        self.module = module
        self.scope_of = scope_of
        self.scopes: list[Scope] = []
        seen: set[int] = set()
        for scope in scope_of.values():
            if scope is not None and id(scope) not in seen:
                seen.add(id(scope))
                self.scopes.append(scope)
        self.global_scope = next(s for s in self.scopes if isinstance(s, GlobalScope))
        self.attribute_of: dict[int, cst.Attribute] = {}
        """``id(node.value)`` -> the ``Attribute`` node it is the head of."""
        self.call_of: dict[int, cst.Call] = {}
        """``id(node.func)`` -> the ``Call`` node that calls it."""
        self.stored: set[int] = set()
        """Ids of the ``Attribute`` nodes that are assignment targets (``self.x = ...``)."""
        for node in _walk(module):
            if isinstance(node, cst.Attribute):
                self.attribute_of[id(node.value)] = node
            elif isinstance(node, cst.Call):
                self.call_of[id(node.func)] = node
            elif isinstance(node, cst.Assign):
                for target in node.targets:
                    self.stored.update(id(t) for t in _walk(target.target))
            elif isinstance(node, cst.AnnAssign | cst.AugAssign):
                self.stored.update(id(t) for t in _walk(node.target))

    def owner_of(self, scope: Scope) -> Scope:
        """The nearest named scope (module, class, function) that holds ``scope``."""
        while not _is_named(scope):
            scope = scope.parent
        return scope

    def path_of(self, scope: Scope) -> tuple[str, ...]:
        """Dotted path of a named scope: () for the module, ('Text', 'render') for a method."""
        parts: list[str] = []
        current = self.owner_of(scope)
        while not isinstance(current, GlobalScope):
            name = getattr(current, "name", None)
            parts.append(name or "?")
            current = self.owner_of(current.parent)
        return tuple(reversed(parts))

    def inside(self, scope: Scope, ancestor: Scope) -> bool:
        """True when ``scope`` is ``ancestor`` or nested in it."""
        while True:
            if scope is ancestor:
                return True
            if scope.parent is scope:  # the builtins scope is its own parent
                return False
            scope = scope.parent

    def bindings(self, name: str) -> list[Binding]:
        """Every binding of ``name`` in the file, one per named scope, in source order."""
        grouped: dict[tuple[str, ...], Binding] = {}
        for scope in self.scopes:
            assignments = [a for a in scope.assignments[name] if isinstance(a, Assignment)]
            if not assignments:
                continue
            owner = self.owner_of(scope)
            path = self.path_of(owner)
            binding = grouped.setdefault(
                path, Binding(name=name, owner=path, is_class_member=isinstance(owner, ClassScope))
            )
            binding.scopes.append(scope)
            binding.assignments.extend(assignments)
            node = owner.node if isinstance(owner, ClassScope) else None
            if isinstance(node, cst.ClassDef) and all(n is not node for n in binding.class_nodes):
                binding.class_nodes.append(node)
        for path, classes in self.instance_attribute_classes(name).items():
            binding = grouped.setdefault(path, Binding(name=name, owner=path, is_class_member=True))
            for node in classes:
                if all(n is not node for n in binding.class_nodes):
                    binding.class_nodes.append(node)
        return list(grouped.values())

    def classes(self) -> Iterator[tuple[tuple[str, ...], cst.ClassDef]]:
        """Every class of the file with its dotted path."""
        for scope in self.scopes:
            if isinstance(scope, ClassScope) and isinstance(scope.node, cst.ClassDef):
                yield self.path_of(scope), scope.node

    def instance_attribute_classes(self, name: str) -> dict[tuple[str, ...], list[cst.ClassDef]]:
        """Classes whose methods assign ``self.<name>``: the attribute is a member of the class."""
        found: dict[tuple[str, ...], list[cst.ClassDef]] = defaultdict(list)
        for path, node in self.classes():
            for attribute in self.self_attributes(node, name):
                if id(attribute) in self.stored:
                    found[path].append(node)
                    break
        return dict(found)

    def self_attributes(self, class_node: cst.ClassDef, name: str) -> list[cst.Attribute]:
        """``self.<name>`` / ``cls.<name>`` in the methods of ``class_node`` (first parameter)."""
        found: list[cst.Attribute] = []
        for method in _methods(class_node):
            first = _first_parameter(method)
            if first is None:
                continue
            for assignment in self._assignments_of(first):
                for access in assignment.references:
                    attribute = self._attribute_of_access(access)
                    if attribute is not None and attribute.attr.value == name:
                        found.append(attribute)
        return found

    def class_attributes(self, class_node: cst.ClassDef, name: str) -> list[cst.Attribute]:
        """``Class.<name>`` where ``Class`` is this class's own binding."""
        found: list[cst.Attribute] = []
        for scope in self.scopes:
            for assignment in scope.assignments[class_node.name.value]:
                if isinstance(assignment, Assignment) and assignment.node is class_node:
                    for access in assignment.references:
                        attribute = self._attribute_of_access(access)
                        if attribute is not None and attribute.attr.value == name:
                            found.append(attribute)
        return found

    def _assignments_of(self, param: cst.Param) -> list[Assignment]:
        found: list[Assignment] = []
        for scope in self.scopes:
            if isinstance(scope, FunctionScope):
                for assignment in scope.assignments[param.name.value]:
                    if isinstance(assignment, Assignment) and assignment.node is param:
                        found.append(assignment)
        return found

    def _attribute_of_access(self, access: Access) -> cst.Attribute | None:
        if not isinstance(access.node, cst.Name):
            return None
        return self.attribute_of.get(id(access.node))


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _methods(class_node: cst.ClassDef) -> Iterator[cst.FunctionDef]:
    body = class_node.body
    if not isinstance(body, cst.IndentedBlock):
        return
    for statement in body.body:
        if isinstance(statement, cst.FunctionDef):
            yield statement


def _first_parameter(method: cst.FunctionDef) -> cst.Param | None:
    decorators = {dotted_name(d.decorator) for d in method.decorators}
    if decorators & {"staticmethod", "builtins.staticmethod"}:
        return None
    ordered = [*method.params.posonly_params, *method.params.params]
    return ordered[0] if ordered else None
