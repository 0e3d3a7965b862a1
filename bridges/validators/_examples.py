"""Examples of the validator bridges, run against the sample workspace (examples/shop).

Every example states what its printed output contains; the example test runs each against a
fresh copy of the sample workspace. ``shop/web/`` holds the deliberate violations (listed in
docs/validators.md), the rest of the shop follows the conventions or has none of the patterns.
"""

from __future__ import annotations

from bridges._examples import BridgeExample, ExampleStep

__all__ = ["EXAMPLES"]


def _one(request: str, snippet: str, contains: tuple[str, ...], answer: str) -> BridgeExample:
    return BridgeExample(
        request=request,
        steps=(ExampleStep(snippet=snippet.strip() + "\n", expect_contains=contains),),
        answer=answer,
    )


def _failing(request: str, snippet: str, contains: tuple[str, ...], answer: str) -> BridgeExample:
    return BridgeExample(
        request=request,
        steps=(
            ExampleStep(snippet=snippet.strip() + "\n", expect_ok=False, expect_contains=contains),
        ),
        answer=answer,
    )


def _many(
    request: str, steps: tuple[tuple[str, tuple[str, ...]], ...], answer: str, *, failing: int = -1
) -> BridgeExample:
    return BridgeExample(
        request=request,
        steps=tuple(
            ExampleStep(
                snippet=snippet.strip() + "\n", expect_ok=index != failing, expect_contains=contains
            )
            for index, (snippet, contains) in enumerate(steps)
        ),
        answer=answer,
    )


_LIST = """
r = {call}
print(r.valid, len(r.issues))
for issue in r.issues:
    print(issue.rule, issue.file, issue.line, issue.message)
"""


def _list(call: str) -> str:
    return _LIST.format(call=call)


def _rule(call: str, rule: str) -> str:
    return (
        f"r = {call}\n"
        f"hits = [i for i in r.issues if i.rule == {rule!r}]\n"
        "for issue in hits:\n"
        "    print(issue.line, issue.message)\n"
        "    print('fix:', issue.suggestion)\n"
    )


def _severities(call: str) -> str:
    return (
        f"r = {call}\n"
        "errors = [i for i in r.issues if i.severity == 'error']\n"
        "warnings = [i for i in r.issues if i.severity == 'warning']\n"
        "print('errors:', len(errors), 'warnings:', len(warnings), 'valid:', r.valid)\n"
    )


def _missing(call: str) -> str:
    return f"r = {call}\nprint(r.valid)\n"


_COMPONENTS = 'validate_component(path="shop/web/components.py")'
_ESCAPE = 'validate_escape_context(path="shop/web/components.py")'
_TREE = 'check_render_tree(path="shop/web/components.py")'
_REGISTRATION = 'validate_service_registration(path="shop/web/services.py")'
_INJECTION = 'validate_injection_site(path="shop/web")'
_GRAPH = 'check_dependency_graph(path="shop/web")'
_MIDDLEWARE = 'validate_middleware_chain(path="shop/web/middleware.py")'
_ROUTES = 'validate_route_pattern(path="shop/web/routes.py")'
_SHOP_RULES = (
    '{"shop.web.components": ["shop.web.tdom", "shop.models"], '
    '"shop.web.services": ["shop.web.svcs", "shop.models"], '
    '"shop.web.routes": ["shop.web"], "shop.models": []}'
)
_LAYERS = f"check_layers(rules={_SHOP_RULES})"

COMPONENT_EXAMPLES = (
    _one(
        "Do the shop's components follow the tdom conventions?",
        _list(_COMPONENTS),
        ("False 4", "TDOM001", "CartBadge", "TDOM004"),
        "No: four issues in shop/web/components.py — CartBadge is not a @dataclass, Banner's "
        "__call__ lacks '-> Node', SearchBox builds a Node without html(), and Greeting's "
        "__call__ takes an argument.",
    ),
    _one(
        "Which components are not dataclasses?",
        _rule(_COMPONENTS, "TDOM001"),
        ("38", "CartBadge", "fix: add @dataclass"),
        "Only CartBadge (line 38); add @dataclass and turn its __init__ parameter into a field.",
    ),
    _one(
        "Is any component's __call__ missing the Node return annotation?",
        _rule(_COMPONENTS, "TDOM002"),
        ("Banner.__call__", "-> Node"),
        "Banner.__call__ (line 54) has no return annotation; declare '-> Node'.",
    ),
    _one(
        "How many component errors and warnings are there?",
        _severities(_COMPONENTS),
        ("errors: 3 warnings: 1 valid: False",),
        "Three errors (TDOM001-003) and one warning (TDOM004).",
    ),
    _one(
        "Check every component in the web package.",
        'r = validate_component(path="shop/web")\n'
        "print(sorted(set(i.file for i in r.issues)), len(r.issues))\n",
        ("['shop/web/components.py'] 4",),
        "All four issues are in shop/web/components.py; the other web modules have no components.",
    ),
    _one(
        "Are the plain data classes in shop/models.py fine as far as tdom goes?",
        _missing('validate_component(path="shop/models.py")'),
        ("True",),
        "Yes, shop/models.py has no tdom components, so there is nothing to report.",
    ),
    _one(
        "What should I change in Greeting?",
        _rule(_COMPONENTS, "TDOM004"),
        ("Greeting.__call__ takes arguments (name)", "dataclass fields"),
        "Move the 'name' argument of Greeting.__call__ into a dataclass field and use self.name.",
    ),
    _failing(
        "Validate shop/web/component.py",
        _missing('validate_component(path="shop/web/component.py")'),
        ("does not exist",),
        "There is no shop/web/component.py; the components live in shop/web/components.py.",
    ),
    _many(
        "Find the components and check them.",
        (
            (
                'found = cst_find_pattern(pattern="function:__call__", path="shop/web")\n'
                "print(found.match_count, found.matches[0].file)\n",
                ("9 shop/web/components.py",),
            ),
            (_list(_COMPONENTS), ("False 4", "SearchBox")),
        ),
        "There are 9 __call__ methods, all in components.py; 4 component issues, see above.",
    ),
    _many(
        "Check the components, then show me the code of the first problem.",
        (
            (_rule(_COMPONENTS, "TDOM001"), ("CartBadge",)),
            (
                'found = cst_find_pattern(pattern="class:CartBadge", path="shop/web/components.py")\n'
                "for m in found.matches:\n"
                "    print(m.line, m.code)\n",
                ("38 class CartBadge:",),
            ),
        ),
        "Line 38, 'class CartBadge:' has no @dataclass decorator above it.",
    ),
    _many(
        "Check components, then the escaping in the same file.",
        (
            (_severities(_COMPONENTS), ("errors: 3",)),
            (_list(_ESCAPE), ("TDOM101", "TDOM102", "TDOM103")),
        ),
        "Components: 3 errors and a warning. Escaping: an f-string template in Banner, a template "
        "built with + in ReviewList and a Markup(...) call.",
    ),
    _many(
        "Validate shop/components.py please.",
        (
            (_missing('validate_component(path="shop/components.py")'), ("does not exist",)),
            (
                'found = cst_find_pattern(pattern="function:__call__", path="shop")\n'
                "print(sorted(set(m.file for m in found.matches)))\n",
                ("shop/web/components.py",),
            ),
            (_missing(_COMPONENTS), ("False",)),
        ),
        "shop/components.py does not exist; the components are in shop/web/components.py, which "
        "has 4 convention issues.",
        failing=0,
    ),
)

ESCAPE_EXAMPLES = (
    _one(
        "Is any html() template vulnerable to injection?",
        _list(_ESCAPE),
        ("False 3", "TDOM101", "f-string"),
        "Yes: Banner passes an f-string (line 55) and ReviewList builds its template with + "
        "(line 84); ReviewList also wraps data in Markup (line 83).",
    ),
    _one(
        "Where are f-strings used as templates?",
        _rule(_ESCAPE, "TDOM101"),
        ("55", "pasted in unescaped"),
        "Line 55 (Banner): use a plain template with {message} and pass message=self.message.",
    ),
    _one(
        "Do we build any template with + or .format()?",
        _rule(_ESCAPE, "TDOM102"),
        ("84", "built with .format(), % or +"),
        "Yes, line 84 in ReviewList concatenates the template; use one literal with placeholders.",
    ),
    _one(
        "Do we mark anything as safe HTML with Markup?",
        _rule(_ESCAPE, "TDOM103"),
        ("83", "Markup(...)"),
        "Line 83 wraps each review in Markup, so review text is not escaped.",
    ),
    _one(
        "Count the escaping errors and warnings in the web layer.",
        _severities('validate_escape_context(path="shop/web")'),
        ("errors: 2 warnings: 1 valid: False",),
        "Two errors and one warning, all in components.py.",
    ),
    _one(
        "Is the tdom stand-in itself clean for escaping?",
        _missing('validate_escape_context(path="shop/web/tdom.py")'),
        ("True",),
        "Yes, shop/web/tdom.py calls html() nowhere with a built template.",
    ),
    _one(
        "Which files have escaping issues?",
        'r = validate_escape_context(path=".")\nprint(sorted(set(i.file for i in r.issues)))\n',
        ("['shop/web/components.py']",),
        "Only shop/web/components.py.",
    ),
    _failing(
        "Check escaping in /etc/passwd",
        _missing('validate_escape_context(path="/etc/passwd")'),
        ("absolute",),
        "I can only check files inside the workspace; give a relative path such as shop/web.",
    ),
    _many(
        "Find every html() call and check that they escape.",
        (
            (
                'found = cst_find_pattern(pattern="call:html", path="shop/web/components.py")\n'
                "print(found.match_count)\n",
                ("8",),
            ),
            (_severities(_ESCAPE), ("errors: 2",)),
        ),
        "8 html() calls; 2 of them bypass escaping (lines 55 and 84).",
    ),
    _many(
        "Check escaping, then the render tree of the same file.",
        (
            (_list(_ESCAPE), ("TDOM101",)),
            (_list(_TREE), ("TDOM201", "Pagination")),
        ),
        "Escaping: 2 errors and a warning. Render tree: Pagination is undefined, CartSummary is "
        "no component, ProductCard is not closed, and Menu renders itself.",
    ),
    _many(
        "Show me the Banner template and tell me if it's safe.",
        (
            (
                'found = cst_find_pattern(pattern="class:Banner", path="shop/web/components.py")\n'
                "print(found.matches[0].line)\n",
                ("49",),
            ),
            (_rule(_ESCAPE, "TDOM101"), ("55",)),
        ),
        "Banner (line 49) is not safe: its template on line 55 is an f-string.",
    ),
    _many(
        "Check escaping in shop/web/component.py",
        (
            (
                _missing('validate_escape_context(path="shop/web/component.py")'),
                ("does not exist",),
            ),
            (_missing(_ESCAPE), ("False",)),
        ),
        "The file is shop/web/components.py; it has escaping problems (see the issues).",
        failing=0,
    ),
)

TREE_EXAMPLES = (
    _one(
        "Does every component used in a template exist?",
        _rule(_TREE, "TDOM201"),
        ("Pagination is not defined",),
        "No: CatalogPage renders <{Pagination}> (line 102), which is neither defined nor imported.",
    ),
    _one(
        "Check the component render tree.",
        _list(_TREE),
        ("False 4", "TDOM202", "TDOM203", "TDOM204"),
        "Four issues: an unknown Pagination, CartSummary used as a component, an unclosed "
        "ProductCard tag (all line 102) and Menu rendering itself (line 115).",
    ),
    _one(
        "Is any tag left unclosed?",
        _rule(_TREE, "TDOM203"),
        ("<{ProductCard}> is opened but never closed",),
        "Yes, <{ProductCard}> in CatalogPage's template (line 102); write <{ProductCard} ... />.",
    ),
    _one(
        "Could any component recurse forever?",
        _rule(_TREE, "TDOM204"),
        ("Menu renders <{Menu}>",),
        "Menu renders itself (line 115) with no condition, which recurses forever.",
    ),
    _one(
        "Is CartSummary usable as a component?",
        _rule(_TREE, "TDOM202"),
        ("CartSummary has no __call__",),
        "No, CartSummary has no __call__, so <{CartSummary} /> cannot render it.",
    ),
    _one(
        "How bad is the render tree: errors vs warnings?",
        _severities(_TREE),
        ("errors: 3 warnings: 1 valid: False",),
        "Three errors and one warning.",
    ),
    _one(
        "Is the render tree of shop/web/routes.py fine?",
        _missing('check_render_tree(path="shop/web/routes.py")'),
        ("True",),
        "Yes, routes.py has no templates with component tags.",
    ),
    _failing(
        "Check the render tree of the README",
        _missing('check_render_tree(path="README.md")'),
        ("not a Python file",),
        "README.md is not Python; run the check on shop/web instead.",
    ),
    _many(
        "Which components does CatalogPage render, and are they all valid?",
        (
            (
                'found = cst_find_pattern(pattern="class:CatalogPage", path="shop/web")\n'
                "print(found.matches[0].file, found.matches[0].line)\n",
                ("shop/web/components.py 95",),
            ),
            (_list(_TREE), ("Pagination", "CartSummary", "ProductCard")),
        ),
        "CatalogPage renders ProductCard (not closed), Pagination (undefined) and CartSummary "
        "(not a component).",
    ),
    _many(
        "Check the render tree, then the components themselves.",
        (
            (_severities(_TREE), ("errors: 3",)),
            (_severities(_COMPONENTS), ("errors: 3",)),
        ),
        "The render tree has 3 errors and a warning; the component definitions 3 errors and a "
        "warning.",
    ),
    _many(
        "Is Pagination defined anywhere in the shop?",
        (
            (_rule(_TREE, "TDOM201"), ("Pagination",)),
            (
                'found = cst_find_pattern(pattern="class:Pagination")\nprint(found.match_count)\n',
                ("0",),
            ),
        ),
        "No, there is no Pagination class anywhere; define it or remove the tag.",
    ),
    _many(
        "Check the render tree of shop/web/pages.py",
        (
            (_missing('check_render_tree(path="shop/web/pages.py")'), ("does not exist",)),
            (_missing('check_render_tree(path="shop/web")'), ("False",)),
        ),
        "There is no pages.py; across shop/web the render tree has issues (see above).",
        failing=0,
    ),
)

REGISTRATION_EXAMPLES = (
    _one(
        "Are the svcs registrations correct?",
        _list(_REGISTRATION),
        ("False 4", "SVCS001", "SVCS002", "SVCS003", "SVCS004"),
        "No: a string registered as a service, a factory called at import time, Database "
        "registered twice and register_value given a lambda.",
    ),
    _one(
        "Is any service registered twice?",
        _rule(_REGISTRATION, "SVCS003"),
        ("90", "Database is registered again"),
        "Yes, Database (line 90); the last registration wins.",
    ),
    _one(
        "Do we call a factory instead of registering it?",
        _rule(_REGISTRATION, "SVCS002"),
        ("make_clock(...)",),
        "Yes, line 89 registers make_clock() — pass make_clock without calling it.",
    ),
    _one(
        "Any registrations by string name?",
        _rule(_REGISTRATION, "SVCS001"),
        ("88", "registers a string"),
        "Line 88 registers 'AuditLog' as a string; register the AuditLog class.",
    ),
    _one(
        "Is register_value used correctly?",
        _rule(_REGISTRATION, "SVCS004"),
        ("register_value gets a lambda",),
        "No, line 91 gives register_value a lambda; use register_factory(Settings, ...).",
    ),
    _one(
        "How many registration errors are there?",
        _severities(_REGISTRATION),
        ("errors: 3 warnings: 1 valid: False",),
        "Three errors and one warning.",
    ),
    _one(
        "Does the cart module register services wrongly?",
        _missing('validate_service_registration(path="shop/cart.py")'),
        ("True",),
        "No, shop/cart.py registers no services.",
    ),
    _failing(
        "Check registrations in ../other_project",
        _missing('validate_service_registration(path="../other_project")'),
        ("..",),
        "I can only look inside this workspace.",
    ),
    _many(
        "Find where services are registered and validate them.",
        (
            (
                'found = cst_find_pattern(pattern="call:register_*", path="shop")\n'
                "print(found.match_count, found.matches[0].file)\n",
                ("9 shop/web/services.py",),
            ),
            (_severities(_REGISTRATION), ("errors: 3",)),
        ),
        "9 registrations in shop/web/services.py; 3 errors and a warning.",
    ),
    _many(
        "Check registrations, then the whole dependency graph.",
        (
            (_list(_REGISTRATION), ("SVCS002",)),
            (_list(_GRAPH), ("SVCS201", "SVCS202")),
        ),
        "Registrations: 3 errors, 1 warning. Graph: an OrderService/Mailer cycle and TaxTable "
        "never registered.",
    ),
    _many(
        "Is AuditLog registered properly? Show the line.",
        (
            (_rule(_REGISTRATION, "SVCS001"), ("88",)),
            (
                'found = cst_find_pattern(pattern="call:registry.register_factory", '
                'path="shop/web/services.py")\n'
                "for m in found.matches:\n"
                "    print(m.line, m.code)\n",
                ('88 registry.register_factory("AuditLog", make_audit_log)',),
            ),
        ),
        "No: line 88 registers the string 'AuditLog'; write register_factory(AuditLog, "
        "make_audit_log).",
    ),
    _many(
        "Validate service registration in shop/web/service.py",
        (
            (
                _missing('validate_service_registration(path="shop/web/service.py")'),
                ("does not exist",),
            ),
            (_missing(_REGISTRATION), ("False",)),
        ),
        "The module is shop/web/services.py and its registrations have problems.",
        failing=0,
    ),
)

INJECTION_EXAMPLES = (
    _one(
        "Are services injected properly in the web layer?",
        _list(_INJECTION),
        ("False 3", "SVCS101", "SVCS102", "SVCS103"),
        "No: a string lookup, a module-level lookup and a hand-made Container, all in routes.py.",
    ),
    _one(
        "Do we look up any service by string?",
        _rule(_INJECTION, "SVCS101"),
        ("52", "given a string"),
        "Yes, routes.py line 52 calls get('PriceService'); pass the PriceService class.",
    ),
    _one(
        "Is anything fetched from the container at import time?",
        _rule(_INJECTION, "SVCS102"),
        ("10", "module level"),
        "Yes, routes.py line 10 (DEFAULT_DATABASE) runs container.get at import time.",
    ),
    _one(
        "Does any handler build its own container?",
        _rule(_INJECTION, "SVCS103"),
        ("51", "new Container"),
        "checkout (routes.py line 51) builds its own Container; take the request's instead.",
    ),
    _one(
        "Count injection errors and warnings.",
        _severities(_INJECTION),
        ("errors: 1 warnings: 2 valid: False",),
        "One error and two warnings.",
    ),
    _one(
        "Which files have injection issues?",
        'r = validate_injection_site(path=".")\nprint(sorted(set(i.file for i in r.issues)))\n',
        ("['shop/web/routes.py']",),
        "Only shop/web/routes.py.",
    ),
    _one(
        "Are the service factories fine as injection sites?",
        _missing('validate_injection_site(path="shop/web/services.py")'),
        ("True",),
        "Yes, the factories in services.py fetch their dependencies by type inside functions.",
    ),
    _failing(
        "Check injection in shop/web/route.py",
        _missing('validate_injection_site(path="shop/web/route.py")'),
        ("does not exist",),
        "There is no route.py; the routes are in shop/web/routes.py.",
    ),
    _many(
        "Find the container lookups and check them.",
        (
            (
                'found = cst_find_pattern(pattern="call:*container.get", path="shop/web/routes.py")\n'
                "print(found.match_count)\n",
                ("3",),
            ),
            (_list('validate_injection_site(path="shop/web/routes.py")'), ("SVCS101",)),
        ),
        "routes.py has 3 lookups; one uses a string and one runs at import time.",
    ),
    _many(
        "Check injection sites and then the dependency graph.",
        (
            (_severities(_INJECTION), ("errors: 1",)),
            (_severities(_GRAPH), ("errors: 2",)),
        ),
        "Injection: 1 error, 2 warnings. Graph: 2 errors (a cycle and an unregistered TaxTable).",
    ),
    _many(
        "Is PriceService fetched correctly everywhere?",
        (
            (
                'found = cst_find_pattern(pattern="name:PriceService", path="shop/web/routes.py")\n'
                "print([m.line for m in found.matches])\n",
                ("[6, 20]",),
            ),
            (_rule(_INJECTION, "SVCS101"), ("52",)),
        ),
        "By type on line 20, but checkout (line 52) fetches it by the string 'PriceService'.",
    ),
    _many(
        "Check injection in src/web",
        (
            (_missing('validate_injection_site(path="src/web")'), ("does not exist",)),
            (_missing(_INJECTION), ("False",)),
        ),
        "There is no src/web; in shop/web the injection sites have issues.",
        failing=0,
    ),
)

GRAPH_EXAMPLES = (
    _one(
        "Is there a dependency cycle between services?",
        _rule(_GRAPH, "SVCS201"),
        ("Mailer -> OrderService -> Mailer",),
        "Yes: OrderService's factory needs Mailer and Mailer's needs OrderService.",
    ),
    _one(
        "Check the service dependency graph.",
        _list(_GRAPH),
        ("False 4", "SVCS201", "SVCS202", "SVCS203"),
        "A Mailer/OrderService cycle, TaxTable fetched but never registered, and Clock and "
        "Settings registered but never fetched.",
    ),
    _one(
        "Is every service we fetch registered?",
        _rule(_GRAPH, "SVCS202"),
        ("TaxTable is fetched", "63"),
        "No, TaxTable (services.py line 63) is fetched but never registered.",
    ),
    _one(
        "Are there registered services nobody uses?",
        _rule(_GRAPH, "SVCS203"),
        ("Clock is registered", "Settings is registered"),
        "Clock and Settings are registered but never fetched.",
    ),
    _one(
        "How many graph errors?",
        _severities(_GRAPH),
        ("errors: 2 warnings: 0 valid: False",),
        "Two errors: the cycle and the unregistered TaxTable.",
    ),
    _one(
        "Check the graph of services.py alone.",
        'r = check_dependency_graph(path="shop/web/services.py")\n'
        "print(sorted(set(i.rule for i in r.issues)))\n",
        ("['SVCS201', 'SVCS202', 'SVCS203']",),
        "services.py alone has the cycle, the missing TaxTable and two unused services.",
    ),
    _one(
        "Does shop/models.py take part in the service graph?",
        _list('check_dependency_graph(path="shop/models.py")'),
        ("True 0",),
        "No, it neither registers nor fetches services.",
    ),
    _failing(
        "Check the dependency graph of the services package",
        _missing('check_dependency_graph(path="shop/services")'),
        ("does not exist",),
        "There is no shop/services; the registrations are in shop/web/services.py.",
    ),
    _many(
        "Which factories fetch Mailer, and is that a problem?",
        (
            (
                'found = cst_find_pattern(pattern="function:make_*", path="shop/web/services.py")\n'
                "print(found.match_count)\n",
                ("7",),
            ),
            (_rule(_GRAPH, "SVCS201"), ("Mailer",)),
        ),
        "make_orders fetches Mailer while make_mailer fetches OrderService: a cycle.",
    ),
    _many(
        "Validate the registrations and then the graph.",
        (
            (_severities(_REGISTRATION), ("errors: 3",)),
            (_list(_GRAPH), ("TaxTable",)),
        ),
        "Registrations: 3 errors. Graph: the Mailer/OrderService cycle and the missing TaxTable.",
    ),
    _many(
        "Is TaxTable registered? If not, where is it fetched?",
        (
            (
                'found = cst_find_pattern(pattern="call:register_factory", path="shop/web")\n'
                "print(len([m for m in found.matches if 'TaxTable' in m.code]))\n",
                ("0",),
            ),
            (_rule(_GRAPH, "SVCS202"), ("63",)),
        ),
        "TaxTable is never registered; make_pricing fetches it on services.py line 63.",
    ),
    _many(
        "Check the graph in shop/web/services",
        (
            (_missing('check_dependency_graph(path="shop/web/services")'), ("does not exist",)),
            (_missing(_GRAPH), ("False",)),
        ),
        "The path is shop/web/services.py (or shop/web); its graph has a cycle and a missing "
        "registration.",
        failing=0,
    ),
)

MIDDLEWARE_EXAMPLES = (
    _one(
        "Is the middleware chain correct?",
        _list(_MIDDLEWARE),
        ("False 5", "MW001", "MW003", "MW004", "MW005"),
        "No: cache_middleware never calls call_next, timing_middleware returns nothing, "
        "retry_middleware may call it twice, logging_middleware is listed twice and format_path "
        "is not a middleware.",
    ),
    _one(
        "Which middleware stops the chain?",
        _rule(_MIDDLEWARE, "MW001"),
        ("cache_middleware never calls call_next",),
        "cache_middleware (line 26) never calls call_next.",
    ),
    _one(
        "Does every middleware return the response?",
        _rule(_MIDDLEWARE, "MW003"),
        ("timing_middleware does not return",),
        "No, timing_middleware (line 22) drops the response.",
    ),
    _one(
        "Is any middleware registered twice?",
        _rule(_MIDDLEWARE, "MW004"),
        ("logging_middleware is in the middleware chain twice",),
        "Yes, logging_middleware appears twice in MIDDLEWARE.",
    ),
    _one(
        "Are all chain entries real middleware?",
        _rule(_MIDDLEWARE, "MW005"),
        ("format_path",),
        "No, format_path takes no call_next; remove it from MIDDLEWARE.",
    ),
    _one(
        "Count the middleware errors and warnings.",
        _severities(_MIDDLEWARE),
        ("errors: 4 warnings: 1 valid: False",),
        "Four errors and one warning (retry_middleware calling call_next twice).",
    ),
    _one(
        "Do the routes contain middleware problems?",
        _missing('validate_middleware_chain(path="shop/web/routes.py")'),
        ("True",),
        "No, routes.py defines no middleware.",
    ),
    _failing(
        "Check the middleware in shop/web/middlewares.py",
        _missing('validate_middleware_chain(path="shop/web/middlewares.py")'),
        ("does not exist",),
        "The file is shop/web/middleware.py (singular).",
    ),
    _many(
        "Find all middleware functions and validate the chain.",
        (
            (
                'found = cst_find_pattern(pattern="function:*_middleware", path="shop/web")\n'
                "print(found.match_count)\n",
                ("5",),
            ),
            (_severities(_MIDDLEWARE), ("errors: 4",)),
        ),
        "Five middleware functions; the chain has 4 errors and a warning.",
    ),
    _many(
        "Could retry_middleware run the handler twice? Show me the code.",
        (
            (_rule(_MIDDLEWARE, "MW002"), ("retry_middleware calls call_next 2 times",)),
            (
                'found = cst_find_pattern(pattern="call:call_next", path="shop/web/middleware.py")\n'
                "print([m.line for m in found.matches])\n",
                ("[11, 19, 23, 31, 33]",),
            ),
        ),
        "Yes: retry_middleware calls call_next on lines 31 and 33.",
    ),
    _many(
        "Check middleware and routes of the web layer.",
        (
            (_severities('validate_middleware_chain(path="shop/web")'), ("errors: 4",)),
            (_severities(_ROUTES), ("errors: 5",)),
        ),
        "Middleware: 4 errors, 1 warning. Routes: 5 errors, 1 warning.",
    ),
    _many(
        "Validate the middleware in the app module.",
        (
            (_missing('validate_middleware_chain(path="shop/web/app.py")'), ("does not exist",)),
            (
                'found = cst_find_pattern(pattern="name:MIDDLEWARE", path="shop")\n'
                "print(found.matches[0].file)\n",
                ("shop/web/middleware.py",),
            ),
            (_missing(_MIDDLEWARE), ("False",)),
        ),
        "There is no app.py; the chain is defined in shop/web/middleware.py and has problems.",
        failing=0,
    ),
)

ROUTE_EXAMPLES = (
    _one(
        "Are our route patterns valid?",
        _list(_ROUTES),
        ("False 6", "ROUTE001", "ROUTE002", "ROUTE004", "ROUTE005"),
        "No: 'cart' lacks a leading '/', '/orders/{order_id' is unbalanced, two placeholders are "
        "not handler parameters, 'integer' is no converter, and GET /products/{sku} is duplicated.",
    ),
    _one(
        "Which routes don't start with a slash?",
        _rule(_ROUTES, "ROUTE001"),
        ("'cart' does not start with '/'",),
        "The 'cart' route on line 24; write '/cart'.",
    ),
    _one(
        "Any malformed placeholders?",
        _rule(_ROUTES, "ROUTE002"),
        ("unbalanced brace",),
        "'/orders/{order_id' (line 29) is missing its closing brace.",
    ),
    _one(
        "Do all placeholders match handler parameters?",
        _rule(_ROUTES, "ROUTE003"),
        ("{order_id}", "user_orders", "{topic}", "search_page"),
        "No: user_orders lacks order_id (line 34) and search_page lacks topic (line 62).",
    ),
    _one(
        "Are the converters valid?",
        _rule(_ROUTES, "ROUTE004"),
        ("unknown converter 'integer'",),
        "'{item_id:integer}' (line 39) uses an unknown converter; use int.",
    ),
    _one(
        "Is any route registered twice?",
        _rule(_ROUTES, "ROUTE005"),
        ("GET /products/{sku} is routed twice",),
        "Yes, GET /products/{sku} (line 44); the second handler is never reached.",
    ),
    _one(
        "Count route errors and warnings.",
        _severities(_ROUTES),
        ("errors: 5 warnings: 1 valid: False",),
        "Five errors and one warning.",
    ),
    _failing(
        "Check routes in shop/web/urls.py",
        _missing('validate_route_pattern(path="shop/web/urls.py")'),
        ("does not exist",),
        "There is no urls.py; the routes are in shop/web/routes.py.",
    ),
    _many(
        "List the GET routes and validate them.",
        (
            (
                'found = cst_find_pattern(pattern="decorator:router.get", path="shop/web")\n'
                "print(found.match_count)\n",
                ("7",),
            ),
            (_severities(_ROUTES), ("errors: 5",)),
        ),
        "Seven GET routes by decorator; 5 route errors and a warning in total.",
    ),
    _many(
        "Fix the user_orders route: what's wrong and where is the handler?",
        (
            (_rule(_ROUTES, "ROUTE003"), ("user_orders",)),
            (
                'found = cst_find_pattern(pattern="function:user_orders", path="shop/web")\n'
                "print(found.matches[0].line, found.matches[0].code)\n",
                ("35 def user_orders(request: Request, user_id: int) -> Response:",),
            ),
        ),
        "user_orders (line 35) takes no order_id; add 'order_id: str' to its parameters.",
    ),
    _many(
        "Check the routes and then the injection sites in the same module.",
        (
            (_severities(_ROUTES), ("errors: 5",)),
            (_list('validate_injection_site(path="shop/web/routes.py")'), ("SVCS101",)),
        ),
        "Routes: 5 errors, 1 warning. Injection: a string lookup and two warnings.",
    ),
    _many(
        "Validate routes in shop/routes.py",
        (
            (_missing('validate_route_pattern(path="shop/routes.py")'), ("does not exist",)),
            (_missing('validate_route_pattern(path="shop/web")'), ("False",)),
        ),
        "shop/routes.py does not exist; the routes in shop/web have problems.",
        failing=0,
    ),
)

LAYER_EXAMPLES = (
    _one(
        "Do the web modules respect our layering?",
        _list(_LAYERS),
        ("False 1", "LAYER001", "shop.web.components"),
        "No: shop/web/components.py imports shop.web.services, which components may not use.",
    ),
    _one(
        "Which import breaks the layers?",
        _rule(_LAYERS, "LAYER001"),
        ("10", "imports shop.web.services"),
        "components.py line 10 imports PriceService from shop.web.services.",
    ),
    _one(
        "May the models import anything of ours?",
        _list('check_layers(rules={"shop.models": [], "shop": ["shop.models"]})'),
        ("True 0",),
        "shop.models imports nothing of ours, so the rule holds.",
    ),
    _one(
        "Check that the cart only uses the models and the catalog.",
        _missing(
            'check_layers(rules={"shop.cart": ["shop.models", "shop.catalog"], '
            '"shop.models": [], "shop.catalog": ["shop.models"]})'
        ),
        ("True",),
        "Yes, the cart uses only the models (and the catalog is allowed).",
    ),
    _one(
        "Is the routes layer allowed to use components and services?",
        _list(
            'check_layers(rules={"shop.web.routes": ["shop.web"], '
            '"shop.web.components": ["shop.web.tdom", "shop.models", "shop.web.services"]}, '
            'path="shop/web")'
        ),
        ("True 0",),
        "Yes, with routes allowed to import all of shop.web and components allowed services.",
    ),
    _one(
        "Would a rule that components may use nothing at all be broken?",
        _severities(
            'check_layers(rules={"shop.web.components": [], "shop.web.services": [], '
            '"shop.web.tdom": []})'
        ),
        ("errors: 2 warnings: 0 valid: False",),
        "Yes, twice: components.py imports shop.web.services and shop.web.tdom.",
    ),
    _one(
        "Check layering of just the components module.",
        _list(f'check_layers(rules={_SHOP_RULES}, path="shop/web/components.py")'),
        ("False 1",),
        "One violation: the import of shop.web.services on line 10.",
    ),
    _failing(
        "Check layers with rules for the package 'frontend'",
        _missing('check_layers(rules={"frontend": ["backend"]})'),
        ("no module",),
        "No module belongs to 'frontend'; the packages here start with shop.",
    ),
    _many(
        "What does the components module import, and is it allowed?",
        (
            (
                'found = cst_find_pattern(pattern="import:shop", path="shop/web/components.py")\n'
                "print([m.name for m in found.matches])\n",
                ("['shop.models', 'shop.web.services', 'shop.web.tdom']",),
            ),
            (_rule(_LAYERS, "LAYER001"), ("shop.web.services",)),
        ),
        "It imports shop.models, shop.web.services and shop.web.tdom; services is not allowed.",
    ),
    _many(
        "Check layering; if routes are fine, check the route patterns too.",
        (
            (
                f"r = {_LAYERS}\n"
                "print([i.file for i in r.issues if i.file.endswith('routes.py')])\n",
                ("[]",),
            ),
            (_severities(_ROUTES), ("errors: 5",)),
        ),
        "The routes respect the layers, but their patterns have 5 errors and a warning.",
    ),
    _many(
        "Check the layers with a typo'd package, then fix it.",
        (
            (_missing('check_layers(rules={"shop.webb": []})'), ("no module",)),
            (_missing('check_layers(rules={"shop.web": ["shop.models"]})'), ("True",)),
        ),
        "With the right name, shop.web imports only itself and shop.models.",
        failing=0,
    ),
    _many(
        "Find who imports the services module, and check it against the layers.",
        (
            (
                'found = cst_find_pattern(pattern="import:shop.web.services", path="shop")\n'
                "print(sorted(set(m.file for m in found.matches)))\n",
                ("['shop/web/components.py', 'shop/web/routes.py']",),
            ),
            (_list(_LAYERS), ("shop/web/components.py",)),
        ),
        "components.py and routes.py import services; only components breaks the layering.",
    ),
)

EXAMPLES: dict[str, tuple[BridgeExample, ...]] = {
    "validate_component": COMPONENT_EXAMPLES,
    "validate_escape_context": ESCAPE_EXAMPLES,
    "check_render_tree": TREE_EXAMPLES,
    "validate_service_registration": REGISTRATION_EXAMPLES,
    "validate_injection_site": INJECTION_EXAMPLES,
    "check_dependency_graph": GRAPH_EXAMPLES,
    "validate_middleware_chain": MIDDLEWARE_EXAMPLES,
    "validate_route_pattern": ROUTE_EXAMPLES,
    "check_layers": LAYER_EXAMPLES,
}
"""Examples per validator bridge name."""
