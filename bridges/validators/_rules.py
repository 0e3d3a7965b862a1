"""The rule tables of the built-in validators, and ``Rule`` itself, without LibCST.

Every ``punie run --workspace`` lists the bridges, and a validator bridge's docstring shows its
rules; the validators are LibCST visitors, and importing LibCST costs more than the rest of a
short run (issue 11, finding 14). So the names, domains and rules live here, the visitor classes
read them from here, and ``bridges.validators._records`` builds the records from here without
importing a visitor.
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.contracts import Severity

__all__ = [
    "CHECK_RENDER_TREE",
    "LAYER_RULES",
    "VALIDATE_COMPONENT",
    "VALIDATE_ESCAPE_CONTEXT",
    "VALIDATE_INJECTION_SITE",
    "VALIDATE_MIDDLEWARE_CHAIN",
    "VALIDATE_ROUTE_PATTERN",
    "VALIDATE_SERVICE_REGISTRATION",
    "Rule",
    "ValidatorSpec",
]


@dataclass(frozen=True)
class Rule:
    """One convention a validator checks, under an id that never changes meaning."""

    id: str
    """Stable id such as 'TDOM001': upper-case domain prefix and a number."""
    severity: Severity
    """Severity every issue of this rule gets."""
    summary: str
    """One line on what the rule requires; shown in docs."""


@dataclass(frozen=True)
class ValidatorSpec:
    """What a built-in validator's bridge record shows: its bridge name, domain and rules."""

    name: str
    domain: str
    rules: tuple[Rule, ...]


VALIDATE_COMPONENT = ValidatorSpec(
    name="validate_component",
    domain="tdom",
    rules=(
        Rule("TDOM001", "error", "A component class is decorated with @dataclass."),
        Rule("TDOM002", "error", "A component's __call__ is annotated to return Node."),
        Rule("TDOM003", "error", "A component's __call__ returns an html(...) template."),
        Rule("TDOM004", "warning", "A component's __call__ takes no arguments besides self."),
    ),
)
"""The rules of ``ValidateComponent``."""

VALIDATE_ESCAPE_CONTEXT = ValidatorSpec(
    name="validate_escape_context",
    domain="tdom",
    rules=(
        Rule("TDOM101", "error", "No f-string as the template of html(): it bypasses escaping."),
        Rule(
            "TDOM102",
            "error",
            "No .format(), % or + building the template of html(): it bypasses escaping.",
        ),
        Rule("TDOM103", "warning", "Markup(...) marks text as trusted HTML; avoid it on data."),
    ),
)
"""The rules of ``ValidateEscapeContext``."""

CHECK_RENDER_TREE = ValidatorSpec(
    name="check_render_tree",
    domain="tdom",
    rules=(
        Rule("TDOM201", "error", "A <{Name}> in a template names something defined or imported."),
        Rule("TDOM202", "error", "A <{Name}> in a template names a component (has __call__)."),
        Rule(
            "TDOM203", "error", "A <{Name} ...> tag is closed with </{Name}> or written <{Name} />."
        ),
        Rule("TDOM204", "warning", "Components do not render themselves, directly or in a cycle."),
    ),
)
"""The rules of ``CheckRenderTree``."""

VALIDATE_SERVICE_REGISTRATION = ValidatorSpec(
    name="validate_service_registration",
    domain="svcs",
    rules=(
        Rule("SVCS001", "error", "A registration's service is a type, not a string or a call."),
        Rule("SVCS002", "error", "register_factory gets the factory itself, not its result."),
        Rule("SVCS003", "warning", "A service type is registered once per module."),
        Rule(
            "SVCS004",
            "error",
            "register_value gets a value; a lambda or function needs register_factory.",
        ),
        Rule(
            "SVCS005", "error", "A registration passes both the service type and the factory/value."
        ),
    ),
)
"""The rules of ``ValidateServiceRegistration``."""

VALIDATE_INJECTION_SITE = ValidatorSpec(
    name="validate_injection_site",
    domain="svcs",
    rules=(
        Rule("SVCS101", "error", "container.get() is given service types, not strings."),
        Rule("SVCS102", "warning", "No container.get() at module level (runs at import time)."),
        Rule(
            "SVCS103",
            "warning",
            "Functions do not build their own svcs.Container; they get the request's container.",
        ),
    ),
)
"""The rules of ``ValidateInjectionSite``."""

VALIDATE_MIDDLEWARE_CHAIN = ValidatorSpec(
    name="validate_middleware_chain",
    domain="middleware",
    rules=(
        Rule("MW001", "error", "A middleware calls call_next (or the chain stops there)."),
        Rule("MW002", "warning", "A middleware calls call_next at most once."),
        Rule("MW003", "error", "A middleware returns the response."),
        Rule("MW004", "error", "A middleware appears once in the chain."),
        Rule("MW005", "error", "Every entry of the chain is a middleware (takes call_next)."),
    ),
)
"""The rules of ``ValidateMiddlewareChain``."""

VALIDATE_ROUTE_PATTERN = ValidatorSpec(
    name="validate_route_pattern",
    domain="routes",
    rules=(
        Rule("ROUTE001", "error", "A route pattern starts with '/'."),
        Rule("ROUTE002", "error", "Placeholders are {name} or {name:converter}, braces balanced."),
        Rule("ROUTE003", "error", "Every placeholder is a parameter of the handler."),
        Rule("ROUTE004", "error", "Converters are one of str, int, float, path, uuid."),
        Rule("ROUTE005", "warning", "A method and pattern are routed once per module."),
    ),
)
"""The rules of ``ValidateRoutePattern``."""

LAYER_RULES = (
    Rule("LAYER001", "error", "A module imports only its own layer and the layers it may import."),
    Rule(
        "LAYER002",
        "error",
        "importlib.import_module('...') of a literal name follows the same rules.",
    ),
)
"""The rules of ``check_layers``."""
