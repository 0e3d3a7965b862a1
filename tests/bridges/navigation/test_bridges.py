"""The navigation bridges against the sample workspace and a 100-module tree, compared with what
ty server answers when asked directly by an independent client (tests/raw_lsp.py)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pygls
import pytest

from bridges import (
    BridgeArgumentError,
    BridgeContext,
    PathNotFound,
    PathOutsideWorkspace,
    ToolError,
)
from bridges._runner import locate_tool
from bridges.navigation import BRIDGES, session_for
from bridges.navigation._bridges import (
    DocumentSymbolsArguments,
    PositionArguments,
    ReferencesArguments,
    WorkspaceSymbolsArguments,
    document_symbols,
    find_references,
    goto_definition,
    hover,
    workspace_symbols,
)
from tests.raw_lsp import RawClient, direct_ty

pytestmark = pytest.mark.slow


def first_use(root: Path, file: str, name: str) -> tuple[int, int]:
    """0-based (line, character) of the first whole-word ``name`` in code (test's own search)."""
    for number, line in enumerate((root / file).read_text(encoding="utf-8").splitlines()):
        code = line.split("#")[0]
        match = re.search(rf"(?<![\w\"']){re.escape(name)}(?!\w)", code)
        if match and not code.lstrip().startswith(('"', "'")):
            return number, match.start()
    raise AssertionError(f"{name} not in {file}")


def as_triples(root: Path, locations: list[dict[str, Any]]) -> set[tuple[str, int, int]]:
    result = set()
    for item in locations:
        path = Path(item["uri"].removeprefix("file://"))
        start = item["range"]["start"]
        result.add((path.relative_to(root).as_posix(), start["line"] + 1, start["character"] + 1))
    return result


@pytest.fixture(scope="module")
def direct(nav_workspace: Path) -> Iterator[RawClient]:
    client = direct_ty(nav_workspace)
    yield client
    client.close()


def test_bridge_records_are_complete() -> None:
    names = [record.name for record in BRIDGES]
    assert names == [
        "goto_definition",
        "find_references",
        "hover",
        "document_symbols",
        "workspace_symbols",
    ]
    for record in BRIDGES:
        single = [example for example in record.examples if not example.multi_turn]
        multi = [example for example in record.examples if example.multi_turn]
        assert len(single) >= 8 and len(multi) >= 4, record.name


@pytest.mark.parametrize(
    ("file", "symbol"),
    [
        ("shop/pricing.py", "Cart"),
        ("shop/cart.py", "CartItem"),
        ("shop/catalog.py", "Product"),
        ("shop/inventory.py", "OutOfStock"),
        ("shop/cart.py", "subtotal"),
    ],
)
def test_definition_matches_direct_request(
    nav_context: BridgeContext, direct: RawClient, file: str, symbol: str
) -> None:
    root = nav_context.workspace
    line, character = first_use(root, file, symbol)
    path = root / file
    direct.open(path)
    expected = direct.request(
        "textDocument/definition",
        {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": character},
        },
    )
    result = goto_definition(
        nav_context, PositionArguments(file=file, symbol=symbol, line=line + 1)
    )
    assert result.count == len(expected) >= 1
    assert {(d.file, d.line, d.column) for d in result.definitions} == as_triples(root, expected)
    assert all(symbol in d.context for d in result.definitions)


@pytest.mark.parametrize(
    ("file", "symbol", "qualified"),
    [
        ("shop/cart.py", "Cart", "Cart"),
        ("shop/models.py", "Product", "Product"),
        ("shop/models.py", "subtotal", "CartItem.subtotal"),
        ("shop/pricing.py", "apply_discount", "apply_discount"),
    ],
)
def test_references_match_direct_request(
    nav_context: BridgeContext, direct: RawClient, file: str, symbol: str, qualified: str
) -> None:
    root = nav_context.workspace
    line, character = first_use(root, file, symbol)
    path = root / file
    direct.open(path)
    expected = direct.request(
        "textDocument/references",
        {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": character},
            "context": {"includeDeclaration": True},
        },
    )
    result = find_references(nav_context, ReferencesArguments(file=file, symbol=qualified))
    got = {(r.file, r.line, r.column) for r in result.references}
    assert got == as_triples(root, expected)
    assert result.count == len(expected) and result.files == sorted({r[0] for r in got})
    without = find_references(
        nav_context, ReferencesArguments(file=file, symbol=qualified, include_declaration=False)
    )
    # ty counts imports as declarations too: without them only real uses remain.
    kept = {(r.file, r.line, r.column) for r in without.references}
    assert kept < got
    assert (file, line + 1, character + 1) not in kept  # the definition itself


def test_hover_matches_direct_request(nav_context: BridgeContext, direct: RawClient) -> None:
    root = nav_context.workspace
    line, character = first_use(root, "shop/pricing.py", "bulk_discount")
    path = root / "shop/pricing.py"
    direct.open(path)
    expected = direct.request(
        "textDocument/hover",
        {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": character},
        },
    )
    result = hover(nav_context, PositionArguments(file="shop/pricing.py", symbol="bulk_discount"))
    assert result.found and result.text == expected["contents"]["value"].strip()
    assert "Ten percent off" in result.text


def test_document_symbols_match_direct_request(
    nav_context: BridgeContext, direct: RawClient
) -> None:
    path = nav_context.workspace / "shop/models.py"
    direct.open(path)
    expected = direct.request(
        "textDocument/documentSymbol", {"textDocument": {"uri": path.as_uri()}}
    )

    def flatten(items: list[dict[str, Any]], container: str | None) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for item in items:
            out.append((item["name"], container, item["selectionRange"]["start"]["line"] + 1))
            inner = item["name"] if container is None else f"{container}.{item['name']}"
            out += flatten(item.get("children") or [], inner)
        return out

    result = document_symbols(nav_context, DocumentSymbolsArguments(file="shop/models.py"))
    assert [(s.name, s.container, s.line) for s in result.symbols] == flatten(expected, None)
    kinds = {s.name: s.kind for s in result.symbols}
    assert kinds["Product"] == "class" and kinds["subtotal"] == "method" and kinds["sku"] == "field"


def test_workspace_symbols_match_direct_request(
    nav_context: BridgeContext, direct: RawClient
) -> None:
    expected = direct.request("workspace/symbol", {"query": "discount"})
    result = workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="discount"))
    assert sorted(s.name for s in result.symbols) == sorted(item["name"] for item in expected)
    exact = workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="Cart"))
    assert exact.symbols[0].name == "Cart" and exact.symbols[0].file == "shop/cart.py"
    limited = workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="Cart", limit=1))
    assert limited.count == 1 and limited.truncated


def test_workspace_symbol_position_is_the_name_not_the_decorator(
    nav_context: BridgeContext,
) -> None:
    # Product is a dataclass: the server's range starts at '@dataclass' on line 8.
    result = workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="Product"))
    product = next(s for s in result.symbols if s.name == "Product")
    assert (product.file, product.line, product.column) == ("shop/models.py", 9, 7)


def test_position_addressing_agrees_with_symbol_addressing(nav_context: BridgeContext) -> None:
    by_name = goto_definition(
        nav_context, PositionArguments(file="shop/cart.py", symbol="CartItem")
    )
    by_position = goto_definition(
        nav_context,
        PositionArguments(file="shop/cart.py", line=by_name.line, column=by_name.column),
    )
    assert by_position.symbol == "CartItem"
    assert by_position.definitions == by_name.definitions
    dotted = hover(nav_context, PositionArguments(file="shop/cart.py", symbol="Cart.total"))
    assert dotted.line == 25 and "def total(self) -> int" in dotted.text


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"file": "shop/cart.py", "symbol": "Basket"}, BridgeArgumentError, "workspace_symbols"),
        ({"file": "shop/cart.py"}, BridgeArgumentError, "symbol='Name'"),
        ({"file": "shop/cart.py", "line": 999, "column": 1}, BridgeArgumentError, "lines"),
        ({"file": "shop/cart.py", "line": 8, "column": 500}, BridgeArgumentError, "column=500"),
        ({"file": "shop/cart.py", "symbol": "Cart", "line": 3}, BridgeArgumentError, "line 3"),
        ({"file": "shop/cart.py", "column": 3}, BridgeArgumentError, "line="),
        ({"file": "shop/nowhere.py", "symbol": "x"}, PathNotFound, "list_files"),
        ({"file": "../etc/passwd.py", "symbol": "x"}, PathOutsideWorkspace, ".."),
        ({"file": "README.md", "symbol": "shop"}, BridgeArgumentError, "not a Python file"),
        ({"file": "shop/cart.py", "symbol": "not a name"}, BridgeArgumentError, "Python name"),
    ],
)
def test_bad_arguments_are_typed_errors_that_say_what_to_do(
    nav_context: BridgeContext, arguments: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=re.escape(words)):
        goto_definition(nav_context, PositionArguments(**arguments))


def basedpyright_installed() -> bool:
    try:
        locate_tool("basedpyright-langserver")
    except ToolError:
        return False
    return True


def test_unknown_configured_server_is_a_typed_error(
    nav_context: BridgeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUNIE_LSP_SERVER", "jedi")
    with pytest.raises(ToolError, match=r"PUNIE_LSP_SERVER='jedi'.*basedpyright, ty"):
        workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="Cart"))


@pytest.mark.skipif(not basedpyright_installed(), reason="basedpyright is optional (pip install)")
def test_basedpyright_answers_like_ty(
    nav_context: BridgeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ask() -> tuple[list[tuple[str, int, int]], list[str], tuple[str, str]]:
        definition = goto_definition(
            nav_context, PositionArguments(file="shop/pricing.py", symbol="Cart")
        )
        references = find_references(
            nav_context, ReferencesArguments(file="shop/models.py", symbol="Product")
        )
        found = workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="Inventory"))
        return (
            [(d.file, d.line, d.column) for d in definition.definitions],
            references.files,
            (found.symbols[0].name, found.symbols[0].file),
        )

    with_ty = ask()
    monkeypatch.setenv("PUNIE_LSP_SERVER", "basedpyright")
    try:
        with_basedpyright = ask()
        assert session_for(nav_context.workspace, server="basedpyright").pid is not None
    finally:
        session_for(nav_context.workspace, server="basedpyright").close()
    assert with_ty[0] == with_basedpyright[0] == [("shop/cart.py", 8, 7)]
    assert with_ty[1] == with_basedpyright[1]
    assert with_ty[2] == with_basedpyright[2] == ("Inventory", "shop/inventory.py")


def test_blank_workspace_query_is_a_typed_error(nav_context: BridgeContext) -> None:
    with pytest.raises(BridgeArgumentError, match="query is blank"):
        workspace_symbols(nav_context, WorkspaceSymbolsArguments(query="   "))


def test_paths_are_confined_to_the_workspace_like_every_bridge(tmp_path: Path) -> None:
    """The navigation bridges resolve plain paths on a fast path; it must refuse what
    resolve_in_workspace refuses (symlinks out, folders, missing files) with the same errors."""
    root = (tmp_path / "ws").resolve()
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "m.py").write_text("class Box:\n    pass\n", encoding="utf-8")
    outside = tmp_path / "outside.py"
    outside.write_text("class Secret:\n    pass\n", encoding="utf-8")
    (root / "escape.py").symlink_to(outside)
    (root / "link").symlink_to(tmp_path)
    (root / "alias.py").symlink_to(root / "pkg" / "m.py")
    (root / "folder.py").mkdir()
    context = BridgeContext(workspace=root)
    try:
        for file in ("escape.py", "link/outside.py", "pkg/../escape.py", "/etc/hosts.py"):
            with pytest.raises(PathOutsideWorkspace):
                document_symbols(context, DocumentSymbolsArguments(file=file))
        with pytest.raises(PathNotFound, match="folder"):
            document_symbols(context, DocumentSymbolsArguments(file="folder.py"))
        with pytest.raises(PathNotFound, match="does not exist"):
            document_symbols(context, DocumentSymbolsArguments(file="pkg/gone.py"))
        # a symlink that stays inside is followed, and results name the real file
        inside = document_symbols(context, DocumentSymbolsArguments(file="alias.py"))
        assert (inside.file, [s.name for s in inside.symbols]) == ("pkg/m.py", ["Box"])
        plain = document_symbols(context, DocumentSymbolsArguments(file=" pkg/m.py "))
        assert plain.file == "pkg/m.py"
    finally:
        session_for(root).close()


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes(b"name = '\xe9t\xe9'\n")
    context = BridgeContext(workspace=tmp_path.resolve())
    try:
        with pytest.raises(BridgeArgumentError, match="not UTF-8"):
            document_symbols(context, DocumentSymbolsArguments(file="latin.py"))
    finally:
        session_for(tmp_path).close()


def test_columns_count_characters_not_utf16_units(tmp_path: Path) -> None:
    (tmp_path / "uni.py").write_text(
        'class Größe:\n    pass\n\n\nlabel = "😀😀"; g = Größe()\n', encoding="utf-8"
    )
    context = BridgeContext(workspace=tmp_path.resolve())
    try:
        result = goto_definition(context, PositionArguments(file="uni.py", symbol="Größe", line=5))
        assert (result.line, result.column) == (5, 19)
        assert [(d.line, d.column, d.end_column) for d in result.definitions] == [(1, 7, 12)]
        references = find_references(context, ReferencesArguments(file="uni.py", symbol="Größe"))
        assert {(r.line, r.column) for r in references.references} == {(1, 7), (5, 19)}
    finally:
        session_for(tmp_path).close()


def test_requests_with_non_ascii_text_keep_the_message_framing(tmp_path: Path) -> None:
    """Requests are written as UTF-8 JSON; Content-Length must count bytes, not characters, or
    the server would cut this message short and misread every later one."""
    (tmp_path / "uni.py").write_text("class Größe:\n    pass\n\n\nclass Maß:\n    pass\n")
    context = BridgeContext(workspace=tmp_path.resolve())
    try:
        for _ in range(3):
            found = workspace_symbols(context, WorkspaceSymbolsArguments(query="Größe"))
            assert [(s.name, s.line, s.column) for s in found.symbols][:1] == [("Größe", 1, 7)]
            other = workspace_symbols(context, WorkspaceSymbolsArguments(query="Maß"))
            assert [(s.name, s.line) for s in other.symbols][:1] == [("Maß", 5)]
    finally:
        session_for(tmp_path).close()


def test_changes_on_disk_are_seen_without_restart(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "a.py").write_text("def first() -> int:\n    return 1\n", encoding="utf-8")
    context = BridgeContext(workspace=root)
    try:
        assert workspace_symbols(context, WorkspaceSymbolsArguments(query="second")).count == 0
        pid = session_for(root).pid
        (root / "b.py").write_text(
            "from a import first\n\n\ndef second() -> int:\n    return first()\n"
        )
        found = workspace_symbols(context, WorkspaceSymbolsArguments(query="second"))
        assert [(s.name, s.file) for s in found.symbols] == [("second", "b.py")]
        (root / "a.py").write_text("\n\n# moved down\ndef first() -> int:\n    return 1\n")
        moved = goto_definition(context, PositionArguments(file="b.py", symbol="first", line=5))
        assert [(d.file, d.line) for d in moved.definitions] == [("a.py", 4)]
        (root / "b.py").unlink()
        assert workspace_symbols(context, WorkspaceSymbolsArguments(query="second")).count == 0
        assert session_for(root).pid == pid
    finally:
        session_for(root).close()


# -- a larger tree -----------------------------------------------------------------------------


def test_large_tree_references_and_definitions(big_project: Path) -> None:
    context = BridgeContext(workspace=big_project)
    helper = find_references(context, ReferencesArguments(file="gen/mod0.py", symbol="helper0"))
    # defined once, imported by mod1..mod99, called in use1..use99
    assert helper.count == 1 + 99 + 99 and len(helper.files) == 100
    client = direct_ty(big_project)
    try:
        path = big_project / "gen/mod0.py"
        client.open(path)
        line, character = first_use(big_project, "gen/mod0.py", "helper0")
        expected = client.request(
            "textDocument/references",
            {
                "textDocument": {"uri": path.as_uri()},
                "position": {"line": line, "character": character},
                "context": {"includeDeclaration": True},
            },
        )
        assert {(r.file, r.line, r.column) for r in helper.references} == as_triples(
            big_project, expected
        )
        symbols = client.request("workspace/symbol", {"query": "Thing42"})
    finally:
        client.close()
    definition = goto_definition(context, PositionArguments(file="gen/mod50.py", symbol="Thing49"))
    assert [(d.file, d.line, d.context) for d in definition.definitions] == [
        ("gen/mod49.py", 9, "class Thing49:")
    ]
    found = workspace_symbols(context, WorkspaceSymbolsArguments(query="Thing42"))
    assert found.symbols[0].name == "Thing42" and found.symbols[0].file == "gen/mod42.py"
    assert {s.name for s in found.symbols} == {item["name"] for item in symbols}


def test_installed_package_sources(tmp_path: Path) -> None:
    """pygls' own installed sources as a workspace: outline and cross-file definition."""
    root = tmp_path / "site"
    shutil.copytree(Path(pygls.__file__).parent, root / "pygls")
    context = BridgeContext(workspace=root.resolve())
    try:
        outline = document_symbols(context, DocumentSymbolsArguments(file="pygls/server.py"))
        assert any(s.name == "JsonRPCServer" and s.kind == "class" for s in outline.symbols)
        definition = goto_definition(
            context, PositionArguments(file="pygls/lsp/_base_server.py", symbol="JsonRPCServer")
        )
        assert any(d.file == "pygls/server.py" for d in definition.definitions)
    finally:
        session_for(root).close()
