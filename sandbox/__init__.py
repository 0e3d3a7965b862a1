"""Run model-written Python securely: restricted compile, locked-down workers, typed host functions.

Public API (pinned by tests): ``Sandbox``, ``Limits``, ``HostFunction``, ``HostFunctionError``,
``RunResult``, ``SnippetError``.
"""

from sandbox._host import HostFunction, HostFunctionError, as_host_function
from sandbox._precheck import Prechecker, PrecheckIssue, precheck
from sandbox._stubs import render_stub, render_stubs

__all__ = [
    "HostFunction",
    "HostFunctionError",
    "PrecheckIssue",
    "Prechecker",
    "as_host_function",
    "precheck",
    "render_stub",
    "render_stubs",
]
