"""Git bridges: ``git_status``, ``git_diff``, ``git_log`` (read-only; nothing here commits).

The workspace may be a sub-folder of a larger repository (``examples/shop`` inside punie's own).
Every git command is then limited to the workspace with a ``.`` pathspec and ``--relative``, and
paths are shown relative to the workspace: changes, diffs and commits outside it stay hidden, like
every other file outside the workspace.
"""

from __future__ import annotations

from pydantic import Field

from bridges._bridge import BridgeContext
from bridges._core._common import Arguments, parsed
from bridges._errors import BridgeError, ToolCrashed
from bridges._runner import ToolRun, run_tool, tool_version
from bridges._workspace import relative_path, resolve_in_workspace
from parsers import LOG_FORMAT, parse_git_log, parse_git_numstat, parse_git_status
from parsers.contracts import GitChange, GitDiff, GitLog, GitStatus

__all__ = [
    "DiffArguments",
    "LogArguments",
    "StatusArguments",
    "git_diff",
    "git_log",
    "git_status",
]

MAX_DIFF_CHARS = 60_000
"""``git_diff`` cuts the diff text after this many characters (the file counts stay complete)."""


class StatusArguments(Arguments):
    pass


class DiffArguments(Arguments):
    path: str | None = None
    staged: bool = False


class LogArguments(Arguments):
    path: str | None = None
    count: int = Field(default=10, ge=1, le=200)


def git_status(context: BridgeContext, arguments: StatusArguments) -> GitStatus:
    prefix = _prefix(context)
    run = _git(
        context,
        [
            "status",
            "--porcelain=v2",
            "--branch",
            "-z",
            "--untracked-files=all",
            *(["--", "."] if prefix else []),
        ],
    )
    status = parsed("git", lambda: parse_git_status(run.stdout, version=tool_version("git")))
    return _within(status, prefix) if prefix else status


def git_diff(context: BridgeContext, arguments: DiffArguments) -> GitDiff:
    pathspec = _pathspec(context, arguments.path)
    staged = ["--staged"] if arguments.staged else []
    numstat = _git(
        context, ["diff", *staged, "--relative", "--numstat", "-z", "-M", "--", *pathspec]
    )
    text = _git(
        context,
        ["diff", *staged, "--relative", "--no-color", "--no-ext-diff", "-M", "--", *pathspec],
    ).stdout
    if len(text) > MAX_DIFF_CHARS:
        text = text[:MAX_DIFF_CHARS] + "\n[diff cut here: pass path= to see one file]\n"
    files = parsed("git", lambda: parse_git_numstat(numstat.stdout, version=tool_version("git")))
    return GitDiff(staged=arguments.staged, files=files, diff=text)


def git_log(context: BridgeContext, arguments: LogArguments) -> GitLog:
    pathspec = _pathspec(context, arguments.path) or (["."] if _prefix(context) else [])
    try:
        run = _git(
            context,
            ["log", "-z", f"--format={LOG_FORMAT}", "-n", str(arguments.count), "--", *pathspec],
        )
    except BridgeError as error:
        if "does not have any commits yet" in str(error):
            return GitLog(commits=[])
        raise
    return parsed("git", lambda: parse_git_log(run.stdout, version=tool_version("git")))


def _pathspec(context: BridgeContext, path: str | None) -> list[str]:
    if path is None:
        return []
    resolved = resolve_in_workspace(context.workspace, path, must_exist=False)
    return [relative_path(context.workspace, resolved) or "."]


def _prefix(context: BridgeContext) -> str:
    """The workspace's folder inside its repository ('' at the top, e.g. 'examples/shop/')."""
    return _git(context, ["rev-parse", "--show-prefix"]).stdout.strip("\n")


def _within(status: GitStatus, prefix: str) -> GitStatus:
    """``status`` with paths relative to the workspace; changes outside it are dropped."""

    def inside(path: str | None) -> str | None:
        return path[len(prefix) :] if path is not None and path.startswith(prefix) else None

    changes = [
        GitChange(
            path=path,
            status=change.status,
            staged=change.staged,
            original_path=inside(change.original_path),
        )
        for change in status.changes
        if (path := inside(change.path)) is not None
    ]
    return status.model_copy(update={"changes": changes, "clean": not changes})


def _git(context: BridgeContext, args: list[str]) -> ToolRun:
    try:
        return run_tool(
            "git",
            ["--literal-pathspecs", "-c", "core.quotepath=off", "-c", "color.ui=never", *args],
            cwd=context.workspace,
            timeout_s=context.timeout_s,
            ok_returncodes=(0,),
        )
    except ToolCrashed as error:
        if "not a git repository" in str(error):
            raise BridgeError(
                "the workspace is not a git repository, so there is no status, diff or log; "
                "answer from the files instead"
            ) from None
        raise
