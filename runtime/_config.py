"""Workspace defaults for the CLI: ``[tool.punie]`` in ``pyproject.toml``, or ``punie.toml``.

::

    [tool.punie]              # in pyproject.toml (punie.toml: the same keys at top level)
    model = "openai:http://127.0.0.1:8080/v1"
    max_turns = 8
    max_time_s = 300
    max_tokens = 100000
    max_reply_tokens = 1024
    temperature = 0.0
    seed = 0
    allow_write = false
    bridges = ["typecheck", "ruff_check", "pytest_run", "git_*"]   # default: all of them
    python = ".venv"          # the project's Python: a venv folder or an interpreter
    bridge_timeout_s = 120    # upper bound for one tool run behind a bridge (default 60)
    jail = "auto"             # where pytest_run runs the project's code: "auto", a bwrap path, "off"
    jail_network = false      # whether jailed tests may use the network

``punie.toml`` wins over ``pyproject.toml`` when both exist; command-line options win over both.
Unknown keys are an error (a typo should not be silently ignored).
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime._errors import ConfigError

__all__ = ["PunieConfig", "load_config"]


class PunieConfig(BaseModel):
    """The settings a workspace may pin; None means "use punie's default"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = None
    max_turns: int | None = Field(default=None, gt=0)
    max_time_s: float | None = Field(default=None, gt=0)
    max_tokens: int | None = Field(default=None, gt=0)
    max_reply_tokens: int | None = Field(default=None, gt=0)
    temperature: float | None = Field(default=None, ge=0)
    seed: int | None = None
    allow_write: bool = False
    bridges: list[str] | None = None
    """Only these bridges (names or globs like ``git_*``): a smaller prompt for small models."""
    python: str | None = Field(default=None, min_length=1)
    """The project's Python for pytest, ty and the language server: a virtual environment folder
    or an interpreter, relative to the workspace or absolute. None: the workspace's ``.venv``,
    else the active virtual environment, else punie's own interpreter."""
    bridge_timeout_s: float | None = Field(default=None, gt=0)
    """Upper bound in seconds for any tool process a bridge starts (pytest, ty, ruff...)."""
    jail: str | None = Field(default=None, min_length=1)
    """Where tools that run the project's code (pytest) are confined: 'auto' (bubblewrap on
    Linux, sandbox-exec on macOS), the path of that program, or 'off' to run them unjailed.
    None: 'auto'. Without a jail, a session that allows writes refuses to run them."""
    jail_network: bool | None = None
    """Whether jailed tools may use the network (None: no)."""
    source: str | None = None
    """The file the settings came from (filled in by ``load_config``)."""


def load_config(workspace: Path) -> PunieConfig:
    """Read the workspace's punie settings; an empty config when there are none."""
    candidates = [(workspace / "punie.toml", False), (workspace / "pyproject.toml", True)]
    for path, nested in candidates:
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read {path}: {error}") from error
        if nested:
            table = data.get("tool", {}).get("punie")
            if table is None:
                continue
        else:
            table = data
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: the punie settings must be a table")
        try:
            return PunieConfig.model_validate({**table, "source": str(path)})
        except ValidationError as error:
            problems = "; ".join(_problem(item) for item in error.errors(include_url=False))
            raise ConfigError(f"{path}: invalid punie settings: {problems}") from error
    return PunieConfig()


def _problem(item: Any) -> str:
    """One validation error as a line a person can act on: a typo names the nearest key.

    pydantic's own "Extra inputs are not permitted" says what is wrong but not what was meant,
    and ``max_turn`` for ``max_turns`` is the usual way a settings file goes wrong.
    """
    location = ".".join(str(part) for part in item["loc"])
    if item["type"] != "extra_forbidden" or len(item["loc"]) != 1:
        return f"{location}: {item['msg']}"
    keys = [name for name in PunieConfig.model_fields if name != "source"]
    close = difflib.get_close_matches(location[:100], keys, n=1, cutoff=0.6)
    if close:
        return f"{location}: unknown setting; did you mean '{close[0]}'?"
    return f"{location}: unknown setting; the settings are: {', '.join(keys)}"
