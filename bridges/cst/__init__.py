"""LibCST bridges: find syntax patterns, rename identifiers, add imports.

``BRIDGES`` is read by the bridge registry. The rename and import bridges return a ``Patch`` and
write it only when the session allows writing. Parsed modules are shared with the validators
through ``MODULE_CACHE`` (keyed by content hash).
"""

from bridges._record import Bridge as _Bridge
from bridges.cst._cache import MODULE_CACHE, ModuleCache, ParsedSource
from bridges.cst._errors import (
    CstBridgeError,
    NameArgumentError,
    NotPythonFile,
    PatternError,
    RuleArgumentError,
    SourceError,
)
from bridges.cst._records import CST_ADD_IMPORT, CST_FIND_PATTERN, CST_RENAME

__all__ = [
    "BRIDGES",
    "CST_ADD_IMPORT",
    "CST_FIND_PATTERN",
    "CST_RENAME",
    "MODULE_CACHE",
    "CstBridgeError",
    "ModuleCache",
    "NameArgumentError",
    "NotPythonFile",
    "ParsedSource",
    "PatternError",
    "RuleArgumentError",
    "SourceError",
]

BRIDGES: tuple[_Bridge, ...] = (CST_FIND_PATTERN, CST_RENAME, CST_ADD_IMPORT)
