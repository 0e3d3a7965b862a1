"""The server's building blocks without a client: which checks run for which settings, how a
family that cannot run degrades, and the quick fixes' edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from bridges import sample_workspace
from runtime.lsp import parse_settings
from runtime.lsp._checks import run_checks, validator_names
from runtime.lsp._fixes import code_actions, text_edits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_workspace(tmp_path_factory.mktemp("checks") / "shop")


def check(
    shop: Path, relative: str, **settings: object
) -> tuple[set[str | None], list[str], list[types.Diagnostic]]:
    report = run_checks(
        workspace=shop,
        relative=relative,
        text=(shop / relative).read_text(encoding="utf-8"),
        settings=parse_settings(settings),
    )
    return {d.source for d in report.diagnostics}, report.failures, report.diagnostics


def test_selected_validators_only(shop: Path) -> None:
    sources, failures, found = check(
        shop, "shop/web/routes.py", checks=["validators"], validators=["validate_route_pattern"]
    )
    assert failures == [] and sources == {"punie/routes"}
    assert all(str(d.code).startswith("ROUTE") for d in found)


def test_every_validator_by_default(shop: Path) -> None:
    sources, failures, _ = check(shop, "shop/web/routes.py", checks=["validators"])
    assert failures == [] and {"punie/routes", "punie/svcs"} <= sources
    assert "check_layers" not in validator_names()


def test_layers_run_when_configured(shop: Path) -> None:
    # shop/web/components.py imports shop.models, which these rules forbid.
    sources, failures, found = check(
        shop,
        "shop/web/components.py",
        checks=["validators"],
        validators=[],
        layers={"shop.web": [], "shop.models": []},
    )
    assert failures == []
    assert sources == {"punie/layers"} and {d.code for d in found} == {"LAYER001"}


def test_ruff_rules_follow_the_settings(shop: Path) -> None:
    _, _, everything = check(shop, "shop/pricing.py", checks=["ruff"])
    _, _, only_e7 = check(shop, "shop/pricing.py", checks=["ruff"], ruffSelect=["E7"])
    assert {"F401", "E711", "B006"} <= {d.code for d in everything}
    assert {d.code for d in only_e7} == {"E711", "E722"}


def test_a_family_that_fails_degrades_alone(shop: Path) -> None:
    sources, failures, _ = check(
        shop, "shop/pricing.py", checks=["ruff", "validators"], validators=["no_such_validator"]
    )
    assert sources == {"punie/ruff"}
    assert len(failures) == 1 and "no bridge named 'no_such_validator'" in failures[0]


def test_text_edits_turn_old_into_new() -> None:
    old = "import os\nimport sys\n\nx = 1\n"
    new = "import sys\n\nx = 1\ny = 2\n"
    edits = text_edits(old, new)
    lines = list[str](old.splitlines(keepends=True))
    for edit in sorted(edits, key=lambda e: e.range.start.line, reverse=True):
        lines[edit.range.start.line : edit.range.end.line] = [edit.new_text]
    assert "".join(lines) == new


def test_ruff_fix_uses_the_unsaved_text(shop: Path) -> None:
    text = "import os\nimport sys\n\nprint(sys.argv)\n"  # differs from anything on disk
    diagnostic = types.Diagnostic(
        range=types.Range(
            start=types.Position(line=0, character=7), end=types.Position(line=0, character=9)
        ),
        message="`os` imported but unused",
        code="F401",
        source="punie/ruff",
        data={"fixable": True},
    )
    actions = code_actions(
        workspace=shop,
        relative="shop/scratch.py",
        uri=(shop / "shop/scratch.py").as_uri(),
        text=text,
        diagnostics=[diagnostic],
        ruff_select=None,
        timeout_s=30,
    )
    assert [a.title for a in actions] == ["Fix F401 (ruff)", "Fix all auto-fixable problems (ruff)"]
    edit = actions[0].edit
    assert edit is not None and edit.changes is not None
    (only,) = edit.changes.values()
    assert [(e.range.start.line, e.range.end.line, e.new_text) for e in only] == [(0, 1, "")]
