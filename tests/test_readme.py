"""The README's two commands are the contract with a new user and with CI: keep them true."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)


def test_readme_has_exactly_the_two_setup_commands() -> None:
    assert len(COMMANDS) == 2
    assert all(command.startswith("uv sync && ") for command in COMMANDS)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert COMMANDS[1] in ci_lines
    assert "pytest" in COMMANDS[1] and "ty check" in COMMANDS[1]


def test_the_main_job_runs_and_reports_the_sample_workspace() -> None:
    command = COMMANDS[0].removeprefix("uv sync && ").replace("uv run ", "", 1).split()
    program = Path(sys.executable).parent / command[0]
    finished = subprocess.run(
        [str(program), *command[1:], "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout)
    assert result["ok"] is True
    assert result["value"]["type_errors"] >= 1 and result["value"]["lint_violations"] >= 1
    assert result["value"]["tests_failed"] == ["tests/test_pricing.py::test_bulk_discount"]
    assert {call["name"] for call in result["calls"]} == {"typecheck", "ruff_check", "pytest_run"}


def test_every_linked_file_exists() -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        assert (ROOT / target).exists(), target
