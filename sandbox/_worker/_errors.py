"""The one ``HostFunctionError``: raised by host functions in the host, caught by snippets here.

It lives in the worker package, which imports nothing of the host, so that the host
(``sandbox.HostFunctionError``) and the worker (the builtin a snippet catches) share one
definition. A host function raises it to fail with a message written for the model; the
message crosses as data, and the worker raises it again inside the snippet.
"""

from __future__ import annotations

__all__ = ["HostFunctionError"]


class HostFunctionError(Exception):
    """Raised by a host function to fail with a message written for the model.

    The message reaches the snippet (and, when uncaught, the run's ``SnippetError`` of kind
    ``host_function``) verbatim, so write it as an instruction: what went wrong and what to do.
    Any other exception escaping a host function is reported by type and message only, never with
    a host traceback. Inside a snippet, every failed host function call raises it; catch it to
    recover.
    """
