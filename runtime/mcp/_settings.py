"""What ``punie mcp`` serves: one frozen record, filled from the command line or by a caller.

Flags win over the workspace's ``[tool.punie]`` settings (``allow_write``, ``bridges``,
``python``, ``bridge_timeout_s``, ``jail``), which win over punie's defaults: the same order as
``punie ask``, so a project configured once behaves the same under every face.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sandbox import Limits

__all__ = ["ServerSettings"]


@dataclass(frozen=True)
class ServerSettings:
    """Settings of one ``punie mcp`` server (every MCP session it serves shares them)."""

    workspace: Path | None = None
    """The project the bridges work on. None: the first ``file://`` root the client offers,
    else the current folder."""
    allow_write: bool = False
    """Offer the bridges that change files (also turned on by ``allow_write`` in the
    workspace's ``[tool.punie]``)."""
    bridges: tuple[str, ...] | None = None
    """Bridge names or globs to offer (``("typecheck", "git_*")``); None: the workspace's
    ``bridges`` setting, else every bridge. Exclusive with ``profile``."""
    profile: str | None = None
    """A profile name (``runtime.profiles``): its bridge selection and stub style."""
    expose_bridges: bool = False
    """Also offer each bridge as a plain MCP tool, besides ``run_python``."""
    limits: Limits = field(default_factory=Limits)
    """The sandbox's limits for every ``run_python`` call (time, memory, output, bridge calls)."""
    bridge_timeout_s: float | None = None
    """Seconds one tool run behind a bridge may take; None: the workspace's setting, else 60."""
    python: str | None = None
    """The project's Python (absolute); None: the workspace's setting, else found by punie."""
    jail: str | None = None
    """Where ``pytest_run`` runs the project's code ('auto', a bwrap path, 'off'); None: the
    workspace's setting, else 'auto'."""
