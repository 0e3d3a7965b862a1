"""The evals package's one exception family.

::

    EvalError                   base of everything ``evals`` raises on purpose
    ├── SuiteError              a suite or case file cannot be used (schema, TOML, facts)
    ├── WorkspaceError          a case's workspace cannot be prepared (unknown name, git failed)
    └── EvalUsageError          the caller passed something unusable (model spec, workers, ...)

Failures of the *model under evaluation* are never exceptions: they are scores with an error type
in the ``EvalReport``. A model backend that cannot be reached at all fails the case with error type
``model_error`` rather than ending the whole run.
"""

from __future__ import annotations

__all__ = ["EvalError", "EvalUsageError", "SuiteError", "WorkspaceError"]


class EvalError(Exception):
    """Base class of every error ``evals`` raises deliberately."""


class SuiteError(EvalError):
    """A suite file is unreadable or a case breaks the schema; the message names the file, the
    case id, the field and what is allowed."""


class WorkspaceError(EvalError):
    """A case names a workspace that does not exist, or preparing its copy failed."""


class EvalUsageError(EvalError):
    """The API was called wrongly: an unknown model spec, ``workers < 1``, an unknown suite."""
