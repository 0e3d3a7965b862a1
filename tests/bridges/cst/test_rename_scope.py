"""``cst_rename`` renames one binding, found by scope, and ty agrees that nothing broke.

Issue 10, finding 6: renaming the imported function ``cell_len`` in rich's ``text.py`` also
renamed the ``Text.cell_len`` property, and ty found five new errors in other files. The tree
below is a miniature of that case; ty runs for real before and after each rename.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bridges import BridgeContext, run_tool
from bridges.cst import CST_RENAME, NameArgumentError
from parsers.contracts import Patch
from tests.real_trees import unpacked_sdist

CELLS = '''def cell_len(text: str) -> int:
    """Width of ``text`` in terminal cells."""
    return len(text)
'''

TEXT = '''"""A miniature of rich.text."""

from __future__ import annotations

from .cells import cell_len

__all__ = ["Text", "cell_len", "measure"]


class Text:
    def __init__(self, plain: str) -> None:
        self.plain = plain

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)

    def pad(self, width: int) -> str:
        return self.plain + " " * (width - self.cell_len)

    def _spaces(self, count: int) -> str:
        return " " * count

    def indent(self, count: int) -> str:
        return self._spaces(count=count) + self.plain

    @classmethod
    def widest(cls, texts: list[Text]) -> int:
        return max(cell_len(t.plain) for t in texts)


def measure(text: Text, *, total: int = 0) -> int:
    sizes = [cell_len(part) for part in text.plain.split()]
    return text.cell_len + sum(sizes) + total


def report(text: Text) -> str:
    total = measure(text, total=1)
    return f"{total}"
'''

USE = """from .text import Text, measure


def width(text: Text) -> int:
    return text.cell_len * 2 + measure(text, total=3)


def wrong() -> int:
    return "not an int"
"""


@pytest.fixture
def rich_like(tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cells.py").write_text(CELLS)
    (package / "text.py").write_text(TEXT)
    (package / "use.py").write_text(USE)
    return tmp_path


def ty_diagnostics(workspace: Path) -> list[tuple[str, int, str]]:
    """ty's diagnostics on the whole tree as (file, line, description), sorted."""
    run = run_tool(
        "ty",
        ["check", "--output-format", "gitlab", "--no-progress", "--", "."],
        cwd=workspace,
        timeout_s=120,
    )
    report = json.loads(run.stdout or "[]")
    return sorted(
        (
            item["location"]["path"],
            item["location"]["positions"]["begin"]["line"],
            item["description"],
        )
        for item in report
    )


def rename(workspace: Path, *, allow_write: bool = True, **arguments: object) -> Patch:
    context = BridgeContext(workspace=workspace, allow_write=allow_write)
    result = CST_RENAME.bind(context).function(**arguments)
    assert isinstance(result, Patch)
    return result


def changed_lines(patch: Patch) -> list[str]:
    return [
        line
        for line in patch.diff.splitlines()[2:]
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]


def test_renaming_the_imported_function_leaves_the_property_and_adds_no_ty_error(
    rich_like: Path,
) -> None:
    before = ty_diagnostics(rich_like)
    assert [(file, line) for file, line, _ in before] == [("pkg/use.py", 9)]
    patch = rename(rich_like, path="pkg/text.py", old_name="cell_len", new_name="cell_width")
    assert patch.applied
    assert changed_lines(patch) == [
        "-from .cells import cell_len",
        "+from .cells import cell_len as cell_width",
        '-__all__ = ["Text", "cell_len", "measure"]',
        '+__all__ = ["Text", "cell_width", "measure"]',
        "-        return cell_len(self.plain)",
        "+        return cell_width(self.plain)",
        "-        return max(cell_len(t.plain) for t in texts)",
        "+        return max(cell_width(t.plain) for t in texts)",
        "-    sizes = [cell_len(part) for part in text.plain.split()]",
        "+    sizes = [cell_width(part) for part in text.plain.split()]",
    ]
    assert ty_diagnostics(rich_like) == before


def test_renaming_a_member_changes_its_definition_and_self_uses_only(rich_like: Path) -> None:
    patch = rename(
        rich_like, path="pkg/text.py", old_name="Text.cell_len", new_name="width", apply=False
    )
    assert changed_lines(patch) == [
        "-    def cell_len(self) -> int:",
        "+    def width(self) -> int:",
        '-        return self.plain + " " * (width - self.cell_len)',
        '+        return self.plain + " " * (width - self.width)',
    ]


def test_renaming_a_method_used_through_self_adds_no_ty_error(rich_like: Path) -> None:
    before = ty_diagnostics(rich_like)
    patch = rename(rich_like, path="pkg/text.py", old_name="Text._spaces", new_name="_blank")
    assert changed_lines(patch) == [
        "-    def _spaces(self, count: int) -> str:",
        "+    def _blank(self, count: int) -> str:",
        "-        return self._spaces(count=count) + self.plain",
        "+        return self._blank(count=count) + self.plain",
    ]
    assert ty_diagnostics(rich_like) == before


def test_renaming_a_parameter_renames_keywords_of_calls_in_the_file(rich_like: Path) -> None:
    patch = rename(
        rich_like, path="pkg/text.py", old_name="measure.total", new_name="extra", apply=False
    )
    assert changed_lines(patch) == [
        "-def measure(text: Text, *, total: int = 0) -> int:",
        "+def measure(text: Text, *, extra: int = 0) -> int:",
        "-    return text.cell_len + sum(sizes) + total",
        "+    return text.cell_len + sum(sizes) + extra",
        "-    total = measure(text, total=1)",
        "+    total = measure(text, extra=1)",
    ]


def test_a_name_bound_in_several_scopes_but_not_the_module_is_ambiguous(rich_like: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="total", new_name="extra")
    assert str(caught.value) == (
        "pkg/text.py has no module-level 'total', and 2 other bindings of that name: "
        "'measure.total', 'report.total'. Rename one of them by giving its dotted path as "
        "old_name, e.g. old_name='measure.total'."
    )


def test_a_member_is_not_renamed_by_its_plain_name(rich_like: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="pad", new_name="padded")
    assert str(caught.value) == (
        "pkg/text.py has no module-level 'pad', and 1 other bindings of that name: 'Text.pad'. "
        "Rename one of them by giving its dotted path as old_name, e.g. old_name='Text.pad'."
    )


def test_a_name_that_is_not_bound_is_refused_with_close_names(rich_like: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="mesure", new_name="x")
    assert str(caught.value) == (
        "pkg/text.py has no variable, function, class or import named 'mesure' (parameters "
        "count as variables; attribute names after a dot and keyword argument names are not "
        "bindings). Similar names in the file: measure."
    )


def test_a_dotted_name_through_an_unknown_class_is_refused(rich_like: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="Txt.pad", new_name="x")
    assert str(caught.value) == (
        "pkg/text.py defines no class or function 'Txt', so 'Txt.pad' names nothing. "
        "Similar: Text. A dotted old_name is a path of classes and functions defined in this "
        "file; give a plain name for a module-level binding or an import."
    )
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="Text.size", new_name="x")
    assert str(caught.value) == (
        "Text in pkg/text.py binds no name 'size'. The name is bound nowhere in the file."
    )


def test_a_new_name_that_would_capture_another_binding_is_refused(rich_like: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="cell_len", new_name="measure")
    assert str(caught.value) == (
        "pkg/text.py already uses the name 'measure' (line 32) where 'cell_len' is visible; "
        "renaming 'cell_len' to it would merge two different things. Pick another new_name."
    )
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="report.total", new_name="measure")
    assert str(caught.value) == (
        "pkg/text.py already uses the name 'measure' (line 38) where 'report.total' is "
        "visible; renaming 'report.total' to it would merge two different things. Pick another "
        "new_name."
    )
    with pytest.raises(NameArgumentError, match=r"already uses the name 'plain' \(line 12\)"):
        rename(rich_like, path="pkg/text.py", old_name="Text.cell_len", new_name="plain")
    assert (rich_like / "pkg" / "text.py").read_text() == TEXT


def test_a_local_may_take_a_name_used_elsewhere_in_the_file(rich_like: Path) -> None:
    patch = rename(
        rich_like, path="pkg/text.py", old_name="report.total", new_name="plain", apply=False
    )
    assert changed_lines(patch) == [
        "-    total = measure(text, total=1)",
        '-    return f"{total}"',
        "+    plain = measure(text, total=1)",
        '+    return f"{plain}"',
    ]


SCOPES = """import os.path
from typing import TYPE_CHECKING

from shop.models import Product as Item

if TYPE_CHECKING:
    from shop.cart import Cart

counter = 0


def bump() -> int:
    global counter
    counter += 1
    return counter


def total(cart: "Cart", item: "Item | None") -> int:
    counter = 5
    return counter + len(os.path.sep)
"""


def test_global_statements_and_string_annotations_follow_the_binding(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SCOPES)
    patch = rename(tmp_path, path="m.py", old_name="counter", new_name="hits", apply=False)
    assert changed_lines(patch) == [
        "-counter = 0",
        "+hits = 0",
        "-    global counter",
        "-    counter += 1",
        "-    return counter",
        "+    global hits",
        "+    hits += 1",
        "+    return hits",
    ]
    patch = rename(tmp_path, path="m.py", old_name="Cart", new_name="Basket", apply=False)
    assert changed_lines(patch) == [
        "-    from shop.cart import Cart",
        "+    from shop.cart import Cart as Basket",
        '-def total(cart: "Cart", item: "Item | None") -> int:',
        '+def total(cart: "Basket", item: "Item | None") -> int:',
    ]


def test_renaming_an_alias_back_to_the_imported_name_drops_the_alias(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SCOPES)
    patch = rename(tmp_path, path="m.py", old_name="Item", new_name="Product", apply=False)
    assert changed_lines(patch) == [
        "-from shop.models import Product as Item",
        "+from shop.models import Product",
        '-def total(cart: "Cart", item: "Item | None") -> int:',
        '+def total(cart: "Cart", item: "Product | None") -> int:',
    ]


def test_a_package_bound_by_a_dotted_import_cannot_be_aliased(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SCOPES)
    with pytest.raises(NameArgumentError) as caught:
        rename(tmp_path, path="m.py", old_name="os", new_name="system", apply=False)
    assert str(caught.value) == (
        "'os' in m.py is bound by 'import os.path', which binds the package and cannot be "
        "aliased; rewrite the import first (e.g. 'import os.path as short_name') and rename "
        "that"
    )


def test_dataclass_fields_rename_constructor_keywords(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "from dataclasses import dataclass\n\n\n"
        "@dataclass\nclass Card:\n    total: int = 0\n\n    def double(self) -> int:\n"
        "        return self.total * 2\n\n\n"
        "def make(total: int) -> Card:\n    return Card(total=total)\n"
    )
    before = ty_diagnostics(tmp_path)
    patch = rename(tmp_path, path="m.py", old_name="Card.total", new_name="amount")
    assert changed_lines(patch) == [
        "-    total: int = 0",
        "+    amount: int = 0",
        "-        return self.total * 2",
        "+        return self.amount * 2",
        "-    return Card(total=total)",
        "+    return Card(amount=total)",
    ]
    assert ty_diagnostics(tmp_path) == before


def test_old_name_must_be_a_name_or_a_dotted_path(rich_like: Path) -> None:
    with pytest.raises(NameArgumentError) as caught:
        rename(rich_like, path="pkg/text.py", old_name="Text.", new_name="x")
    assert str(caught.value) == (
        "old_name='Text.' is not a name; give 'total_price' for a module-level name or a "
        "dotted path such as 'Cart.total_price' (a class member) or 'make.total' (a local "
        "or parameter of function make)"
    )


@pytest.mark.slow
def test_renaming_cell_len_in_the_real_rich_text_module_adds_no_ty_error(tmp_path: Path) -> None:
    rich = unpacked_sdist("rich", "13.9.4", tmp_path / "sdist")
    shutil.copytree(rich / "rich", tmp_path / "rich")
    before = ty_diagnostics(tmp_path)
    patch = rename(tmp_path, path="rich/text.py", old_name="cell_len", new_name="cell_width")
    assert patch.applied
    assert changed_lines(patch)[:2] == [
        "-from .cells import cell_len, set_cell_size",
        "+from .cells import cell_len as cell_width, set_cell_size",
    ]
    assert "    def cell_len(self) -> int:" in patch.new_text.splitlines()
    assert ty_diagnostics(tmp_path) == before
