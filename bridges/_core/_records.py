"""The core bridge records: name, model-facing docstring, arguments, result, implementation.

Docstrings are written for the model: what the bridge does, what each argument means, which
fields of the result to read, and what errors to expect. They are rendered into the stubs.
"""

from __future__ import annotations

from bridges._bridge import Bridge
from bridges._core import _files, _git, _quality
from bridges._example_files import LazyExamples
from parsers.contracts import (
    FileList,
    FileText,
    FormatResult,
    GitDiff,
    GitLog,
    GitStatus,
    GrepResult,
    RuffResult,
    TestResult,
    TypeCheckResult,
    WriteResult,
)

__all__ = ["CORE_BRIDGES"]

TYPECHECK = Bridge(
    name="typecheck",
    docstring=(
        "Type-check Python code with ty and return every diagnostic.\n\n"
        "path: a file or folder relative to the workspace root ('.' for everything).\n"
        "Read result.success first; result.errors lists each diagnostic with file, line, column,\n"
        "severity ('error', 'warning' or 'info'), code (ty's rule name) and message.\n"
        "error_count counts only errors; warnings do not make success False.\n"
        "result.skipped lists files ty could not read (e.g. not UTF-8); result.python names the\n"
        "environment that resolved imports.\n"
        "Fails with an error if the path does not exist or leaves the workspace."
    ),
    arguments=_quality.TypecheckArguments,
    result=TypeCheckResult,
    implementation=_quality.typecheck,
    examples=LazyExamples("typecheck"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "ToolMissing: ty is not installed next to Python or on PATH",
        "ToolTimeout: ty ran longer than the time limit (check a smaller path)",
        "ToolCrashed: ty failed itself (a usage error or a broken configuration)",
        "ProjectPythonError: the configured python of the project is not an interpreter",
        "ToolOutputError: ty's GitLab report could not be parsed (format drift)",
    ),
)

RUFF_CHECK = Bridge(
    name="ruff_check",
    docstring=(
        "Lint Python code with ruff and return every violation.\n\n"
        "path: a file or folder relative to the workspace root.\n"
        "select: rule codes or prefixes to check instead of the project's rules, e.g. ['F401',\n"
        "'E']; None (the default) applies the project's own ruff configuration, like `ruff check`.\n"
        "result.violations lists file, line, column, code, message and fixable (True when\n"
        "ruff can fix it safely); violation_count and fixable_count summarise them.\n"
        "result.rules says which rules applied; result.skipped lists files ruff could not read.\n"
        "Fails with an error for an unknown rule code or a path outside the workspace."
    ),
    arguments=_quality.RuffArguments,
    result=RuffResult,
    implementation=_quality.ruff_check,
    examples=LazyExamples("ruff_check"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "BridgeArgumentError: select is empty, malformed or names a rule ruff does not know",
        "ToolMissing / ToolTimeout / ToolCrashed: ruff is missing, too slow, or failed itself",
        "ToolOutputError: ruff's JSON report could not be parsed (format drift)",
    ),
)

RUFF_FORMAT = Bridge(
    name="ruff_format",
    docstring=(
        "Check formatting with ruff format and show what would change.\n\n"
        "path: a file or folder relative to the workspace root.\n"
        "apply: write the formatted files; only allowed when the session allows writing,\n"
        "otherwise it fails with an error (call without apply to see the diffs).\n"
        "result.files lists each file that is not formatted with its unified diff;\n"
        "result.errors lists files ruff could not parse (syntax errors)."
    ),
    arguments=_quality.FormatArguments,
    result=FormatResult,
    implementation=_quality.ruff_format,
    examples=LazyExamples("ruff_format"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "WritingNotAllowed: apply=True in a read-only session",
        "ToolMissing / ToolTimeout: ruff is missing or too slow",
        "ToolCrashed: ruff failed as a whole (e.g. a broken [tool.ruff] configuration)",
        "ToolOutputError: the diff or summary could not be parsed (format drift)",
    ),
)

PYTEST_RUN = Bridge(
    name="pytest_run",
    docstring=(
        "Run tests with pytest and return each test's outcome.\n\n"
        "path: a test file or folder relative to the workspace root; None runs what pytest\n"
        "runs there (the project's testpaths).\n"
        "keyword: a pytest -k expression to select tests by name, e.g. 'discount'.\n"
        "result.success is False when a test failed or errored. result.tests lists name (the\n"
        "pytest node id), outcome ('passed', 'failed', 'error', 'skipped', 'xfailed',\n"
        "'xpassed'), duration, message (the assertion or error text) and the file and line of\n"
        "the failure. Stops with a timeout error if the tests run too long.\n"
        "result.python names the environment the tests ran in; result.jail how they were confined."
    ),
    arguments=_quality.PytestArguments,
    result=TestResult,
    implementation=_quality.pytest_run,
    examples=LazyExamples("pytest_run"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "BridgeArgumentError: keyword is not a valid -k expression",
        "ToolTimeout: the run was stopped; the message names the test that was running",
        "ToolCrashed: pytest had an internal or usage error (exit status 3 or 4)",
        "ToolOutputError: the report log could not be parsed (format drift)",
        "ToolMissing: the project's Python has no pytest (the message says how to add it)",
        "JailUnavailable: the session allows writes and no jail (bubblewrap) works here; tell the "
        "user to install one or set jail = 'off'",
    ),
)

READ_FILE = Bridge(
    name="read_file",
    docstring=(
        "Read a text file of the workspace, whole or a range of lines.\n\n"
        "path: the file, relative to the workspace root.\n"
        "start_line, end_line: 1-based, inclusive; None reads from the start / to the end.\n"
        f"At most {_files.MAX_LINES} lines come back per call: compare end_line with line_count.\n"
        "result.text holds the lines; result.line_count is the length of the whole file.\n"
        "result.encoding is how the file was read; result.note is set when the text is not\n"
        "exactly the file (bytes that are not valid UTF-8 are shown as U+FFFD)."
    ),
    arguments=_files.ReadArguments,
    result=FileText,
    implementation=_files.read_file,
    examples=LazyExamples("read_file"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "PathNotFound: the path is a folder",
        "BridgeArgumentError: a line range that is empty or past the end; a binary file (NUL "
        "bytes), a file over 5 MB, or one the file system refuses",
    ),
)

LIST_FILES = Bridge(
    name="list_files",
    docstring=(
        "List the files under a folder of the workspace (recursively), sorted folder by folder.\n\n"
        "path: the folder, relative to the workspace root.\n"
        "pattern: a glob on the file name, e.g. '*.py' or 'test_*.py' (with a '/' it matches\n"
        "the whole relative path, e.g. 'tests/*.py').\n"
        "limit: the most files to return; result.truncated tells when there were more.\n"
        "Files .gitignore excludes, hidden files and folders (.git, .venv), caches and build\n"
        "output are skipped; symlinks are not followed."
    ),
    arguments=_files.ListArguments,
    result=FileList,
    implementation=_files.list_files,
    examples=LazyExamples("list_files"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "PathNotFound: the path is a file, not a folder",
        "validation error: limit outside 1..5000",
    ),
)

GREP = Bridge(
    name="grep",
    docstring=(
        "Search files of the workspace for lines matching a regular expression.\n\n"
        "pattern: a regular expression, e.g. 'def total' or r'TODO|FIXME' (Python's syntax\n"
        "without lookahead/lookbehind or backreferences; matched one line at a time).\n"
        "path: a file or folder relative to the workspace root.\n"
        "glob: which file names to search in a folder, e.g. '*.py' (default) or '*'.\n"
        "ignore_case: match regardless of case. limit: the most matches to return.\n"
        "result.matches lists file, line and the text of each matching line.\n"
        "result.skipped lists files that could not be searched (binary, too large, unreadable).\n"
        "Files .gitignore excludes, hidden files and folders are not searched."
    ),
    arguments=_files.GrepArguments,
    result=GrepResult,
    implementation=_files.grep,
    examples=LazyExamples("grep"),
    failures=(
        "PathOutsideWorkspace: the path is absolute, contains '..' or is a symlink leading out",
        "PathNotFound: the path does not exist in the workspace",
        "BridgeArgumentError: the pattern is not a valid regular expression, or uses lookaround "
        "or backreferences (the message says what to write instead)",
        "ToolTimeout: the search ran past the time limit (narrow path= or glob=)",
        "validation error: empty pattern, limit outside 1..2000",
    ),
)

WRITE_FILE = Bridge(
    name="write_file",
    docstring=(
        "Write a text file in the workspace (create or replace it), only when allowed.\n\n"
        "path: the file, relative to the workspace root; missing folders are created.\n"
        "content: the complete new text of the file.\n"
        "result.diff shows what changed; result.created is True for a new file."
    ),
    arguments=_files.WriteArguments,
    result=WriteResult,
    implementation=_files.write_file,
    examples=LazyExamples("write_file"),
    writes=True,
    failures=(
        "WritingNotAllowed: the session is read-only (the bridge is not even offered then)",
        "PathOutsideWorkspace: the path leaves the workspace or is inside .git",
        "BridgeArgumentError: the path is a folder",
    ),
)

GIT_STATUS = Bridge(
    name="git_status",
    docstring=(
        "Show the git state of the workspace: branch, HEAD commit and changed files.\n\n"
        "result.clean is True when nothing is modified, staged or untracked.\n"
        "result.changes lists path, status ('modified', 'added', 'deleted', 'renamed',\n"
        "'untracked', ...), staged (True when in the index) and original_path for renames."
    ),
    arguments=_git.StatusArguments,
    result=GitStatus,
    implementation=_git.git_status,
    examples=LazyExamples("git_status"),
    failures=(
        "BridgeError: the workspace is not a git repository",
        "ToolMissing / ToolTimeout / ToolCrashed: git is missing, too slow, or failed",
        "ToolOutputError: porcelain v2 output could not be parsed",
    ),
)

GIT_DIFF = Bridge(
    name="git_diff",
    docstring=(
        "Show uncommitted changes as a unified diff.\n\n"
        "path: limit the diff to a file or folder (None for the whole workspace).\n"
        "staged: True for the changes in the index (what would be committed), False for the\n"
        "changes in the working tree not yet staged.\n"
        "result.files lists path, added and removed line counts; result.diff is the text."
    ),
    arguments=_git.DiffArguments,
    result=GitDiff,
    implementation=_git.git_diff,
    examples=LazyExamples("git_diff"),
    failures=(
        "PathOutsideWorkspace: the path leaves the workspace",
        "BridgeError: the workspace is not a git repository",
        "ToolOutputError: --numstat output could not be parsed",
    ),
)

GIT_LOG = Bridge(
    name="git_log",
    docstring=(
        "List recent commits, newest first.\n\n"
        "path: only commits that touched this file or folder (None for all).\n"
        "count: how many commits at most (1 to 200).\n"
        "result.commits lists hash, author, email, date (ISO 8601) and subject."
    ),
    arguments=_git.LogArguments,
    result=GitLog,
    implementation=_git.git_log,
    examples=LazyExamples("git_log"),
    failures=(
        "PathOutsideWorkspace: the path leaves the workspace",
        "BridgeError: the workspace is not a git repository",
        "validation error: count outside 1..200",
        "ToolOutputError: the log records could not be parsed",
    ),
)

CORE_BRIDGES: tuple[Bridge, ...] = (
    TYPECHECK,
    RUFF_CHECK,
    RUFF_FORMAT,
    PYTEST_RUN,
    READ_FILE,
    LIST_FILES,
    GREP,
    GIT_STATUS,
    GIT_DIFF,
    GIT_LOG,
    WRITE_FILE,
)
