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
from evals._load import SUITES_DIR, Suite, load_suite, suite_names
from evals._models import FAULTS, IGNORED_ANSWER, case_model, is_case_model_spec
from evals._report import (
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
from evals._run_case import REWORDED_RULES, offered_functions
from evals._runner import Progress, ProgressUpdate, run_suite
from evals._schema import (
    CATEGORIES,
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
    "FAULTS",
    "IGNORED_ANSWER",
    "LAYERS",
    "PROFILES",
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
    "field_reads",
    "fingerprint",
    "is_case_model_spec",
    "load_suite",
    "normalise_query",
    "normalise_snippet",
    "offered_functions",
    "prepare_workspace",
    "run_suite",
    "suite_fingerprints",
    "suite_names",
    "workspace_names",
]
