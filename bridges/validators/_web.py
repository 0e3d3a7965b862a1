"""Web conventions: the middleware chain and route patterns.

A *middleware* is a function (or ``__call__``) with a parameter named ``call_next``; the *chain*
is a module-level list or tuple assigned to a name containing 'MIDDLEWARE'. A *route* is a
decorator ``@<router>.get/post/put/patch/delete/route("/pattern")`` on a function, or a call
``<router>.add_route("/pattern", handler)``. Placeholders are ``{name}`` or ``{name:converter}``.
"""

from __future__ import annotations

import re

import libcst as cst

from bridges.cst._names import dotted_name
from bridges.validators._base import Validator
from bridges.validators._rules import VALIDATE_MIDDLEWARE_CHAIN, VALIDATE_ROUTE_PATTERN

__all__ = ["CONVERTERS", "ValidateMiddlewareChain", "ValidateRoutePattern"]

CONVERTERS = ("str", "int", "float", "path", "uuid")
"""Placeholder converters a route may use."""

_ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "route"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _CallCounter(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls = 0
        self.bare_calls = 0
        self.returns_value = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == self.name:
            self.calls += 1

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.returns_value = True


class ValidateMiddlewareChain(Validator):
    """Every middleware passes the request on exactly once and returns the response."""

    name = VALIDATE_MIDDLEWARE_CHAIN.name
    triggers = ("call_next", "middleware")
    domain = VALIDATE_MIDDLEWARE_CHAIN.domain
    rules = VALIDATE_MIDDLEWARE_CHAIN.rules

    def __init__(self, *, file: str) -> None:
        super().__init__(file=file)
        self.middleware: set[str] = set()
        self.functions: set[str] = set()
        self.chains: list[cst.List | cst.Tuple] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.add(node.name.value)
        names = [parameter.name.value for parameter in node.params.params]
        if "call_next" not in names:
            return
        self.middleware.add(node.name.value)
        counter = _CallCounter("call_next")
        node.body.visit(counter)
        name = node.name.value
        if counter.calls == 0:
            self.report(
                "MW001",
                node,
                f"{name} never calls call_next, so no middleware or handler after it runs",
                "call 'response = call_next(request)' unless you mean to answer early on purpose",
            )
        elif counter.calls > 1:
            self.report(
                "MW002",
                node,
                f"{name} calls call_next {counter.calls} times, so the handler may run twice",
                "call call_next once and keep its response",
            )
        if not counter.returns_value:
            self.report(
                "MW003",
                node,
                f"{name} does not return the response, so the client gets None",
                "return the response from call_next (or your own Response)",
            )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if (
                isinstance(target.target, cst.Name)
                and "MIDDLEWARE" in target.target.value.upper()
                and isinstance(node.value, (cst.List, cst.Tuple))
            ):
                self.chains.append(node.value)

    def finish(self) -> None:
        for chain in self.chains:
            seen: set[str] = set()
            for element in chain.elements:
                name = dotted_name(element.value)
                if name is None:
                    continue
                if name in seen:
                    self.report(
                        "MW004",
                        element.value,
                        f"{name} is in the middleware chain twice, so it runs twice per request",
                        f"remove the second {name}",
                    )
                seen.add(name)
                if name in self.functions and name not in self.middleware:
                    self.report(
                        "MW005",
                        element.value,
                        f"{name} is in the middleware chain but takes no call_next parameter",
                        f"remove {name} from the chain or give it (request, call_next)",
                    )


def _function_parameters(node: cst.FunctionDef) -> set[str]:
    params = node.params
    return {
        parameter.name.value
        for parameter in (*params.posonly_params, *params.params, *params.kwonly_params)
    }


class ValidateRoutePattern(Validator):
    """Route patterns are well-formed and agree with their handlers."""

    name = VALIDATE_ROUTE_PATTERN.name
    triggers = ("get", "post", "put", "patch", "delete", "route")
    domain = VALIDATE_ROUTE_PATTERN.domain
    rules = VALIDATE_ROUTE_PATTERN.rules

    def __init__(self, *, file: str) -> None:
        super().__init__(file=file)
        self.functions: dict[str, cst.FunctionDef] = {}
        self.pending: list[tuple[cst.Call, str, str, str | None]] = []
        self.seen: set[tuple[str, str]] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions[node.name.value] = node
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
                continue
            method = call.func.attr.value
            if method in _ROUTE_METHODS and call.args:
                pattern = call.args[0].value
                if isinstance(pattern, cst.SimpleString):
                    text = pattern.evaluated_value
                    if isinstance(text, str):
                        verb = "GET" if method == "route" else method.upper()
                        self.pending.append((call, verb, text, node.name.value))

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute) or node.func.attr.value != "add_route":
            return
        positional = [arg.value for arg in node.args if arg.keyword is None]
        if not positional or not isinstance(positional[0], cst.SimpleString):
            return
        text = positional[0].evaluated_value
        handler = dotted_name(positional[1]) if len(positional) > 1 else None
        verb = "GET"
        for arg in node.args:
            if (
                arg.keyword is not None
                and arg.keyword.value == "method"
                and isinstance(arg.value, cst.SimpleString)
            ):
                verb = str(arg.value.evaluated_value).upper()
        if len(positional) > 2 and isinstance(positional[2], cst.SimpleString):
            verb = str(positional[2].evaluated_value).upper()
        if isinstance(text, str):
            self.pending.append((node, verb, text, handler))

    def finish(self) -> None:
        for call, verb, pattern, handler in self.pending:
            self._check(call, verb, pattern, handler)

    def _check(self, call: cst.Call, verb: str, pattern: str, handler: str | None) -> None:
        if not pattern.startswith("/"):
            self.report(
                "ROUTE001",
                call,
                f"route pattern {pattern!r} does not start with '/'",
                f"write '/{pattern}'",
            )
        if (verb, pattern) in self.seen:
            self.report(
                "ROUTE005",
                call,
                f"{verb} {pattern} is routed twice; the second handler is never reached",
                "remove one route or change its pattern",
            )
        self.seen.add((verb, pattern))
        stripped = _PLACEHOLDER.sub("", pattern)
        if "{" in stripped or "}" in stripped:
            self.report(
                "ROUTE002",
                call,
                f"route pattern {pattern!r} has an unbalanced brace",
                "close every placeholder: '{name}' or '{name:int}'",
            )
        function = self.functions.get(handler) if handler else None
        parameters = _function_parameters(function) if function is not None else None
        for body in _PLACEHOLDER.findall(pattern):
            name, _, converter = body.partition(":")
            if not name.isidentifier():
                self.report(
                    "ROUTE002",
                    call,
                    f"placeholder {{{body}}} in {pattern!r} has no valid name",
                    "use '{name}' with a Python identifier as the name",
                )
                continue
            if converter and converter not in CONVERTERS:
                self.report(
                    "ROUTE004",
                    call,
                    f"placeholder {{{body}}} uses unknown converter {converter!r}",
                    f"use one of {', '.join(CONVERTERS)}, e.g. '{{{name}:int}}'",
                )
            if parameters is not None and name not in parameters:
                self.report(
                    "ROUTE003",
                    call,
                    f"placeholder {{{name}}} of {pattern!r} is not a parameter of {handler}",
                    f"add a parameter '{name}' to {handler} or rename the placeholder",
                )
