"""Bridges to the quality tools: ``typecheck`` (ty), ``ruff_check``, ``ruff_format``, ``pytest_run``.

Each runs the real tool from punie's environment on a path of the workspace, with a structured
output format read by a parser in ``parsers``; never a regex over human-readable text. A tool run
on a folder follows file symlinks; whatever it reports about a file that really lies outside the
workspace is dropped, and ``ruff_format(apply=True)`` writes only the files inside it.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from pydantic import Field

from bridges._core._common import Arguments, outside, parsed, target
from bridges._errors import (
    BridgeArgumentError,
    ToolCrashed,
    ToolOutputError,
    ToolTimeout,
    WritingNotAllowed,
)
from bridges._record import BridgeContext
from bridges._runner import crash_message, run_tool, tool_version
from parsers import (
    ParseError,
    RuffJsonStream,
    parse_pytest_reportlog,
    parse_ruff_format,
    parse_ty_gitlab,
)
from parsers.contracts import FormatResult, RuffResult, TestResult, TypeCheckResult

__all__ = [
    "DEFAULT_RUFF_SELECT",
    "FormatArguments",
    "PytestArguments",
    "RuffArguments",
    "TypecheckArguments",
    "pytest_run",
    "ruff_check",
    "ruff_format",
    "typecheck",
]

DEFAULT_RUFF_SELECT: tuple[str, ...] = ("E4", "E7", "E9", "F", "I", "B", "UP")
"""Rules ``ruff_check`` uses when ``select`` is None: pyflakes (F), the pycodestyle errors ruff
enables by default (E4, E7, E9), import sorting (I), bugbear (B) and pyupgrade (UP). Explicit,
because ruff's own default set changes between releases."""

_RULE = re.compile(r"^(ALL|[A-Z]{1,8}[0-9]{0,4})$")


class TypecheckArguments(Arguments):
    path: str = "."


class RuffArguments(Arguments):
    path: str = "."
    select: list[str] | None = None


class FormatArguments(Arguments):
    path: str = "."
    apply: bool = False


class PytestArguments(Arguments):
    path: str = "."
    keyword: str | None = Field(default=None, min_length=1)


def typecheck(context: BridgeContext, arguments: TypecheckArguments) -> TypeCheckResult:
    _, relative = target(context.workspace, arguments.path)
    run = run_tool(
        "ty",
        ["check", "--output-format", "gitlab", "--no-progress", relative],
        cwd=context.workspace,
        timeout_s=context.timeout_s,
    )
    result = parsed(
        "ty",
        lambda: parse_ty_gitlab(
            run.stdout, version=tool_version("ty"), root=str(context.workspace)
        ),
    )
    hidden = outside(context.workspace, (e.file for e in result.errors))
    if not hidden:
        return result
    errors = [e for e in result.errors if e.file not in hidden]
    count = sum(e.severity == "error" for e in errors)
    return TypeCheckResult(
        success=count == 0,
        error_count=count,
        warning_count=sum(e.severity == "warning" for e in errors),
        errors=errors,
    )


def ruff_check(context: BridgeContext, arguments: RuffArguments) -> RuffResult:
    _, relative = target(context.workspace, arguments.path)
    select = DEFAULT_RUFF_SELECT if arguments.select is None else tuple(arguments.select)
    bad = [code for code in select if not _RULE.match(code)]
    if not select or bad:
        raise BridgeArgumentError(
            f"select={list(select)!r} is not a list of ruff rule codes; pass codes or prefixes "
            "like ['F401', 'E7', 'B'] or None for the default set"
        )
    # The report is decoded while ruff writes it (a large one takes ruff ~12 ms to print).
    report = RuffJsonStream(version=tool_version("ruff"), root=str(context.workspace))
    try:
        run_tool(
            "ruff",
            [
                "check",
                "--no-cache",
                "--output-format",
                "json",
                "--select",
                ",".join(select),
                relative,
            ],
            cwd=context.workspace,
            timeout_s=context.timeout_s,
            stdout_sink=report.feed,
        )
    except ToolCrashed as error:
        if "Unknown rule selector" in str(error):
            raise BridgeArgumentError(
                f"select={list(select)!r} contains a rule ruff does not know; use existing codes "
                "like 'F401' or prefixes like 'E', or None for the default set"
            ) from None
        raise
    result = parsed("ruff", report.finish)
    hidden = outside(context.workspace, (v.file for v in result.violations))
    if not hidden:
        return result
    violations = [v for v in result.violations if v.file not in hidden]
    return RuffResult(
        success=not violations,
        violation_count=len(violations),
        fixable_count=sum(v.fixable for v in violations),
        violations=violations,
    )


def ruff_format(context: BridgeContext, arguments: FormatArguments) -> FormatResult:
    _, relative = target(context.workspace, arguments.path)
    if arguments.apply and not context.allow_write:
        raise WritingNotAllowed(
            "ruff_format(apply=True) needs writing, which this session does not allow; call "
            "ruff_format() without apply to see the diffs and show them to the user"
        )
    run = run_tool(
        "ruff",
        ["format", "--no-cache", "--check", "--diff", relative],
        cwd=context.workspace,
        timeout_s=context.timeout_s,
        ok_returncodes=(0, 1, 2),
    )
    version = tool_version("ruff")
    try:
        result = parsed(
            "ruff",
            lambda: parse_ruff_format(
                run.stdout, run.stderr, version=version, root=str(context.workspace)
            ),
        )
    except ToolOutputError:
        # Exit 2 is either "some files have syntax errors" (listed, then a summary) or ruff
        # failing as a whole (a broken configuration): the latter is the tool's error, not ours.
        if run.returncode == 2:
            raise ToolCrashed(crash_message(run), tool="ruff") from None
        raise
    result = _confined_format(context, result)
    if not arguments.apply or not result.files:
        return result
    run_tool(
        "ruff",
        ["format", "--no-cache", "--", *(f.file for f in result.files)],
        cwd=context.workspace,
        timeout_s=context.timeout_s,
        ok_returncodes=(0, 2),
    )
    return result.model_copy(update={"applied": True, "success": not result.errors})


_ERROR_FILE = re.compile(r"^(.*?):\d+:\d+: ")


def _confined_format(context: BridgeContext, result: FormatResult) -> FormatResult:
    """``result`` without the files that lie outside the workspace (reached through symlinks)."""
    error_files = {
        error: match[1] if (match := _ERROR_FILE.match(error)) else "" for error in result.errors
    }
    hidden = outside(
        context.workspace, [*(f.file for f in result.files), *filter(None, error_files.values())]
    )
    if not hidden:
        return result
    files = [f for f in result.files if f.file not in hidden]
    errors = [error for error in result.errors if error_files[error] not in hidden]
    dropped = len(result.files) - len(files) + len(result.errors) - len(errors)
    return result.model_copy(
        update={
            "files": files,
            "errors": errors,
            "changed_count": len(files),
            "files_checked": result.files_checked - dropped,
            "success": (result.applied or not files) and not errors,
        }
    )


def pytest_run(context: BridgeContext, arguments: PytestArguments) -> TestResult:
    target_path, relative = target(context.workspace, arguments.path)
    with tempfile.TemporaryDirectory(prefix="punie-pytest-") as scratch:
        log = Path(scratch) / "report.jsonl"
        args = [
            "-p",
            "pytest_reportlog.plugin",
            "-p",
            "no:cacheprovider",
            f"--report-log={log}",
            "-q",
            "--color=no",
        ]
        # Confined to the workspace: node ids relative to it, no conftest.py from above it, and
        # no pytest configuration of an enclosing project (pytest searches upwards for both).
        args += ["--rootdir=.", "--confcutdir=."]
        if _pytest_config_above(context.workspace, target_path):
            empty = Path(scratch) / "pytest.ini"
            empty.write_text("[pytest]\n", encoding="utf-8")
            args += ["-c", str(empty)]
        if arguments.keyword is not None:
            args += ["-k", arguments.keyword]
        args.append(relative)
        version = tool_version("pytest")
        try:
            run_tool(
                "pytest",
                args,
                cwd=context.workspace,
                timeout_s=context.timeout_s,
                ok_returncodes=(0, 1, 2, 5),
                env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            )
        except ToolTimeout as error:
            raise ToolTimeout(_timeout_message(log, version, context), tool="pytest") from error
        except ToolCrashed as error:
            if "Wrong expression passed to '-k'" in str(error):
                raise BridgeArgumentError(
                    f"keyword={arguments.keyword!r} is not a valid pytest -k expression; pass "
                    "part of a test name like 'discount', or 'cart and not remove'"
                ) from None
            raise
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        return parsed(
            "pytest",
            lambda: parse_pytest_reportlog(text, version=version, root=str(context.workspace)),
        )


# pytest's own search order for its configuration, with the text that makes a file count.
_PYTEST_CONFIGS = (
    ("pytest.ini", ""),
    (".pytest.ini", ""),
    ("pyproject.toml", "[tool.pytest"),
    ("tox.ini", "[pytest]"),
    ("setup.cfg", "[tool:pytest]"),
)


def _pytest_config_above(workspace: Path, start: Path) -> bool:
    """True when pytest, searching upwards from ``start``, would find no configuration inside
    the workspace (and so might use one of an enclosing project)."""
    folder = start if start.is_dir() else start.parent
    while True:
        for name, marker in _PYTEST_CONFIGS:
            candidate = folder / name
            if candidate.is_file() and (
                not marker or marker in candidate.read_text(encoding="utf-8", errors="replace")
            ):
                return False
        if folder == workspace or workspace not in folder.parents:
            return True
        folder = folder.parent


def _timeout_message(log: Path, version: str, context: BridgeContext) -> str:
    finished = ""
    if log.exists():
        try:
            partial = parse_pytest_reportlog(
                log.read_text(encoding="utf-8"), version=version, root=str(context.workspace)
            )
        except ParseError:
            partial = None
        if partial is not None and partial.tests:
            finished = (
                f"; {len(partial.tests)} tests had started ({partial.passed} passed, "
                f"{partial.failed} failed) and the last one, {partial.tests[-1].name}, may hang"
            )
    return (
        f"pytest did not finish within {context.timeout_s:g} s and was stopped{finished}. "
        "Run fewer tests: pass keyword= or a path to one test file"
    )
