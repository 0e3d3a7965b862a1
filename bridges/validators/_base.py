"""The base class of every domain validator, built-in or plugin.

A validator is a LibCST visitor over one module. It declares its rules (stable ids, severities,
one-line summaries) and calls ``self.report(rule, node, message, suggestion)`` from its
``visit_*`` methods; ``finish()`` runs after the visit for checks that need the whole module. The
runner turns reports into ``ValidationIssue``\\ s, computing line numbers only when something was
reported (position metadata costs as much as parsing), and caches them by content hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from bridges._examples import BridgeExample
from bridges.validators._rules import Rule

__all__ = ["Finding", "Rule", "Validator"]


@dataclass(frozen=True)
class Finding:
    """A report made during a visit; becomes a ``ValidationIssue`` once its line is known."""

    rule: Rule
    node: cst.CSTNode
    message: str
    suggestion: str | None


class Validator(cst.CSTVisitor):
    """Subclass this to add a validator (see docs/validators.md for a worked example).

    Class attributes to set: ``name`` (the bridge name a snippet calls, e.g.
    ``validate_money_fields``), ``domain`` (e.g. 'money'), ``rules`` (every ``Rule`` it may
    report), ``description`` (the docstring the model reads) and ``examples`` (``BridgeExample``\\ s,
    at least 8 single-turn and 4 multi-turn to be trained on), optionally ``triggers``. An instance visits one module;
    ``self.file`` is that module's path relative to the workspace.
    """

    name: ClassVar[str] = ""
    domain: ClassVar[str] = ""
    rules: ClassVar[tuple[Rule, ...]] = ()
    description: ClassVar[str] = ""
    examples: ClassVar[Sequence[BridgeExample]] = ()
    triggers: ClassVar[tuple[str, ...]] = ()
    """Words (matched without case) of which a module must contain one for this validator to
    report anything in it; a module with none is not even parsed. Empty: every module."""

    def __init__(self, *, file: str) -> None:
        super().__init__()
        self.file = file
        self.findings: list[Finding] = []

    def report(
        self, rule_id: str, node: cst.CSTNode, message: str, suggestion: str | None = None
    ) -> None:
        """Record an issue of rule ``rule_id`` at ``node``."""
        for rule in self.rules:
            if rule.id == rule_id:
                self.findings.append(Finding(rule, node, message, suggestion))
                return
        known = ", ".join(rule.id for rule in self.rules) or "none"
        raise ValueError(
            f"{type(self).__name__} reported unknown rule {rule_id!r}; declare it in `rules` "
            f"(declared: {known})"
        )

    def finish(self) -> None:
        """Called once after the whole module was visited; override for module-wide checks."""
