"""The ``cst_*`` bridge records: argument models, model-facing docstrings, implementations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bridges._bridge import Bridge, BridgeContext
from bridges._example_files import LazyExamples
from parsers.contracts import Patch
from parsers.contracts.cst import CstFindResult

__all__ = [
    "CST_ADD_IMPORT",
    "CST_FIND_PATTERN",
    "CST_RENAME",
    "CstAddImportArguments",
    "CstFindPatternArguments",
    "CstRenameArguments",
]

_CONFIG = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class CstFindPatternArguments(BaseModel):
    model_config = _CONFIG

    pattern: str
    """'KIND:NAME' with KIND in function, class, call, import, decorator, name, attribute."""
    path: str = "."
    """A .py file or a directory, relative to the workspace."""
    limit: int = Field(default=200, ge=1, le=5000)
    """At most this many matches are returned."""


class CstRenameArguments(BaseModel):
    model_config = _CONFIG

    path: str
    """The .py file to change, relative to the workspace."""
    old_name: str
    """What to rename: 'cell_len' (module-level name or import), 'Text.cell_len' (member of
    class Text), 'make.total' (local or parameter of function make)."""
    new_name: str
    """Its new spelling."""
    apply: bool = True
    """Write the change when the session allows writing; False only previews it."""


class CstAddImportArguments(BaseModel):
    model_config = _CONFIG

    path: str
    """The .py file to change, relative to the workspace."""
    module: str
    """Absolute dotted module, e.g. 'dataclasses'."""
    name: str | None = None
    """For 'from module import name'; None for 'import module'."""
    alias: str | None = None
    """Optional 'as' name."""
    apply: bool = True
    """Write the change when the session allows writing; False only previews it."""


# The implementations import LibCST; this module is imported whenever bridges are listed (every
# `punie run --workspace`), so each wrapper imports its implementation on the bridge's first call.


def _find(context: BridgeContext, arguments: CstFindPatternArguments) -> CstFindResult:
    """``cst_find_pattern``: LibCST and the pattern matcher load here, on the first call."""
    from bridges.cst._find import find_pattern

    return find_pattern(
        context, pattern=arguments.pattern, path=arguments.path, limit=arguments.limit
    )


def _rename(context: BridgeContext, arguments: CstRenameArguments) -> Patch:
    """``cst_rename``: LibCST and the scope analysis load here, on the first call."""
    from bridges.cst._rename import rename

    return rename(
        context,
        path=arguments.path,
        old_name=arguments.old_name,
        new_name=arguments.new_name,
        apply=arguments.apply,
    )


def _add_import(context: BridgeContext, arguments: CstAddImportArguments) -> Patch:
    """``cst_add_import``: LibCST and the import sorter load here, on the first call."""
    from bridges.cst._add_import import add_import

    return add_import(
        context,
        path=arguments.path,
        module=arguments.module,
        name=arguments.name,
        alias=arguments.alias,
        apply=arguments.apply,
    )


CST_FIND_PATTERN = Bridge(
    name="cst_find_pattern",
    docstring="""Find syntax nodes by kind and name in Python files (parsed with LibCST, not grep).

pattern is 'KIND:NAME'. KIND is one of: function, class, call, import, decorator, name,
attribute. NAME is a (dotted) name and may use * and ? wildcards; it defaults to '*'.
Examples: 'call:html', 'call:registry.register_factory', 'class:*Card', 'decorator:dataclass',
'import:svcs', 'function:__call__'. A call also matches by its last part ('call:get' finds
'container.get(...)'); an import also matches by a package prefix ('import:shop').
path is a .py file or a directory relative to the workspace (default: everything).
Returns matches in file and line order, each with file, line, column, kind, name and the code.""",
    arguments=CstFindPatternArguments,
    result=CstFindResult,
    implementation=_find,
    examples=LazyExamples("cst_find_pattern"),
)

CST_RENAME = Bridge(
    name="cst_rename",
    docstring="""Rename one thing (variable, function, class, parameter, import) in one file, by scope.

old_name says which thing: 'cell_len' is the module-level name or import and its uses (not a
method or attribute that happens to share the name); 'Text.cell_len' is the member of class
Text: its definition, self.cell_len/cls.cell_len in the class and Text.cell_len; 'make.total' is
the local or parameter of function make (keyword arguments total= of calls to make in the file
follow). An imported name becomes 'from m import Old as New'. Uses in other files and through
other objects (text.cell_len) are not changed: check them with find_references. Fails with the
candidates when the name is ambiguous, and when new_name would clash with a name in use.
Returns a Patch: the unified diff and the new text. The file is written only when the session
allows writing and apply is True; patch.applied says whether it was.""",
    arguments=CstRenameArguments,
    result=Patch,
    implementation=_rename,
    examples=LazyExamples("cst_rename"),
)

CST_ADD_IMPORT = Bridge(
    name="cst_add_import",
    docstring="""Add 'import module' or 'from module import name [as alias]' to one file.

The import goes where ruff's isort rule wants it: in its section of the first import block
(__future__, standard library, third-party, first-party, relative), in sorted order, joining an
existing 'from module import ...' line when there is one; if the file already imports it the
diff is empty. Returns a Patch (diff, new_text, applied); the file is written only when the
session allows writing and apply is True.""",
    arguments=CstAddImportArguments,
    result=Patch,
    implementation=_add_import,
    examples=LazyExamples("cst_add_import"),
)
