"""The Python files under a workspace path, confined by the shared ``resolve_in_workspace``."""

from __future__ import annotations

from pathlib import Path

from bridges._workspace import resolve_in_workspace
from bridges.cst._errors import NotPythonFile

__all__ = ["python_file", "python_files", "relative_to_workspace"]

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
    target = resolve_in_workspace(workspace, path)
    if target.is_file():
        if target.suffix != ".py":
            raise NotPythonFile(
                f"{path!r} is not a Python file; give a .py file or a folder of them"
            )
        return [target]
    root = workspace.resolve()
    found: list[Path] = []
    for file in sorted(target.rglob("*.py")):
        parts = file.relative_to(target).parts[:-1]
        if any(part.startswith(".") or part in _SKIPPED_DIRECTORIES for part in parts):
            continue
        real = file.resolve()
        if real.is_file() and root in real.parents:
            found.append(file)
    return found
