"""Layered evaluation of any model through the same runtime a user runs.

Public API (pinned by ``tests/evals/test_evals_public_api.py``)::

    from evals import load_suite, run_suite, compare

    suite = load_suite("standard")
    report = run_suite(suite, model="oracle", workers=2)
    print(report.layers)            # {"L0": 1.0, ..., "L6": 1.0}

See docs/evals.md for the case schema, each layer's rule and the reports.
"""

from evals._answers import check_answer
from evals._compare import Comparison, LayerDelta, Verdict, compare
from evals._errors import EvalError, EvalUsageError, SuiteError, WorkspaceError
from evals._fields import FieldReads, check_field_path, field_reads
from evals._fingerprint import fingerprint, normalise_query, normalise_snippet, suite_fingerprints
from evals._html import comparison_html, report_html
from evals._inspect import INSPECT_LOG_NAME, inspect_available, write_inspect_log
from evals._load import SUITES_DIR, Suite, load_suite, suite_names
from evals._models import FAULTS, IGNORED_ANSWER, case_model, is_case_model_spec
from evals._report import (
    LAYER_TITLES,
    LAYERS,
    VARIANTS,
    CallLog,
    CaseResult,
    EvalReport,
    LayerName,
    LayerResult,
    LayerSummary,
    Spread,
    Status,
    TurnLog,
    Variant,
)
from evals._report_files import (
    REPORT_NAME,
    ReportFiles,
    default_comparison_dir,
    default_output_dir,
    read_report,
    report_summary,
    write_comparison,
    write_reports,
)
from evals._report_markdown import comparison_markdown, format_delta, format_rate, report_markdown
from evals._run_case import REWORDED_RULES, offered_functions
from evals._runner import Progress, ProgressUpdate, run_suite
from evals._schema import (
    CATEGORIES,
    EVAL_PROFILES,
    PROFILE_ALIASES,
    PROFILES,
    AnswerCheck,
    ArgumentRule,
    Case,
    CaseFile,
    Category,
    ExpectedCall,
    Pin,
    Reference,
)
from evals._workspaces import WORKSPACES_DIR, prepare_workspace, workspace_names

__all__ = [
    "CATEGORIES",
    "EVAL_PROFILES",
    "FAULTS",
    "IGNORED_ANSWER",
    "INSPECT_LOG_NAME",
    "LAYERS",
    "LAYER_TITLES",
    "PROFILES",
    "PROFILE_ALIASES",
    "REPORT_NAME",
    "REWORDED_RULES",
    "SUITES_DIR",
    "VARIANTS",
    "WORKSPACES_DIR",
    "AnswerCheck",
    "ArgumentRule",
    "CallLog",
    "Case",
    "CaseFile",
    "CaseResult",
    "Category",
    "Comparison",
    "EvalError",
    "EvalReport",
    "EvalUsageError",
    "ExpectedCall",
    "FieldReads",
    "LayerDelta",
    "LayerName",
    "LayerResult",
    "LayerSummary",
    "Pin",
    "Progress",
    "ProgressUpdate",
    "Reference",
    "ReportFiles",
    "Spread",
    "Status",
    "Suite",
    "SuiteError",
    "TurnLog",
    "Variant",
    "Verdict",
    "WorkspaceError",
    "case_model",
    "check_answer",
    "check_field_path",
    "compare",
    "comparison_html",
    "comparison_markdown",
    "default_comparison_dir",
    "default_output_dir",
    "field_reads",
    "fingerprint",
    "format_delta",
    "format_rate",
    "inspect_available",
    "is_case_model_spec",
    "load_suite",
    "normalise_query",
    "normalise_snippet",
    "offered_functions",
    "prepare_workspace",
    "read_report",
    "report_html",
    "report_markdown",
    "report_summary",
    "run_suite",
    "suite_fingerprints",
    "suite_names",
    "workspace_names",
    "write_comparison",
    "write_inspect_log",
    "write_reports",
]
