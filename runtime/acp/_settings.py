"""What ``punie acp`` was started with: the editor's settings for every session it opens.

An editor starts one agent process and opens sessions in it, each with its own folder (``cwd``).
Each session reads that folder's ``[tool.punie]``/``punie.toml`` (``runtime.load_config``); a
setting given here (a flag in the editor's agent configuration) wins over the folder's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox import Limits

__all__ = ["AgentSettings"]


@dataclass(frozen=True)
class AgentSettings:
    """Options of ``punie acp``; None means "the workspace's setting, else punie's default"."""

    model: str | None = None
    """A model spec (``mlx:PATH``, ``openai:URL#MODEL``, ``scripted:FILE.json``); wins over
    ``model`` in the workspace's settings. With neither, the agent says so in its reply."""
    allow_write: bool = False
    """Offer the writing bridges (each write still asks the person first); the workspace's
    ``allow_write = true`` turns them on too."""
    bridges: tuple[str, ...] | None = None
    """Only these bridges (names or globs); None: the workspace's ``bridges``, else all."""
    profile: str | None = None
    """A built-in profile name (``full``, ``compact``, ``core``): bridge selection and stub style."""
    python: str | None = None
    """The project's Python (absolute); None: the workspace's ``python``, else found."""
    jail: str | None = None
    """'auto', a jail program or 'off'; None: the workspace's ``jail``, else 'auto'."""
    bridge_timeout_s: float | None = None
    """Upper bound of one tool run behind a bridge; None: the workspace's, else 60 s."""
    limits: Limits = field(default_factory=Limits)
    """The sandbox's limits for every snippet (``--timeout`` sets ``timeout_s``)."""
    record_traces: bool = True
    """Record every prompt's run as a punie trace; ``session/load`` replays them (off: the agent
    does not offer ``loadSession``)."""
