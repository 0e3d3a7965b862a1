"""Errors of the LibCST bridges and the domain validators.

Every failure a snippet can cause is a ``bridges.BridgeError`` (a ``sandbox.HostFunctionError``), so
its message reaches the model verbatim; write each as an instruction. Path problems use the shared
``PathOutsideWorkspace`` and ``PathNotFound``; the rest are these::

    BridgeError
    └── CstBridgeError              any other failure of a cst_* bridge or a validator
        ├── NotPythonFile           the path is not a .py file where one is needed
        ├── SourceError             the file is not UTF-8 or not valid Python
        ├── PatternError            cst_find_pattern got a pattern it cannot read
        ├── NameArgumentError       cst_rename / cst_add_import got a name that cannot work
        └── RuleArgumentError       check_layers got rules it cannot apply

Errors of developers who write plugins are not for the model and live in
``bridges.validators.PluginError``.
"""

from __future__ import annotations

from bridges._errors import BridgeError

__all__ = [
    "CstBridgeError",
    "NameArgumentError",
    "NotPythonFile",
    "PatternError",
    "RuleArgumentError",
    "SourceError",
]


class CstBridgeError(BridgeError):
    """Base of every model-facing failure of the LibCST bridges and validators."""


class NotPythonFile(CstBridgeError):
    """The path names a file that is not a ``.py`` file, or a folder where one file is needed."""


class SourceError(CstBridgeError):
    """A Python file could not be read (not UTF-8) or parsed (syntax error)."""


class PatternError(CstBridgeError):
    """A ``cst_find_pattern`` pattern is malformed or names an unknown kind."""


class NameArgumentError(CstBridgeError):
    """A name given to ``cst_rename`` or ``cst_add_import`` is not usable."""


class RuleArgumentError(CstBridgeError):
    """``check_layers`` rules are malformed (empty, or naming no package of the workspace)."""
