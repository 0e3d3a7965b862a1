"""``punie bridges`` prints the stubs the model sees; the core stubs are pinned in a snapshot.

The snapshot ``tests/fixtures/stubs.txt`` holds the stubs of the core bridges;
``stubs_cst.txt`` and ``stubs_validators.txt`` those of the LibCST and validator families (the
navigation family pins its own in ``tests/bridges/navigation``). After a deliberate change to a bridge's
docstring, arguments or result contract, rewrite them with
``PUNIE_UPDATE_STUBS=1 uv run pytest tests/bridges/test_cli_bridges.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bridges import Bridge, BridgeContext, cst, default_bridges, validators
from bridges._core import CORE_BRIDGES
from runtime.cli import main
from sandbox import render_stubs

SNAPSHOT = Path(__file__).resolve().parents[1] / "fixtures" / "stubs.txt"


def stubs_of(records: tuple[Bridge, ...], workspace: Path) -> str:
    context = BridgeContext(workspace=workspace.resolve(), allow_write=True)
    return render_stubs([record.bind(context) for record in records])


@pytest.mark.parametrize(
    ("records", "snapshot"),
    [
        (CORE_BRIDGES, SNAPSHOT),
        (cst.BRIDGES, SNAPSHOT.with_name("stubs_cst.txt")),
        (validators.BRIDGES, SNAPSHOT.with_name("stubs_validators.txt")),
    ],
    ids=["core", "cst", "validators"],
)
def test_stubs_match_the_snapshot(
    records: tuple[Bridge, ...], snapshot: Path, tmp_path: Path
) -> None:
    text = stubs_of(records, tmp_path)
    if os.environ.get("PUNIE_UPDATE_STUBS") == "1":
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}; run with PUNIE_UPDATE_STUBS=1"
    assert snapshot.read_text(encoding="utf-8") == text, (
        f"the bridge stubs changed; if deliberate, rewrite tests/fixtures/{snapshot.name} with "
        "PUNIE_UPDATE_STUBS=1"
    )


def test_the_command_prints_exactly_what_the_model_sees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bridges", "--workspace", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert printed == render_stubs(default_bridges(tmp_path))
    assert 'def typecheck(*, path: str = ".") -> TypeCheckResult:' in printed
    assert "def write_file(" not in printed


def test_allow_write_adds_the_writing_bridges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bridges", "--workspace", str(tmp_path), "--allow-write"]) == 0
    printed = capsys.readouterr().out
    assert printed == render_stubs(default_bridges(tmp_path, allow_write=True))
    assert "def write_file(*, path: str, content: str) -> WriteResult:" in printed


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bridges", "--workspace", str(tmp_path), "--json", "--allow-write"]) == 0
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {document["name"]: document for document in documents}
    assert by_name["write_file"]["writes"] is True
    assert by_name["typecheck"]["writes"] is False
    assert by_name["typecheck"]["stub"].startswith("def typecheck(")
    assert "errors" in by_name["typecheck"]["result"]["properties"]
    assert by_name["ruff_check"]["arguments"]["properties"]["select"]


def test_a_missing_workspace_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bridges", "--workspace", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_the_console_script(tmp_path: Path) -> None:
    punie = Path(sys.executable).parent / "punie"
    done = subprocess.run(
        [str(punie), "bridges", "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == render_stubs(default_bridges(tmp_path))
