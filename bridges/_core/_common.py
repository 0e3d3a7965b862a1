"""Helpers shared by the core bridges: argument-model base, parse-error translation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from bridges._errors import ToolOutputError
from bridges._workspace import relative_path, resolve_in_workspace
from parsers import ParseError

__all__ = ["Arguments", "parsed", "target"]

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
