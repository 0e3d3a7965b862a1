"""The ``ast`` prefilter of the validators (issue 10 finding 7: validators parsed nearly every
file of Django with LibCST because their trigger words are common) never changes an answer.

A folder call goes through the prefilter; a single-file call never does (the one file asked
about is always parsed, so that a syntax error is reported). So on every file the two must
agree, issue for issue, and files with trigger words but nothing to check must not be parsed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from bridges import BridgeContext, sample_workspace
from bridges.cst import MODULE_CACHE
from bridges.cst._child_main import Source
from bridges.validators import BRIDGES
from bridges.validators._graph import _analyse
from bridges.validators._svcs import facts_as_data
from parsers.contracts import ValidationResult

BY_NAME = {bridge.name: bridge for bridge in BRIDGES}
LAYERS = {
    "shop.models": [],
    "shop.web": ["shop.models"],
    "shop.cart": [],
    "shop.pricing": ["shop.models"],
    "shop": [],
}

SHAPES: dict[str, str] = {
    # Every shape a check must count as a candidate, each with a violation LibCST reports.
    "routes.py": """
        from web import router, app

        @router.get(path="items")
        def keyword_pattern(request):
            return 1

        @app.route("/a/{id:bad}")
        async def asynchronous(request):
            return 2

        @router.post("/b")
        @router.post("/b")
        def twice(request):
            return 3

        app.add_route("c", twice, method="put")
        app.add_route("/d/{x}", method="get", handler=twice)
        """,
    "middleware.py": """
        async def timing(request, call_next):
            pass

        def plain(request):
            return request

        APP_MIDDLEWARE = (timing, plain, timing)
        """,
    "services.py": """
        import svcs

        def setup(registry):
            registry.register_value("Db", lambda: 1)
            registry.register_factory(Cache, make_cache())
            registry.register_factory(Cache)

        other_container = svcs.Container()
        value = other_container.get("Price")

        def handler(request):
            local = svcs.Container()
            return self.request_container.get(Price, "Tax")
        """,
    "components.py": """
        import tdom as tdom
        from markupsafe import Markup

        class Row:
            async def __call__(self, extra):
                return tdom.html(f"<tr>{extra}</tr>")

        class Page:
            def __call__(self):
                return html("<p>{x}</p>".format(x=1)) or Markup("<b>")

        class Shell:
            def __call__(self):
                return html("<div><{Page}><{Missing} /><{Note} /></div>")

        class Note:
            pass
        """,
    "shop/web/views.py": """
        import shop.cart
        from ..models import Item
        from shop import cart, models
        from . import helpers
        import importlib

        module = importlib.import_module(name="shop.cart")
        other = importlib.import_module("shop.web.helpers")
        """,
    "shop/cart.py": """
        from shop.web.views import module
        from .models import *
        """,
    "shop/pricing.py": """
        import shop.web; import shop.cart as cart, os

        def late():
            from shop.web.views import (
                module,
                other,
            )
            from ....beyond import nothing
            from . import cart, web
            return module
        """,
}

QUIET = {
    # Trigger words everywhere, nothing any rule looks at: no file needs LibCST.
    "quiet_a.py": """
        import os
        from django.utils import html
        from tdom import Node

        class NotComponent:
            def render(self):
                return settings.get("MIDDLEWARE") or container["x"]

        def get(request, middleware=None):
            return html.escape(request.GET.get("route", "/"))
        """,
    "quiet_b.py": """
        MIDDLEWARE = []
        post = put = patch = delete = "route"
        register_factory = register_value = None
        containers = {}.get("container")
        """,
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip())


def _call(root: Path, name: str, path: str) -> ValidationResult:
    arguments: dict[str, Any] = {"path": path}
    if name == "check_layers":
        arguments["rules"] = LAYERS
    result = BY_NAME[name].bind(BridgeContext(workspace=root)).function(**arguments)
    assert isinstance(result, ValidationResult)
    return result


def _rows(result: ValidationResult) -> list[tuple[str, str, str, int, str | None]]:
    return [
        (issue.file, issue.rule, issue.message, issue.line, issue.suggestion)
        for issue in result.issues
    ]


def _per_file(root: Path, name: str) -> list[tuple[str, str, str, int, str | None]]:
    """The issues of every file asked about alone (never prefiltered), in result order."""
    rows = []
    for file in sorted(root.rglob("*.py")):
        relative = file.relative_to(root).as_posix()
        if name == "check_dependency_graph" or (
            name == "check_layers" and not relative.startswith("shop/")
        ):
            continue
        MODULE_CACHE.clear()  # results are cached by content, whichever call made them
        rows.extend(_rows(_call(root, name, relative)))
    return sorted(rows, key=lambda row: (row[0], row[3], row[1]))


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shapes")
    _write(root, {**SHAPES, **QUIET})
    return root


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_workspace(tmp_path_factory.mktemp("sample") / "shop")


@pytest.mark.parametrize("name", sorted(set(BY_NAME) - {"check_dependency_graph"}))
@pytest.mark.parametrize("tree", ["shapes", "shop"])
def test_folder_calls_report_what_single_file_calls_report(
    name: str, tree: str, request: pytest.FixtureRequest
) -> None:
    root: Path = request.getfixturevalue(tree)
    MODULE_CACHE.clear()
    folder = _rows(_call(root, name, "."))
    assert folder == _per_file(root, name)
    assert folder  # each validator reports something on each tree: the comparison means something


def test_every_shape_is_reported(shapes: Path) -> None:
    """The candidates LibCST reports on: a check that missed one would drop its issue."""
    found = {
        name: sorted({(issue.file, issue.rule) for issue in _call(shapes, name, ".").issues})
        for name in BY_NAME
    }
    assert found == {
        "check_dependency_graph": [
            ("services.py", "SVCS202"),
            ("services.py", "SVCS203"),
        ],
        "check_layers": [
            ("shop/cart.py", "LAYER001"),
            ("shop/pricing.py", "LAYER001"),
            ("shop/web/views.py", "LAYER001"),
            ("shop/web/views.py", "LAYER002"),
        ],
        "check_render_tree": [
            ("components.py", "TDOM201"),
            ("components.py", "TDOM202"),
            ("components.py", "TDOM203"),
        ],
        "validate_component": [
            ("components.py", "TDOM001"),
            ("components.py", "TDOM002"),
            ("components.py", "TDOM003"),
            ("components.py", "TDOM004"),
        ],
        "validate_escape_context": [
            ("components.py", "TDOM101"),
            ("components.py", "TDOM102"),
            ("components.py", "TDOM103"),
        ],
        "validate_injection_site": [
            ("services.py", "SVCS101"),
            ("services.py", "SVCS102"),
            ("services.py", "SVCS103"),
        ],
        "validate_middleware_chain": [
            ("middleware.py", "MW001"),
            ("middleware.py", "MW003"),
            ("middleware.py", "MW004"),
            ("middleware.py", "MW005"),
        ],
        "validate_route_pattern": [
            ("routes.py", "ROUTE001"),
            ("routes.py", "ROUTE003"),
            ("routes.py", "ROUTE004"),
            ("routes.py", "ROUTE005"),
        ],
        "validate_service_registration": [
            ("services.py", "SVCS001"),
            ("services.py", "SVCS002"),
            ("services.py", "SVCS004"),
            ("services.py", "SVCS005"),
        ],
    }


@pytest.mark.parametrize("tree", ["shapes", "shop"])
def test_the_dependency_graph_is_the_one_of_every_files_facts(
    tree: str, request: pytest.FixtureRequest
) -> None:
    """Facts of files without registrations or lookups are left out; the graph is the one
    built from the LibCST facts of every file."""
    root: Path = request.getfixturevalue(tree)
    every = [
        (file.relative_to(root).as_posix(), facts_as_data(Source(file.read_text())))
        for file in sorted(root.rglob("*.py"))
    ]
    expected = [
        (issue.file, issue.rule, issue.message, issue.line, issue.suggestion)
        for issue in _analyse(every)
    ]
    MODULE_CACHE.clear()
    assert _rows(_call(root, "check_dependency_graph", ".")) == expected
    assert expected


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_files_with_only_trigger_words_are_not_parsed(name: str, tmp_path: Path) -> None:
    _write(tmp_path, {**QUIET, "shop/__init__.py": "import os\n"})
    MODULE_CACHE.clear()
    before = MODULE_CACHE.parses
    result = _call(tmp_path, name, ".")
    assert (result.issues, result.skipped) == ([], [])
    assert MODULE_CACHE.parses == before


def test_unparsable_files_still_go_to_libcst(tmp_path: Path) -> None:
    """``ast`` refuses the file: LibCST decides, and reports the syntax error as a skip."""
    _write(tmp_path, {"a.py": "x = 1\n", "b.py": "def get(:\n    pass\n"})
    result = _call(tmp_path, "validate_route_pattern", ".")
    assert [(skip.file, skip.reason) for skip in result.skipped] == [("b.py", "syntax_error")]


def test_import_violations_are_answered_without_libcst(shop: Path) -> None:
    """LAYER001 comes from import statements alone, which ``ast`` places as LibCST does."""
    MODULE_CACHE.clear()
    before = MODULE_CACHE.parses
    result = _call(shop, "check_layers", ".")
    assert {issue.rule for issue in result.issues} == {"LAYER001"}
    assert MODULE_CACHE.parses == before


def test_files_left_out_by_the_host_are_never_undecodable_ones(tmp_path: Path) -> None:
    """The host leaves out UTF-8 files without a trigger word; any other file still goes to a
    child, so that one that cannot be decoded is reported (not silently dropped)."""
    _write(tmp_path, {"plain.py": "x = 1\n"})
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\nx = 1\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "declared.py").write_bytes(b"# coding: ascii\n# caf\xc3\xa9\n")
    (tmp_path / "utf8.py").write_bytes(b"# caf\xc3\xa9\nx = 1\n")
    MODULE_CACHE.clear()
    started = MODULE_CACHE.pool.started
    result = _call(tmp_path, "validate_service_registration", ".")
    assert [(skip.file, skip.reason) for skip in result.skipped] == [
        ("declared.py", "undecodable"),
        ("latin.py", "undecodable"),
        ("nul.py", "binary"),
    ]
    assert MODULE_CACHE.pool.started == started
