"""``punie run --workspace`` builds no bridge for a snippet that can reach none (issue 11, 14).

A snippet whose every name is a Python builtin it only reads cannot call a bridge, so the CLI
checks the workspace settings and runs it without building the records (their argument models,
contracts and examples are most of the start-up cost). Checked in a fresh interpreter, where
``sys.modules`` tells what was imported; the output must be what a run with the bridges prints.
"""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridges import default_bridges
from sandbox import Sandbox

RECORDS = ["bridges._core._records", "bridges.cst._records", "bridges.navigation._records"]
"""Modules that building the bridge records imports."""

_PROBE = """
import json, sys
from runtime.cli import main
records = json.loads(sys.argv[2])
sys.argv = ["punie", "run", *json.loads(sys.argv[1])]
try:
    status = main()
except SystemExit as exit:
    status = exit.code
print(json.dumps({"status": status, "built": sorted(m for m in records if m in sys.modules)}))
"""


def _run(*arguments: str) -> tuple[list[str], dict[str, object], str]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(arguments), json.dumps(RECORDS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    *printed, report = completed.stdout.splitlines()
    return printed, json.loads(report), completed.stderr


def test_a_snippet_of_builtins_builds_no_bridge(tmp_path: Path) -> None:
    printed, report, _ = _run("--workspace", str(tmp_path), "-c", "print(len('abc'))\n1+1")
    assert (printed, report) == (["3", "2"], {"status": 0, "built": []})


def test_a_snippet_naming_a_bridge_gets_the_bridges(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    printed, report, _ = _run("--workspace", str(tmp_path), "-c", "list_files().files[0]")
    assert (printed, report) == (["a.py"], {"status": 0, "built": RECORDS})


def test_a_name_the_snippet_binds_counts_as_a_possible_bridge(tmp_path: Path) -> None:
    printed, report, _ = _run("--workspace", str(tmp_path), "-c", "n = 2\nn * 2")
    assert (printed, report) == (["4"], {"status": 0, "built": RECORDS})


def test_settings_are_still_checked_without_bridges(tmp_path: Path) -> None:
    """A wrong setting (a jail program that is not there) is refused all the same."""
    (tmp_path / "pyproject.toml").write_text('[tool.punie]\njail = "/no/such/bwrap"\n')
    fast = _run("--workspace", str(tmp_path), "-c", "1+1")
    bound = _run("--workspace", str(tmp_path), "-c", "x = 1")
    assert (fast[0], fast[1]) == ([], {"status": 2, "built": []})
    assert (bound[0], bound[1]["status"]) == ([], 2)
    assert fast[2] == bound[2]
    assert fast[2].startswith(f"punie run: {tmp_path / 'pyproject.toml'}: jail = ")


def test_a_missing_builtin_reads_as_with_the_bridges(tmp_path: Path) -> None:
    """Every Python builtin fails (or not) with the same message with and without bridges, so
    a snippet of builtins runs the same without them (the CLI reruns a NameError with them)."""
    names = [name for name in dir(builtins) if not name.startswith("_")]
    with (
        Sandbox(pool_size=1) as bare,
        Sandbox(default_bridges(tmp_path), pool_size=1) as bound,
    ):
        errors = {name: (bare.run(name).error, bound.run(name).error) for name in names}
    assert {name: pair for name, pair in errors.items() if pair[0] != pair[1]} == {}


@pytest.mark.parametrize("source", ["x", "del print", "print = 1", "[i for i in range(2)]"])
def test_names_other_than_read_builtins_take_the_bridges(tmp_path: Path, source: str) -> None:
    from runtime.cli._run import _names_no_bridge

    assert _names_no_bridge(source) is False


@pytest.mark.parametrize("source", ["1+1", "print(sorted({3, 1}))", "len('ab') == 2"])
def test_read_builtins_alone_need_no_bridge(source: str) -> None:
    from runtime.cli._run import _names_no_bridge

    assert _names_no_bridge(source) is True
