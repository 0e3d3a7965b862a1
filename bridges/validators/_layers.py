"""``check_layers``: import layering, i.e. which packages may import which.

``rules`` maps a *layer* (a dotted module prefix such as ``bridges`` or ``shop.web.components``)
to the layers it may import. Module names are the names the code imports: counted from the
workspace root (``shop/web/routes.py`` is ``shop.web.routes``), or from the project's import roots
(``bridges._import_roots``: in a src/ layout ``src/meteo/stats.py`` is ``meteo.stats``). A
module belongs to the longest layer that is a prefix of its name; an import is checked only when
its target belongs to a layer too (other imports, such as the standard library, are not the
rules' business). A layer may always import itself, and layers nested in or around it
(``runtime.cli`` and ``runtime``).
"""

from __future__ import annotations

import libcst as cst

from bridges._import_roots import module_name
from bridges.cst._errors import RuleArgumentError
from bridges.cst._names import dotted_name, import_module_name
from bridges.validators._base import Validator
from bridges.validators._rules import LAYER_RULES

__all__ = ["LAYER_RULES", "LayerRules", "LayersValidator", "check_rule_names", "module_name"]

LayerRules = dict[str, list[str]]


def check_rule_names(rules: LayerRules) -> None:
    """Refuse rules the checker cannot apply, with a message a model can act on."""
    if not rules:
        raise RuleArgumentError(
            "rules is empty; map each layer to the layers it may import, e.g. "
            "{'shop.web.components': ['shop.models'], 'shop.models': []}"
        )
    for layer, allowed in rules.items():
        for name in (layer, *allowed):
            if not name or not all(part.isidentifier() for part in name.split(".")):
                raise RuleArgumentError(
                    f"{name!r} in rules is not a dotted module name; use names like 'shop.models'"
                )


def _within(module: str, layer: str) -> bool:
    return module == layer or module.startswith(f"{layer}.")


def layer_of(module: str, layers: list[str]) -> str | None:
    """The longest layer that ``module`` belongs to."""
    best: str | None = None
    for layer in layers:
        if _within(module, layer) and (best is None or len(layer) > len(best)):
            best = layer
    return best


class LayersValidator(Validator):
    """Imports of one module checked against the layer rules."""

    name = "check_layers"
    triggers = ("import",)
    domain = "layers"
    rules = LAYER_RULES

    def __init__(
        self, *, file: str, layer_rules: LayerRules, import_roots: tuple[str, ...] = ()
    ) -> None:
        super().__init__(file=file)
        self.layer_rules = layer_rules
        self.layers = sorted(layer_rules)
        self.module = module_name(file, import_roots)
        self.own = layer_of(self.module, self.layers)
        self.package = (
            self.module if file.endswith("__init__.py") else self.module.rpartition(".")[0]
        )

    def _allowed(self, target_layer: str) -> bool:
        assert self.own is not None
        if _within(target_layer, self.own) or _within(self.own, target_layer):
            return True
        return any(_within(target_layer, allowed) for allowed in self.layer_rules[self.own])

    def violation(self, target: str) -> str | None:
        """The layer of ``target`` when this module may not import it, else None."""
        if self.own is None:
            return None
        layer = layer_of(target, self.layers)
        if layer is None or self._allowed(layer):
            return None
        return layer

    def explain(self, target: str) -> tuple[str, str] | None:
        """(message, suggestion) of an import of ``target`` this module may not make."""
        layer = self.violation(target)
        if layer is None or self.own is None:
            return None
        allowed = ", ".join(self.layer_rules[self.own])
        may = f"may import only {allowed}" if allowed else "may import no other layer"
        return (
            f"{self.module} (layer {self.own}) imports {target} (layer {layer}); {self.own} {may}",
            f"move the code that needs {layer} out of {self.own}, or change the rules if "
            "the design allows it",
        )

    def _check(self, rule_id: str, node: cst.CSTNode, target: str) -> None:
        explained = self.explain(target)
        if explained is not None:
            self.report(rule_id, node, *explained)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is not None:
                self._check("LAYER001", node, name)

    def from_targets(self, module: str, level: int, names: list[str]) -> list[str]:
        """The modules ``from <module> import <names>`` is checked as (``module`` with its
        leading dots, ``level`` of them; no names for ``import *``)."""
        if level:
            base = self.package.split(".") if self.package else []
            up = level - 1
            if up > len(base):
                return []
            base = base[: len(base) - up] if up else base
            rest = module.lstrip(".")
            module = ".".join([*base, *([rest] if rest else [])])
        # 'from shop.web import services' imports the module shop.web.services: check the most
        # specific layer each imported name belongs to.
        module_layer = layer_of(module, self.layers)
        targets: list[str] = []
        checked_module = False
        for name in names or [""]:
            full = f"{module}.{name}" if name else module
            if name and layer_of(full, self.layers) != module_layer:
                targets.append(full)
            elif not checked_module:
                checked_module = True
                targets.append(module)
        return targets

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        names = (
            [dotted_name(alias.name) or "" for alias in node.names]
            if not isinstance(node.names, cst.ImportStar)
            else []
        )
        module = import_module_name(node)
        for target in self.from_targets(module, len(node.relative), names):
            self._check("LAYER001", node, target)

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted_name(node.func)
        if name not in {"importlib.import_module", "import_module"} or not node.args:
            return
        argument = node.args[0].value
        if isinstance(argument, cst.SimpleString):
            target = argument.evaluated_value
            if isinstance(target, str):
                self._check("LAYER002", node, target)
