"""The validator bridge records: one per validator, each returning a ``ValidationResult``.

The built-in records are built from ``bridges.validators._rules`` and name their implementations
with ``lazy``: listing the bridges (every ``punie run --workspace``) must not import LibCST, which
only a validator call needs (issue 11, finding 14).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from bridges._bridge import Bridge, BridgeContext, lazy
from bridges._example_files import LazyExamples
from bridges._examples import BridgeExample
from bridges.validators._arguments import CheckLayersArguments, ValidatorArguments
from bridges.validators._rules import (
    CHECK_RENDER_TREE,
    VALIDATE_COMPONENT,
    VALIDATE_ESCAPE_CONTEXT,
    VALIDATE_INJECTION_SITE,
    VALIDATE_MIDDLEWARE_CHAIN,
    VALIDATE_ROUTE_PATTERN,
    VALIDATE_SERVICE_REGISTRATION,
    Rule,
    ValidatorSpec,
)
from parsers.contracts import ValidationResult

if TYPE_CHECKING:
    from bridges.validators._base import Validator

__all__ = [
    "BUILTIN_BRIDGES",
    "CheckLayersArguments",
    "ValidatorArguments",
    "validator_bridge",
]

_PATH_TEXT = "path is a .py file or a folder relative to the workspace (default: everything)."


def _describe(rules_of: tuple[Rule, ...], description: str) -> str:
    rules = "\n".join(f"  {rule.id} ({rule.severity}): {rule.summary}" for rule in rules_of)
    summary = textwrap.fill(" ".join(description.split()), width=96)
    return f"{summary}\n\n{_PATH_TEXT}\nRules:\n{rules}"


def validator_bridge(
    validator: type[Validator],
    *,
    description: str | None = None,
    examples: tuple[BridgeExample, ...] | None = None,
) -> Bridge:
    """The bridge record of a ``Validator`` subclass (built-in or plugin): ``name(*, path='.')``.

    ``description`` and ``examples`` default to the class attributes of the same names.
    """
    if not validator.name.isidentifier() or not validator.domain or not validator.rules:
        raise ValueError(
            f"{validator.__qualname__} must set `name` (an identifier), `domain` and `rules`"
        )

    def implementation(context: BridgeContext, arguments: ValidatorArguments) -> ValidationResult:
        from bridges.validators._implementations import run_validator

        return run_validator(validator, context, arguments)

    return Bridge(
        name=validator.name,
        docstring=_describe(validator.rules, description or validator.description),
        arguments=ValidatorArguments,
        result=ValidationResult,
        implementation=implementation,
        examples=validator.examples if examples is None else examples,
    )


_DESCRIPTIONS: dict[ValidatorSpec, str] = {
    VALIDATE_COMPONENT: (
        "Check tdom components: a class with __call__ must be a @dataclass whose "
        "__call__(self) -> Node returns html(...)."
    ),
    VALIDATE_ESCAPE_CONTEXT: (
        "Check that html() templates are literal strings (no f-strings, .format, % or +) and flag "
        "Markup(...), so that every value is escaped."
    ),
    CHECK_RENDER_TREE: (
        "Check the component tags <{Name} /> in html() templates: Name is defined or imported, is a "
        "component, the tag is closed, and components do not render themselves."
    ),
    VALIDATE_SERVICE_REGISTRATION: (
        "Check svcs registrations registry.register_factory(Type, factory) and "
        "register_value(Type, value): a type, the factory uncalled, no duplicates."
    ),
    VALIDATE_INJECTION_SITE: (
        "Check svcs lookups container.get(Type): by type not string, inside functions, with the "
        "request's container rather than a new one."
    ),
    VALIDATE_MIDDLEWARE_CHAIN: (
        "Check middleware (functions with a call_next parameter) and MIDDLEWARE chains: call_next "
        "called once, the response returned, each chain entry a middleware listed once."
    ),
    VALIDATE_ROUTE_PATTERN: (
        "Check route patterns of @router.get('/...') and router.add_route('/...', handler): leading "
        "'/', balanced {placeholders} with known converters, each a handler parameter, no duplicates."
    ),
}


def _builtin(spec: ValidatorSpec) -> Bridge:
    """The record of a built-in validator, as ``validator_bridge`` would build it from the class."""
    return Bridge(
        name=spec.name,
        docstring=_describe(spec.rules, _DESCRIPTIONS[spec]),
        arguments=ValidatorArguments,
        result=ValidationResult,
        implementation=lazy(f"bridges.validators._implementations:{spec.name}"),
        examples=LazyExamples(spec.name),
    )


CHECK_DEPENDENCY_GRAPH = Bridge(
    name="check_dependency_graph",
    docstring=(
        "Check the svcs service graph across all files under path: which service's factory\n"
        "fetches which others with container.get().\n\n"
        f"{_PATH_TEXT}\nRules:\n"
        "  SVCS201 (error): Service factories do not depend on each other in a cycle.\n"
        "  SVCS202 (error): Every service fetched with container.get() is registered.\n"
        "  SVCS203 (info): Every registered service is fetched somewhere."
    ),
    arguments=ValidatorArguments,
    result=ValidationResult,
    implementation=lazy("bridges.validators._implementations:check_dependency_graph"),
    examples=LazyExamples("check_dependency_graph"),
)

CHECK_LAYERS = Bridge(
    name="check_layers",
    docstring=(
        "Check import layering: which packages may import which.\n\n"
        "rules maps each layer (a dotted module prefix such as 'shop.web.components') to the\n"
        "layers it may import, e.g. {'shop.models': [], 'shop.web': ['shop.models']}. Modules are\n"
        "named as the code imports them (shop/web/routes.py is shop.web.routes; in a src/ layout\n"
        "src/meteo/stats.py is meteo.stats); a module\n"
        "belongs to the longest matching layer; imports of modules outside every layer (stdlib,\n"
        "third party) are ignored; a layer may import itself and layers nested in or around it.\n"
        f"{_PATH_TEXT}\nRules:\n"
        "  LAYER001 (error): A module imports only its own layer and the layers it may import.\n"
        "  LAYER002 (error): importlib.import_module('...') of a literal name follows the rules."
    ),
    arguments=CheckLayersArguments,
    result=ValidationResult,
    implementation=lazy("bridges.validators._implementations:check_layers"),
    examples=LazyExamples("check_layers"),
)

BUILTIN_BRIDGES: tuple[Bridge, ...] = (
    _builtin(VALIDATE_COMPONENT),
    _builtin(VALIDATE_ESCAPE_CONTEXT),
    _builtin(CHECK_RENDER_TREE),
    _builtin(VALIDATE_SERVICE_REGISTRATION),
    _builtin(VALIDATE_INJECTION_SITE),
    CHECK_DEPENDENCY_GRAPH,
    _builtin(VALIDATE_MIDDLEWARE_CHAIN),
    _builtin(VALIDATE_ROUTE_PATTERN),
    CHECK_LAYERS,
)
"""The built-in validator bridges, in the order the stubs show them."""
