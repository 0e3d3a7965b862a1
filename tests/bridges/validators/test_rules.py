"""Each validator on small sources: every rule fires where it should and stays quiet otherwise."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges.cst import MODULE_CACHE, SourceError
from bridges.validators import BRIDGES
from parsers.contracts import ValidationResult

BY_NAME = {bridge.name: bridge for bridge in BRIDGES}


def validate(tmp_path: Path, name: str, source: str, **arguments: object) -> ValidationResult:
    (tmp_path / "mod.py").write_text(textwrap.dedent(source))
    function = BY_NAME[name].bind(BridgeContext(workspace=tmp_path)).function
    result = function(path="mod.py", **arguments)
    assert isinstance(result, ValidationResult)
    return result


def rules(result: ValidationResult) -> list[tuple[str, int]]:
    return [(issue.rule, issue.line) for issue in result.issues]


GOOD_COMPONENT = """
    from dataclasses import dataclass
    from tdom import Node, html

    @dataclass
    class Card:
        title: str

        def __call__(self) -> Node:
            return html("<h1>{title}</h1>", title=self.title)
"""


def test_a_good_component_passes_every_tdom_check(tmp_path: Path) -> None:
    for name in ("validate_component", "validate_escape_context", "check_render_tree"):
        result = validate(tmp_path, name, GOOD_COMPONENT)
        assert result.valid and result.issues == [] and result.domain == "tdom"


def test_component_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "validate_component",
        """
        import dataclasses
        from tdom import html, Node

        class Plain:
            def __call__(self) -> Node:
                return html("<p></p>")

        @dataclasses.dataclass(frozen=True)
        class Annotated:
            def __call__(self) -> str:
                def inner():
                    return html("<p></p>")
                return "<p></p>"

        @dataclasses.dataclass
        class Args:
            def __call__(self, *, size: int) -> Node:
                return html("<p></p>")

        class NotAComponent:
            def render(self) -> str:
                return ""
        """,
    )
    assert rules(result) == [("TDOM001", 5), ("TDOM002", 11), ("TDOM003", 11), ("TDOM004", 18)]
    assert not result.valid
    assert result.issues[3].severity == "warning"
    assert result.issues[0].suggestion and "@dataclass" in result.issues[0].suggestion


def test_modules_without_tdom_are_not_checked_for_components(tmp_path: Path) -> None:
    result = validate(
        tmp_path, "validate_component", "class Callable:\n    def __call__(self): ...\n"
    )
    assert result.valid and result.issues == []


def test_escape_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "validate_escape_context",
        """
        from tdom import html, Markup
        name = "x"
        html(f"<p>{name}</p>")
        html("<p>" f"{name}" "</p>")
        html("<p>{}</p>".format(name))
        html("<p>%s</p>" % name)
        html("<p>" + name)
        html(Markup(name))
        html("<p>{name}</p>", name=f"{name}!")
        """,
    )
    assert rules(result) == [
        ("TDOM101", 4),
        ("TDOM101", 5),
        ("TDOM102", 6),
        ("TDOM102", 7),
        ("TDOM102", 8),
        ("TDOM103", 9),
    ]


def test_render_tree_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "check_render_tree",
        """
        from dataclasses import dataclass
        from tdom import Node, html
        from widgets import Icon

        class Helper:
            pass

        @dataclass
        class A:
            def __call__(self) -> Node:
                return html("<{B} /><{Icon}></{Icon}><{Missing} /><{Helper} /><{Open}>")

        @dataclass
        class B:
            def __call__(self) -> Node:
                return html("<div><{A} /></div>")
        """,
    )
    assert rules(result) == [
        ("TDOM201", 12),
        ("TDOM201", 12),
        ("TDOM202", 12),
        ("TDOM203", 12),
        ("TDOM204", 12),
        ("TDOM204", 17),
    ]
    assert "A renders <{B}>, which renders A again" in result.issues[4].message


def test_registration_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "validate_service_registration",
        """
        registry.register_factory(Db, make_db)
        registry.register_factory("Cache", make_cache)
        registry.register_factory(Clock, make_clock())
        registry.register_factory(Db, make_db)
        registry.register_value(Settings, lambda: Settings())
        registry.register_value(Settings2, Settings2())
        registry.register_factory(Lonely)
        """,
    )
    assert rules(result) == [
        ("SVCS001", 3),
        ("SVCS002", 4),
        ("SVCS003", 5),
        ("SVCS004", 6),
        ("SVCS005", 8),
    ]
    assert result.domain == "svcs"


def test_injection_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "validate_injection_site",
        """
        import svcs
        container = svcs.Container(registry)
        DB = container.get(Db)

        def handler(request, container: svcs.Container):
            a = container.get(Db, "Cache")
            own = svcs.Container(registry)
            return own.get(Db), registry.get("not a container")
        """,
    )
    assert rules(result) == [("SVCS102", 4), ("SVCS101", 7), ("SVCS103", 8)]


def test_dependency_graph_rules(tmp_path: Path) -> None:
    (tmp_path / "other.py").write_text("def make_b(container):\n    return container.get(A)\n")
    result = validate(
        tmp_path,
        "check_dependency_graph",
        """
        def make_a(container):
            return container.get(B), container.get(Missing)

        def make_c(container):
            return C()

        registry.register_factory(A, make_a)
        registry.register_factory(B, make_b)
        registry.register_factory(C, make_c)
        """,
    )
    # other.py is outside path="mod.py": make_b is unknown, so no cycle and A looks unused
    assert rules(result) == [("SVCS202", 3), ("SVCS203", 8), ("SVCS203", 10)]
    whole = BY_NAME["check_dependency_graph"].bind(BridgeContext(workspace=tmp_path))
    everything = whole.function(path=".")
    assert [(i.rule, i.file, i.line) for i in everything.issues] == [
        ("SVCS201", "mod.py", 3),
        ("SVCS202", "mod.py", 3),
        ("SVCS203", "mod.py", 10),
    ]
    assert "A -> B -> A" in everything.issues[0].message


def test_middleware_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "validate_middleware_chain",
        """
        def good(request, call_next):
            return call_next(request)

        def stops(request, call_next):
            return "early"

        def twice(request, call_next):
            call_next(request)
            return call_next(request)

        def drops(request, call_next):
            call_next(request)

        def helper(x):
            return x

        MIDDLEWARE = [good, stops, twice, drops, good, helper, imported_elsewhere]
        """,
    )
    assert rules(result) == [
        ("MW001", 5),
        ("MW002", 8),
        ("MW003", 12),
        ("MW004", 18),
        ("MW005", 18),
    ]


def test_route_rules(tmp_path: Path) -> None:
    result = validate(
        tmp_path,
        "validate_route_pattern",
        """
        @app.get("/items/{item_id:int}")
        def item(item_id): ...

        @app.post("items")
        def create(): ...

        @app.get("/a/{b")
        def a(b): ...

        @app.get("/c/{}")
        def c(): ...

        @app.route("/d/{x:decimal}/{y}")
        def d(x): ...

        @app.get("/items/{item_id:int}")
        def item_again(item_id): ...

        @app.post("/items/{item_id:int}")
        def update(item_id): ...

        app.add_route("/e/{f}", e_handler, method="PUT")
        app.add_route("/g/{h}", g)

        def g(h): ...
        """,
    )
    assert rules(result) == [
        ("ROUTE001", 5),
        ("ROUTE002", 8),
        ("ROUTE002", 11),
        ("ROUTE003", 14),
        ("ROUTE004", 14),
        ("ROUTE005", 17),
    ]


def test_results_are_cached_by_content(tmp_path: Path) -> None:
    MODULE_CACHE.clear()
    first = validate(tmp_path, "validate_component", GOOD_COMPONENT)
    parses = MODULE_CACHE.parses
    again = validate(tmp_path, "validate_escape_context", GOOD_COMPONENT)
    assert MODULE_CACHE.parses == parses and first.valid and again.valid
    changed = validate(tmp_path, "validate_component", GOOD_COMPONENT.replace("@dataclass", ""))
    assert MODULE_CACHE.parses == parses + 1
    assert [issue.rule for issue in changed.issues] == ["TDOM001"]


def test_a_syntax_error_is_a_clear_bridge_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"mod\.py has a syntax error at line 1"):
        validate(tmp_path, "validate_route_pattern", "def (:\n")


def test_every_rule_id_is_documented_and_unique() -> None:
    from bridges.validators._graph import GRAPH_RULES
    from bridges.validators._layers import LAYER_RULES
    from bridges.validators._svcs import ValidateInjectionSite, ValidateServiceRegistration
    from bridges.validators._tdom import CheckRenderTree, ValidateComponent, ValidateEscapeContext
    from bridges.validators._web import ValidateMiddlewareChain, ValidateRoutePattern

    every = [
        *GRAPH_RULES,
        *LAYER_RULES,
        *(
            rule
            for validator in (
                ValidateComponent,
                ValidateEscapeContext,
                CheckRenderTree,
                ValidateServiceRegistration,
                ValidateInjectionSite,
                ValidateMiddlewareChain,
                ValidateRoutePattern,
            )
            for rule in validator.rules
        ),
    ]
    ids = [rule.id for rule in every]
    assert len(ids) == len(set(ids)) == 34
    docs = (Path(__file__).resolve().parents[3] / "docs" / "validators.md").read_text()
    missing = [rule_id for rule_id in ids if rule_id not in docs]
    assert missing == []
    for bridge in BRIDGES:
        for rule_id in ids:
            if rule_id in bridge.docstring:
                break
        else:
            pytest.fail(f"{bridge.name}'s docstring lists none of its rules")
