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
    model, and a writing run must not touch it. A large report names hundreds of files in a few
    dozen folders, and this runs after the tool, on the critical path; so instead of resolving
    every path, each folder is listed once (``scandir`` says which entries are symlinks without
    a ``stat``) and only symlinks are resolved. A folder lies outside when its parent does or
    when it is a symlink whose target does; a file, when its folder does or when it is such a
    symlink. That is ``realpath`` outside the workspace root, except that a symlink back into
    the workspace from a folder outside it is counted as outside too (the safe side). Paths
    with ``..`` or that are absolute are resolved with ``realpath`` as they are.
    """
    root = str(workspace).rstrip(os.sep) or os.sep
    prefix = root.rstrip(os.sep) + os.sep
    links: dict[str, frozenset[str]] = {}
    escaped: dict[str, bool] = {root: False}

    def resolves_out(path: str) -> bool:
        real = os.path.realpath(path)
        return real != root and not real.startswith(prefix)

    def symlinks_in(folder: str) -> frozenset[str]:
        found = links.get(folder)
        if found is None:
            try:
                with os.scandir(folder) as entries:
                    found = frozenset(entry.name for entry in entries if entry.is_symlink())
            except OSError:
                found = frozenset()
            links[folder] = found
        return found

    def folder_out(folder: str) -> bool:
        known = escaped.get(folder)
        if known is None:
            parent, name = os.path.split(folder)
            known = folder_out(parent) or (name in symlinks_in(parent) and resolves_out(folder))
            escaped[folder] = known
        return known

    found: set[str] = set()
    for file in set(files):
        full = os.path.join(root, file)
        if not full.startswith(prefix) or ".." in file.split("/"):
            if resolves_out(full):
                found.add(file)
            continue
        folder, name = os.path.split(full)
        if folder_out(folder) or (name in symlinks_in(folder) and resolves_out(full)):
            found.add(file)
    return found
