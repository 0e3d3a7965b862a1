"""``cst_rename``: rename one identifier throughout a file, leaving everything else byte-identical.

What is renamed: every ``Name`` node spelled ``old_name`` — definitions, parameters, uses, global
and nonlocal statements. What is not: attribute names after a dot (``obj.old_name`` may belong to
an unrelated type), keyword argument names in calls (they belong to the called function), strings
and comments. An imported name is renamed by aliasing the import (``from m import Old as New``),
because the module it comes from still spells it ``Old``.
"""

from __future__ import annotations

import difflib
import keyword

import libcst as cst

from bridges._record import BridgeContext
from bridges.cst._cache import MODULE_CACHE
from bridges.cst._errors import NameArgumentError
from bridges.cst._patch import make_patch
from bridges.cst._workspace import python_file, relative_to_workspace
from parsers.contracts import Patch

__all__ = ["check_identifier", "rename"]


def check_identifier(value: str, *, argument: str) -> None:
    """Refuse anything that is not a plain, non-keyword Python identifier."""
    if not value.isidentifier() or keyword.iskeyword(value):
        raise NameArgumentError(
            f"{argument}={value!r} is not a Python identifier; give a bare name like 'total_price' "
            "(no dots, spaces or keywords)"
        )


class _NameCollector(cst.CSTVisitor):
    """All identifiers of a module, and the nodes that must keep their spelling."""

    def __init__(self, old_name: str) -> None:
        self.old_name = old_name
        self.names: set[str] = set()
        self.keep: set[int] = set()
        self.import_aliases: set[int] = set()

    def visit_Name(self, node: cst.Name) -> None:
        # Parents are visited first, so ``keep`` already holds attribute and keyword names.
        if id(node) not in self.keep:
            self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.keep.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.keep.add(id(node.keyword))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> bool:
        if (
            node.asname is None
            and isinstance(node.name, cst.Name)
            and node.name.value == self.old_name
        ):
            self.import_aliases.add(id(node))
        # Dotted module names (``import a.b``) and the imported names themselves keep spelling;
        # only an ``as`` alias (a Name in asname) is a local binding to rename.
        for name_node in _names_in(node.name):
            self.keep.add(id(name_node))
        return True


def _names_in(node: cst.BaseExpression) -> list[cst.Name]:
    if isinstance(node, cst.Name):
        return [node]
    if isinstance(node, cst.Attribute):
        return [*_names_in(node.value), node.attr]
    return []


class _Renamer(cst.CSTTransformer):
    def __init__(self, collector: _NameCollector, new_name: str) -> None:
        self.collector = collector
        self.new_name = new_name
        self.count = 0

    def leave_ImportAlias(
        self, original_node: cst.ImportAlias, updated_node: cst.ImportAlias
    ) -> cst.ImportAlias:
        if id(original_node) in self.collector.import_aliases:
            self.count += 1
            return updated_node.with_changes(asname=cst.AsName(name=cst.Name(self.new_name)))
        return updated_node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value != self.collector.old_name or id(original_node) in (
            self.collector.keep
        ):
            return updated_node
        self.count += 1
        return updated_node.with_changes(value=self.new_name)


def rename(
    context: BridgeContext, *, path: str, old_name: str, new_name: str, apply: bool
) -> Patch:
    """The patch renaming ``old_name`` to ``new_name`` in one file."""
    check_identifier(old_name, argument="old_name")
    check_identifier(new_name, argument="new_name")
    file = python_file(context.workspace, path, bridge="cst_rename")
    relative = relative_to_workspace(context.workspace, file)
    parsed = MODULE_CACHE.parse_file(file, display=relative)
    collector = _NameCollector(old_name)
    parsed.module.visit(collector)
    if old_name not in collector.names:
        close = difflib.get_close_matches(old_name, sorted(collector.names), n=3)
        hint = f" Similar names in the file: {', '.join(close)}." if close else ""
        raise NameArgumentError(
            f"{relative} has no variable, function, class or import named {old_name!r} (attribute "
            f"names after a dot and keyword argument names are not renamed).{hint}"
        )
    if new_name != old_name and new_name in collector.names:
        raise NameArgumentError(
            f"{relative} already uses the name {new_name!r}; renaming {old_name!r} to it would "
            "merge two different things. Pick another new_name."
        )
    renamer = _Renamer(collector, new_name)
    new_module = parsed.module.visit(renamer)
    return make_patch(
        context, file=file, relative=relative, old=parsed.text, new=new_module.code, apply=apply
    )
