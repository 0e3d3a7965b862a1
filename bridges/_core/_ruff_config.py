"""Which ruff configuration ``ruff_check`` ran under, said in one line for ``RuffResult.rules``.

``ruff_check`` passes no rule selection of its own: without ``select`` it reports exactly what
``ruff check`` reports in the project. ruff finds the configuration of each file in the closest
folder, from the file's own folder upwards, that holds ``.ruff.toml``, ``ruff.toml`` or a
``pyproject.toml`` with a ``[tool.ruff]`` table (first match wins, in that order, within one
folder); with none it uses its defaults (a user-level configuration never applies to a bridge:
``bridges.tool_environment`` points ``XDG_CONFIG_HOME`` nowhere). This module repeats that search
for the path the bridge was given, only to tell the model and the person which rules applied;
ruff itself decides what is reported. ``tests/bridges/test_ruff_project_config.py`` compares the
answer with ruff's own ``--show-settings``.

What an explicit ``select`` does, as measured with ruff 0.17.6: ``--select`` replaces the
configuration's ``select``, ``extend-select`` and ``ignore`` (an ignored rule given in ``select``
is reported); its ``per-file-ignores``, target version and every other setting still apply.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = ["describe_rules", "ruff_config"]

_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")
_READ_LIMIT = 1 << 20
"""A ``pyproject.toml`` larger than this (1 MiB) is not parsed in the host: it counts as a ruff
configuration when its first MiB mentions ruff. No real project comes near it."""


def ruff_config(start: Path) -> Path | None:
    """The configuration file ruff uses for ``start`` (a file or a folder), or None."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in _NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _configures_ruff(path)):
                return path
    return None


def describe_rules(workspace: Path, start: Path, select: list[str] | None) -> str:
    """One line saying which rules ``ruff check`` applied to ``start``, for ``RuffResult.rules``."""
    config = ruff_config(start)
    if config is None:
        where = ""
        if select is None:
            return "ruff's defaults (the project has no ruff configuration)"
    elif config.parent == workspace or workspace in config.parents:
        where = f"the project's configuration ({config.relative_to(workspace).as_posix()})"
    else:
        where = f"the ruff configuration of a folder above the workspace ({config})"
    if select is None:
        return where
    given = f"select={select!r} given to the call"
    if not where:
        return f"{given} (the project has no ruff configuration)"
    return (
        f"{given}: it replaces the select, extend-select and ignore of {where}; its "
        "per-file-ignores, target version and other settings still apply"
    )


def _configures_ruff(pyproject: Path) -> bool:
    try:
        with pyproject.open("rb") as stream:
            data = stream.read(_READ_LIMIT + 1)
    except OSError:
        return False
    if len(data) > _READ_LIMIT:
        return b"ruff" in data[:_READ_LIMIT]
    try:
        tool = tomllib.loads(data.decode("utf-8")).get("tool")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # ruff refuses it itself, and the bridge reports ruff's own error
    return isinstance(tool, dict) and "ruff" in tool
