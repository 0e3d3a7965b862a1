"""``cst_add_import``: add an import where it belongs, unless the file already has it.

LibCST's ``AddImportsVisitor`` does the placement (after the module docstring and
``__future__`` imports, merged into an existing ``from m import ...`` when there is one).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from bridges._record import BridgeContext
from bridges.cst._cache import MODULE_CACHE
from bridges.cst._errors import NameArgumentError
from bridges.cst._patch import make_patch
from bridges.cst._rename import check_identifier
from bridges.cst._workspace import python_file, relative_to_workspace
from parsers.contracts import Patch

__all__ = ["add_import"]


def _check_module(module: str) -> None:
    parts = module.split(".")
    if not module or not all(part.isidentifier() for part in parts):
        raise NameArgumentError(
            f"module={module!r} is not an absolute dotted module name; give one like "
            "'dataclasses' or 'shop.models' (relative imports are not supported)"
        )


def add_import(
    context: BridgeContext,
    *,
    path: str,
    module: str,
    name: str | None,
    alias: str | None,
    apply: bool,
) -> Patch:
    """The patch adding ``import module`` or ``from module import name [as alias]``."""
    _check_module(module)
    if name is not None:
        check_identifier(name, argument="name")
    if alias is not None:
        check_identifier(alias, argument="alias")
        if name is None and "." in module:
            raise NameArgumentError(
                "an alias for a dotted module needs the name form: use module='a', name='b', "
                "alias='c' for 'from a import b as c'"
            )
    file = python_file(context.workspace, path, bridge="cst_add_import")
    relative = relative_to_workspace(context.workspace, file)
    parsed = MODULE_CACHE.parse_file(file, display=relative)
    codemod_context = CodemodContext()
    AddImportsVisitor.add_needed_import(codemod_context, module, name, alias)
    new_module: cst.Module = AddImportsVisitor(codemod_context).transform_module(parsed.module)
    return make_patch(
        context, file=file, relative=relative, old=parsed.text, new=new_module.code, apply=apply
    )
