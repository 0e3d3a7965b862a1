"""Which files a built-in validator can report anything in, decided with ``ast`` (in a child).

Parsing with LibCST costs about ten times ``ast.parse``, and the trigger words of several
validators are common ('get' for routes, 'import' for layers, 'html' and 'Node' for tdom), so on
a tree like Django nearly every file used to be parsed with LibCST to report nothing. Each check
here asks ``ast`` whether the file holds a *candidate*: a node the validator's rules look at (a
registration call, a route decorator, an import into a forbidden layer...). A file without one
cannot produce an issue and is answered ``[]`` without LibCST; a file with one is validated by
the LibCST visitor as before, so rule ids, messages and lines never come from this module.

Each check must therefore be a superset of what its validator reports: when in doubt it says
"candidate". Files ``ast`` cannot parse, and files whose identifiers Python spells differently
from the source (NFKC), always go to LibCST. Validators without a check here (plugins) are
always run. ``tests/bridges/validators/test_prefilter.py`` pins that a folder call (filtered) and a
single-file call (never filtered) give the same issues on every rule's sources.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from bridges.cst._child_main import Source
from bridges.cst._fast_find import ast_dotted_name
from bridges.validators._base import Validator
from bridges.validators._layers import LayersValidator
from bridges.validators._svcs import ValidateInjectionSite, ValidateServiceRegistration
from bridges.validators._tdom import CheckRenderTree, ValidateComponent, ValidateEscapeContext
from bridges.validators._web import ValidateMiddlewareChain, ValidateRoutePattern

__all__ = ["facts_may_exist", "layer_issues", "may_report"]

_Check = Callable[[ast.Module, Source, Mapping[str, Any], str], bool]


def _ends_with(node: ast.expr, last: str) -> bool:
    name = ast_dotted_name(node)
    return name is not None and (name == last or name.endswith(f".{last}"))


def _calls(tree: ast.Module) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _has_arguments(call: ast.Call) -> bool:
    return bool(call.args or call.keywords)


def _component(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """A class with a ``__call__`` in a module importing html, Node or tdom."""
    imports_tdom = classes = False
    for node in ast.walk(tree):
        if isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in {"html", "Node", "tdom"}:
            imports_tdom = True
        elif isinstance(node, ast.ClassDef) and any(
            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__call__"
            for item in node.body
        ):
            classes = True
    return imports_tdom and classes


def _escape(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """A ``Markup(...)`` call, or an ``html(...)`` call with arguments."""
    return any(
        _ends_with(call.func, "Markup") or (_ends_with(call.func, "html") and _has_arguments(call))
        for call in _calls(tree)
    )


def _render_tree(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """An ``html(...)`` call with arguments, and a component tag ``<{`` somewhere in the text."""
    return "<{" in source.text and any(
        _ends_with(call.func, "html") and _has_arguments(call) for call in _calls(tree)
    )


def _registration(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """A ``<registry>.register_factory(...)`` or ``.register_value(...)`` call."""
    return any(
        isinstance(call.func, ast.Attribute)
        and call.func.attr in {"register_factory", "register_value"}
        for call in _calls(tree)
    )


def _container_get(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute) or call.func.attr != "get":
        return False
    receiver = ast_dotted_name(call.func.value)
    return receiver is not None and "container" in receiver.rsplit(".", 1)[-1].lower()


def _injection(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """A ``container.get(...)`` or a ``Container(...)`` call (anywhere: depth is LibCST's)."""
    return any(
        _container_get(call) or ast_dotted_name(call.func) in {"svcs.Container", "Container"}
        for call in _calls(tree)
    )


def _middleware(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """A function with a ``call_next`` parameter, or a non-empty ``*MIDDLEWARE*`` list/tuple."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(argument.arg == "call_next" for argument in node.args.args):
                return True
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, (ast.List, ast.Tuple))
            and node.value.elts
            and any(
                isinstance(target, ast.Name) and "MIDDLEWARE" in target.id.upper()
                for target in node.targets
            )
        ):
            return True
    return False


_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "route"})


def _first_arguments(call: ast.Call) -> list[ast.expr]:
    """What LibCST's ``call.args[0]`` may be: the first positional or the first keyword value."""
    return [*call.args[:1], *(keyword.value for keyword in call.keywords[:1])]


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _texts(nodes: list[ast.expr]) -> list[str]:
    return [
        node.value
        for node in nodes
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _routes(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """A ``@<router>.get("...")``-style decorator on a function, or an ``.add_route(...)`` call."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in _ROUTE_METHODS
                    and any(_is_text(first) for first in _first_arguments(decorator))
                ):
                    return True
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_route"
        ):
            return True
    return False


def _layers(tree: ast.Module, source: Source, options: Mapping[str, Any], file: str) -> bool:
    """An import (or a literal ``import_module``) whose target is in a layer this module's layer
    may not import; the targets are computed as ``LayersValidator`` computes them."""
    validator = LayersValidator(file=file, **options)
    if validator.own is None:
        return False
    return any(
        validator.violation(target) is not None
        for _node, targets, _call in _import_targets(tree, validator)
        for target in targets
    )


def _import_targets(
    tree: ast.Module, validator: LayersValidator
) -> Iterator[tuple[ast.stmt | ast.expr, list[str], bool]]:
    """Each import of ``tree`` with the modules it names, as ``LayersValidator`` computes them,
    and whether it is a literal ``import_module(...)`` call rather than a statement."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node, [alias.name for alias in node.names], False
        elif isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names if alias.name != "*"]
            module = "." * node.level + (node.module or "")
            yield node, validator.from_targets(module, node.level, names), False
        elif isinstance(node, ast.Call) and ast_dotted_name(node.func) in {
            "importlib.import_module",
            "import_module",
        }:
            yield node, _texts(_first_arguments(node)), True


def layer_issues(source: Source, options: Mapping[str, Any], file: str) -> list[list[Any]] | None:
    """``check_layers``'s issues of one file answered with ``ast``, or None when LibCST must.

    Unlike the other validators' rules, LAYER001 depends only on import statements, which
    ``ast`` places where LibCST does (the line of the ``import``/``from`` keyword), and on
    strings the validator builds from the target (``LayersValidator.explain``); so the answer
    is the visitor's, issue for issue and in the same order (source order). A violating
    ``import_module("...")`` (LAYER002: ``ast`` cannot tell "a" "b" from one literal) and any
    file ``ast`` cannot read as LibCST does go to LibCST.
    """
    tree = _checkable_tree(source)
    if tree is None:
        return None
    validator = LayersValidator(file=file, **options)
    if validator.own is None:
        return []
    rule = next(rule for rule in LayersValidator.rules if rule.id == "LAYER001")
    found: list[tuple[int, int, int, list[Any]]] = []
    for node, targets, is_call in _import_targets(tree, validator):
        if is_call:
            if any(validator.violation(text) for text in targets):
                return None
            continue
        for order, target in enumerate(targets):
            explained = validator.explain(target)
            if explained is not None:
                message, suggestion = explained
                row = [rule.id, rule.severity, message, node.lineno, suggestion]
                found.append((node.lineno, node.col_offset, order, row))
    return [row for *_, row in sorted(found, key=lambda item: item[:3])]


_CHECKS: dict[type[Validator], _Check] = {
    ValidateComponent: _component,
    ValidateEscapeContext: _escape,
    CheckRenderTree: _render_tree,
    ValidateServiceRegistration: _registration,
    ValidateInjectionSite: _injection,
    ValidateMiddlewareChain: _middleware,
    ValidateRoutePattern: _routes,
    LayersValidator: _layers,
}


def _checkable_tree(source: Source) -> ast.Module | None:
    """The file's ``ast`` tree when ``ast`` sees the names LibCST sees, else None."""
    from bridges.cst._fast_find import respelt_identifiers

    tree = source.tree()
    if tree is None or (not source.text.isascii() and respelt_identifiers(source.text, tree)):
        return None
    return tree


def may_report(
    validator: type[Validator], source: Source, options: Mapping[str, Any], file: str
) -> bool:
    """False only when ``validator`` (a built-in) cannot report anything in ``source``."""
    check = _CHECKS.get(validator)
    if check is None:
        return True
    tree = _checkable_tree(source)
    return tree is None or check(tree, source, options, file)


def facts_may_exist(source: Source) -> bool:
    """False only when the file has no registration and no ``container.get``, so that it adds
    nothing to the service graph (its function names matter only beside those)."""
    tree = _checkable_tree(source)
    return tree is None or any(
        _container_get(call)
        or (
            isinstance(call.func, ast.Attribute)
            and call.func.attr in {"register_factory", "register_value"}
        )
        for call in _calls(tree)
    )
