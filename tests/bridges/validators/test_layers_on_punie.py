"""check_layers on punie itself: the design's dependency rules hold, and a planted breach is caught.

The rules are those of shared/design.md, as pinned by tests/test_dependency_direction.py: the
command line (runtime.cli) may import every package, lazily.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bridges import BridgeContext
from bridges.cst import RuleArgumentError
from bridges.validators import BRIDGES
from parsers.contracts import ValidationResult

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("runtime", "sandbox", "bridges", "parsers", "lora", "evals")
RULES: dict[str, list[str]] = {
    "parsers": [],
    "sandbox": [],
    "bridges": ["parsers", "sandbox"],
    "runtime": ["sandbox", "bridges"],
    "runtime.cli": ["sandbox", "bridges", "parsers", "lora", "evals"],
    "lora": ["runtime", "bridges", "sandbox", "parsers", "evals"],
    "evals": ["runtime", "bridges", "sandbox", "parsers"],
}
CHECK_LAYERS = next(bridge for bridge in BRIDGES if bridge.name == "check_layers")


def check(workspace: Path, path: str, rules: dict[str, list[str]] = RULES) -> ValidationResult:
    function = CHECK_LAYERS.bind(BridgeContext(workspace=workspace)).function
    result = function(rules=rules, path=path)
    assert isinstance(result, ValidationResult)
    return result


@pytest.mark.parametrize("package", PACKAGES)
def test_punie_follows_its_own_layering(package: str) -> None:
    result = check(ROOT, package)
    assert result.issues == [] and result.valid and result.domain == "layers"


def test_a_planted_violation_is_caught_in_a_copy(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    (tmp_path / "parsers" / "planted.py").write_text(
        '"""Planted."""\n\n\ndef late():\n    from runtime import cli\n\n    return cli\n'
    )
    (tmp_path / "sandbox" / "planted.py").write_text(
        "import importlib\n\nfrom ..bridges import registry\n\n"
        "MODULE = importlib.import_module('lora.train')\n"
    )
    (tmp_path / "runtime" / "cli" / "planted.py").write_text("import evals\nimport lora\n")
    parsers = check(tmp_path, "parsers")
    assert not parsers.valid
    assert [(i.rule, i.file, i.line) for i in parsers.issues] == [
        ("LAYER001", "parsers/planted.py", 5)
    ]
    assert "parsers may import no other layer" in parsers.issues[0].message
    sandbox = check(tmp_path, "sandbox")
    assert [(i.rule, i.line) for i in sandbox.issues] == [("LAYER001", 3), ("LAYER002", 5)]
    assert (
        "sandbox.planted (layer sandbox) imports bridges (layer bridges)"
        in sandbox.issues[0].message
    )
    assert check(tmp_path, "runtime").valid


def test_rules_that_match_nothing_are_refused_with_a_hint() -> None:
    with pytest.raises(RuleArgumentError, match="no module under 'parsers' belongs"):
        check(ROOT, "parsers", {"parser": []})
    assert check(ROOT, "parsers/__init__.py", {"parser": []}).valid  # one file outside: fine
    with pytest.raises(RuleArgumentError, match="rules is empty"):
        check(ROOT, "parsers", {})
    with pytest.raises(RuleArgumentError, match="not a dotted module name"):
        check(ROOT, "parsers", {"parsers": ["not a module"]})
