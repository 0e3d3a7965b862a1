"""Helpers shared by the core bridges: argument-model base, parse-error translation."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from bridges._errors import ToolOutputError
from bridges._workspace import relative_path, resolve_in_workspace
from parsers import ParseError

__all__ = ["Arguments", "outside", "parsed", "target"]

T = TypeVar("T")


class Arguments(BaseModel):
    """Base of every core bridge's argument model: unknown keywords are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def parsed(tool: str, parse: Callable[[], T]) -> T:
    """Run a parser; a ``ParseError`` becomes a ``ToolOutputError`` the model can read."""
    try:
        return parse()
    except ParseError as error:
        raise ToolOutputError(
            f"the output of {tool} could not be read ({error.reason}); this is a problem of "
            "punie, not of your snippet: report it, and answer without this tool for now",
            tool=tool,
        ) from error


def target(workspace: Path, path: str) -> tuple[Path, str]:
    """Resolve a path argument; return it absolute and as the argument tools get (relative)."""
    resolved = resolve_in_workspace(workspace, path)
    relative = relative_path(workspace, resolved)
    return resolved, relative or "."


def outside(workspace: Path, files: Iterable[str]) -> set[str]:
    """The reported ``files`` (relative to ``workspace``) that really lie outside it.

    A tool run on a folder follows a file symlink that leads out of the workspace; what it
    reports about that file (diagnostics quote code, diffs show it whole) must not reach the
    model, and a writing run must not touch it. Each folder is resolved once; a file is resolved
    only when it is itself a symlink (a large report names hundreds of files).
    """
    root = str(workspace)
    prefix = root.rstrip(os.sep) + os.sep

    def escapes(path: str) -> bool:
        real = os.path.realpath(path)
        return real != root and not real.startswith(prefix)

    folders: dict[str, bool] = {}
    found: set[str] = set()
    for file in set(files):
        full = os.path.join(root, file)
        folder = os.path.dirname(full)
        if folder not in folders:
            folders[folder] = escapes(folder)
        if folders[folder] or (os.path.islink(full) and escapes(full)):
            found.add(file)
    return found
