"""``cst_add_import``: add an import where ruff's isort rule wants it, unless the file has it.

The import goes into the file's first block of imports, in its section (``__future__``, standard
library, third-party, first-party, relative) and in sorted position there
(``bridges.cst._import_order`` holds the rules and says how first-party is recognised). A name
without alias joins an existing ``from module import ...`` line at its sorted place; a name with
an alias gets its own line, as ruff writes it. A file without imports gets the import after its
module docstring. Lines that the change makes longer than the project's line length are
wrapped in parentheses. Nothing else of the file is touched: an import block that was not
sorted before stays unsorted around the new line.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from bridges._bridge import BridgeContext
from bridges.cst._child_main import Source
from bridges.cst._edits import edit_file
from bridges.cst._errors import NameArgumentError
from bridges.cst._import_order import (
    ImportSettings,
    Section,
    StatementKey,
    member_key,
    section_of,
    statement_key,
)
from bridges.cst._names import dotted_name, import_module_name
from bridges.cst._patch import make_patch
from bridges.cst._rename import check_identifier
from bridges.cst._workspace import python_file, relative_to_workspace
from parsers.contracts import Patch

__all__ = ["add_import", "text_with_import"]

_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


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
    settings = ImportSettings.for_file(file, workspace=context.workspace)
    # Parsed and changed in a parser child (bridges.cst._edits): a file that crashes LibCST
    # is a SourceError naming it, not the end of the host.
    old, new = edit_file(
        context,
        file=file,
        relative=relative,
        task=("add_import", module, name, alias, settings),
    )
    return make_patch(context, file=file, relative=relative, old=old, new=new, apply=apply)


def text_with_import(
    source: Source, module: str, name: str | None, alias: str | None, *, settings: ImportSettings
) -> str:
    """The text of ``source`` with the import added (runs in a parser child)."""
    return _with_import(source.module(), module, name, alias, settings=settings).code


def _with_import(
    tree: cst.Module, module: str, name: str | None, alias: str | None, *, settings: ImportSettings
) -> cst.Module:
    body = list(tree.body)
    if _already_imported(body, module, name, alias):
        return tree
    if name is not None and alias is None:
        for index, statement in enumerate(body):
            target = _mergeable(statement, module)
            if target is not None:
                merged = _merge(tree, statement, target, name, settings=settings)
                return tree.with_changes(body=[*body[:index], merged, *body[index + 1 :]])
    if name is None:
        new: cst.BaseSmallStatement = cst.Import(
            names=[cst.ImportAlias(name=_module_expression(module), asname=_as(alias))]
        )
    else:
        new = cst.ImportFrom(
            module=_module_expression(module),
            names=[cst.ImportAlias(name=cst.Name(name), asname=_as(alias))],
        )
    line = _wrapped(tree, cst.SimpleStatementLine(body=[new]), settings=settings)
    return tree.with_changes(
        body=_insert(body, line, settings=settings),
        has_trailing_newline=tree.has_trailing_newline or not body,
    )


def _as(alias: str | None) -> cst.AsName | None:
    return None if alias is None else cst.AsName(name=cst.Name(alias))


def _module_expression(module: str) -> cst.Name | cst.Attribute:
    expression: cst.Name | cst.Attribute = cst.Name(module.split(".")[0])
    for part in module.split(".")[1:]:
        expression = cst.Attribute(value=expression, attr=cst.Name(part))
    return expression


def _imports(statement: _Statement) -> list[cst.Import | cst.ImportFrom]:
    """The imports of a line that holds only imports; [] for anything else."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return []
    found = [s for s in statement.body if isinstance(s, cst.Import | cst.ImportFrom)]
    return found if len(found) == len(statement.body) else []


def _alias_name(alias: cst.ImportAlias) -> str | None:
    return None if alias.asname is None else dotted_name(alias.asname.name)


def _already_imported(
    body: Sequence[_Statement], module: str, name: str | None, alias: str | None
) -> bool:
    for statement in body:
        for node in _imports(statement):
            if isinstance(node, cst.Import):
                if name is None and any(
                    dotted_name(a.name) == module and _alias_name(a) == alias for a in node.names
                ):
                    return True
            elif name is not None and import_module_name(node) == module:
                if isinstance(node.names, cst.ImportStar):
                    return True
                if any(dotted_name(a.name) == name and _alias_name(a) == alias for a in node.names):
                    return True
    return False


def _mergeable(statement: _Statement, module: str) -> cst.ImportFrom | None:
    """The ``from module import a, b`` a new name can join (no star, no ``as`` aliases)."""
    nodes = _imports(statement)
    if len(nodes) != 1 or not isinstance(nodes[0], cst.ImportFrom):
        return None
    node = nodes[0]
    if import_module_name(node) != module or isinstance(node.names, cst.ImportStar):
        return None
    if any(a.asname is not None for a in node.names):
        return None
    return node


def _merge(
    tree: cst.Module,
    line: _Statement,
    node: cst.ImportFrom,
    name: str,
    *,
    settings: ImportSettings,
) -> _Statement:
    assert isinstance(line, cst.SimpleStatementLine) and not isinstance(node.names, cst.ImportStar)
    names = list(node.names)
    key = member_key(name, None)
    position = next(
        (i for i, a in enumerate(names) if member_key(dotted_name(a.name) or "", None) > key),
        len(names),
    )
    separator = _separator(node)
    new = cst.ImportAlias(name=cst.Name(name), comma=separator)
    if position == len(names):
        last = names[-1]
        if isinstance(last.comma, cst.Comma):
            new = new.with_changes(comma=_without_comment(last.comma))
            names[-1] = last.with_changes(comma=_reindented(last.comma, separator))
        else:
            new = new.with_changes(comma=last.comma)
            names[-1] = last.with_changes(comma=separator)
    names.insert(position, new)
    merged = line.with_changes(body=[node.with_changes(names=names)])
    return _wrapped(tree, merged, settings=settings)


def _separator(node: cst.ImportFrom) -> cst.Comma:
    """The comma (and line break, in a parenthesized import) that separates two names."""
    assert not isinstance(node.names, cst.ImportStar)
    for alias in node.names[:-1]:
        if isinstance(alias.comma, cst.Comma):
            return _without_comment(alias.comma)
    opening = node.lpar.whitespace_after if node.lpar is not None else None
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(
            whitespace_after=opening.with_changes(
                first_line=cst.TrailingWhitespace(), empty_lines=[]
            )
        )
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _without_comment(comma: cst.Comma) -> cst.Comma:
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return comma.with_changes(whitespace_after=after)


def _reindented(comma: cst.Comma, separator: cst.Comma) -> cst.Comma:
    """The last name's comma, kept with its comment, now followed by one more name."""
    after, model = comma.whitespace_after, separator.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
        model, cst.ParenthesizedWhitespace
    ):
        return comma.with_changes(
            whitespace_after=after.with_changes(indent=model.indent, last_line=model.last_line)
        )
    return comma.with_changes(whitespace_after=model)


def _wrapped(
    tree: cst.Module, line: cst.SimpleStatementLine, *, settings: ImportSettings
) -> cst.SimpleStatementLine:
    """``line`` as ruff writes it when it is longer than the line length: one name a line."""
    node = line.body[0]
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return line
    if node.lpar is not None or len(tree.code_for_node(node)) <= settings.line_length:
        return line
    indent = tree.default_indent
    names = "".join(
        f"{indent}{tree.code_for_node(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))},\n"
        for a in node.names
    )
    text = f"from {import_module_name(node)} import (\n{names})\n"
    wrapped = cst.parse_statement(text, config=tree.config_for_parsing)
    assert isinstance(wrapped, cst.SimpleStatementLine)
    return wrapped.with_changes(
        leading_lines=line.leading_lines, trailing_whitespace=line.trailing_whitespace
    )


def _section(line: _Statement, settings: ImportSettings) -> Section:
    node = _imports(line)[0]
    if isinstance(node, cst.Import):
        return section_of(dotted_name(node.names[0].name) or "", level=0, settings=settings)
    return section_of(
        import_module_name(node).lstrip("."), level=len(node.relative), settings=settings
    )


def _key(line: _Statement) -> StatementKey:
    return statement_key(_imports(line)[0])


def _insert(
    body: list[_Statement], line: cst.SimpleStatementLine, *, settings: ImportSettings
) -> list[_Statement]:
    start = next((i for i, s in enumerate(body) if _imports(s)), None)
    if start is None:
        return _insert_first(body, line)
    end = start
    while end < len(body) and _imports(body[end]):
        end += 1
    section, key = _section(line, settings), _key(line)
    for index in range(start, end):
        other = body[index]
        other_section = _section(other, settings)
        if other_section < section or (other_section == section and _key(other) <= key):
            continue
        previous = _section(body[index - 1], settings) if index > start else None
        blank, rest = _split_leading(other.leading_lines)
        if other_section == section:  # first of its section: it keeps only its comments
            leading, rest = blank, rest
        elif previous == section:  # last of its section
            leading, rest = [], list(other.leading_lines)
        elif previous is None:  # a new first section
            leading, rest = blank, [cst.EmptyLine(), *rest]
        else:  # a new section between two others
            leading, rest = [cst.EmptyLine()], list(other.leading_lines)
        body = list(body)
        body[index] = other.with_changes(leading_lines=rest)
        new_line = line.with_changes(leading_lines=leading)
        return [*body[:index], new_line, *body[index:]]
    last_section = _section(body[end - 1], settings)
    leading = [] if last_section == section else [cst.EmptyLine()]
    return [*body[:end], line.with_changes(leading_lines=leading), *body[end:]]


def _split_leading(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """Blank lines before the first comment, and the rest."""
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return list(lines[:count]), list(lines[count:])


def _insert_first(body: list[_Statement], line: cst.SimpleStatementLine) -> list[_Statement]:
    """The first import of a file: after the module docstring, one blank line from the code."""
    position = 1 if body and _is_docstring(body[0]) else 0
    new_line = line.with_changes(leading_lines=[cst.EmptyLine()] if position else [])
    after = list(body[position:])
    if after:
        nxt = after[0]
        blank, rest = _split_leading(nxt.leading_lines)
        if position == 0:
            new_line = new_line.with_changes(leading_lines=rest)
            rest = []
        needed = 2 if isinstance(nxt, cst.FunctionDef | cst.ClassDef) else 1
        blank = blank + [cst.EmptyLine()] * (needed - len(blank))
        after[0] = nxt.with_changes(leading_lines=[*blank, *rest])
    return [*body[:position], new_line, *after]


def _is_docstring(statement: _Statement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )
