"""Which Python is the project's: one answer for every bridge that runs or resolves its code.

pytest, ty and the language server must agree about the environment they are in, or a bridge
reports on code that is not the code the user runs (a test suite that passes because it imported
punie's copy of a package instead of the project's). The answer, in order:

1. an explicit setting (``python = ...`` in ``[tool.punie]``/``punie.toml``, ``--python``, the
   ``python=`` argument of ``default_bridges``): a virtual environment folder or an interpreter;
2. the workspace's own ``.venv`` (then ``venv``);
3. an active virtual environment (``VIRTUAL_ENV``) that is not punie's own;
4. punie's own interpreter (the project has no environment of its own).
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bridges._errors import BridgeError

__all__ = [
    "EnvironmentSource",
    "ProjectPython",
    "ProjectPythonError",
    "find_project_python",
    "project_environment",
]

EnvironmentSource = Literal["setting", "workspace", "active", "punie"]
"""Where the answer came from: an explicit setting, the workspace's ``.venv``, the active
virtual environment, or punie's own interpreter."""


class ProjectPythonError(BridgeError):
    """The configured Python of the project does not exist or is not an interpreter.

    ``setting`` is the value as given and ``looked_at`` the path it was taken to mean, so that
    a command line can name its own flag (``--python``) instead of the configuration key.
    """

    def __init__(self, message: str, *, setting: str, looked_at: Path) -> None:
        super().__init__(message)
        self.setting = setting
        self.looked_at = looked_at


@dataclass(frozen=True)
class ProjectPython:
    """The interpreter that runs the project's code, and why it was chosen."""

    executable: Path
    """Absolute path of the interpreter (not resolved through symlinks: a venv's python is one)."""
    source: EnvironmentSource
    """Which rule chose it."""
    prefix: Path | None
    """The virtual environment folder, when the interpreter lives in one."""

    def describe(self) -> str:
        """One line for people: 'python of /proj/.venv (the workspace's .venv)'."""
        where = {
            "setting": "set by configuration",
            "workspace": "the workspace's own environment",
            "active": "the active virtual environment",
            "punie": "punie's own interpreter: the project has no .venv",
        }[self.source]
        shown = self.prefix if self.prefix is not None else self.executable
        return f"{shown} ({where})"


def find_project_python(workspace: Path, setting: str | None = None) -> ProjectPython:
    """The project's Python for ``workspace`` (absolute); ``setting`` is the explicit choice.

    A relative ``setting`` is taken from the workspace root. Raises ``ProjectPythonError`` when
    the setting names nothing usable: a wrong setting must not silently fall back to another
    environment.
    """
    found = _find(workspace, setting, os.environ.get("VIRTUAL_ENV"))
    if not found.executable.is_file():  # remembered, then removed (a .venv rebuilt or deleted)
        _find.cache_clear()
        found = _find(workspace, setting, os.environ.get("VIRTUAL_ENV"))
    return found


def project_environment(project: ProjectPython) -> dict[str, str]:
    """``PATH`` and ``VIRTUAL_ENV`` for a process that must live in the project's environment.

    Merged into ``bridges.tool_environment`` for pytest (whose tests may start ``python`` or a
    console script of the project) and for the ty language server, which finds the
    environment the way ``ty check`` does: ``VIRTUAL_ENV`` first, then the workspace's ``.venv``,
    then the ``python`` on ``PATH``. So the interpreter's folder goes first on ``PATH`` (instead
    of punie's own), and ``VIRTUAL_ENV`` names the environment when the interpreter is in one.
    """
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    variables = {"PATH": f"{project.executable.parent}{os.pathsep}{path}"}
    if project.prefix is not None:
        variables["VIRTUAL_ENV"] = str(project.prefix)
    return variables


@functools.lru_cache(maxsize=64)
def _find(workspace: Path, setting: str | None, active: str | None) -> ProjectPython:
    """The project's Python for these arguments; ``find_project_python`` says how it is chosen.

    Remembered for the process (``lru_cache``, 64 entries) because bridges, the language server
    and the CLI must agree on one interpreter per workspace: the workspace is part of the key,
    so two workspaces never share an answer, and ``find_project_python`` drops the memo when the
    interpreter it names is gone. An environment created after the first look (a new ``.venv``
    beside a remembered fallback) is seen by the next process.
    """
    if setting is not None:
        candidate = Path(setting).expanduser()
        if not candidate.is_absolute():
            candidate = workspace / candidate
        found = _interpreter_of(candidate)
        if found is None:
            raise ProjectPythonError(
                f"python = {setting!r} is neither a virtual environment folder nor a Python "
                f"interpreter (looked at {candidate}); set it to the project's .venv, e.g. "
                "python = '.venv', or remove the setting to let punie find it",
                setting=setting,
                looked_at=candidate,
            )
        return ProjectPython(executable=found, source="setting", prefix=_venv_of(found))
    for name in (".venv", "venv"):
        found = _interpreter_of(workspace / name)
        if found is not None:
            return ProjectPython(executable=found, source="workspace", prefix=workspace / name)
    own_prefix = Path(sys.prefix).resolve()
    if active and Path(active).resolve() != own_prefix:
        found = _interpreter_of(Path(active))
        if found is not None:
            return ProjectPython(executable=found, source="active", prefix=Path(active))
    own = Path(sys.executable)
    return ProjectPython(executable=own, source="punie", prefix=_venv_of(own))


def _interpreter_of(path: Path) -> Path | None:
    """The interpreter of a venv folder, or ``path`` itself when it is an executable file."""
    if path.is_dir():
        for relative in ("bin/python", "bin/python3", "Scripts/python.exe"):
            candidate = path / relative
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        return None
    if path.is_file() and os.access(path, os.X_OK):
        return path
    return None


def _venv_of(executable: Path) -> Path | None:
    folder = executable.parent.parent
    return folder if (folder / "pyvenv.cfg").is_file() else None
