"""LibCST bridges: find syntax patterns, rename identifiers, add imports.

``BRIDGES`` is read by the bridge registry. The rename and import bridges return a ``Patch`` and
write it only when the session allows writing. Parsed modules are shared with the validators
through ``MODULE_CACHE`` (keyed by content hash).

The cache names load on first use (module ``__getattr__``): listing the bridges must not import
LibCST, which only a call needs.
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING, Any as _Any

from bridges._bridge import Bridge as _Bridge
from bridges.cst._errors import (
    CstBridgeError,
    NameArgumentError,
    NotPythonFile,
    PatternError,
    RuleArgumentError,
    SourceError,
)
from bridges.cst._records import CST_ADD_IMPORT, CST_FIND_PATTERN, CST_RENAME

if _TYPE_CHECKING:
    from bridges.cst._cache import MODULE_CACHE, ModuleCache, ParsedSource

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


_CACHE_NAMES = frozenset({"MODULE_CACHE", "ModuleCache", "ParsedSource"})


def __getattr__(name: str) -> _Any:
    """Import the module cache (and LibCST) when one of its names is first asked for."""
    if name in _CACHE_NAMES:
        from bridges.cst import _cache

        return getattr(_cache, name)
    raise AttributeError(f"module 'bridges.cst' has no attribute {name!r}")
