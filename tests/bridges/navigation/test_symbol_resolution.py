"""Navigation bridges answer the symbol that was asked for, or say why they cannot (issue 10,
finding 5), against the real ty language server.

``tests/fixtures/navigation/minirich`` reproduces both rich cases in miniature: ``text.py``
imports the function ``cell_len`` and defines the property ``Text.cell_len``; ``markdown.py``
calls ``MarkdownIt().parse`` and imports ``Style`` but never uses ``Style.parse``. The bridges
used to answer ``Text.cell_len`` and ``MarkdownIt.parse`` for those, without an error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import BridgeArgumentError, BridgeContext
from bridges.navigation import session_for
from bridges.navigation._bridges import (
    PositionArguments,
    ReferencesArguments,
    find_references,
    goto_definition,
    hover,
)
from bridges.navigation._scopes import (
    SIZE_LIMIT,
    AmbiguousSymbol,
    ScopeIndexes,
    SymbolNotFound,
    UnreadableSource,
)
from parsers.contracts.lsp import DefinitionResult
from sandbox import Sandbox
from tests.real_trees import unpacked_sdist

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "navigation"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("symbols") / "minirich"
    shutil.copytree(FIXTURE, root)
    yield root.resolve()
    session_for(root.resolve()).close()


@pytest.fixture(scope="module")
def context(workspace: Path) -> BridgeContext:
    return BridgeContext(workspace=workspace)


def definition(context: BridgeContext, file: str, symbol: str, **more: int) -> DefinitionResult:
    return goto_definition(context, PositionArguments(file=file, symbol=symbol, **more))


def where(result: DefinitionResult) -> tuple[tuple[int, int], list[tuple[str, int, str]]]:
    """(position asked about, [(file, line, context) of each definition])."""
    found = [(d.file, d.line, d.context) for d in result.definitions]
    return (result.line, result.column), found


# -- finding 5, case 1: a plain name is the import, not a property of the same name -----------


def test_plain_name_prefers_the_imported_function_over_a_property(context: BridgeContext) -> None:
    result = definition(context, "minirich/text.py", "cell_len")
    assert where(result) == (
        (3, 20),
        [("minirich/cells.py", 4, "def cell_len(text: str) -> int:")],
    )


def test_the_property_is_reached_by_its_dotted_name(context: BridgeContext) -> None:
    result = definition(context, "minirich/text.py", "Text.cell_len")
    assert where(result) == ((13, 9), [("minirich/text.py", 13, "def cell_len(self) -> int:")])


def test_a_line_with_both_prefers_the_plain_name_over_the_attribute(
    context: BridgeContext,
) -> None:
    # line 19: 'return text.cell_len + cell_len(" ")'
    result = definition(context, "minirich/text.py", "cell_len", line=19)
    assert where(result) == (
        (19, 28),
        [("minirich/cells.py", 4, "def cell_len(text: str) -> int:")],
    )


def test_module_dot_name_resolves_through_the_from_import(context: BridgeContext) -> None:
    result = definition(context, "minirich/text.py", "cells.cell_len")
    assert where(result) == (
        (3, 20),
        [("minirich/cells.py", 4, "def cell_len(text: str) -> int:")],
    )


# -- finding 5, case 2: a dotted name never falls back to another object's attribute -----------


def test_dotted_name_the_file_never_uses_is_an_error_not_another_parse(
    context: BridgeContext,
) -> None:
    with pytest.raises(SymbolNotFound) as caught:
        definition(context, "minirich/markdown.py", "Style.parse")
    assert str(caught.value) == (
        "'Style.parse' does not occur in minirich/markdown.py: Style is imported there (line 4, "
        "from .style.Style) but Style.parse is never used in that file, and punie does not "
        "answer another 'parse'. Ask in the file that defines it: goto_definition(file="
        "'minirich/markdown.py', symbol='Style') gives that file; or call "
        "workspace_symbols(query='parse')"
    )


def test_dotted_name_on_a_line_that_has_another_parse_is_an_error(
    context: BridgeContext,
) -> None:
    # line 11: 'self.tokens = MarkdownIt().parse(markup)'
    with pytest.raises(BridgeArgumentError) as caught:
        definition(context, "minirich/markdown.py", "Style.parse", line=11)
    assert str(caught.value) == (
        "'Style.parse' does not appear on line 11 of minirich/markdown.py (the line reads "
        "'self.tokens = MarkdownIt().parse(markup)'); leave out line= to search the whole file"
    )


def test_a_method_called_on_a_new_instance_counts_for_the_class(context: BridgeContext) -> None:
    result = definition(context, "minirich/markdown.py", "MarkdownIt.parse")
    assert where(result) == (
        (11, 36),
        [("minirich/parser.py", 7, "def parse(self, markup: str) -> list[str]:")],
    )


def test_a_used_dotted_name_of_an_imported_class_is_its_use(context: BridgeContext) -> None:
    result = definition(context, "minirich/markdown.py", "Style.normalize")
    assert where(result) == (
        (12, 28),
        [("minirich/style.py", 15, "def normalize(cls, definition: str) -> str:")],
    )


def test_a_class_without_that_member_says_so(context: BridgeContext) -> None:
    with pytest.raises(SymbolNotFound) as caught:
        definition(context, "minirich/text.py", "Text.missing")
    assert str(caught.value) == (
        "class Text in minirich/text.py defines no 'missing' (its members: __init__, cell_len, "
        "plain), and punie does not answer another 'missing'; it may inherit it from a base "
        "class: call workspace_symbols(query='missing') to find where it is defined"
    )


# -- ambiguity, nesting, aliases ------------------------------------------------------------


def test_a_name_two_classes_define_is_ambiguous_and_lists_both(context: BridgeContext) -> None:
    with pytest.raises(AmbiguousSymbol) as caught:
        definition(context, "minirich/jobs.py", "run")
    assert caught.value.candidates == ["Build.run (line 5, method)", "Deploy.run (line 10, method)"]
    assert str(caught.value) == (
        "'run' means 2 different things in minirich/jobs.py: Build.run (line 5, method), "
        "Deploy.run (line 10, method); pass the dotted name of the one you mean, e.g. "
        "symbol='Build.run'"
    )
    result = definition(context, "minirich/jobs.py", "Deploy.run")
    assert where(result) == ((10, 9), [("minirich/jobs.py", 10, "def run(self) -> str:")])


def test_references_refuse_an_ambiguous_name_too(context: BridgeContext) -> None:
    with pytest.raises(AmbiguousSymbol):
        find_references(context, ReferencesArguments(file="minirich/jobs.py", symbol="run"))
    found = find_references(
        context, ReferencesArguments(file="minirich/jobs.py", symbol="Build.run")
    )
    assert [(r.file, r.line, r.column) for r in found.references] == [
        ("minirich/jobs.py", 5, 9),
        ("minirich/jobs.py", 15, 16),
    ]


def test_nested_classes_resolve_by_their_whole_path(context: BridgeContext) -> None:
    inner = definition(context, "minirich/nested.py", "Outer.Inner.method")
    assert where(inner) == ((9, 13), [("minirich/nested.py", 9, "def method(self) -> int:")])
    outer = definition(context, "minirich/nested.py", "Outer.method")
    assert where(outer) == ((5, 9), [("minirich/nested.py", 5, "def method(self) -> int:")])
    with pytest.raises(AmbiguousSymbol) as caught:
        definition(context, "minirich/nested.py", "method")
    assert caught.value.candidates == [
        "Outer.method (line 5, method)",
        "Outer.Inner.method (line 9, method)",
    ]


def test_dotted_names_through_import_aliases(context: BridgeContext) -> None:
    # 'SEPARATOR = ", ".join(...)' on line 8 comes before the p.join asked about
    joined = definition(context, "minirich/aliases.py", "p.join")
    assert (joined.line, joined.column) == (12, 16)
    assert {Path(d.file).name for d in joined.definitions} == {"posixpath.py", "ntpath.py"}
    assert {d.context for d in joined.definitions} == {
        "def join(a, *p):",
        "def join(path, *paths):",
    }
    cells = definition(context, "minirich/aliases.py", "c.cell_len")
    assert where(cells) == (
        (13, 27),
        [("minirich/cells.py", 4, "def cell_len(text: str) -> int:")],
    )


def test_an_instance_attribute_beats_the_parameter_it_is_set_from(
    context: BridgeContext,
) -> None:
    # 'self.plain = plain': the plain name 'plain' is the attribute Text.plain
    result = hover(context, PositionArguments(file="minirich/text.py", symbol="plain"))
    assert (result.line, result.column) == (10, 14)
    parameter = hover(
        context, PositionArguments(file="minirich/text.py", symbol="Text.__init__.plain")
    )
    assert (parameter.line, parameter.column) == (9, 24)


def test_columns_after_non_ascii_text_are_characters(context: BridgeContext) -> None:
    # 'LABEL = "é".upper()': ast puts 'upper' at byte 13 (0-based), it is character 13 (1-based)
    result = hover(context, PositionArguments(file="minirich/labels.py", symbol="upper"))
    assert (result.line, result.column) == (3, 13)
    assert result.text.splitlines()[0] == "def upper() -> LiteralString"


def test_a_snippet_sees_the_candidates_in_the_error(workspace: Path) -> None:
    from bridges.navigation import BRIDGES

    context = BridgeContext(workspace=workspace)
    with Sandbox([record.bind(context) for record in BRIDGES], pool_size=1) as box:
        result = box.run('goto_definition(file="minirich/jobs.py", symbol="run")')
    assert not result.ok and result.error is not None
    assert result.error.message.endswith(
        "'run' means 2 different things in minirich/jobs.py: Build.run (line 5, method), "
        "Deploy.run (line 10, method); pass the dotted name of the one you mean, e.g. "
        "symbol='Build.run'"
    )


# -- files that cannot be indexed ----------------------------------------------------------


def test_a_file_that_does_not_parse_still_never_answers_another_parse(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(
        "from style import Style\n"
        "from parser import MarkdownIt\n"
        "\n"
        "\n"
        "def render(markup: str) -> list[str]:\n"
        "    tokens = MarkdownIt().parse(markup)\n"
        "    return Style.normalize(tokens\n",
        encoding="utf-8",
    )
    context = BridgeContext(workspace=tmp_path)
    try:
        with pytest.raises(SymbolNotFound) as caught:
            definition(context, "broken.py", "Style.parse")
        assert str(caught.value) == (
            "'Style.parse' does not appear in broken.py; names defined there: render (punie "
            "could not parse the file, so it looked for that exact name). Call "
            "workspace_symbols(query='parse') to find the file that defines it"
        )
        found = definition(context, "broken.py", "Style.normalize")
        assert (found.line, found.column) == (7, 18)
    finally:
        session_for(tmp_path).close()


def test_deeply_nested_and_huge_files_are_typed_errors(tmp_path: Path) -> None:
    (tmp_path / "nested.py").write_text(
        "def f() -> int:\n    return 1\n\n\nx = " + "1+" * 150_000 + "1\n", encoding="utf-8"
    )
    (tmp_path / "huge.py").write_text(
        "def f() -> int:\n    return 1\n\n\n" + "x = 1\n" * (SIZE_LIMIT // 6 + 1),
        encoding="utf-8",
    )
    context = BridgeContext(workspace=tmp_path)
    try:
        with pytest.raises(UnreadableSource) as nested:
            definition(context, "nested.py", "f")
        assert str(nested.value) == (
            "nested.py is nested too deeply for punie to parse (RecursionError); pass line= and "
            "column= to point at the name (grep finds the line)"
        )
        size = len((tmp_path / "huge.py").read_text(encoding="utf-8"))
        with pytest.raises(UnreadableSource) as huge:
            definition(context, "huge.py", "f")
        assert str(huge.value) == (
            f"huge.py has {size:,} characters, more than the {SIZE_LIMIT:,} punie parses to "
            "find a name; pass line= and column= to point at it (grep finds the line)"
        )
        # a line says where the name is: the huge file is not parsed, the name is found there
        found = definition(context, "huge.py", "f", line=1)
        assert where(found) == ((1, 5), [("huge.py", 1, "def f() -> int:")])
    finally:
        session_for(tmp_path).close()


def test_lines_are_counted_as_python_counts_them_past_a_form_feed(tmp_path: Path) -> None:
    (tmp_path / "paged.py").write_text(
        '"""Two pages."""\n\x0c\ndef target() -> str:\n    return "t"\n\n\nprint(target())\n',
        encoding="utf-8",
    )
    context = BridgeContext(workspace=tmp_path)
    try:
        result = definition(context, "paged.py", "target", line=7)
        assert where(result) == ((7, 7), [("paged.py", 3, "def target() -> str:")])
    finally:
        session_for(tmp_path).close()


def test_the_index_is_built_once_per_text() -> None:
    scope_index = ScopeIndexes().index_of
    text = "class A:\n    def run(self) -> None: ...\n"
    first = scope_index("cache-test.py", text, file="cache-test.py")
    assert scope_index("cache-test.py", text, file="cache-test.py") is first
    assert scope_index("cache-test.py", "".join(text), file="cache-test.py") is first
    changed = scope_index("cache-test.py", text + "x = 1\n", file="cache-test.py")
    assert changed is not None and changed is not first
    assert list(changed.bindings) == ["A", "A.run", "A.run.self", "x"]


@pytest.mark.parametrize(
    "symbol", ["Cart.class", "2x", "Cart..total", ".total", "Cart.total()", "not a name"]
)
def test_a_symbol_that_is_not_a_dotted_python_name_is_a_typed_error(
    context: BridgeContext, symbol: str
) -> None:
    with pytest.raises(BridgeArgumentError) as caught:
        definition(context, "minirich/text.py", symbol)
    assert str(caught.value) == (
        f"symbol={symbol!r} is not a Python name; pass a name such as 'Cart' or 'Cart.total'"
    )


# -- the two queries of the issue on rich itself (its sdist from PyPI, cached) ------------------------


@pytest.mark.slow
def test_the_issue_queries_on_the_rich_sdist(tmp_path: Path) -> None:
    root = unpacked_sdist("rich", "15.0.0", tmp_path)
    context = BridgeContext(workspace=root)
    try:
        result = definition(context, "rich/text.py", "cell_len")
        assert [(d.file, d.line) for d in result.definitions] == [("rich/cells.py", 98)]
        assert (result.line, result.column) == (23, 20)
        with pytest.raises(SymbolNotFound) as caught:
            definition(context, "rich/markdown.py", "Style.parse")
        assert str(caught.value) == (
            "'Style.parse' does not occur in rich/markdown.py: Style is imported there (line 20, "
            "from .style.Style) but Style.parse is never used in that file, and punie does not "
            "answer another 'parse'. Ask in the file that defines it: goto_definition(file="
            "'rich/markdown.py', symbol='Style') gives that file; or call "
            "workspace_symbols(query='parse')"
        )
    finally:
        session_for(root).close()
