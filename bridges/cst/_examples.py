"""Examples of the LibCST bridges, run against the sample workspace (examples/shop).

The sessions that run examples are read-only, so patches are previews (``applied`` is False);
none of them changes the workspace.
"""

from __future__ import annotations

from bridges._examples import BridgeExample, ExampleStep

__all__ = ["ADD_IMPORT_EXAMPLES", "FIND_EXAMPLES", "RENAME_EXAMPLES"]


def _step(snippet: str, contains: tuple[str, ...], *, ok: bool = True) -> ExampleStep:
    return ExampleStep(snippet=snippet.strip() + "\n", expect_ok=ok, expect_contains=contains)


def _one(
    request: str, snippet: str, contains: tuple[str, ...], answer: str, *, ok: bool = True
) -> BridgeExample:
    return BridgeExample(request=request, steps=(_step(snippet, contains, ok=ok),), answer=answer)


def _many(
    request: str, steps: tuple[tuple[str, tuple[str, ...]], ...], answer: str, *, failing: int = -1
) -> BridgeExample:
    return BridgeExample(
        request=request,
        steps=tuple(
            _step(snippet, contains, ok=index != failing)
            for index, (snippet, contains) in enumerate(steps)
        ),
        answer=answer,
    )


def _find(pattern: str, path: str) -> str:
    return (
        f"found = cst_find_pattern(pattern={pattern!r}, path={path!r})\n"
        "print(found.match_count)\n"
        "for m in found.matches:\n"
        "    print(m.file, m.line, m.name)\n"
    )


def _changed(call: str) -> str:
    return (
        f"patch = {call}\n"
        "changed = [line for line in patch.diff.splitlines() if line[:1] in '+-']\n"
        "for line in changed:\n"
        "    print(line)\n"
    )


FIND_EXAMPLES = (
    _one(
        "Where do we call html()?",
        _find("call:html", "shop/web"),
        ("8", "shop/web/components.py 21 html"),
        "html() is called 8 times, all in shop/web/components.py.",
    ),
    _one(
        "How many dataclasses are in the components module?",
        'found = cst_find_pattern(pattern="decorator:dataclass", path="shop/web/components.py")\n'
        "print(found.match_count)\n",
        ("8",),
        "Eight classes in components.py are decorated with @dataclass.",
    ),
    _one(
        "List the functions in middleware.py.",
        'found = cst_find_pattern(pattern="function:*", path="shop/web/middleware.py")\n'
        "print([m.name for m in found.matches])\n",
        ("'logging_middleware'", "'retry_middleware'", "'format_path'"),
        "logging_middleware, auth_middleware, timing_middleware, cache_middleware, "
        "retry_middleware and format_path.",
    ),
    _one(
        "Which classes are services?",
        _find("class:*Service", "shop/web"),
        ("2", "PriceService", "OrderService"),
        "PriceService and OrderService in shop/web/services.py.",
    ),
    _one(
        "Where do we fetch things from a container?",
        _find("call:get", "shop/web/routes.py"),
        ("3", "container.get", "request_container.get"),
        "Three lookups in routes.py: lines 10, 20 and 52.",
    ),
    _one(
        "Where is DEFAULT_DATABASE used?",
        _find("name:DEFAULT_DATABASE", "shop"),
        ("1", "shop/web/routes.py 10"),
        "Only where it is defined, routes.py line 10; nothing uses it.",
    ),
    _one(
        "Who imports the tdom stand-in?",
        'found = cst_find_pattern(pattern="import:shop.web.tdom", path="shop")\n'
        "print(sorted(set(m.file for m in found.matches)))\n",
        ("['shop/web/components.py']",),
        "Only shop/web/components.py.",
    ),
    _one(
        "Find all methods called __call__.",
        'found = cst_find_pattern(pattern="method:__call__", path="shop/web")\n',
        ("unknown pattern kind 'method'", "function"),
        "Methods are found with the 'function' kind: cst_find_pattern(pattern='function:__call__').",
        ok=False,
    ),
    _many(
        "Find the Banner component and check its escaping.",
        (
            (_find("class:Banner", "shop/web"), ("shop/web/components.py 49 Banner",)),
            (
                'r = validate_escape_context(path="shop/web/components.py")\n'
                "print([i.line for i in r.issues if i.rule == 'TDOM101'])\n",
                ("[55]",),
            ),
        ),
        "Banner (line 49) uses an f-string template on line 55, which is not escaped.",
    ),
    _many(
        "Find the factory functions, then check the service graph.",
        (
            (_find("function:make_*", "shop/web/services.py"), ("7", "make_mailer")),
            (
                'r = check_dependency_graph(path="shop/web")\n'
                "print([i.message for i in r.issues if i.rule == 'SVCS201'])\n",
                ("Mailer -> OrderService -> Mailer",),
            ),
        ),
        "Seven factories; make_orders and make_mailer need each other: a cycle.",
    ),
    _many(
        "Where is SearchBox used? Rename it to SearchForm.",
        (
            (_find("name:SearchBox", "shop"), ("1", "shop/web/components.py 59")),
            (
                _changed(
                    'cst_rename(path="shop/web/components.py", old_name="SearchBox", '
                    'new_name="SearchForm", apply=False)'
                ),
                ("-class SearchBox:", "+class SearchForm:"),
            ),
        ),
        "SearchBox is only defined (line 59), never used elsewhere; the rename changes one line.",
    ),
    _many(
        "Find the functions that start with make_.",
        (
            (
                'found = cst_find_pattern(pattern="func:make_*")\n',
                ("did you mean 'function:make_*'",),
            ),
            (_find("function:make_*", "."), ("7",)),
        ),
        "There are 7 make_* factories, all in shop/web/services.py.",
        failing=0,
    ),
)

RENAME_EXAMPLES = (
    _one(
        "Preview renaming Price to PriceTag in the components.",
        _changed(
            'cst_rename(path="shop/web/components.py", old_name="Price", new_name="PriceTag", '
            "apply=False)"
        ),
        ("-class Price:", "+class PriceTag:"),
        "The class line changes; the <{Price}> tag inside the ProductCard template is a string "
        "and must be updated by hand.",
    ),
    _one(
        "Rename make_clock to build_clock.",
        _changed(
            'cst_rename(path="shop/web/services.py", old_name="make_clock", '
            'new_name="build_clock", apply=False)'
        ),
        ("+def build_clock() -> Clock:", "+registry.register_factory(Clock, build_clock())"),
        "Both the definition and the registration now say build_clock.",
    ),
    _one(
        "In middleware.py, call the response variable result instead.",
        'patch = cst_rename(path="shop/web/middleware.py", old_name="response", '
        'new_name="result", apply=False)\n',
        ("'logging_middleware.response', 'retry_middleware.response'",),
        "'response' is a separate local in logging_middleware and in retry_middleware; say which "
        "one (old_name='logging_middleware.response') or rename each in turn.",
        ok=False,
    ),
    _one(
        "Rename the imported Product to Item in components.py.",
        _changed(
            'cst_rename(path="shop/web/components.py", old_name="Product", new_name="Item", '
            "apply=False)"
        ),
        ("+from shop.models import Product as Item", "+    product: Item"),
        "The import becomes 'Product as Item' and the annotations use Item.",
    ),
    _one(
        "Rename router to app_router in routes.py, just show me the diff.",
        'patch = cst_rename(path="shop/web/routes.py", old_name="router", new_name="app_router", '
        "apply=False)\n"
        "print(patch.applied)\n"
        "print(patch.diff.count('+@app_router.'))\n",
        ("False", "8"),
        "Eight decorators and the definition change; nothing was written.",
    ),
    _one(
        "Rename Pricing to PriceLookup in services.py.",
        'cst_rename(path="shop/web/services.py", old_name="Pricing", new_name="PriceLookup")\n',
        ("no variable, function, class or import named 'Pricing'",),
        "services.py has no Pricing; did you mean PriceService?",
        ok=False,
    ),
    _one(
        "Rename Banner to Menu.",
        'cst_rename(path="shop/web/components.py", old_name="Banner", new_name="Menu")\n',
        ("already uses the name 'Menu'",),
        "Menu is already a component; pick another name such as PromoBanner.",
        ok=False,
    ),
    _one(
        "Rename Greeting to greeting-card.",
        'cst_rename(path="shop/web/components.py", old_name="Greeting", new_name="greeting-card")\n',
        ("not a Python identifier",),
        "'greeting-card' is not a valid Python name; use GreetingCard.",
        ok=False,
    ),
    _many(
        "Find CartBadge and preview renaming it to CartCounter.",
        (
            (_find("class:CartBadge", "shop"), ("shop/web/components.py 38",)),
            (
                _changed(
                    'cst_rename(path="shop/web/components.py", old_name="CartBadge", '
                    'new_name="CartCounter", apply=False)'
                ),
                ("+class CartCounter:",),
            ),
        ),
        "CartBadge is defined on line 38 of components.py and used nowhere else.",
    ),
    _many(
        "Rename the PriceServce class to Pricing.",
        (
            (
                'cst_rename(path="shop/web/services.py", old_name="PriceServce", '
                'new_name="Pricing")\n',
                ("PriceService",),
            ),
            (
                _changed(
                    'cst_rename(path="shop/web/services.py", old_name="PriceService", '
                    'new_name="Pricing", apply=False)'
                ),
                ("+class Pricing:",),
            ),
        ),
        "The class is PriceService; renaming it changes its definition, the factory and the "
        "registration in services.py (routes.py and components.py import it too).",
        failing=0,
    ),
    _many(
        "The timing middleware is broken; rename it to timed_middleware and tell me what's wrong.",
        (
            (
                'r = validate_middleware_chain(path="shop/web/middleware.py")\n'
                "print([i.message for i in r.issues if 'timing' in i.message])\n",
                ("timing_middleware does not return the response",),
            ),
            (
                _changed(
                    'cst_rename(path="shop/web/middleware.py", old_name="timing_middleware", '
                    'new_name="timed_middleware", apply=False)'
                ),
                ("+def timed_middleware(", "+    timed_middleware,"),
            ),
        ),
        "timing_middleware drops the response (add 'return'); the rename changes the definition "
        "and the chain entry.",
    ),
    _many(
        "Rename make_database to open_database, then check the registrations still work.",
        (
            (
                _changed(
                    'cst_rename(path="shop/web/services.py", old_name="make_database", '
                    'new_name="open_database", apply=False)'
                ),
                ("+registry.register_factory(Database, open_database)",),
            ),
            (
                'r = validate_service_registration(path="shop/web/services.py")\n'
                "print(r.valid, [i.rule for i in r.issues])\n",
                ("False ['SVCS001', 'SVCS002', 'SVCS003', 'SVCS004']",),
            ),
        ),
        "The rename is consistent; the registrations still have the four problems they had.",
    ),
)

ADD_IMPORT_EXAMPLES = (
    _one(
        "Add 'from typing import Any' to routes.py.",
        _changed(
            'cst_add_import(path="shop/web/routes.py", module="typing", name="Any", apply=False)'
        ),
        ("+from typing import Any",),
        "One line is added after the existing imports.",
    ),
    _one(
        "Import dataclass in middleware.py.",
        _changed(
            'cst_add_import(path="shop/web/middleware.py", module="dataclasses", '
            'name="dataclass", apply=False)'
        ),
        ("+from dataclasses import dataclass",),
        "'from dataclasses import dataclass' is added.",
    ),
    _one(
        "Make sure components.py imports dataclass.",
        'patch = cst_add_import(path="shop/web/components.py", module="dataclasses", '
        'name="dataclass", apply=False)\n'
        "print(patch.diff == '', patch.applied)\n",
        ("True False",),
        "It already does; nothing changes.",
    ),
    _one(
        "Add 'import json' to services.py.",
        _changed('cst_add_import(path="shop/web/services.py", module="json", apply=False)'),
        ("+import json",),
        "'import json' is added.",
    ),
    _one(
        "Import datetime as dt in routes.py.",
        _changed(
            'cst_add_import(path="shop/web/routes.py", module="datetime", name="datetime", '
            'alias="dt", apply=False)'
        ),
        ("+from datetime import datetime as dt",),
        "'from datetime import datetime as dt' is added.",
    ),
    _one(
        "middleware.py also needs Router from the http module.",
        _changed(
            'cst_add_import(path="shop/web/middleware.py", module="shop.web.http", '
            'name="Router", apply=False)'
        ),
        (
            "-from shop.web.http import Request, Response",
            "+from shop.web.http import Request, Response, Router",
        ),
        "Router joins the existing 'from shop.web.http import' line.",
    ),
    _one(
        "Import ../secrets into routes.py.",
        'cst_add_import(path="shop/web/routes.py", module="../secrets")\n',
        ("not an absolute dotted module name",),
        "Imports must name a module like 'shop.models'; relative paths are not modules.",
        ok=False,
    ),
    _one(
        "Add 'import os' to the README.",
        'cst_add_import(path="README.md", module="os")\n',
        ("not a .py file",),
        "README.md is not Python; imports go into .py files.",
        ok=False,
    ),
    _many(
        "Banner lacks the Node return type; is Node imported in components.py?",
        (
            (
                'r = validate_component(path="shop/web/components.py")\n'
                "print([i.message for i in r.issues if i.rule == 'TDOM002'])\n",
                ("Banner.__call__",),
            ),
            (
                'patch = cst_add_import(path="shop/web/components.py", module="shop.web.tdom", '
                'name="Node", apply=False)\n'
                "print(patch.diff == '')\n",
                ("True",),
            ),
        ),
        "Node is already imported; just annotate 'def __call__(self) -> Node:' in Banner.",
    ),
    _many(
        "Does routes.py import svcs? If so, add the Container import explicitly.",
        (
            (
                'found = cst_find_pattern(pattern="import:shop.web", path="shop/web/routes.py")\n'
                "print([m.code for m in found.matches])\n",
                ("from shop.web import svcs",),
            ),
            (
                _changed(
                    'cst_add_import(path="shop/web/routes.py", module="shop.web.svcs", '
                    'name="Container", apply=False)'
                ),
                ("+from shop.web.svcs import Container",),
            ),
        ),
        "It imports the svcs module; 'from shop.web.svcs import Container' can be added.",
    ),
    _many(
        "Add 'from dataclasses import field' to shop/web/component.py.",
        (
            (
                'cst_add_import(path="shop/web/component.py", module="dataclasses", '
                'name="field")\n',
                ("does not exist",),
            ),
            (
                _changed(
                    'cst_add_import(path="shop/web/components.py", module="dataclasses", '
                    'name="field", apply=False)'
                ),
                ("+from dataclasses import dataclass, field",),
            ),
        ),
        "The file is components.py; 'field' joins the existing dataclasses import.",
        failing=0,
    ),
    _many(
        "Would importing services into middleware.py break our layering?",
        (
            (
                _changed(
                    'cst_add_import(path="shop/web/middleware.py", module="shop.web.services", '
                    'name="registry", apply=False)'
                ),
                ("+from shop.web.services import registry",),
            ),
            (
                'r = check_layers(rules={"shop.web.middleware": ["shop.web.http"], '
                '"shop.web.services": ["shop.web.svcs"]})\n'
                "print(r.valid)\n",
                ("True",),
            ),
        ),
        "Today middleware.py only imports shop.web.http, which is fine; adding the services "
        "import would break the rule that middleware may import only shop.web.http.",
    ),
)
