"""tdom conventions: component shape, escaping in templates, and the component render tree.

A *component* is a class with a ``__call__`` method in a module that imports ``html`` or ``Node``.
Templates are ``html("...")`` calls: Python 3.11 has no t-strings, so a template is an ordinary
string whose ``{name}`` placeholders refer to names in scope (as a t-string's would) or to
keyword arguments of ``html()``, and ``<{Card} ... />`` renders the component ``Card``.
"""

from __future__ import annotations

import re

import libcst as cst

from bridges.cst._names import dotted_name
from bridges.validators._base import Validator
from bridges.validators._rules import CHECK_RENDER_TREE, VALIDATE_COMPONENT, VALIDATE_ESCAPE_CONTEXT

__all__ = ["CheckRenderTree", "ValidateComponent", "ValidateEscapeContext", "is_html_call"]

_COMPONENT_TAG = re.compile(r"<\{(\w+)\}([^<>]*?)(/?)>")
_CLOSING_TAG = re.compile(r"</\{(\w+)\}>")


def is_html_call(node: cst.Call) -> bool:
    """``html(...)`` or ``tdom.html(...)``."""
    name = dotted_name(node.func)
    return name is not None and (name == "html" or name.endswith(".html"))


def _ends_with(node: cst.BaseExpression | None, last: str) -> bool:
    name = dotted_name(node) if node is not None else None
    return name is not None and (name == last or name.endswith(f".{last}"))


def _is_dataclass_decorator(decorator: cst.Decorator) -> bool:
    target = decorator.decorator
    if isinstance(target, cst.Call):
        target = target.func
    return _ends_with(target, "dataclass")


def _call_method(node: cst.ClassDef) -> cst.FunctionDef | None:
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__call__":
            return statement
    return None


class _ImportsTdom(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        name = dotted_name(node.name) or ""
        if name.rsplit(".", 1)[-1] in {"html", "Node", "tdom"}:
            self.found = True


def _uses_tdom(module: cst.Module) -> bool:
    finder = _ImportsTdom()
    module.visit(finder)
    return finder.found


class _Returns(cst.CSTVisitor):
    """Return statements of one function body, not of functions nested in it."""

    def __init__(self) -> None:
        self.values: list[cst.BaseExpression | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        self.values.append(node.value)


class ValidateComponent(Validator):
    """Components are dataclasses whose ``__call__(self) -> Node`` returns ``html(...)``."""

    name = VALIDATE_COMPONENT.name
    triggers = ("html", "Node", "tdom")
    domain = VALIDATE_COMPONENT.domain
    rules = VALIDATE_COMPONENT.rules

    def visit_Module(self, node: cst.Module) -> bool:
        return _uses_tdom(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        method = _call_method(node)
        if method is None:
            return
        name = node.name.value
        if not any(_is_dataclass_decorator(decorator) for decorator in node.decorators):
            self.report(
                "TDOM001",
                node,
                f"component {name} is not a @dataclass, so its props are not declared as fields",
                f"add @dataclass above 'class {name}' and turn __init__ parameters into fields",
            )
        returns = method.returns.annotation if method.returns is not None else None
        if not _ends_with(returns, "Node"):
            shown = "no return annotation" if returns is None else "another return annotation"
            self.report(
                "TDOM002",
                method,
                f"{name}.__call__ has {shown}; components must declare '-> Node'",
                "write 'def __call__(self) -> Node:' (import Node from tdom)",
            )
        collector = _Returns()
        method.body.visit(collector)
        if not any(
            isinstance(value, cst.Call) and is_html_call(value) for value in collector.values
        ):
            self.report(
                "TDOM003",
                method,
                f"{name}.__call__ does not return an html(...) template, so nothing is escaped",
                "return html('<tag>{value}</tag>', value=...) instead of building the Node yourself",
            )
        extra = [
            parameter.name.value
            for parameter in (*method.params.params[1:], *method.params.kwonly_params)
        ]
        if extra or isinstance(method.params.star_arg, cst.Param):
            listed = ", ".join(extra) or "*args"
            self.report(
                "TDOM004",
                method,
                f"{name}.__call__ takes arguments ({listed}); a component gets its props as fields",
                f"move {listed} into dataclass fields of {name} and use self.<field> in __call__",
            )


class ValidateEscapeContext(Validator):
    """Template text must be a literal; values go in as placeholders so that html() escapes them."""

    name = VALIDATE_ESCAPE_CONTEXT.name
    triggers = ("html", "Markup")
    domain = VALIDATE_ESCAPE_CONTEXT.domain
    rules = VALIDATE_ESCAPE_CONTEXT.rules

    def visit_Call(self, node: cst.Call) -> None:
        if _ends_with(node.func, "Markup"):
            self.report(
                "TDOM103",
                node,
                "Markup(...) marks its text as trusted HTML, so any user data in it is not escaped",
                "render the data through an html() placeholder instead of wrapping it in Markup",
            )
        if not is_html_call(node) or not node.args:
            return
        template = node.args[0].value
        if isinstance(template, cst.FormattedString) or (
            isinstance(template, cst.ConcatenatedString) and _has_fstring(template)
        ):
            self.report(
                "TDOM101",
                node,
                "html() gets an f-string, so the values are pasted in unescaped",
                "use a plain string with {name} placeholders and pass name=... to html()",
            )
        elif _is_built_string(template):
            self.report(
                "TDOM102",
                node,
                "html() gets a template built with .format(), % or +, so values are not escaped",
                "use one literal template with {name} placeholders and pass name=... to html()",
            )


def _has_fstring(node: cst.ConcatenatedString) -> bool:
    parts = (node.left, node.right)
    return any(
        isinstance(part, cst.FormattedString)
        or (isinstance(part, cst.ConcatenatedString) and _has_fstring(part))
        for part in parts
    )


def _is_built_string(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value in {"format", "format_map", "join"}
    if isinstance(node, cst.BinaryOperation):
        return isinstance(node.operator, (cst.Add, cst.Modulo))
    return False


class CheckRenderTree(Validator):
    """Components referenced in templates exist, are components, are closed, do not recurse."""

    name = CHECK_RENDER_TREE.name
    triggers = ("html",)
    domain = CHECK_RENDER_TREE.domain
    rules = CHECK_RENDER_TREE.rules

    def __init__(self, *, file: str) -> None:
        super().__init__(file=file)
        self.defined: set[str] = set()
        self.not_components: set[str] = set()
        self.classes: list[str] = []
        self.uses: list[tuple[str | None, str, cst.Call]] = []
        self.edges: dict[str, set[str]] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.defined.add(node.name.value)
        if _call_method(node) is None:
            self.not_components.add(node.name.value)
        self.classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.defined.add(node.name.value)
        for parameter in (*node.params.params, *node.params.kwonly_params):
            self.defined.add(parameter.name.value)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.defined.add(node.asname.name.value)
        else:
            self.defined.add((dotted_name(node.name) or "").split(".")[0])

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Name):
            self.defined.add(node.target.value)

    def visit_Call(self, node: cst.Call) -> None:
        if not is_html_call(node) or not node.args:
            return
        template = node.args[0].value
        if not isinstance(template, (cst.SimpleString, cst.ConcatenatedString)):
            return
        text = template.evaluated_value
        if not isinstance(text, str):
            return
        owner = self.classes[-1] if self.classes else None
        opened: list[str] = []
        for match in _COMPONENT_TAG.finditer(text):
            name = match.group(1)
            self.uses.append((owner, name, node))
            if owner is not None:
                self.edges.setdefault(owner, set()).add(name)
            if not match.group(3):
                opened.append(name)
        closed = [match.group(1) for match in _CLOSING_TAG.finditer(text)]
        for name in opened:
            if name in closed:
                closed.remove(name)
            else:
                self.report(
                    "TDOM203",
                    node,
                    f"<{{{name}}}> is opened but never closed in this template",
                    f"write <{{{name}}} ... /> or close it with </{{{name}}}>",
                )

    def finish(self) -> None:
        for owner, name, node in self.uses:
            if name not in self.defined:
                self.report(
                    "TDOM201",
                    node,
                    f"template renders <{{{name}}}> but {name} is not defined or imported here",
                    f"import {name} or define it in this module",
                )
            elif name in self.not_components:
                self.report(
                    "TDOM202",
                    node,
                    f"template renders <{{{name}}}> but {name} has no __call__, so it is no "
                    "component",
                    f"give {name} a '__call__(self) -> Node' or render its data instead",
                )
            elif owner is not None and self._reaches(name, owner):
                self.report(
                    "TDOM204",
                    node,
                    f"{owner} renders <{{{name}}}>, which renders {owner} again: infinite recursion",
                    "stop the recursion with a condition or render the nested part differently",
                )

    def _reaches(self, start: str, goal: str) -> bool:
        seen: set[str] = set()
        stack = [start]
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(self.edges.get(current, ()))
        return False
