"""``check_dependency_graph``: the svcs service graph across all files under a path.

Per file (cached by content hash) the registrations, the services each function fetches and all
lookups are collected; then the graph ``service -> services its factory fetches`` is checked for
cycles, lookups of unregistered services, and registered services nobody asks for.
"""

from __future__ import annotations

from typing import Any

from bridges._bridge import BridgeContext
from bridges.cst._scan import scan
from bridges.validators._rules import Rule
from bridges.validators._runner import triggered_bytes
from bridges.validators._svcs import FACT_TRIGGERS
from parsers.contracts import SkippedFile, ValidationIssue

__all__ = ["GRAPH_RULES", "dependency_graph_issues"]

GRAPH_RULES = (
    Rule("SVCS201", "error", "Service factories do not depend on each other in a cycle."),
    Rule("SVCS202", "error", "Every service fetched with container.get() is registered."),
    Rule("SVCS203", "info", "Every registered service is fetched somewhere."),
)
_RULES = {rule.id: rule for rule in GRAPH_RULES}

_Located = tuple[str, int]
"""(file, line) of the call an issue points at."""


def _issue(rule_id: str, where: _Located, message: str, suggestion: str) -> ValidationIssue:
    rule = _RULES[rule_id]
    relative, line = where
    return ValidationIssue(
        rule=rule.id,
        severity=rule.severity,
        message=message,
        file=relative,
        line=line,
        suggestion=suggestion,
    )


def dependency_graph_issues(
    context: BridgeContext, *, path: str
) -> tuple[list[ValidationIssue], list[SkippedFile]]:
    """Every graph issue of the Python files under ``path`` and the files skipped.

    The facts of each file are gathered in the parser children and cached by content; a file
    without registrations or lookups is not parsed.
    """
    scanned = scan(
        context,
        path=path,
        task=("facts",),
        bridge="check_dependency_graph",
        wanted=triggered_bytes(FACT_TRIGGERS),
        unwanted=None,
    )
    sources = [(relative, facts) for relative, facts in scanned.values if facts is not None]
    return _analyse(sources), scanned.skipped


def _analyse(sources: list[tuple[str, dict[str, Any]]]) -> list[ValidationIssue]:
    registered: dict[str, list[tuple[str | None, _Located]]] = {}
    factories: dict[str, list[tuple[str, _Located]]] = {}
    gets: list[tuple[str, _Located]] = []
    for relative, facts in sources:
        for service, factory, line in facts["registrations"]:
            registered.setdefault(service, []).append((factory, (relative, line)))
        for function, uses in facts["factories"].items():
            factories.setdefault(function, []).extend(
                (service, (relative, line)) for service, line in uses
            )
        gets.extend((service, (relative, line)) for service, line in facts["gets"])

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
