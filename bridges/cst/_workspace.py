"""The Python files under a workspace path, confined by the shared ``resolve_in_workspace``."""

from __future__ import annotations

from pathlib import Path

from bridges._workspace import resolve_in_workspace
from bridges.cst._errors import NotPythonFile

__all__ = ["python_file", "python_files", "python_sources", "relative_to_workspace"]

_SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "build", "dist"})


def relative_to_workspace(workspace: Path, path: Path) -> str:
    """The workspace-relative POSIX spelling of a path inside the workspace."""
    relative = path.resolve().relative_to(workspace.resolve()).as_posix()
    return relative or "."


def python_file(workspace: Path, path: str, *, bridge: str) -> Path:
    """The one ``.py`` file ``path`` names; ``bridge`` names the caller in errors."""
    file = resolve_in_workspace(workspace, path)
    if not file.is_file() or file.suffix != ".py":
        raise NotPythonFile(
            f"{bridge} changes one Python file; {path!r} is not a .py file. "
            "Give the path of a single .py file, e.g. 'shop/web/components.py'"
        )
    return file


def python_files(workspace: Path, path: str) -> list[Path]:
    """``path`` itself when it is a Python file, else every ``*.py`` under it (sorted).

    Hidden directories (``.git``, ``.venv``), caches and build output are skipped; a symlinked
    file that points outside the workspace is skipped rather than read.
    """
    return [file for file, _ in _sources(workspace, path)]


def python_sources(workspace: Path, path: str) -> list[tuple[Path, str]]:
    """``python_files`` with each file's ``relative_to_workspace`` spelling, resolving each
    path once (on Django, resolving every file twice cost more than the search)."""
    return [(real, relative) for _, (real, relative) in _sources(workspace, path)]


def _sources(workspace: Path, path: str) -> list[tuple[Path, tuple[Path, str]]]:
    target = resolve_in_workspace(workspace, path)
    root = workspace.resolve()
    if target.is_file():
        if target.suffix != ".py":
            raise NotPythonFile(
                f"{path!r} is not a Python file; give a .py file or a folder of them"
            )
        real = target.resolve()
        return [(target, (real, real.relative_to(root).as_posix() or "."))]
    found: list[tuple[Path, tuple[Path, str]]] = []
    for file in sorted(target.rglob("*.py")):
        parts = file.relative_to(target).parts[:-1]
        if any(part.startswith(".") or part in _SKIPPED_DIRECTORIES for part in parts):
            continue
        real = file.resolve()
        if real.is_file() and root in real.parents:
            found.append((file, (real, real.relative_to(root).as_posix())))
    return found
