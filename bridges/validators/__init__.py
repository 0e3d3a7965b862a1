"""Domain validators: LibCST visitors with stable rule ids, each a bridge returning one
``ValidationResult``; and the plugin API that lets other packages add their own.

``BRIDGES`` (read by the bridge registry) holds the built-in validators; ``discover_plugins()``
returns those that installed packages register under the entry point group
``punie.validators``. docs/validators.md lists every rule and shows how to write a plugin.
"""

from bridges._record import Bridge as _Bridge
from bridges.validators._base import Finding, Rule, Validator
from bridges.validators._layers import LAYER_RULES, module_name
from bridges.validators._plugins import (
    ENTRY_POINT_GROUP,
    PluginError,
    PluginLoad,
    discover_plugins,
    load_plugins,
)
from bridges.validators._records import BUILTIN_BRIDGES, validator_bridge

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
