"""The runtime's one exception family.

::

    PunieRuntimeError                 base of everything the runtime raises on purpose
    ├── UsageError                    the embedding developer called the API wrongly
    │   ├── ModelSpecError            a model spec string that cannot be understood
    │   └── ConfigError               a bad ``[tool.punie]`` table or ``punie.toml``
    ├── ModelError                    the model backend failed (the run cannot go on)
    │   ├── ModelUnavailableError     server down / unreachable / kept failing after retries
    │   ├── ModelRequestError         the server refused the request (HTTP 4xx): fix the request
    │   └── ModelResponseError        the server answered with something that is not a completion
    └── TraceError                    a trace file is missing or unreadable

Errors *aimed at the model* (a snippet that does not parse, a wrong keyword argument, a bridge
failure) are not exceptions here: the loop renders them as the next tool result so the model can
retry. Limits (turns, time, tokens) and cancellation end a run with an ``outcome`` on the
``AgentResult``, not with an exception, so that the trace is complete either way.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "ModelError",
    "ModelRequestError",
    "ModelResponseError",
    "ModelSpecError",
    "ModelUnavailableError",
    "PunieRuntimeError",
    "TraceError",
    "UsageError",
]


class PunieRuntimeError(Exception):
    """Base class of every error the runtime raises deliberately."""


class UsageError(PunieRuntimeError):
    """The runtime was called in a way it does not support; the message says how to call it."""


class ModelSpecError(UsageError):
    """A model spec string (``mlx:PATH[@ADAPTER]``, ``openai:URL#MODEL``, ``scripted:FILE``) is bad."""


class ConfigError(UsageError):
    """The workspace configuration (``[tool.punie]`` or ``punie.toml``) is invalid."""


class ModelError(PunieRuntimeError):
    """The model backend could not produce a completion."""


class ModelUnavailableError(ModelError):
    """The model could not be reached, or kept failing (5xx, timeouts) after bounded retries."""


class ModelRequestError(ModelError):
    """The server rejected the request (HTTP 4xx); retrying the same request will not help."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class ModelResponseError(ModelError):
    """The server answered, but not with a chat completion the runtime can read."""


class TraceError(PunieRuntimeError):
    """A trace could not be found or read."""
