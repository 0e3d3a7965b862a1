"""Run model-written Python securely: restricted compile, locked-down workers, typed host functions.

Public API (pinned by tests): ``Sandbox``, ``Limits``, ``HostFunction``, ``HostFunctionError``,
``RunResult``, ``SnippetError``.
"""

from sandbox._host import HostFunction, HostFunctionError, as_host_function

__all__ = ["HostFunction", "HostFunctionError", "as_host_function"]
