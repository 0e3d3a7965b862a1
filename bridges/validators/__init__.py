"""Domain validators: LibCST visitors with stable rule ids, each a bridge returning one
``ValidationResult``; and the plugin API that lets other packages add their own.

``BRIDGES`` (read by the bridge registry) holds the built-in validators; ``discover_plugins()``
returns those that installed packages register under the entry point group
``punie.validators``. docs/validators.md lists every rule and shows how to write a plugin.

``Finding``, ``Validator`` and ``module_name`` load on first use (module ``__getattr__``): they
import LibCST, which listing the bridges must not (issue 11, finding 14).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING, Any as _Any

from bridges._bridge import Bridge as _Bridge
from bridges.validators._plugins import (
    ENTRY_POINT_GROUP,
    PluginError,
    PluginLoad,
    discover_plugins,
    load_plugins,
)
from bridges.validators._records import BUILTIN_BRIDGES, validator_bridge
from bridges.validators._rules import LAYER_RULES, Rule

if _TYPE_CHECKING:
    from bridges.validators._base import Finding, Validator
    from bridges.validators._layers import module_name

__all__ = [
    "BRIDGES",
    "BUILTIN_BRIDGES",
    "ENTRY_POINT_GROUP",
    "LAYER_RULES",
    "Finding",
    "PluginError",
    "PluginLoad",
    "Rule",
    "Validator",
    "discover_plugins",
    "load_plugins",
    "module_name",
    "validator_bridge",
]

BRIDGES: tuple[_Bridge, ...] = BUILTIN_BRIDGES


_LIBCST_NAMES = {
    "Finding": "bridges.validators._base",
    "Validator": "bridges.validators._base",
    "module_name": "bridges.validators._layers",
}


def __getattr__(name: str) -> _Any:
    """Import the validator base class (and LibCST) when one of its names is first asked for."""
    if name in _LIBCST_NAMES:
        import importlib

        return getattr(importlib.import_module(_LIBCST_NAMES[name]), name)
    raise AttributeError(f"module 'bridges.validators' has no attribute {name!r}")
