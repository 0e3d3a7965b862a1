"""The bridges of one workspace, selected and bound, with the sandbox that offers them.

A server may serve several workspaces (each client's roots can name another project); each gets
its bridges bound to its folder, one ``Sandbox`` (one worker pool) and one pre-run checker shared
by all the MCP sessions on it. Building them starts no process: workers start at the first run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runtime._code_session import CodeSession
from runtime._errors import UsageError
from runtime._select import select_host_functions
from runtime.mcp._settings import ServerSettings
from runtime.template import system_prompt_for
from sandbox import HostFunction, Prechecker, Sandbox

__all__ = ["MCP_RULES", "Workspace", "WorkspaceCache", "load_workspace"]

MCP_RULES = """\
Run a Python snippet in punie's sandbox, against the user's workspace. The snippet calls the typed
functions below (ty, ruff, pytest, git, files, a language server, LibCST tools); their results are
typed objects, so read fields (result.errors[0].line), not raw tool output. Rules:
- Call the functions with keyword arguments only. Imports are not available; the functions are.
- Print only what you need, or end with an expression: its value is returned to you.
- Names you define stay defined for the next call of this session; the reset tool clears them.
- You get the printed output, the last value, or the error (with its line and what to do).
  Fix the snippet and call again."""
"""The usage rules at the head of ``run_python``'s description: the rules punie's own model
reads, minus its tool-call syntax (an MCP client has its own)."""


@dataclass(frozen=True)
class Workspace:
    """One workspace's selected bridges, their sandbox, and the text that describes them."""

    root: Path
    functions: tuple[HostFunction, ...]
    sandbox: Sandbox
    checker: Prechecker
    description: str
    """``run_python``'s description: the rules and the stubs, rendered by ``runtime.template``."""

    def open_session(self) -> CodeSession:
        """A fresh namespace for one MCP session."""
        return CodeSession(self.sandbox, checker=self.checker)

    def function(self, name: str) -> HostFunction | None:
        return next((f for f in self.functions if f.name == name), None)

    def close(self) -> None:
        self.sandbox.close()


def load_workspace(root: Path, settings: ServerSettings) -> Workspace:
    """Bind and select the bridges of ``root``; ``UsageError`` naming the flag or setting."""
    from bridges import BridgeError, default_bridges
    from runtime._config import load_config

    root = root.expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"workspace {root} is not a folder; pass --workspace DIR")
    config = load_config(root)
    timeout = settings.bridge_timeout_s or config.bridge_timeout_s or 60.0
    try:
        functions = default_bridges(
            root,
            allow_write=settings.allow_write or config.allow_write,
            timeout_s=timeout,
            python=settings.python or config.python,
            jail=settings.jail or config.jail or "auto",
            jail_network=bool(config.jail_network),
        )
    except (OSError, ValueError, BridgeError) as error:
        raise UsageError(f"workspace {root}: {error}") from None
    style: Any = "full"
    if settings.profile is not None:
        from runtime.profiles import get_profile

        profile = get_profile(settings.profile)
        functions = profile.select(functions)
        style = profile.stub_style
    elif settings.bridges is not None or config.bridges is not None:
        functions = select_host_functions(functions, settings.bridges or config.bridges or ())
    description = system_prompt_for(functions, rules=MCP_RULES, style=style)
    return Workspace(
        root=root,
        functions=tuple(functions),
        sandbox=Sandbox(functions, limits=settings.limits),
        checker=Prechecker(functions),
        description=description,
    )


class WorkspaceCache:
    """Workspaces by folder, built once each and closed together (thread-safe)."""

    def __init__(self, settings: ServerSettings) -> None:
        self._settings = settings
        self._loaded: dict[Path, Workspace] = {}
        self._lock = threading.Lock()
        self._closed = False

    def get(self, root: Path) -> Workspace:
        key = root.expanduser().resolve()
        with self._lock:
            if self._closed:
                raise UsageError("the MCP server is shutting down")
            found = self._loaded.get(key)
            if found is None:
                found = self._loaded[key] = load_workspace(key, self._settings)
            return found

    def close(self) -> None:
        with self._lock:
            self._closed = True
            loaded, self._loaded = list(self._loaded.values()), {}
        for workspace in loaded:
            workspace.close()
