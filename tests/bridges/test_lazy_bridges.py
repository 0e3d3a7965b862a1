"""Listing the bridges does not load their implementations (issue 11, finding 14).

``punie run --workspace DIR`` builds every bridge record even when the snippet calls none; the
language-server client (lsprotocol, pygls) and the LibCST bridge implementations must load only
when a bridge is first called. Checked in a fresh interpreter, where ``sys.modules`` says what an
import really pulled in.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bridges import PathNotFound
from bridges._bridge import BridgeContext, lazy

HEAVY = [
    "bridges.cst._add_import",
    "bridges.cst._find",
    "bridges.cst._rename",
    "bridges.navigation._bridges",
    "bridges.navigation._connection",
    "bridges.navigation._session",
    "bridges.validators._base",
    "bridges.validators._implementations",
    "libcst",
    "lsprotocol",
    "pygls",
]
"""Modules that only a bridge call needs."""

_PROBE = """
import json, sys
import bridges
functions = {f.name: f for f in bridges.default_bridges(sys.argv[1])}
heavy = json.loads(sys.argv[2])
report = {"listed": sorted(m for m in heavy if m in sys.modules)}
for name, kwargs in json.loads(sys.argv[3]):
    try:
        functions[name].function(**kwargs)
    except bridges.BridgeError as error:
        report.setdefault("errors", []).append(type(error).__name__)
report["called"] = sorted(m for m in heavy if m in sys.modules)
print(json.dumps(report))
"""


def _probe(workspace: Path, calls: list[tuple[str, dict[str, object]]]) -> dict[str, list[str]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, str(workspace), json.dumps(HEAVY), json.dumps(calls)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(completed.stdout)


def test_listing_bridges_imports_no_implementation(tmp_path: Path) -> None:
    report = _probe(tmp_path, [])
    assert report == {"listed": [], "called": []}


def test_calling_a_bridge_loads_its_implementation(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def main() -> int:\n    return 1\n")
    calls: list[tuple[str, dict[str, object]]] = [
        ("cst_find_pattern", {"pattern": "function:main"}),
        ("document_symbols", {"file": "missing.py"}),
    ]
    report = _probe(tmp_path, calls)
    assert report == {
        "listed": [],
        "errors": ["PathNotFound"],
        "called": [
            "bridges.cst._find",
            "bridges.navigation._bridges",
            "bridges.navigation._connection",
            "bridges.navigation._session",
            "libcst",
            "lsprotocol",
            "pygls",
        ],
    }


def test_calling_a_validator_loads_libcst_and_finds_its_issue(tmp_path: Path) -> None:
    """The validators' records are built without LibCST; a call loads it and still validates."""
    (tmp_path / "routes.py").write_text(
        "from app import router\n\n\n@router.get('items')\ndef items() -> list[int]:\n"
        "    return []\n"
    )
    probe = _PROBE.replace(
        "    try:\n        functions[name].function(**kwargs)",
        "    try:\n        result = functions[name].function(**kwargs)\n"
        "        report.setdefault('rules', []).extend(i.rule for i in result.issues)",
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            str(tmp_path),
            json.dumps(HEAVY),
            json.dumps([("validate_route_pattern", {})]),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(completed.stdout) == {
        "listed": [],
        "rules": ["ROUTE001"],
        "called": [
            "bridges.validators._base",
            "bridges.validators._implementations",
            "libcst",
        ],
    }


def test_lazy_calls_the_named_implementation(tmp_path: Path) -> None:
    implementation = lazy("bridges.navigation._bridges:document_symbols")
    context = BridgeContext(workspace=tmp_path)
    from bridges.navigation._arguments import DocumentSymbolsArguments

    with pytest.raises(PathNotFound, match=re.escape("missing.py")):
        implementation(context, DocumentSymbolsArguments(file="missing.py"))


@pytest.mark.parametrize(
    "target", ["bridges.navigation._bridges", ":hover", "bridges.navigation._bridges:"]
)
def test_lazy_refuses_a_malformed_target(target: str) -> None:
    message = f"lazy({target!r}): name the implementation as 'package.module:function'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        lazy(target)


def test_argument_models_match_the_implementations() -> None:
    """The navigation argument models used by the records are those the implementations read."""
    from bridges.navigation import _arguments, _bridges

    for name in _arguments.__all__:
        listed, implemented = getattr(_arguments, name), getattr(_bridges, name)
        assert listed.model_json_schema() == implemented.model_json_schema(), name
