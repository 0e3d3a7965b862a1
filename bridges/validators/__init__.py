"""Domain validators: LibCST visitors with stable rule ids, each a bridge returning one
``ValidationResult``; and the plugin API that lets other packages add their own.

``BRIDGES`` (read by the bridge registry) holds the built-in validators followed by those that
installed plugins register under the entry point group ``punie.validators``
(see ``discover_plugins``). docs/validators.md lists every rule.
"""

from bridges._record import Bridge as _Bridge
from bridges.validators._base import Finding, Rule, Validator
from bridges.validators._layers import LAYER_RULES, module_name
from bridges.validators._records import BUILTIN_BRIDGES, validator_bridge

__all__ = [
    "BRIDGES",
    "BUILTIN_BRIDGES",
    "LAYER_RULES",
    "Finding",
    "Rule",
    "Validator",
    "module_name",
    "validator_bridge",
]

BRIDGES: tuple[_Bridge, ...] = BUILTIN_BRIDGES
