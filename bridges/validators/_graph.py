"""``check_dependency_graph``: the svcs service graph across all files under a path.

Per file (cached by content hash) the registrations, the services each function fetches and all
lookups are collected; then the graph ``service -> services its factory fetches`` is checked for
cycles, lookups of unregistered services, and registered services nobody asks for.
"""

from __future__ import annotations

import libcst as cst

from bridges._record import BridgeContext
from bridges.cst._cache import MODULE_CACHE, ParsedSource
from bridges.cst._workspace import python_files, relative_to_workspace
from bridges.validators._base import Rule
from bridges.validators._svcs import DependencyFacts, collect_dependency_facts
from parsers.contracts import ValidationIssue

__all__ = ["GRAPH_RULES", "dependency_graph_issues"]

GRAPH_RULES = (
    Rule("SVCS201", "error", "Service factories do not depend on each other in a cycle."),
    Rule("SVCS202", "error", "Every service fetched with container.get() is registered."),
    Rule("SVCS203", "info", "Every registered service is fetched somewhere."),
)
_RULES = {rule.id: rule for rule in GRAPH_RULES}

_Located = tuple[str, ParsedSource, cst.Call]


def _issue(rule_id: str, where: _Located, message: str, suggestion: str) -> ValidationIssue:
    rule = _RULES[rule_id]
    relative, parsed, node = where
    return ValidationIssue(
        rule=rule.id,
        severity=rule.severity,
        message=message,
        file=relative,
        line=parsed.line_of(node),
        suggestion=suggestion,
    )


def dependency_graph_issues(context: BridgeContext, *, path: str) -> list[ValidationIssue]:
    """Every graph issue of the Python files under ``path``, cached on their contents."""
    sources: list[tuple[str, ParsedSource, DependencyFacts]] = []
    for file in python_files(context.workspace, path):
        relative = relative_to_workspace(context.workspace, file)
        parsed = MODULE_CACHE.parse_file(file, display=relative)
        facts = MODULE_CACHE.derived(
            ("svcs-facts", parsed.digest),
            lambda parsed=parsed: collect_dependency_facts(parsed.module),
        )
        sources.append((relative, parsed, facts))
    key = ("svcs-graph", tuple((relative, parsed.digest) for relative, parsed, _ in sources))
    return list(MODULE_CACHE.derived(key, lambda: tuple(_analyse(sources))))


def _analyse(sources: list[tuple[str, ParsedSource, DependencyFacts]]) -> list[ValidationIssue]:
    registered: dict[str, list[tuple[str | None, _Located]]] = {}
    factories: dict[str, list[tuple[str, _Located]]] = {}
    gets: list[tuple[str, _Located]] = []
    for relative, parsed, facts in sources:
        for service, factory, call in facts.registrations:
            registered.setdefault(service, []).append((factory, (relative, parsed, call)))
        for function, uses in facts.factories.items():
            factories.setdefault(function, []).extend(
                (service, (relative, parsed, call)) for service, call in uses
            )
        gets.extend((service, (relative, parsed, call)) for service, call in facts.gets)

    edges: dict[str, list[tuple[str, _Located]]] = {}
    for service, entries in registered.items():
        for factory, _ in entries:
            if factory is not None:
                edges.setdefault(service, []).extend(factories.get(factory, []))

    issues: list[ValidationIssue] = []
    for cycle, where in _cycles(edges):
        chain = " -> ".join([*cycle, cycle[0]])
        issues.append(
            _issue(
                "SVCS201",
                where,
                f"services depend on each other in a cycle: {chain}",
                f"break the cycle: let one of {', '.join(cycle)} get the other lazily or split it",
            )
        )
    for service, where in gets:
        if service not in registered:
            issues.append(
                _issue(
                    "SVCS202",
                    where,
                    f"{service} is fetched with container.get() but never registered",
                    f"register it: registry.register_factory({service}, make_...)",
                )
            )
    fetched = {service for service, _ in gets}
    for service, entries in registered.items():
        if service not in fetched:
            issues.append(
                _issue(
                    "SVCS203",
                    entries[0][1],
                    f"{service} is registered but no code fetches it",
                    f"remove the registration of {service} if it is unused",
                )
            )
    return sorted(issues, key=lambda issue: (issue.file, issue.line, issue.rule))


def _cycles(
    edges: dict[str, list[tuple[str, _Located]]],
) -> list[tuple[list[str], _Located]]:
    """Each elementary cycle once (rotated to start at its smallest name), with one location."""
    found: dict[tuple[str, ...], _Located] = {}

    def walk(node: str, trail: list[str], places: list[_Located]) -> None:
        for target, where in edges.get(node, []):
            if target in trail:
                cycle = trail[trail.index(target) :]
                start = cycle.index(min(cycle))
                rotated = tuple(cycle[start:] + cycle[:start])
                found.setdefault(rotated, [*places, where][trail.index(target)])
            elif len(trail) < 50:
                walk(target, [*trail, target], [*places, where])

    for node in sorted(edges):
        walk(node, [node], [])
    return [(list(cycle), where) for cycle, where in sorted(found.items())]
