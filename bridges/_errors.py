"""The bridge error family: failures a model can read and act on.

Every expected failure of a bridge becomes one of these, never a Python traceback from our code.
They derive from ``sandbox.HostFunctionError``, so the sandbox passes the message to the snippet
verbatim. Messages say what happened and what to do next; the model learns from them.

::

    HostFunctionError (sandbox)
    └── BridgeError
        ├── BridgeArgumentError    an argument is well-typed but makes no sense (start_line > end_line)
        ├── PathOutsideWorkspace   '..', an absolute path or a symlink leads out of the workspace
        ├── PathNotFound           the path does not exist (or is a file where a folder is needed)
        ├── WritingNotAllowed      a write was requested in a read-only session
        ├── JailUnavailable        workspace code may run only in a jail, and there is none
        ├── ExampleFileError       a bridge's examples file breaks its schema (bridges/_example_files.py)
        └── ToolError              a tool process failed
            ├── ToolMissing        the program is not installed
            ├── ToolTimeout        it ran longer than the bridge's time limit and was killed
            ├── ToolCrashed        it exited with an unexpected status or a signal
            └── ToolOutputError    its output could not be parsed (format drift, garbage)
"""

from __future__ import annotations

from sandbox import HostFunctionError

__all__ = [
    "BridgeArgumentError",
    "BridgeError",
    "JailUnavailable",
    "PathNotFound",
    "PathOutsideWorkspace",
    "ToolCrashed",
    "ToolError",
    "ToolMissing",
    "ToolOutputError",
    "ToolTimeout",
    "WritingNotAllowed",
]


class BridgeError(HostFunctionError):
    """Base of every bridge failure; the message is written for the model."""


class BridgeArgumentError(BridgeError):
    """Arguments passed validation of their types but contradict each other or the workspace."""


class PathOutsideWorkspace(BridgeError):
    """A path would leave the workspace; use a path relative to the workspace root."""


class PathNotFound(BridgeError):
    """The path does not exist in the workspace; list the files to find the right one."""


class WritingNotAllowed(BridgeError):
    """The session is read-only; show the change (a diff) instead of writing it."""


class JailUnavailable(BridgeError):
    """A tool that runs workspace code needs a jail (bubblewrap, sandbox-exec) and there is none.

    Terminal for the model: only the user can install one or opt out (``jail = "off"``).
    """


class ToolError(BridgeError):
    """A tool process failed; ``tool`` names the program."""

    def __init__(self, message: str, *, tool: str) -> None:
        super().__init__(message)
        self.tool = tool


class ToolMissing(ToolError):
    """The tool is not installed where punie looks (next to the Python interpreter, then PATH)."""


class ToolTimeout(ToolError):
    """The tool ran longer than allowed and was killed."""


class ToolCrashed(ToolError):
    """The tool exited with a status that means it failed itself (not 'found problems')."""


class ToolOutputError(ToolError):
    """The tool's output was not in the format its parser knows."""
