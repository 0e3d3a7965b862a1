"""The files a run leaves behind, and reading them back.

``write_reports(report, out)`` writes into the folder ``out``:

- ``report.json``: the whole ``EvalReport`` (``read_report`` reads it back);
- ``report.md``: the Markdown summary;
- ``report.html``: one self-contained page with the charts (opens with no network);
- ``inspect.eval``: an Inspect AI log (``inspect view``), when ``inspect_ai`` is installed.

``default_output_dir(report)`` is ``<punie data dir>/evals/<UTC time>-<suite>-<model>``; the data
dir is ``$PUNIE_DATA_DIR``, else ``$XDG_DATA_HOME/punie``, else ``~/.local/share/punie``
(``runtime.traces.data_dir``). ``report_summary`` is the small dict ``punie eval run --json``
prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evals._compare import Comparison
from evals._errors import EvalUsageError
from evals._html import comparison_html, report_html
from evals._inspect import INSPECT_LOG_NAME, write_inspect_log
from evals._report import EvalReport
from evals._report_markdown import comparison_markdown, report_markdown

__all__ = [
    "REPORT_NAME",
    "ReportFiles",
    "default_comparison_dir",
    "default_output_dir",
    "read_report",
    "report_summary",
    "write_comparison",
    "write_reports",
]

REPORT_NAME = "report.json"
"""The JSON report's file name in an output folder."""


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """What ``write_reports`` / ``write_comparison`` wrote."""

    directory: Path
    json: Path
    markdown: Path
    html: Path
    inspect: Path | None = None
    """The Inspect AI log; None when it was not written (see ``note``)."""
    note: str | None = None
    """One line saying what was skipped and why (no ``inspect_ai`` installed)."""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "model"


def default_output_dir(report: EvalReport) -> Path:
    """``<data dir>/evals/<created>-<suite>-<model>``, e.g. ``.../20261204T101500-standard-oracle``."""
    from runtime.traces import data_dir

    stamp = re.sub(r"[^0-9T]", "", report.created.split("+")[0])
    return data_dir() / "evals" / f"{stamp}-{_slug(report.suite)}-{_slug(report.model)}"


def default_comparison_dir() -> Path:
    """``<data dir>/evals/<UTC time now>-compare``."""
    from datetime import UTC, datetime

    from runtime.traces import data_dir

    return data_dir() / "evals" / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-compare"


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise EvalUsageError(
            f"cannot write {path}: {error.strerror or error}; choose a writable folder with --out "
            "(or set PUNIE_DATA_DIR)"
        ) from error


def write_reports(
    report: EvalReport,
    out: Path | None = None,
    *,
    queries: dict[str, tuple[str, str]] | None = None,
    inspect: bool = True,
) -> ReportFiles:
    """Write the JSON, Markdown, HTML and (with ``inspect_ai``) Inspect reports into ``out``.

    ``queries`` (case id -> (query, reference answer)) fills the Inspect samples' input and
    target; ``inspect=False`` skips the Inspect log (it costs seconds to import).
    """
    directory = out if out is not None else default_output_dir(report)
    json_path = directory / REPORT_NAME
    _write(json_path, report.model_dump_json(indent=2) + "\n")
    markdown = directory / "report.md"
    _write(markdown, report_markdown(report))
    page = directory / "report.html"
    _write(page, report_html(report))
    inspect_path: Path | None = None
    note: str | None = None
    if inspect:
        inspect_path = write_inspect_log(report, directory / INSPECT_LOG_NAME, queries=queries)
        if inspect_path is None:
            note = (
                "no Inspect AI log written: inspect_ai is not installed "
                "(install the extra: pip install 'punie[inspect]')"
            )
    return ReportFiles(
        directory=directory,
        json=json_path,
        markdown=markdown,
        html=page,
        inspect=inspect_path,
        note=note,
    )


def write_comparison(comparison: Comparison, out: Path, *, margin: float = 0.02) -> ReportFiles:
    """Write ``comparison.json`` (with the verdict), ``comparison.md`` and ``comparison.html``."""
    verdict = comparison.verdict(margin)
    data = {"comparison": comparison.model_dump(mode="json"), "verdict": verdict.model_dump()}
    json_path = out / "comparison.json"
    _write(json_path, json.dumps(data, indent=2) + "\n")
    markdown = out / "comparison.md"
    _write(markdown, comparison_markdown(comparison, margin=margin))
    page = out / "comparison.html"
    _write(page, comparison_html(comparison, margin=margin))
    return ReportFiles(directory=out, json=json_path, markdown=markdown, html=page)


def read_report(path: str | Path) -> EvalReport:
    """Read a JSON report: the file itself or the output folder holding ``report.json``."""
    location = Path(path).expanduser()
    if location.is_dir():
        location = location / REPORT_NAME
    try:
        text = location.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EvalUsageError(
            f"cannot read the report {location}: {getattr(error, 'strerror', None) or error}; "
            "give a report.json written by 'punie eval run' or the folder holding it"
        ) from None
    try:
        return EvalReport.model_validate_json(text)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(the file)"
        raise EvalUsageError(
            f"{location} is not a punie evaluation report ({error.error_count()} problem(s), "
            f"first at {where}: {first['msg']}); give a report.json written by 'punie eval run'"
        ) from None


def report_summary(report: EvalReport, path: Path | None) -> dict[str, Any]:
    """What ``punie eval run --json`` prints: suite, model, cases, layer and category rates,
    and where the JSON report is."""
    return {
        "suite": report.suite,
        "model": report.model,
        "cases": len({c.case_id for c in report.base_cases()}),
        "layers": dict(report.layers),
        "categories": {name: dict(rates) for name, rates in report.categories.items()},
        "report": str(path) if path is not None else None,
    }
