"""svcs conventions: registrations, injection sites, and the service dependency graph.

A *registration* is ``<registry>.register_factory(Type, factory)`` or
``<registry>.register_value(Type, value)``; an *injection site* is ``<container>.get(Type, ...)``
on a receiver whose name contains 'container' (``container``, ``request_container``,
``svcs_container``). Services are identified by the last part of their dotted name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from bridges.cst._names import dotted_name
from bridges.validators._base import Validator
from bridges.validators._rules import VALIDATE_INJECTION_SITE, VALIDATE_SERVICE_REGISTRATION

__all__ = [
    "FACT_TRIGGERS",
    "DependencyFacts",
    "ValidateInjectionSite",
    "ValidateServiceRegistration",
    "collect_dependency_facts",
    "facts_as_data",
    "is_container_get",
    "registration_of",
]


def is_container_get(node: cst.Call) -> bool:
    """``container.get(...)`` on a receiver named like a container."""
    if not isinstance(node.func, cst.Attribute) or node.func.attr.value != "get":
        return False
    receiver = dotted_name(node.func.value)
    return receiver is not None and "container" in receiver.rsplit(".", 1)[-1].lower()


def registration_of(node: cst.Call) -> str | None:
    """'register_factory' / 'register_value' when ``node`` is such a call, else None."""
    if isinstance(node.func, cst.Attribute) and node.func.attr.value in {
        "register_factory",
        "register_value",
    }:
        return node.func.attr.value
    return None


def _service_name(node: cst.BaseExpression) -> str | None:
    name = dotted_name(node)
    return name.rsplit(".", 1)[-1] if name else None


def _positional(node: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in node.args if arg.keyword is None and not arg.star]


class ValidateServiceRegistration(Validator):
    """Each registration names a service type and a factory (or value) of the right kind."""

    name = VALIDATE_SERVICE_REGISTRATION.name
    domain = VALIDATE_SERVICE_REGISTRATION.domain
    triggers = ("register_factory", "register_value")
    rules = VALIDATE_SERVICE_REGISTRATION.rules

    def __init__(self, *, file: str) -> None:
        super().__init__(file=file)
        self.seen: dict[str, int] = {}

    def visit_Call(self, node: cst.Call) -> None:
        kind = registration_of(node)
        if kind is None:
            return
        arguments = _positional(node)
        if len(arguments) < 2:
            self.report(
                "SVCS005",
                node,
                f"{kind} needs two arguments, the service type and the "
                f"{'factory' if kind == 'register_factory' else 'value'}",
                f"write {kind}(ServiceType, {'make_service' if kind == 'register_factory' else 'value'})",
            )
            return
        service, provider = arguments[0], arguments[1]
        name = _service_name(service)
        if name is None:
            shown = "a string" if isinstance(service, cst.SimpleString) else "an expression"
            self.report(
                "SVCS001",
                node,
                f"{kind} registers {shown} as the service; svcs looks services up by type",
                "pass the class itself, e.g. register_factory(AuditLog, make_audit_log)",
            )
        else:
            if name in self.seen:
                self.report(
                    "SVCS003",
                    node,
                    f"{name} is registered again (first registration above); the last one wins",
                    f"remove one of the registrations of {name}",
                )
            self.seen.setdefault(name, 0)
        if kind == "register_factory" and isinstance(provider, cst.Call):
            called = dotted_name(provider.func) or "the factory"
            self.report(
                "SVCS002",
                node,
                f"register_factory gets {called}(...), i.e. one instance made at import time",
                f"pass {called} without calling it: register_factory(..., {called})",
            )
        if kind == "register_value" and isinstance(provider, cst.Lambda):
            self.report(
                "SVCS004",
                node,
                "register_value gets a lambda, so the service would be the function itself",
                "use register_factory(ServiceType, factory) for anything built on demand",
            )


class ValidateInjectionSite(Validator):
    """Services are fetched by type, per request, inside functions."""

    name = VALIDATE_INJECTION_SITE.name
    domain = VALIDATE_INJECTION_SITE.domain
    triggers = ("container",)
    rules = VALIDATE_INJECTION_SITE.rules

    def __init__(self, *, file: str) -> None:
        super().__init__(file=file)
        self.depth = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted_name(node.func)
        if self.depth and name is not None and (name == "svcs.Container" or name == "Container"):
            self.report(
                "SVCS103",
                node,
                "a new Container is built inside a function, so its services are never shared "
                "or cleaned up with the request",
                "take the request's container as a parameter (container: svcs.Container)",
            )
        if not is_container_get(node):
            return
        for argument in _positional(node):
            if isinstance(
                argument, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
            ):
                self.report(
                    "SVCS101",
                    node,
                    "container.get() is given a string; services are looked up by their type",
                    "pass the class: container.get(PriceService)",
                )
        if self.depth == 0:
            self.report(
                "SVCS102",
                node,
                "container.get() runs at module level, at import time, outside any request",
                "move the lookup into the function that handles the request",
            )


@dataclass(frozen=True)
class DependencyFacts:
    """What one module contributes to the service graph (cached per file by content hash)."""

    registrations: tuple[tuple[str, str | None, cst.Call], ...] = ()
    """(service, factory function name or None, the registering call)."""
    factories: dict[str, tuple[tuple[str, cst.Call], ...]] = field(default_factory=dict)
    """factory function name -> the (service, get call) it fetches from the container."""
    gets: tuple[tuple[str, cst.Call], ...] = ()
    """Every container.get of a named type in the module."""


class _FactsCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.registrations: list[tuple[str, str | None, cst.Call]] = []
        self.factories: dict[str, list[tuple[str, cst.Call]]] = {}
        self.gets: list[tuple[str, cst.Call]] = []
        self.functions: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node.name.value)
        self.factories.setdefault(node.name.value, [])

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_Call(self, node: cst.Call) -> None:
        kind = registration_of(node)
        if kind is not None:
            arguments = _positional(node)
            if arguments and (service := _service_name(arguments[0])) is not None:
                factory = None
                if kind == "register_factory" and len(arguments) > 1:
                    factory = _service_name(arguments[1])
                self.registrations.append((service, factory, node))
        elif is_container_get(node):
            for argument in _positional(node):
                service = _service_name(argument)
                if service is not None:
                    self.gets.append((service, node))
                    if self.functions:
                        self.factories[self.functions[-1]].append((service, node))


def collect_dependency_facts(module: cst.Module) -> DependencyFacts:
    """The registrations, factory dependencies and lookups of one module."""
    collector = _FactsCollector()
    module.visit(collector)
    return DependencyFacts(
        registrations=tuple(collector.registrations),
        factories={name: tuple(uses) for name, uses in collector.factories.items()},
        gets=tuple(collector.gets),
    )


FACT_TRIGGERS = ("register_factory", "register_value", "container")
"""A module with none of these words contributes nothing to the service graph."""


def facts_as_data(source: Any) -> dict[str, Any]:
    """``collect_dependency_facts`` with line numbers for nodes, as JSON data (runs in a child).

    ``source`` is a ``bridges.cst._child_main.Source``.
    """
    facts = collect_dependency_facts(source.module())
    return {
        "registrations": [
            [service, factory, source.line_of(call)]
            for service, factory, call in facts.registrations
        ],
        "factories": {
            name: [[service, source.line_of(call)] for service, call in uses]
            for name, uses in facts.factories.items()
        },
        "gets": [[service, source.line_of(call)] for service, call in facts.gets],
    }
