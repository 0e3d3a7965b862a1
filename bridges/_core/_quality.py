"""Bridges to the quality tools: ``typecheck`` (ty), ``ruff_check``, ``ruff_format``, ``pytest_run``.

Each runs the real tool on a path of the workspace, with a structured output format read by a
parser in ``parsers``; never a regex over human-readable text. ty and ruff are punie's own pinned
binaries; the code they resolve and run is the project's: ty resolves imports in the project's
Python and pytest runs in it (``bridges._environment``), and ruff applies the project's rules. A tool run
on a folder follows file symlinks; whatever it reports about a file that really lies outside the
workspace is dropped, and ``ruff_format(apply=True)`` writes only the files inside it.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from pydantic import Field

from bridges._bridge import BridgeContext
from bridges._core._common import Arguments, outside, parsed, target
from bridges._core._ruff_config import describe_rules
from bridges._environment import ProjectPython, find_project_python, project_environment
from bridges._errors import (
    BridgeArgumentError,
    BridgeError,
    ToolCrashed,
    ToolMissing,
    ToolOutputError,
    ToolTimeout,
    WritingNotAllowed,
)
from bridges._jail import Jail, jail_command, require_jail
from bridges._runner import ToolRun, crash_message, run_tool, tool_environment, tool_version
from parsers import (
    ParseError,
    RuffJsonStream,
    parse_pytest_reportlog,
    parse_ruff_format,
    parse_ty_gitlab,
)
from parsers.contracts import FormatResult, RuffResult, TestResult, TypeCheckResult

__all__ = [
    "FormatArguments",
    "PytestArguments",
    "RuffArguments",
    "TypecheckArguments",
    "pytest_run",
    "ruff_check",
    "ruff_format",
    "typecheck",
]

_RULE = re.compile(r"^(ALL|[A-Z]{1,8}[0-9]{0,4})$")
_IO_ERROR = "E902"
"""ruff's rule for a file it could not read (e.g. not UTF-8)."""


class TypecheckArguments(Arguments):
    path: str = "."


class RuffArguments(Arguments):
    path: str = "."
    select: list[str] | None = None


class FormatArguments(Arguments):
    path: str = "."
    apply: bool = False


class PytestArguments(Arguments):
    path: str | None = None
    """None runs what plain ``pytest`` runs in the workspace (its ``testpaths``)."""
    keyword: str | None = Field(default=None, min_length=1)


def typecheck(context: BridgeContext, arguments: TypecheckArguments) -> TypeCheckResult:
    _, relative = target(context.workspace, arguments.path)
    project = find_project_python(context.workspace, context.python)
    # ty exits with 2 when it could not read a file (not UTF-8) yet still prints the whole
    # report: a result. A usage error or a broken configuration also exits with 2, with no
    # report on stdout: that is ty's own error.
    run = run_tool(
        "ty",
        [
            "check",
            "--output-format",
            "gitlab",
            "--no-progress",
            "--python",
            str(project.executable),
            "--",
            relative,
        ],
        cwd=context.workspace,
        timeout_s=context.timeout_s,
        ok_returncodes=(0, 1, 2),
    )
    try:
        result = parsed(
            "ty",
            lambda: parse_ty_gitlab(
                run.stdout, version=tool_version("ty"), root=str(context.workspace)
            ),
        )
    except ToolOutputError:
        if run.returncode == 2:
            raise ToolCrashed(crash_message(run), tool="ty") from None
        raise
    result = result.model_copy(update={"python": project.describe()})
    hidden = outside(
        context.workspace, [*(e.file for e in result.errors), *(s.file for s in result.skipped)]
    )
    if not hidden:
        return result
    errors = [e for e in result.errors if e.file not in hidden]
    count = sum(e.severity == "error" for e in errors)
    return result.model_copy(
        update={
            "success": count == 0,
            "error_count": count,
            "warning_count": sum(e.severity == "warning" for e in errors),
            "errors": errors,
            "skipped": [s for s in result.skipped if s.file not in hidden],
        }
    )


def ruff_check(context: BridgeContext, arguments: RuffArguments) -> RuffResult:
    target_path, relative = target(context.workspace, arguments.path)
    select = arguments.select
    if select is not None and (not select or not all(_RULE.match(code) for code in select)):
        raise BridgeArgumentError(
            f"select={select!r} is not a list of ruff rule codes; pass codes or prefixes "
            "like ['F401', 'E7', 'B'], or None for the project's own rules"
        )
    # No selection of punie's own: without select, exactly what `ruff check` reports in the
    # project (its select, ignore, per-file-ignores and target version; ruff's defaults when it
    # has no configuration). E902 (io-error) is added so that a file ruff cannot read is named
    # in the report, whatever the selection, instead of only in a warning on stderr; it goes to
    # `skipped`, never to the violations (which stay exactly ruff's: 124 on attrs, 7,449 on
    # Django, with or without it). The report is decoded while ruff writes it (ruff prints a
    # large one slowly, so the decoding hides inside its run).
    args = ["check", "--no-cache", "--output-format", "json"]
    if select is not None:
        args += ["--select", ",".join(select)]
    args += ["--extend-select", _IO_ERROR]
    report = RuffJsonStream(version=tool_version("ruff"), root=str(context.workspace))
    try:
        run_tool(
            "ruff",
            [*args, "--", relative],
            cwd=context.workspace,
            timeout_s=context.timeout_s,
            stdout_sink=report.feed,
        )
    except ToolCrashed as error:
        if select is not None and "Unknown rule selector" in str(error):
            raise BridgeArgumentError(
                f"select={select!r} contains a rule ruff does not know; use existing codes "
                "like 'F401' or prefixes like 'E', or None for the project's own rules"
            ) from None
        raise
    result = parsed("ruff", report.finish)
    result = result.model_copy(
        update={"rules": describe_rules(context.workspace, target_path, select)}
    )
    hidden = outside(
        context.workspace,
        [*(v.file for v in result.violations), *(s.file for s in result.skipped)],
    )
    if not hidden:
        return result
    violations = [v for v in result.violations if v.file not in hidden]
    return result.model_copy(
        update={
            "success": not violations,
            "violation_count": len(violations),
            "fixable_count": sum(v.fixable for v in violations),
            "violations": violations,
            "skipped": [s for s in result.skipped if s.file not in hidden],
        }
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
        ["format", "--no-cache", "--check", "--diff", "--", relative],
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
    project = find_project_python(context.workspace, context.python)
    # The tests and every conftest.py are the workspace's code: they run in the jail, and
    # without one a session that allows writes refuses (a snippet could write a conftest.py).
    jail, confinement = require_jail(
        context.jail, allow_write=context.allow_write, what="pytest_run"
    )
    if arguments.path is None:
        target_path, paths = context.workspace, []
    else:
        target_path, relative = target(context.workspace, arguments.path)
        # pytest loads '-pNAME' as a plugin wherever it stands, even after '--': a path that
        # starts with '-' goes in as './-...' (the node ids stay relative to the root).
        paths = ["--", f"./{relative}" if relative.startswith("-") else relative]
    with tempfile.TemporaryDirectory(prefix="punie-pytest-") as scratch:
        log = Path(scratch) / "report.jsonl"
        args = [
            "-p",
            _REPORT_PLUGIN,
            f"{_REPORT_OPTION}={log}",
            "-p",
            "no:cacheprovider",
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
            args.append(f"-k{arguments.keyword}")  # one word: never read as an option itself
        run = _run_pytest(context, project, [*args, *paths], log, jail)
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        if run.returncode in (3, _NO_PYTEST) or not text:
            raise _pytest_failed(run, project, arguments.keyword)
        version = _version_in(text)
        result = parsed(
            "pytest",
            lambda: parse_pytest_reportlog(text, version=version, root=str(context.workspace)),
        )
        if run.returncode == 4 and not result.errors:  # a usage error, not a conftest.py's
            raise _pytest_failed(run, project, arguments.keyword)
        return result.model_copy(update={"python": project.describe(), "jail": confinement})


_REPORT_PLUGIN = "punie_pytest_report"
_REPORT_OPTION = "--punie-report-log"
_REPORT_FOLDER = Path(__file__).resolve().parent.parent / "_pytest_report"
"""punie's own report plugin, a standalone module: the only thing of punie the tests' Python
sees (at the end of its ``sys.path``), so the bridge never depends on what the project installed."""

_NO_PYTEST = 97
_BOOTSTRAP = (
    "import sys\n"
    "sys.path.append(sys.argv.pop(1))\n"
    "try:\n"
    "    import pytest\n"
    "except ImportError as error:\n"
    "    sys.stderr.write('punie: %s\\n' % (error,))\n"
    f"    raise SystemExit({_NO_PYTEST})\n"
    "sys.argv[0] = 'pytest'\n"
    "raise SystemExit(pytest.main())\n"
)
"""What the project's Python runs: plain ``pytest`` with punie's report plugin on the path.

``-I`` (isolated mode) keeps every trace of punie's environment out of the tests: no
``PYTHONPATH``, no user site-packages, and no current folder at the front of ``sys.path``, the
way the ``pytest`` command starts (the project's own modules come from its installed, e.g.
editable, package or its ``pythonpath`` setting). ``-B``: no bytecode written into the
workspace, which ``-I`` would otherwise allow."""


def _run_pytest(
    context: BridgeContext, project: ProjectPython, args: list[str], log: Path, jail: Jail | None
) -> ToolRun:
    command = [
        str(project.executable),  # an absolute path: run as it is
        "-I",
        "-B",
        "-c",
        _BOOTSTRAP,
        str(_REPORT_FOLDER),
        *args,
    ]
    env = _pytest_environment(project)
    if jail is not None:
        command = jail_command(
            jail,
            command,
            workspace=context.workspace,
            cwd=context.workspace,
            env=tool_environment(env),
            workspace_writable=context.allow_write,
            writable=[log.parent],
            readable=_pytest_reads(project),
            network=context.jail_network,
        )
    try:
        return run_tool(
            command[0],
            command[1:],
            cwd=context.workspace,
            timeout_s=context.timeout_s,
            ok_returncodes=(0, 1, 2, 3, 4, 5, _NO_PYTEST),
            env=env,
        )
    except ToolTimeout as error:
        raise ToolTimeout(_timeout_message(log, context), tool="pytest") from error
    except ToolMissing as error:
        raise ToolMissing(
            f"the project's Python, {project.describe()}, cannot be started ({error}); "
            "recreate the environment or set python = ... in [tool.punie]",
            tool="pytest",
        ) from error
    except ToolCrashed as error:  # killed by a signal, or a status pytest never uses
        message = str(error).replace(str(project.executable), "pytest")
        if jail is not None:
            message = message.replace(str(jail.program), "pytest")
        raise ToolCrashed(message, tool="pytest") from error


def _pytest_reads(project: ProjectPython) -> list[Path]:
    """What the jailed tests must read even when it lies in a folder the jail hides (``/tmp``):
    the project's environment, the installation its interpreter links to, punie's plugin."""
    executable = project.executable.resolve()
    folders = [project.executable.parent, executable.parent.parent, _REPORT_FOLDER]
    if project.prefix is not None:
        folders.insert(0, project.prefix)
    return [*folders, *(folder.resolve() for folder in folders)]


def _pytest_environment(project: ProjectPython) -> dict[str, str]:
    """The project's ``PATH``/``VIRTUAL_ENV``; plugin autoloading only in a project environment.

    A project with an environment of its own gets the plugins it installed, as plain ``pytest``
    would. Without one, the tests run in punie's interpreter, whose installed plugins are
    punie's, not the project's: they stay unloaded (the project can still load one with ``-p``
    in its configuration).
    """
    variables = project_environment(project)
    if project.source == "punie":
        variables["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return variables


def _pytest_failed(run: ToolRun, project: ProjectPython, keyword: str | None) -> BridgeError:
    """The error for a run that produced no report: no pytest, a usage or internal error."""
    if run.returncode == _NO_PYTEST:
        return ToolMissing(
            f"pytest is not installed in the project's Python, {project.describe()}; add it "
            "to the project (uv add --dev pytest, or pip install pytest in that environment: "
            f"{project.executable} -m pip install pytest) and run the tests again",
            tool="pytest",
        )
    if "Wrong expression passed to '-k'" in run.stderr + run.stdout:
        return BridgeArgumentError(
            f"keyword={keyword!r} is not a valid pytest -k expression; pass "
            "part of a test name like 'discount', or 'cart and not remove'"
        )
    return ToolCrashed(crash_message(run).replace(f"'{run.tool}'", "'pytest'"), tool="pytest")


def _version_in(text: str) -> str:
    """'pytest 9.2.0' from the log's SessionStart line (the project's pytest, not punie's)."""
    first = text.split("\n", 1)[0]
    match = re.search(r'"pytest_version": "([^"]{1,40})"', first)
    return f"pytest {match[1]}" if match else "pytest (version unknown)"


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


def _timeout_message(log: Path, context: BridgeContext) -> str:
    finished = ""
    if log.exists():
        text = log.read_text(encoding="utf-8")
        try:
            partial = parse_pytest_reportlog(
                text, version=_version_in(text), root=str(context.workspace)
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
