"""The implementations of the built-in validator bridges, named by ``lazy`` in their records.

Kept apart from ``bridges.validators._records`` because they import the LibCST visitors: a run
that lists the bridges but calls no validator must not pay for LibCST (issue 11, finding 14).
"""

from __future__ import annotations

from bridges._bridge import BridgeContext
from bridges._import_roots import describe_roots, import_roots, module_name
from bridges.cst._errors import RuleArgumentError
from bridges.cst._workspace import python_files, relative_to_workspace
from bridges.validators._arguments import CheckLayersArguments, ValidatorArguments
from bridges.validators._base import Validator
from bridges.validators._graph import dependency_graph_issues
from bridges.validators._layers import LayersValidator, check_rule_names, layer_of
from bridges.validators._runner import collect_issues, result_of
from bridges.validators._svcs import ValidateInjectionSite, ValidateServiceRegistration
from bridges.validators._tdom import CheckRenderTree, ValidateComponent, ValidateEscapeContext
from bridges.validators._web import ValidateMiddlewareChain, ValidateRoutePattern
from parsers.contracts import ValidationResult

__all__ = [
    "check_dependency_graph",
    "check_layers",
    "check_render_tree",
    "run_validator",
    "validate_component",
    "validate_escape_context",
    "validate_injection_site",
    "validate_middleware_chain",
    "validate_route_pattern",
    "validate_service_registration",
]


def run_validator(
    validator: type[Validator], context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """Run one file validator over ``arguments.path``; results are cached per class and file."""
    key = f"{validator.__module__}.{validator.__qualname__}"
    issues, skipped = collect_issues(
        context, path=arguments.path, validator=validator, options={}, key=key
    )
    return result_of(validator.domain, issues, skipped)


def validate_component(context: BridgeContext, arguments: ValidatorArguments) -> ValidationResult:
    """The ``validate_component`` bridge."""
    return run_validator(ValidateComponent, context, arguments)


def validate_escape_context(
    context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """The ``validate_escape_context`` bridge."""
    return run_validator(ValidateEscapeContext, context, arguments)


def check_render_tree(context: BridgeContext, arguments: ValidatorArguments) -> ValidationResult:
    """The ``check_render_tree`` bridge."""
    return run_validator(CheckRenderTree, context, arguments)


def validate_service_registration(
    context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """The ``validate_service_registration`` bridge."""
    return run_validator(ValidateServiceRegistration, context, arguments)


def validate_injection_site(
    context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """The ``validate_injection_site`` bridge."""
    return run_validator(ValidateInjectionSite, context, arguments)


def validate_middleware_chain(
    context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """The ``validate_middleware_chain`` bridge."""
    return run_validator(ValidateMiddlewareChain, context, arguments)


def validate_route_pattern(
    context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """The ``validate_route_pattern`` bridge."""
    return run_validator(ValidateRoutePattern, context, arguments)


def check_layers(context: BridgeContext, arguments: CheckLayersArguments) -> ValidationResult:
    """The ``check_layers`` bridge: modules are named as the project imports them (its import
    roots, so ``meteo.stats`` for ``src/meteo/stats.py`` in a src/ layout)."""
    rules = arguments.rules
    check_rule_names(rules)
    roots = import_roots(context.workspace)
    files = python_files(context.workspace, arguments.path)
    modules = [module_name(relative_to_workspace(context.workspace, file), roots) for file in files]
    layers = sorted(rules)
    # A folder none of whose modules is in a layer means a misspelt rule; a single file outside
    # every layer (an editor checking each file it opens) simply has nothing to check.
    single_file = len(files) == 1 and files[0].is_file() and arguments.path.endswith(".py")
    if not single_file and not any(layer_of(module, layers) for module in modules):
        raise RuleArgumentError(_no_layer_matches(arguments.path, layers, modules, roots))
    key = ("check_layers", roots, tuple((layer, tuple(rules[layer])) for layer in layers))
    issues, skipped = collect_issues(
        context,
        path=arguments.path,
        validator=LayersValidator,
        options={"layer_rules": rules, "import_roots": roots},
        key=key,
    )
    return result_of("layers", issues, skipped)


def _no_layer_matches(
    path: str, layers: list[str], modules: list[str], roots: tuple[str, ...]
) -> str:
    """Why rules matching no module under ``path`` are refused, with the names that exist."""
    found = sorted({module.split(".")[0] for module in modules if module})
    start = f"the import roots ({describe_roots(roots)})" if roots else "the workspace root"
    message = (
        f"no module under {path!r} belongs to any layer of the rules ({', '.join(layers)}); "
        f"module names start at {start}, e.g. {', '.join(found[:5]) or 'none found'}"
    )
    for layer in layers:
        for root in roots:
            dotted = root.replace("/", ".")
            if layer.startswith(f"{dotted}."):
                inner = layer.removeprefix(f"{dotted}.")
                return f"{message}; {root}/ is an import root, so name {layer!r} as {inner!r}"
    return message


def check_dependency_graph(
    context: BridgeContext, arguments: ValidatorArguments
) -> ValidationResult:
    """The ``check_dependency_graph`` bridge."""
    issues, skipped = dependency_graph_issues(context, path=arguments.path)
    return result_of("svcs", issues, skipped)
