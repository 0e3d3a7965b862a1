"""The ``oracle`` and the fault models: public test doubles that prove the scorer works.

Each is a ``runtime.models.Model`` built for one case (it replays that case's reference turns,
changed in one way), so ``run_suite(suite, model="oracle")`` must score 100% on every layer and
each ``fault:*`` model must fail exactly the layers its fault touches:

===================== =========================================================== ==========
spec                  what it does (tool cases)                                    fails
===================== =========================================================== ==========
``oracle``            the reference snippets, then the reference answer            nothing
``fault:no_call``     the reference answer at once, no tool call                   L0-L5
``fault:wrong_bridge`` one call of an offered bridge the case does not expect,    L2 L3 L4 L5
                      printed whole, then the reference answer                     (that apply)
``fault:bad_field``   the first result field read is misspelt (the pre-run check   L0 L4
                      refuses that snippet), the other turns as the reference
``fault:extra_call``  an extra first turn calling a bridge the case does not      L2
                      expect, then the reference turns
``fault:bad_argument`` the first argument with a rule gets a wrong value           L3
``fault:ignore_result`` the reference snippets, then an answer that ignores them   L6
===================== =========================================================== ==========

On direct-answer cases only ``extra_call`` (a tool call: L1) and ``ignore_result`` (L6) differ
from the oracle. ``wrong_bridge`` on a multi-turn case also fails L5 when the case has an order.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from evals._errors import EvalUsageError
from evals._schema import ArgumentRule, Case
from runtime import ScriptedModel
from runtime.template import render_tool_call
from sandbox import HostFunction

__all__ = ["FAULTS", "IGNORED_ANSWER", "case_model", "is_case_model_spec"]

FAULTS = (
    "no_call",
    "wrong_bridge",
    "bad_field",
    "extra_call",
    "bad_argument",
    "ignore_result",
)
IGNORED_ANSWER = "Done."
"""What ``fault:ignore_result`` answers whatever the results said."""


def is_case_model_spec(spec: str) -> bool:
    """Whether ``spec`` names a model built per case (``oracle`` or ``fault:*``)."""
    return spec == "oracle" or spec.startswith("fault:")


def case_model(spec: str, case: Case, offered: Sequence[HostFunction]) -> ScriptedModel:
    """The ``oracle`` or ``fault:NAME`` model for one case and the host functions it is offered."""
    if spec == "oracle":
        return ScriptedModel(_oracle(case), name="oracle")
    fault = spec.removeprefix("fault:")
    if not spec.startswith("fault:") or fault not in FAULTS:
        raise EvalUsageError(
            f"unknown evaluation model {spec!r}; use oracle or one of "
            + ", ".join(f"fault:{f}" for f in FAULTS)
        )
    replies = (
        _FAULTS[fault](case, offered) if case.expect == "tool" else _direct(fault, case, offered)
    )
    return ScriptedModel(replies, name=spec)


def _oracle(case: Case) -> list[str]:
    return [render_tool_call(s) for s in case.reference.snippets] + [case.reference.answer]


def _direct(fault: str, case: Case, offered: Sequence[HostFunction]) -> list[str]:
    if fault == "extra_call":
        return [render_tool_call(_other_call(case, offered)), case.reference.answer]
    if fault == "ignore_result":
        return [IGNORED_ANSWER]
    return _oracle(case)


def _other_call(case: Case, offered: Sequence[HostFunction]) -> str:
    """A snippet calling an offered bridge the case neither expects nor allows."""
    taken = {c.bridge for c in case.calls} | set(case.allow)
    others = [f for f in offered if f.name not in taken]
    if not others:
        raise EvalUsageError(
            f"case {case.id!r} offers no bridge besides the expected ones, so a wrong or extra "
            "call cannot be made; offer more bridges in the case"
        )
    plain = [
        f
        for f in others
        if not any(x.is_required() for x in f.argument_model.model_fields.values())
    ]
    chosen = (plain or others)[0]
    arguments = ", ".join(
        f"{name}={'.' if name in ('path', 'file') else 'x'!r}"
        for name, info in chosen.argument_model.model_fields.items()
        if info.is_required()
    )
    return f"print({chosen.name}({arguments}))\n"


def _no_call(case: Case, offered: Sequence[HostFunction]) -> list[str]:
    return [case.reference.answer]


def _wrong_bridge(case: Case, offered: Sequence[HostFunction]) -> list[str]:
    return [render_tool_call(_other_call(case, offered)), case.reference.answer]


def _extra_call(case: Case, offered: Sequence[HostFunction]) -> list[str]:
    return [render_tool_call(_other_call(case, offered)), *_oracle(case)]


def _ignore_result(case: Case, offered: Sequence[HostFunction]) -> list[str]:
    return [render_tool_call(s) for s in case.reference.snippets] + [IGNORED_ANSWER]


class _MisspellFirstField(ast.NodeTransformer):
    """Misspells the first attribute read on a bridge result (``error_count`` -> ``error_countz``)."""

    def __init__(self, fields: set[str]) -> None:
        self.fields = fields
        self.done = False

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if not self.done and node.attr in self.fields:
            self.done = True
            return ast.copy_location(ast.Attribute(node.value, node.attr + "z", node.ctx), node)
        return node


def _bad_field(case: Case, offered: Sequence[HostFunction]) -> list[str]:
    from evals._fields import field_reads

    results = {f.name: f.result_type for f in offered}
    snippets = list(case.reference.snippets)
    for index, snippet in enumerate(snippets):
        found = field_reads(snippet, results)
        names = {path.rsplit(".", 1)[-1] for paths in found.reads.values() for path in paths}
        if not names:
            continue
        changer = _MisspellFirstField(names)
        tree = changer.visit(ast.parse(snippet))
        if changer.done:
            snippets[index] = ast.unparse(tree) + "\n"
            break
    return [render_tool_call(s) for s in snippets] + [case.reference.answer]


_WRONG_PATHS = (".", "tests", "pyproject.toml", "README.md", "src")
"""Paths that exist in both fixture workspaces: a wrong path that still makes a valid call, so
the fault fails L3 (value) and not the bridge."""


def _wrong_value(rule: ArgumentRule, value: object, name: str) -> str | int | bool:
    """A value ``rule`` refuses, of the same kind as ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    candidates = _WRONG_PATHS if name in ("path", "file") else ("zz_unrelated",)
    return next((c for c in candidates if not rule.holds(c)), "zz_unrelated")


class _ChangeArgument(ast.NodeTransformer):
    def __init__(self, bridge: str, name: str, value: str | int | bool) -> None:
        self.bridge, self.name, self.value = bridge, name, value
        self.done = False

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if self.done or not (isinstance(node.func, ast.Name) and node.func.id == self.bridge):
            return node
        self.done = True
        keywords = [k for k in node.keywords if k.arg != self.name]
        keywords.append(ast.keyword(arg=self.name, value=ast.Constant(self.value)))
        return ast.copy_location(ast.Call(node.func, node.args, keywords), node)


def _bad_argument(case: Case, offered: Sequence[HostFunction]) -> list[str]:
    snippets = list(case.reference.snippets)
    target = next((c for c in case.calls if c.arguments), None)
    if target is not None:
        name, rule = next(iter(target.arguments.items()))
        sample = rule.exact if "exact" in rule.model_fields_set else (rule.one_of or [""])[0]
        value = _wrong_value(rule, sample, name)
        for index, snippet in enumerate(snippets):
            changer = _ChangeArgument(target.bridge, name, value)
            tree = changer.visit(ast.parse(snippet))
            if changer.done:
                snippets[index] = ast.unparse(tree) + "\n"
                break
    return [render_tool_call(s) for s in snippets] + [case.reference.answer]


_FAULTS = {
    "no_call": _no_call,
    "wrong_bridge": _wrong_bridge,
    "bad_field": _bad_field,
    "extra_call": _extra_call,
    "bad_argument": _bad_argument,
    "ignore_result": _ignore_result,
}
