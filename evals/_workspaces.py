"""Fresh copies of the workspaces cases run against.

Two kinds of workspace:

- ``shop``: the sample workspace (``examples/shop``), copied with its git history by
  ``bridges.sample_workspace``;
- any folder ``evals/workspaces/<name>/``: copied as it is (without ``FACTS.md``,
  ``history.toml`` and tool caches). When it has a ``history.toml``, the copy gets a git history
  made from it, with a fixed author and fixed dates so commit hashes are the same everywhere::

      [[commit]]
      message = "Start the station: readings and units"
      date = "2026-02-02T09:00:00+00:00"
      paths = ["pyproject.toml", "src/meteo/__init__.py"]   # files or folders

      [[change]]            # optional: left uncommitted in the working copy
      path = "src/meteo/units.py"
      committed = "FREEZING_C = 0"      # the text in the last commit
      working = "FREEZING_C = 0.0"      # the text in the working copy (must be in the file)

  Files no commit names are committed last as "Add remaining files", so the copy starts clean
  except for the ``[[change]]`` entries.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals._errors import WorkspaceError

__all__ = ["WORKSPACES_DIR", "prepare_workspace", "workspace_names"]

WORKSPACES_DIR = Path(__file__).resolve().parent / "workspaces"
"""Where fixture workspaces live (inside the package, so a wheel carries them)."""

SAMPLE = "shop"
_METADATA = ("FACTS.md", "history.toml")
_IGNORED = shutil.ignore_patterns(
    "__pycache__", ".pytest_cache", ".ruff_cache", ".git", ".venv", *_METADATA
)
_IDENTITY = {
    "GIT_AUTHOR_NAME": "Eva Luator",
    "GIT_AUTHOR_EMAIL": "eva@punie.example",
    "GIT_COMMITTER_NAME": "Eva Luator",
    "GIT_COMMITTER_EMAIL": "eva@punie.example",
}


class _Commit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    message: str = Field(min_length=1)
    date: str
    paths: tuple[str, ...] = Field(min_length=1)


class _Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    committed: str
    working: str


class _History(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    commit: tuple[_Commit, ...] = Field(min_length=1)
    change: tuple[_Change, ...] = ()


def workspace_names() -> list[str]:
    """Every workspace a case may name: ``shop`` and the folders under ``evals/workspaces``."""
    found = (
        sorted(p.name for p in WORKSPACES_DIR.iterdir() if p.is_dir() and p.name[0] not in "._")
        if WORKSPACES_DIR.is_dir()
        else []
    )
    return [SAMPLE, *found]


def prepare_workspace(name: str, dest: Path) -> Path:
    """Copy workspace ``name`` to ``dest`` (new or empty), give it its history, return its root."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise WorkspaceError(f"{dest} is not empty; pass a new or empty folder")
    if name == SAMPLE:
        from bridges import BridgeError, sample_workspace

        try:
            return sample_workspace(dest)
        except (BridgeError, OSError) as error:
            raise WorkspaceError(f"cannot prepare the sample workspace: {error}") from error
    source = WORKSPACES_DIR / name
    if "/" in name or name.startswith(".") or not source.is_dir():
        raise WorkspaceError(
            f"unknown workspace {name!r}; the workspaces are: {', '.join(workspace_names())}"
        )
    shutil.copytree(source, dest, dirs_exist_ok=True, ignore=_IGNORED)
    root = dest.resolve()
    history_file = source / "history.toml"
    if history_file.is_file():
        _make_history(root, _read_history(history_file))
    return root


def _read_history(path: Path) -> _History:
    try:
        return _History.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as error:
        raise WorkspaceError(f"{path}: not a valid history file: {error}") from error


def _make_history(root: Path, history: _History) -> None:
    working: dict[Path, str] = {}
    for change in history.change:
        file = root / change.path
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        if change.working not in text:
            raise WorkspaceError(
                f"history.toml: {change.path} does not contain {change.working!r}; "
                "update the [[change]] entry"
            )
        working[file] = text
        file.write_text(text.replace(change.working, change.committed, 1), encoding="utf-8")
    _git(root, ["init", "--quiet", "--initial-branch=main"], date=None)
    for commit in history.commit:
        present = [p for p in commit.paths if (root / p).exists()]
        if not present:
            raise WorkspaceError(
                f"history.toml: commit {commit.message!r} names no existing path "
                f"({', '.join(commit.paths)})"
            )
        _git(root, ["add", "--", *present], date=commit.date)
        _git(root, ["commit", "--quiet", "--no-verify", "-m", commit.message], date=commit.date)
    if _git(root, ["status", "--porcelain"], date=None).strip():
        last = history.commit[-1].date
        _git(root, ["add", "--all"], date=last)
        _git(root, ["commit", "--quiet", "--no-verify", "-m", "Add remaining files"], date=last)
    for file, text in working.items():
        file.write_text(text, encoding="utf-8")


def _git(root: Path, args: list[str], *, date: str | None) -> str:
    from bridges import BridgeError, run_tool

    env = dict(_IDENTITY)
    if date is not None:
        env["GIT_AUTHOR_DATE"] = date
        env["GIT_COMMITTER_DATE"] = date
    try:
        return run_tool("git", args, cwd=root, timeout_s=30.0, ok_returncodes=(0,), env=env).stdout
    except BridgeError as error:
        raise WorkspaceError(f"git {' '.join(args)} failed in {root}: {error}") from error
