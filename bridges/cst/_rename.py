"""``cst_rename``: rename one binding and its uses in one file, leaving everything else byte-identical.

A name means one binding, found with LibCST's scope analysis (``bridges.cst._bindings``), never
every identifier spelled the same. ``old_name`` says which:

- ``cell_len``: the module-level binding (a ``def``, ``class``, assignment or import) and every use
  that refers to it, in every scope where it is not shadowed. A class member or a local of the
  same name is a different binding and stays. With no module-level binding, a name bound in
  exactly one function (a local or a parameter) is that one; otherwise the error lists the
  candidates.
- ``Text.cell_len``: the member of class ``Text``: its definitions in the class body, ``self.x`` /
  ``cls.x`` in the class's methods, ``Text.x`` in the file, and keyword arguments of calls that
  construct a dataclass-like ``Text``. Uses through other objects (``text.cell_len``) cannot be
  told apart from unrelated attributes without types, and other files are never changed: follow
  up with ``find_references``.
- ``make.total``: the local or parameter ``total`` of function ``make``; for a parameter,
  keyword arguments of calls to ``make`` in this file are renamed too.

An imported name is renamed by aliasing the import (``from m import Old as New``), because the
module it comes from still spells it ``Old``; to rename the function itself, rename it in the
file that defines it. A rename that would capture or merge another binding of ``new_name`` is
refused.
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Access, Assignment, ImportAssignment, Scope

from bridges._bridge import BridgeContext
from bridges.cst._bindings import Binding, ScopeIndex
from bridges.cst._child_main import Source
from bridges.cst._edits import edit_file
from bridges.cst._errors import NameArgumentError
from bridges.cst._names import dotted_name
from bridges.cst._patch import make_patch
from bridges.cst._workspace import python_file, relative_to_workspace
from parsers.contracts import Patch

__all__ = ["check_identifier", "rename", "renamed_text"]

_FIELD_DECORATORS = frozenset({"dataclass", "define", "frozen", "mutable", "attrs", "s"})
"""Last parts of class decorators whose fields are also constructor keywords."""
_FIELD_BASES = frozenset({"NamedTuple", "TypedDict", "BaseModel"})


def check_identifier(value: str, *, argument: str) -> None:
    """Refuse anything that is not a plain, non-keyword Python identifier."""
    if not value.isidentifier() or keyword.iskeyword(value):
        raise NameArgumentError(
            f"{argument}={value!r} is not a Python identifier; give a bare name like 'total_price' "
            "(no dots, spaces or keywords)"
        )


def _check_old_name(value: str) -> list[str]:
    parts = value.split(".")
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        raise NameArgumentError(
            f"old_name={value!r} is not a name; give 'total_price' for a module-level name or "
            "a dotted path such as 'Cart.total_price' (a class member) or 'make.total' (a "
            "local or parameter of function make)"
        )
    return parts


@dataclass
class _Edits:
    """What changes, keyed by the ``id`` of the original nodes."""

    names: set[int] = field(default_factory=set)
    aliases: set[int] = field(default_factory=set)
    """``ImportAlias`` nodes that get ``as new_name`` (or lose the alias if it becomes redundant)."""
    strings: set[int] = field(default_factory=set)
    """String annotations and ``__all__`` entries whose text mentions the name."""


def rename(
    context: BridgeContext, *, path: str, old_name: str, new_name: str, apply: bool
) -> Patch:
    """The patch renaming the binding ``old_name`` (maybe dotted) to ``new_name`` in one file.

    The file is parsed and the rename planned in a parser child (``bridges.cst._edits``), so a
    file that crashes LibCST is a ``SourceError`` naming it, not the end of the host.
    """
    parts = _check_old_name(old_name)
    check_identifier(new_name, argument="new_name")
    file = python_file(context.workspace, path, bridge="cst_rename")
    relative = relative_to_workspace(context.workspace, file)
    old, new = edit_file(context, file=file, relative=relative, task=("rename", parts, new_name))
    return make_patch(context, file=file, relative=relative, old=old, new=new, apply=apply)


def renamed_text(source: Source, parts: list[str], new_name: str, *, relative: str) -> str:
    """The text of ``source`` after the rename (runs in a parser child)."""
    index = ScopeIndex(source.module())
    binding = _choose(index, parts, relative=relative)
    if new_name == binding.name:
        return source.text
    edits = _Edits()
    if binding.is_class_member:
        _check_member_conflicts(index, binding, new_name, parsed=source, relative=relative)
        _plan_member(index, binding, edits, relative=relative)
    else:
        _check_conflicts(index, binding, new_name, parsed=source, relative=relative)
        _plan_binding(index, binding, edits, relative=relative)
    renamer = _Renamer(edits, old_name=binding.name, new_name=new_name)
    return source.module().visit(renamer).code


def _choose(index: ScopeIndex, parts: list[str], *, relative: str) -> Binding:
    name, prefix = parts[-1], tuple(parts[:-1])
    found = index.bindings(name)
    if prefix:
        matches = [b for b in found if b.owner == prefix]
        if matches:
            return matches[0]
        known = {".".join(path) for path, _ in index.classes()} | {
            ".".join(index.path_of(s)) for s in index.scopes
        }
        if ".".join(prefix) not in known:
            close = difflib.get_close_matches(".".join(prefix), sorted(known - {""}), n=3)
            hint = f" Similar: {', '.join(close)}." if close else ""
            raise NameArgumentError(
                f"{relative} defines no class or function {'.'.join(prefix)!r}, so "
                f"{'.'.join(parts)!r} names nothing.{hint} A dotted old_name is a path of "
                "classes and functions defined in this file; give a plain name for a "
                "module-level binding or an import."
            )
        raise NameArgumentError(
            f"{'.'.join(prefix)} in {relative} binds no name {name!r}.{_listing(found)}"
        )
    module_level = [b for b in found if b.is_module_level]
    if module_level:
        return module_level[0]
    if len(found) == 1 and not found[0].is_class_member:
        return found[0]
    if not found:
        names = sorted({n for s in index.scopes for n in _assigned_names(s)})
        close = difflib.get_close_matches(name, names, n=3)
        hint = f" Similar names in the file: {', '.join(close)}." if close else ""
        raise NameArgumentError(
            f"{relative} has no variable, function, class or import named {name!r} "
            "(parameters count as variables; attribute names after a dot and keyword argument "
            f"names are not bindings).{hint}"
        )
    raise NameArgumentError(
        f"{relative} has no module-level {name!r}, and {len(found)} other bindings of that "
        f"name: {', '.join(repr(b.spelling) for b in found)}. Rename one of them by giving its "
        f"dotted path as old_name, e.g. old_name={found[0].spelling!r}."
    )


def _listing(found: list[Binding]) -> str:
    if not found:
        return " The name is bound nowhere in the file."
    return f" It is bound as: {', '.join(repr(b.spelling) for b in found)}; use one of those."


def _assigned_names(scope: Scope) -> list[str]:
    return [a.name for a in scope.assignments if isinstance(a, Assignment)]


def _plan_binding(index: ScopeIndex, binding: Binding, edits: _Edits, *, relative: str) -> None:
    """Definitions, uses, ``global``/``nonlocal`` lines, ``__all__`` and parameter keywords."""
    _plan_assignments(index, binding, edits, relative=relative)
    assignments = {id(a) for a in binding.assignments}
    for node, scope in index.scope_of.items():
        if isinstance(node, cst.Global | cst.Nonlocal) and scope is not None:
            for item in node.names:
                if item.name.value == binding.name and any(
                    id(a) in assignments for a in scope[binding.name]
                ):
                    edits.names.add(id(item.name))
    if binding.is_module_level:
        for string in _dunder_all_entries(index.module, binding.name):
            edits.strings.add(id(string))
    function = _function_of_parameter(binding)
    if function is not None:
        for call in _calls_of_function(index, function):
            _plan_keywords(call, binding.name, edits)


def _plan_member(index: ScopeIndex, binding: Binding, edits: _Edits, *, relative: str) -> None:
    """Class-body definitions, ``self.x``/``cls.x`` in its methods, ``Class.x``, field keywords."""
    _plan_assignments(index, binding, edits, relative=relative)
    for class_node in binding.class_nodes:
        attributes = [
            *index.self_attributes(class_node, binding.name),
            *index.class_attributes(class_node, binding.name),
        ]
        edits.names.update(id(a.attr) for a in attributes)
        if _takes_fields_as_keywords(class_node):
            for call in _calls_of_class(index, class_node):
                _plan_keywords(call, binding.name, edits)


def _plan_assignments(index: ScopeIndex, binding: Binding, edits: _Edits, *, relative: str) -> None:
    for assignment in binding.assignments:
        if isinstance(assignment, ImportAssignment):
            _plan_import(assignment, binding, edits, relative=relative)
        else:
            target = _defined_name(assignment.node)
            if target is not None:
                edits.names.add(id(target))
        for access in assignment.references:
            _plan_access(access, edits)


def _defined_name(node: cst.CSTNode) -> cst.Name | None:
    if isinstance(node, cst.Name):
        return node
    name = getattr(node, "name", None)
    return name if isinstance(name, cst.Name) else None


def _plan_import(
    assignment: ImportAssignment, binding: Binding, edits: _Edits, *, relative: str
) -> None:
    statement = assignment.node
    if not isinstance(statement, cst.Import | cst.ImportFrom) or isinstance(
        statement.names, cst.ImportStar
    ):
        return
    for alias in statement.names:
        if alias.asname is not None and alias.asname.name is assignment.as_name:
            edits.aliases.add(id(alias))
            return
        if alias.asname is None and alias.name is assignment.as_name:
            if not isinstance(alias.name, cst.Name):
                raise NameArgumentError(
                    f"{binding.name!r} in {relative} is bound by 'import "
                    f"{dotted_name(alias.name)}', which binds the package and cannot be "
                    "aliased; rewrite the import first (e.g. 'import "
                    f"{dotted_name(alias.name)} as short_name') and rename that"
                )
            edits.aliases.add(id(alias))
            return


def _plan_access(access: Access, edits: _Edits) -> None:
    node = access.node
    while isinstance(node, cst.Attribute):
        node = node.value
    if isinstance(node, cst.Name):
        edits.names.add(id(node))
    elif isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        edits.strings.update(id(part) for part in _string_parts(node))


def _plan_keywords(call: cst.Call, name: str, edits: _Edits) -> None:
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value == name:
            edits.names.add(id(argument.keyword))


def _string_parts(node: cst.BaseExpression) -> list[cst.SimpleString]:
    if isinstance(node, cst.SimpleString):
        return [node]
    if isinstance(node, cst.ConcatenatedString):
        return [*_string_parts(node.left), *_string_parts(node.right)]
    return []


def _dunder_all_entries(module: cst.Module, name: str) -> list[cst.SimpleString]:
    found: list[cst.SimpleString] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets: Sequence[cst.BaseExpression] = ()
            value: cst.BaseExpression | None = None
            if isinstance(small, cst.Assign):
                targets, value = [t.target for t in small.targets], small.value
            elif isinstance(small, cst.AnnAssign | cst.AugAssign):
                targets, value = [small.target], small.value
            if not any(dotted_name(t) == "__all__" for t in targets):
                continue
            if isinstance(value, cst.List | cst.Tuple):
                for element in value.elements:
                    item = element.value
                    if isinstance(item, cst.SimpleString) and item.evaluated_value == name:
                        found.append(item)
    return found


def _function_of_parameter(binding: Binding) -> cst.FunctionDef | None:
    """The function whose parameter ``binding`` is, when it is one."""
    for assignment in binding.assignments:
        if isinstance(assignment.node, cst.Param):
            scope = assignment.scope
            node = getattr(scope, "node", None)
            if isinstance(node, cst.FunctionDef):
                return node
    return None


def _calls_of_function(index: ScopeIndex, function: cst.FunctionDef) -> list[cst.Call]:
    """Calls ``f(...)`` of a function's own binding, and ``self.f(...)`` for a method."""
    calls: list[cst.Call] = []
    for scope in index.scopes:
        for assignment in scope.assignments[function.name.value]:
            if isinstance(assignment, Assignment) and assignment.node is function:
                for access in assignment.references:
                    call = index.call_of.get(id(access.node))
                    if call is not None:
                        calls.append(call)
    for _, class_node in index.classes():
        body = class_node.body
        if isinstance(body, cst.IndentedBlock) and any(s is function for s in body.body):
            for attribute in index.self_attributes(class_node, function.name.value):
                call = index.call_of.get(id(attribute))
                if call is not None:
                    calls.append(call)
    return calls


def _calls_of_class(index: ScopeIndex, class_node: cst.ClassDef) -> list[cst.Call]:
    calls: list[cst.Call] = []
    for scope in index.scopes:
        for assignment in scope.assignments[class_node.name.value]:
            if isinstance(assignment, Assignment) and assignment.node is class_node:
                for access in assignment.references:
                    call = index.call_of.get(id(access.node))
                    if call is not None:
                        calls.append(call)
    return calls


def _takes_fields_as_keywords(class_node: cst.ClassDef) -> bool:
    """A dataclass-like class: its fields are also keyword arguments of its constructor."""
    for decorator in class_node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        spelled = dotted_name(expression)
        if spelled is not None and spelled.split(".")[-1] in _FIELD_DECORATORS:
            return True
    for base in class_node.bases:
        spelled = dotted_name(base.value)
        if spelled is not None and spelled.split(".")[-1] in _FIELD_BASES:
            return True
    return False


def _check_conflicts(
    index: ScopeIndex, binding: Binding, new_name: str, *, parsed: Source, relative: str
) -> None:
    """Refuse a rename that would merge with, capture or be captured by a binding of new_name."""
    owner = index.owner_of(binding.scopes[0])
    used_in = {id(a.scope) for a in _all_references(binding)}
    for scope in index.scopes:
        if not index.inside(scope, owner):
            continue
        clashes = [a for a in scope.assignments[new_name] if isinstance(a, Assignment)]
        if clashes and (index.owner_of(scope) is owner or _sees(index, scope, used_in)):
            _conflict(parsed, clashes[0].node, binding, new_name, relative=relative)
        for access in scope.accesses[new_name]:
            referents = access.referents
            nearer = referents and all(
                index.inside(r.scope, owner) and r.scope is not owner for r in referents
            )
            if not nearer:
                _conflict(parsed, access.node, binding, new_name, relative=relative)


def _sees(index: ScopeIndex, scope: Scope, used_in: set[int]) -> bool:
    """True when a use of the binding sits in ``scope`` or a scope nested in it."""
    return any(index.inside(other, scope) for other in index.scopes if id(other) in used_in)


def _all_references(binding: Binding) -> list[Access]:
    return [access for a in binding.assignments for access in a.references]


def _check_member_conflicts(
    index: ScopeIndex, binding: Binding, new_name: str, *, parsed: Source, relative: str
) -> None:
    for scope in binding.scopes:
        clashes = [a.node for a in scope.assignments[new_name] if isinstance(a, Assignment)]
        clashes += [access.node for access in scope.accesses[new_name]]
        if clashes:
            _conflict(parsed, clashes[0], binding, new_name, relative=relative)
    for class_node in binding.class_nodes:
        uses = [
            *index.self_attributes(class_node, new_name),
            *index.class_attributes(class_node, new_name),
        ]
        if uses:
            _conflict(parsed, uses[0], binding, new_name, relative=relative)


def _conflict(
    parsed: Source, node: cst.CSTNode, binding: Binding, new_name: str, *, relative: str
) -> None:
    try:
        where = f" (line {parsed.line_of(node)})"
    except KeyError:  # a node inside a string annotation has no position in the file
        where = ""
    raise NameArgumentError(
        f"{relative} already uses the name {new_name!r}{where} where {binding.spelling!r} is "
        f"visible; renaming {binding.spelling!r} to it would merge two different things. "
        "Pick another new_name."
    )


class _Renamer(cst.CSTTransformer):
    def __init__(self, edits: _Edits, *, old_name: str, new_name: str) -> None:
        self.edits = edits
        self.new_name = new_name
        self.pattern = re.compile(rf"(?<![.\w]){re.escape(old_name)}(?!\w)")

    def leave_ImportAlias(
        self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias
    ) -> cst.ImportAlias:
        if id(original_node) not in self.edits.aliases:
            return updated_node
        if dotted_name(updated_node.name) == self.new_name:
            return updated_node.with_changes(asname=None)
        return updated_node.with_changes(asname=cst.AsName(name=cst.Name(self.new_name)))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if id(original_node) in self.edits.names:
            return updated_node.with_changes(value=self.new_name)
        return updated_node

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        if id(original_node) not in self.edits.strings:
            return updated_node
        opening = len(updated_node.prefix) + len(updated_node.quote)
        value = updated_node.value
        inner = self.pattern.sub(
            self.new_name, value[opening : len(value) - len(updated_node.quote)]
        )
        return updated_node.with_changes(
            value=f"{value[:opening]}{inner}{value[len(value) - len(updated_node.quote) :]}"
        )
