"""punie's own pytest plugin: one JSON line per session event, for the ``pytest_run`` bridge.

This file runs inside the *project's* Python, not punie's: ``pytest_run`` puts this folder (and
nothing else of punie) at the end of the child's ``sys.path`` and loads the module with
``-p punie_pytest_report``. So it imports only the standard library and pytest, keeps to syntax
that old interpreters accept, and never depends on what the project installed (the project may
or may not have pytest-reportlog, in any version).

The lines have the shape of pytest-reportlog's ``--report-log`` (``SessionStart``,
``CollectReport``, ``TestReport``, ``SessionFinish``), which ``parsers.parse_pytest_reportlog``
reads. Each line is flushed as it is written, so a run killed half-way still leaves every finished
test readable. Captured output (``sections``) is left out: the parser does not read it and a
chatty test would make the log as large as its output.
"""

from __future__ import annotations

import json
import os
from typing import IO, TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # annotations are never evaluated: this runs on the project's pytest
    from collections.abc import Generator

    from _pytest.reports import BaseReport
    from pluggy import Result

OPTION = "--punie-report-log"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OPTION,
        action="store",
        dest="punie_report_log",
        metavar="PATH",
        default=None,
        help="(punie) write one JSON line per session event to PATH",
    )


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("punie_report_log")
    if path and not hasattr(config, "workerinput"):  # an xdist worker reports to its controller
        config.pluginmanager.register(_Writer(config, path), "punie-report-log-writer")


@pytest.hookimpl(hookwrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, Result[None], None]:
    """A conftest.py that fails to import stops pytest before the session starts (exit status
    4, no report): write that failure as the collection error of the conftest file, so the
    bridge can show which project file broke and why, like any other collection error."""
    outcome = yield
    error = outcome.excinfo[1] if outcome.excinfo else None
    path = getattr(error, "path", None)
    log = getattr(early_config.known_args_namespace, "punie_report_log", None)
    if error is None or path is None or not log:
        return
    cause = getattr(error, "cause", None) or error
    line = None
    traceback = getattr(cause, "__traceback__", None)
    while traceback is not None:  # the deepest frame inside the conftest file
        if os.path.abspath(traceback.tb_frame.f_code.co_filename) == os.path.abspath(str(path)):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    crash = {
        "path": os.path.abspath(str(path)),
        "lineno": line if line is not None else 1,
        "message": f"{type(cause).__name__}: {cause}",
    }
    with open(log, "w", encoding="utf-8") as file:
        for record in (
            {"pytest_version": pytest.__version__, "$report_type": "SessionStart"},
            {
                "nodeid": os.path.relpath(str(path)).replace(os.sep, "/"),
                "outcome": "failed",
                "longrepr": {"reprcrash": crash},
                "result": None,
                "$report_type": "CollectReport",
            },
            {"exitstatus": 4, "$report_type": "SessionFinish"},
        ):
            file.write(json.dumps(record, default=str) + "\n")


class _Writer:
    def __init__(self, config: pytest.Config, path: str) -> None:
        self._config = config
        self._file: IO[str] = open(path, "w", buffering=1, encoding="utf-8")  # noqa: SIM115

    def _write(self, data: dict[str, Any]) -> None:
        data.pop("sections", None)
        self._file.write(json.dumps(data, default=str) + "\n")
        self._file.flush()

    def _report(self, report: BaseReport) -> None:
        data = self._config.hook.pytest_report_to_serializable(config=self._config, report=report)
        if "_report_type" in data:  # pytest-subtests' reports
            data["$report_type"] = data.pop("_report_type")
        self._write(data)

    def pytest_sessionstart(self) -> None:
        self._write({"pytest_version": pytest.__version__, "$report_type": "SessionStart"})

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._report(report)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._report(report)

    def pytest_sessionfinish(self, exitstatus: int) -> None:
        self._write({"exitstatus": int(exitstatus), "$report_type": "SessionFinish"})

    def pytest_unconfigure(self) -> None:
        self._file.close()
