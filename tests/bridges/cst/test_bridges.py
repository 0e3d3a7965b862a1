"""The LibCST bridges on real files: find, rename, add import, their errors and the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridges import BridgeContext, BridgeError, PathNotFound, PathOutsideWorkspace
from bridges.cst import (
    CST_ADD_IMPORT,
    CST_FIND_PATTERN,
    CST_RENAME,
    MODULE_CACHE,
    NameArgumentError,
    NotPythonFile,
    PatternError,
    SourceError,
)
from parsers.contracts import Patch
from parsers.contracts.cst import CstFindResult

SOURCE = '''"""A module."""

from dataclasses import dataclass

from shop.models import Product


@dataclass
class Card:
    product: Product
    total: int = 0

    def render(self, total: int) -> str:
        label = "total"
        return html("<b>{total}</b>", total=self.total + total)


def make(total: int) -> Card:
    return Card(product=Product(), total=total)
'''


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "card.py").write_text(SOURCE)
    (tmp_path / "notes.txt").write_text("not python\n")
    return tmp_path


def find(workspace: Path, pattern: str, path: str = ".", limit: int = 200) -> CstFindResult:
    context = BridgeContext(workspace=workspace)
    result = CST_FIND_PATTERN.bind(context).function(pattern=pattern, path=path, limit=limit)
    assert isinstance(result, CstFindResult)
    return result


def rename(workspace: Path, *, allow_write: bool = False, **arguments: object) -> Patch:
    context = BridgeContext(workspace=workspace, allow_write=allow_write)
    result = CST_RENAME.bind(context).function(**arguments)
    assert isinstance(result, Patch)
    return result


def add_import(workspace: Path, *, allow_write: bool = False, **arguments: object) -> Patch:
    context = BridgeContext(workspace=workspace, allow_write=allow_write)
    result = CST_ADD_IMPORT.bind(context).function(**arguments)
    assert isinstance(result, Patch)
    return result


def test_find_classes_point_at_the_class_line_not_the_decorator(workspace: Path) -> None:
    result = find(workspace, "class:*")
    assert [(m.file, m.line, m.column, m.name, m.code) for m in result.matches] == [
        ("pkg/card.py", 9, 1, "Card", "class Card:")
    ]
    assert result.files_searched == 1 and not result.truncated


def test_find_calls_by_dotted_name_and_by_last_part(workspace: Path) -> None:
    assert [m.line for m in find(workspace, "call:html").matches] == [15]
    assert [m.name for m in find(workspace, "call:Card").matches] == ["Card"]
    assert find(workspace, "call:*").match_count == 3


def test_find_imports_by_package_prefix_and_imported_name(workspace: Path) -> None:
    assert [m.name for m in find(workspace, "import:shop").matches] == ["shop.models"]
    assert [m.name for m in find(workspace, "import:shop.models.Product").matches] == [
        "shop.models"
    ]
    assert find(workspace, "import:shopping").match_count == 0


def test_find_names_attributes_decorators_and_functions(workspace: Path) -> None:
    assert [m.line for m in find(workspace, "name:total").matches] == [11, 13, 15, 18, 19]
    assert [m.name for m in find(workspace, "attribute:total").matches] == ["self.total"]
    assert [m.line for m in find(workspace, "decorator:dataclass").matches] == [8]
    assert [m.name for m in find(workspace, "function:*").matches] == ["render", "make"]


def test_find_respects_the_limit(workspace: Path) -> None:
    result = find(workspace, "name:*", limit=2)
    assert result.match_count == 2 and result.truncated


def test_unknown_kind_suggests_the_nearest(workspace: Path) -> None:
    with pytest.raises(PatternError, match="did you mean 'class:Card'"):
        find(workspace, "klass:Card")
    with pytest.raises(PatternError, match="contains spaces"):
        find(workspace, "call:a b")


def test_paths_are_confined_and_checked(workspace: Path) -> None:
    with pytest.raises(PathOutsideWorkspace):
        find(workspace, "call:*", path="../")
    with pytest.raises(PathNotFound):
        find(workspace, "call:*", path="missing")
    with pytest.raises(NotPythonFile):
        find(workspace, "call:*", path="notes.txt")


def test_syntax_errors_name_file_and_line(workspace: Path) -> None:
    (workspace / "pkg" / "broken.py").write_text("x = 1\ny = = 2\n")
    with pytest.raises(SourceError, match=r"pkg/broken.py has a syntax error at line 2"):
        find(workspace, "call:*", path="pkg/broken.py")
    # In a folder the broken file is skipped and the search goes on (issue 10, finding 7).
    result = find(workspace, "call:*", path="pkg")
    assert [m.name for m in result.matches] == ["html", "Card", "Product"]
    assert [(s.file, s.reason) for s in result.skipped] == [("pkg/broken.py", "syntax_error")]


def test_rename_of_a_plain_name_bound_in_several_scopes_lists_the_candidates(
    workspace: Path,
) -> None:
    # The old rename changed the field and the parameters but not self.total or Card(total=...),
    # which broke the code (issue 10, finding 6). A plain name is now one binding or an error.
    with pytest.raises(NameArgumentError) as raised:
        rename(workspace, path="pkg/card.py", old_name="total", new_name="amount")
    assert "'Card.total', 'Card.render.total', 'make.total'" in str(raised.value)


def test_rename_of_a_parameter_renames_its_keywords_and_nothing_else(workspace: Path) -> None:
    patch = rename(workspace, path="pkg/card.py", old_name="make.total", new_name="amount")
    assert not patch.applied
    assert patch.new_text == SOURCE.replace(
        "def make(total: int) -> Card:\n    return Card(product=Product(), total=total)",
        "def make(amount: int) -> Card:\n    return Card(product=Product(), total=amount)",
    )
    assert patch.diff.startswith("--- a/pkg/card.py\n+++ b/pkg/card.py\n")
    assert (workspace / "pkg" / "card.py").read_text() == SOURCE


def test_rename_of_a_field_renames_self_uses_and_constructor_keywords(workspace: Path) -> None:
    patch = rename(workspace, path="pkg/card.py", old_name="Card.total", new_name="amount")
    expected = (
        SOURCE.replace("    total: int = 0", "    amount: int = 0")
        .replace("total=self.total + total", "total=self.amount + total")
        .replace("Card(product=Product(), total=total)", "Card(product=Product(), amount=total)")
    )
    assert patch.new_text == expected  # the string "total" and html's keyword stay


def test_rename_of_an_imported_name_aliases_the_import(workspace: Path) -> None:
    patch = rename(workspace, path="pkg/card.py", old_name="Product", new_name="Item")
    assert "from shop.models import Product as Item" in patch.new_text
    assert "    product: Item" in patch.new_text


def test_rename_writes_only_when_allowed_and_asked(workspace: Path) -> None:
    file = workspace / "pkg" / "card.py"
    arguments = {"path": "pkg/card.py", "old_name": "make", "new_name": "build"}
    assert not rename(workspace, allow_write=True, apply=False, **arguments).applied
    assert file.read_text() == SOURCE
    patch = rename(workspace, allow_write=True, **arguments)
    assert patch.applied and file.read_text() == patch.new_text
    assert "def build(total: int) -> Card:" in file.read_text()


def test_rename_errors_say_what_to_do(workspace: Path) -> None:
    with pytest.raises(NameArgumentError, match="Similar names in the file: Card"):
        rename(workspace, path="pkg/card.py", old_name="Cardd", new_name="X")
    with pytest.raises(NameArgumentError, match="already uses the name 'make'"):
        rename(workspace, path="pkg/card.py", old_name="Card", new_name="make")
    with pytest.raises(NameArgumentError, match="not a Python identifier"):
        rename(workspace, path="pkg/card.py", old_name="Card", new_name="class")
    with pytest.raises(NotPythonFile, match="one Python file"):
        rename(workspace, path="pkg", old_name="Card", new_name="X")


def test_add_import_places_merges_and_skips_existing(workspace: Path) -> None:
    patch = add_import(workspace, path="pkg/card.py", module="json")
    added = [line for line in patch.diff.splitlines() if line.startswith("+")][1:]
    assert added == ["+import json"]
    merged = add_import(workspace, path="pkg/card.py", module="dataclasses", name="field")
    assert "from dataclasses import dataclass, field" in merged.new_text
    same = add_import(workspace, path="pkg/card.py", module="dataclasses", name="dataclass")
    assert same.diff == "" and same.new_text == SOURCE and not same.applied


def test_add_import_applies_when_allowed(workspace: Path) -> None:
    patch = add_import(workspace, allow_write=True, path="pkg/card.py", module="os", name="path")
    assert patch.applied
    assert "from os import path" in (workspace / "pkg" / "card.py").read_text()


def test_add_import_refuses_bad_names(workspace: Path) -> None:
    with pytest.raises(NameArgumentError, match="absolute dotted module name"):
        add_import(workspace, path="pkg/card.py", module=".models")
    with pytest.raises(NameArgumentError, match="not a Python identifier"):
        add_import(workspace, path="pkg/card.py", module="os", name="a.b")


def test_errors_are_bridge_errors() -> None:
    for error in (PatternError, NameArgumentError, NotPythonFile, SourceError):
        assert issubclass(error, BridgeError)


def test_cache_parses_each_content_once_and_sees_edits(workspace: Path) -> None:
    file = workspace / "pkg" / "card.py"
    MODULE_CACHE.clear()
    before = MODULE_CACHE.parses
    find(workspace, "name:*")  # answered with ast: no LibCST parse
    assert MODULE_CACHE.parses == before
    rename(workspace, path="pkg/card.py", old_name="make", new_name="build")
    add_import(workspace, path="pkg/card.py", module="os")
    assert MODULE_CACHE.parses == before + 1  # the parser child kept the module
    file.write_text(SOURCE.replace("class Card", "class Tile"))
    assert [m.name for m in find(workspace, "class:*").matches] == ["Tile"]
    assert "Tile" in [m.name for m in find(workspace, "name:*").matches]
    rename(workspace, path="pkg/card.py", old_name="make", new_name="build")
    assert MODULE_CACHE.parses == before + 2
