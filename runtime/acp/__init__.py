"""``punie acp``: punie as an Agent Client Protocol agent for editors (Zed, JetBrains IDEs).

The editor starts ``punie acp`` and talks to it on stdin/stdout. Each session the editor opens is
one punie ``Agent`` on the session's folder; a prompt runs the agent loop, and every step shows
in the editor as it happens: the model's prose as message chunks, each snippet as a tool call
(kind ``execute``, the code shown), each bridge call inside it as its own tool call with its
arguments and a short result, the plan when the model writes a list, then the answer. Writes ask
the person first (allow once, always, reject). See docs/editor.md for the editor settings.

The SDK (``agent-client-protocol``) takes seconds to import, so names are loaded on first use
(PEP 562): ``punie --help`` and every other command never import it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runtime.acp._agent import PunieAgent, prompt_text
    from runtime.acp._errors import WriteRejected
    from runtime.acp._index import SessionIndex, SessionRecord
    from runtime.acp._interrupt import InterruptibleAgent, InterruptibleSandbox
    from runtime.acp._observe import EDITOR_NOTE, is_write
    from runtime.acp._serve import AnsweringTransport, serve, serve_stdio
    from runtime.acp._session import NO_MODEL, AcpSession
    from runtime.acp._settings import AgentSettings
    from runtime.acp._updates import RunUpdates, plan_items

_SOURCES: dict[str, tuple[str, ...]] = {
    "runtime.acp._agent": ("PunieAgent", "prompt_text"),
    "runtime.acp._errors": ("WriteRejected",),
    "runtime.acp._index": ("SessionIndex", "SessionRecord"),
    "runtime.acp._interrupt": ("InterruptibleAgent", "InterruptibleSandbox"),
    "runtime.acp._observe": ("EDITOR_NOTE", "is_write"),
    "runtime.acp._serve": ("AnsweringTransport", "serve", "serve_stdio"),
    "runtime.acp._session": ("NO_MODEL", "AcpSession"),
    "runtime.acp._settings": ("AgentSettings",),
    "runtime.acp._updates": ("RunUpdates", "plan_items"),
}
_HOME = {name: module for module, names in _SOURCES.items() for name in names}

__all__ = [
    "EDITOR_NOTE",
    "NO_MODEL",
    "AcpSession",
    "AgentSettings",
    "AnsweringTransport",
    "InterruptibleAgent",
    "InterruptibleSandbox",
    "PunieAgent",
    "RunUpdates",
    "SessionIndex",
    "SessionRecord",
    "WriteRejected",
    "is_write",
    "plan_items",
    "prompt_text",
    "serve",
    "serve_stdio",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime.acp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
