"""A committed messy project (tests/fixtures/projects/messy), used the way a model uses punie.

One snippet, run in the sandbox against the project, calls every family of bridges that reads
many files or runs the project's code, and the whole answer is compared with what is true of the
project: its own environment (a ``.venv`` holding its own ``attrs``, ``src/`` importable through a
``.pth`` file), its own configuration (ruff's select/ignore/target, pytest's testpaths and strict
markers) and its messy files (latin-1 with a declaration, cp1252 without one, a syntax error, a
binary ``.py``, a namespace package). Before issue 10 this snippet failed at the first bridge that
met one of those files, and pytest_run imported punie's attrs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridges import default_bridges
from sandbox import Limits, Sandbox
from tests.bridges.bridge_helpers import make_venv

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "messy"

SNIPPET = """
t = typecheck()
r = ruff_check()
p = pytest_run()
g = grep(pattern="total", path="src")
f = read_file(path="src/messy/legacy.py", start_line=6, end_line=6)
c = cst_find_pattern(pattern="function:*total", path="src")
d = goto_definition(file="src/nsplugins/extra.py", symbol="total")
{
    "python": t.python == p.python,
    "type_errors": [f"{e.file}:{e.line} {e.code}" for e in t.errors if e.severity == "error"],
    "ty_skipped": [f"{s.file} {s.reason}" for s in t.skipped],
    "rules": r.rules,
    "violations": [f"{v.file}:{v.line} {v.code}" for v in r.violations],
    "ruff_skipped": [f"{s.file} {s.reason}" for s in r.skipped],
    "tests": [f"{x.name} {x.outcome}" for x in p.tests],
    "grep": [f"{m.file}:{m.line} {m.text}" for m in g.matches],
    "grep_skipped": [f"{s.file} {s.reason}" for s in g.skipped],
    "legacy_line": [f.text, f.encoding],
    "cst": [f"{m.file}:{m.line} {m.name}" for m in c.matches],
    "cst_skipped": [f"{s.file} {s.reason}" for s in c.skipped],
    "definition": [f"{x.file}:{x.line}" for x in d.definitions],
}
"""


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("messy") / "messy"
    shutil.copytree(FIXTURE, root)
    site = make_venv(root / ".venv", pytest_installed=True)
    (site / "attrs").mkdir()
    (site / "attrs" / "__init__.py").write_text('__version__ = "0.0.1+messy"\n')
    (site / "attrs-0.0.1.dist-info").mkdir()
    (site / "attrs-0.0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: attrs\nVersion: 0.0.1\n"
    )
    (site / "_messy_editable.pth").write_text(f"{root / 'src'}\n")
    return root.resolve()


def test_one_snippet_over_the_messy_project_sees_the_project_as_it_is(messy: Path) -> None:
    limits = Limits(timeout_s=120, run_timeout_s=600)
    with Sandbox(host_functions=default_bridges(messy), limits=limits, pool_size=1) as sandbox:
        result = sandbox.run(SNIPPET)
    assert result.error is None
    assert result.value == {
        "python": True,
        # ty resolves attrs, messy (src/ through the .pth) and nsplugins in the project's .venv:
        # no unresolved import; the one real type error is reported beside the broken files.
        "type_errors": [
            "src/messy/blob.py:2 invalid-syntax",
            "src/messy/blob.py:2 invalid-syntax",
            "src/messy/blob.py:2 invalid-syntax",
            "src/messy/blob.py:2 unresolved-reference",
            "src/messy/broken.py:1 invalid-syntax",
            "src/messy/broken.py:1 invalid-syntax",
            "src/messy/core.py:16 unsupported-operator",
        ],
        "ty_skipped": [
            "src/messy/cp1252.py undecodable",
            "src/messy/legacy.py undecodable",
        ],
        # The project ignores UP031 (the % format in core.py) and targets 3.9 (no X | None).
        "rules": "the project's configuration (pyproject.toml)",
        "violations": [
            "src/messy/blob.py:2 invalid-syntax",
            "src/messy/blob.py:2 invalid-syntax",
            "src/messy/blob.py:2 invalid-syntax",
            "src/messy/broken.py:1 invalid-syntax",
            "src/messy/broken.py:1 invalid-syntax",
        ],
        "ruff_skipped": [
            "src/messy/cp1252.py undecodable",
            "src/messy/legacy.py undecodable",
        ],
        # testpaths: bench/ (with an undeclared marker) is not collected; attrs is the project's.
        "tests": [
            "tests/test_core.py::test_total_with_discount passed",
            "tests/test_core.py::test_label passed",
            "tests/test_core.py::test_the_project_attrs passed",
            "tests/test_core.py::test_plugin_total passed",
            "tests/test_core.py::test_total_is_wrong_on_purpose failed",
        ],
        "grep": [
            "src/messy/__init__.py:1 from messy.core import label, total",
            'src/messy/__init__.py:3 __all__ = ["label", "total"]',
            "src/messy/broken.py:1 def broken_total(:",
            "src/messy/core.py:4 def total(prices: list[float], discount: Optional[float] = None)"
            " -> float:",
            "src/messy/core.py:5     subtotal = sum(prices)",
            "src/messy/core.py:7         return subtotal",
            "src/messy/core.py:8     return subtotal * (1 - discount)",
            "src/messy/cp1252.py:1 def cp1252_total(prices):",
            "src/messy/cp1252.py:2     return sum(prices)  # \ufffdquoted\ufffd total",
            "src/messy/legacy.py:5 def legacy_total(prices):",
            "src/nsplugins/extra.py:1 from messy import total",
            "src/nsplugins/extra.py:4 def plugin_total() -> float:",
            "src/nsplugins/extra.py:5     return total([1.0, 2.0])",
        ],
        "grep_skipped": ["src/messy/blob.py binary"],
        "legacy_line": ["    return sum(prices)  # caf\u00e9 prices\n", "iso8859-1"],
        "cst": [
            "src/messy/core.py:4 total",
            "src/messy/legacy.py:5 legacy_total",
            "src/nsplugins/extra.py:4 plugin_total",
        ],
        "cst_skipped": [
            "src/messy/blob.py binary",
            "src/messy/broken.py syntax_error",
            "src/messy/cp1252.py undecodable",
        ],
        "definition": ["src/messy/core.py:4"],
    }
