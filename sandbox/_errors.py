"""Exceptions of the sandbox package (errors of the *caller*, not of snippets).

Snippet failures are never raised: they come back as ``RunResult.error`` (a ``SnippetError``).
What is raised is a mistake of the code embedding the sandbox, or a broken environment::

    SandboxError
    ├── SandboxClosedError   the sandbox or session was used after close()
    ├── WorkerStartError     a worker process could not be started (interpreter missing, ...)
    └── SessionBlobError     a saved session that cannot be dumped or restored (sandbox._session_blob)
"""

from __future__ import annotations

__all__ = ["SandboxClosedError", "SandboxError", "WorkerStartError"]


class SandboxError(Exception):
    """Base class of the errors the sandbox raises to its caller."""


class SandboxClosedError(SandboxError):
    """The sandbox or session was used after it was closed; open a new one."""


class WorkerStartError(SandboxError):
    """A worker process could not be started or did not become ready."""
