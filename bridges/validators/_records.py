"""The validator bridge records: one per validator, each returning a ``ValidationResult``."""

from __future__ import annotations

import textwrap

from pydantic import BaseModel, ConfigDict

from bridges._examples import BridgeExample
from bridges._record import Bridge, BridgeContext
from bridges.cst._errors import RuleArgumentError
from bridges.cst._workspace import python_files, relative_to_workspace
from bridges.validators._base import Validator
from bridges.validators._examples import EXAMPLES
from bridges.validators._graph import dependency_graph_issues
from bridges.validators._layers import LayersValidator, check_rule_names, layer_of, module_name
from bridges.validators._runner import collect_issues, result_of
from bridges.validators._svcs import ValidateInjectionSite, ValidateServiceRegistration
from bridges.validators._tdom import CheckRenderTree, ValidateComponent, ValidateEscapeContext
from bridges.validators._web import ValidateMiddlewareChain, ValidateRoutePattern
from parsers.contracts import ValidationResult

__all__ = [
    "BUILTIN_BRIDGES",
    "CheckLayersArguments",
    "ValidatorArguments",
    "validator_bridge",
]

_CONFIG = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ValidatorArguments(BaseModel):
    """Arguments of every file validator: where to look."""

    model_config = _CONFIG

    path: str = "."
    """A .py file or a folder, relative to the workspace."""


class CheckLayersArguments(BaseModel):
    """Arguments of check_layers: the layer rules and where to look."""

    model_config = _CONFIG

    rules: dict[str, list[str]]
    """Layer (dotted module prefix) -> the layers it may import."""
    path: str = "."
    """A .py file or a folder, relative to the workspace."""


_PATH_TEXT = "path is a .py file or a folder relative to the workspace (default: everything)."


def _describe(validator: type[Validator], description: str) -> str:
    rules = "\n".join(f"  {rule.id} ({rule.severity}): {rule.summary}" for rule in validator.rules)
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
    key = f"{validator.__module__}.{validator.__qualname__}"

    def implementation(context: BridgeContext, arguments: ValidatorArguments) -> ValidationResult:
        issues, skipped = collect_issues(
            context, path=arguments.path, validator=validator, options={}, key=key
        )
        return result_of(validator.domain, issues, skipped)

    return Bridge(
        name=validator.name,
        docstring=_describe(validator, description or validator.description),
        arguments=ValidatorArguments,
        result=ValidationResult,
        implementation=implementation,
        examples=validator.examples if examples is None else examples,
    )


def _check_layers(context: BridgeContext, arguments: CheckLayersArguments) -> ValidationResult:
    rules = arguments.rules
    check_rule_names(rules)
    files = python_files(context.workspace, arguments.path)
    modules = [module_name(relative_to_workspace(context.workspace, file)) for file in files]
    layers = sorted(rules)
    # A folder none of whose modules is in a layer means a misspelt rule; a single file outside
    # every layer (an editor checking each file it opens) simply has nothing to check.
    single_file = len(files) == 1 and files[0].is_file() and arguments.path.endswith(".py")
    if not single_file and not any(layer_of(module, layers) for module in modules):
        found = sorted({module.split(".")[0] for module in modules})
        raise RuleArgumentError(
            f"no module under {arguments.path!r} belongs to any layer of the rules "
            f"({', '.join(layers)}); module names start at the workspace root, e.g. "
            f"{', '.join(found[:5]) or 'none found'}"
        )
    key = ("check_layers", tuple((layer, tuple(rules[layer])) for layer in layers))
    issues, skipped = collect_issues(
        context,
        path=arguments.path,
        validator=LayersValidator,
        options={"layer_rules": rules},
        key=key,
    )
    return result_of("layers", issues, skipped)


def _graph(context: BridgeContext, arguments: ValidatorArguments) -> ValidationResult:
    issues, skipped = dependency_graph_issues(context, path=arguments.path)
    return result_of("svcs", issues, skipped)


_DESCRIPTIONS: dict[type[Validator], str] = {
    ValidateComponent: (
        "Check tdom components: a class with __call__ must be a @dataclass whose "
        "__call__(self) -> Node returns html(...)."
    ),
    ValidateEscapeContext: (
        "Check that html() templates are literal strings (no f-strings, .format, % or +) and flag "
        "Markup(...), so that every value is escaped."
    ),
    CheckRenderTree: (
        "Check the component tags <{Name} /> in html() templates: Name is defined or imported, is a "
        "component, the tag is closed, and components do not render themselves."
    ),
    ValidateServiceRegistration: (
        "Check svcs registrations registry.register_factory(Type, factory) and "
        "register_value(Type, value): a type, the factory uncalled, no duplicates."
    ),
    ValidateInjectionSite: (
        "Check svcs lookups container.get(Type): by type not string, inside functions, with the "
        "request's container rather than a new one."
    ),
    ValidateMiddlewareChain: (
        "Check middleware (functions with a call_next parameter) and MIDDLEWARE chains: call_next "
        "called once, the response returned, each chain entry a middleware listed once."
    ),
    ValidateRoutePattern: (
        "Check route patterns of @router.get('/...') and router.add_route('/...', handler): leading "
        "'/', balanced {placeholders} with known converters, each a handler parameter, no duplicates."
    ),
}


def _builtin(validator: type[Validator]) -> Bridge:
    return validator_bridge(
        validator,
        description=_DESCRIPTIONS[validator],
        examples=EXAMPLES.get(validator.name, ()),
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
    implementation=_graph,
    examples=EXAMPLES.get("check_dependency_graph", ()),
)

CHECK_LAYERS = Bridge(
    name="check_layers",
    docstring=(
        "Check import layering: which packages may import which.\n\n"
        "rules maps each layer (a dotted module prefix such as 'shop.web.components') to the\n"
        "layers it may import, e.g. {'shop.models': [], 'shop.web': ['shop.models']}. Module\n"
        "names start at the workspace root (shop/web/routes.py is shop.web.routes); a module\n"
        "belongs to the longest matching layer; imports of modules outside every layer (stdlib,\n"
        "third party) are ignored; a layer may import itself and layers nested in or around it.\n"
        f"{_PATH_TEXT}\nRules:\n"
        "  LAYER001 (error): A module imports only its own layer and the layers it may import.\n"
        "  LAYER002 (error): importlib.import_module('...') of a literal name follows the rules."
    ),
    arguments=CheckLayersArguments,
    result=ValidationResult,
    implementation=_check_layers,
    examples=EXAMPLES.get("check_layers", ()),
)

BUILTIN_BRIDGES: tuple[Bridge, ...] = (
    _builtin(ValidateComponent),
    _builtin(ValidateEscapeContext),
    _builtin(CheckRenderTree),
    _builtin(ValidateServiceRegistration),
    _builtin(ValidateInjectionSite),
    CHECK_DEPENDENCY_GRAPH,
    _builtin(ValidateMiddlewareChain),
    _builtin(ValidateRoutePattern),
    CHECK_LAYERS,
)
"""The built-in validator bridges, in the order the stubs show them."""
