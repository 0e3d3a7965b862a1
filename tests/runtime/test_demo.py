"""The guided first run (issue 11, finding 4): the main job on a terminal, then the shipped demo.

The main job says what ran against which workspace, shows each ty diagnostic's severity and ends
with the next step; the demo (a scripted model file under ``examples/demo``) runs the agent loop
end to end with real bridge calls and no model to download.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
PUNIE = str(Path(sys.executable).parent / "punie")
DEMO = "examples/demo/scripted.json"
QUESTION = "What is wrong with the shop?"
ANSWER = json.loads((ROOT / DEMO).read_text(encoding="utf-8"))[-1]
MAIN_JOB = ["run", "--workspace", "examples/shop", "examples/snippets/shop_report.py"]


def test_the_main_job_on_a_terminal_has_a_header_severities_and_the_next_step() -> None:
    child = pexpect.spawn(
        PUNIE, MAIN_JOB, cwd=str(ROOT), encoding="utf-8", timeout=180, dimensions=(50, 400)
    )
    child.expect(pexpect.EOF)
    child.close()
    lines = str(child.before).replace("\r\n", "\n").splitlines()
    assert child.exitstatus == 0, lines
    assert lines[0].startswith(
        "punie run: examples/snippets/shop_report.py in the sandbox, against workspace "
        "examples/shop ("
    )
    assert lines[0].endswith(" bridges, read-only)")
    diagnostics = [line for line in lines if line.startswith("shop/") and " lint " not in line]
    assert diagnostics == [
        "shop/cart.py:26 error [invalid-explicit-return] Return type does not match returned "
        "value: expected `int`, found `float`",
        "shop/catalog.py:21 error [missing-union-attribute] Attribute `price` is not defined on "
        "`None` in union `Product | None`",
        "shop/catalog.py:35 warning [redundant-cast] Value is already of type `list[Product]`",
        "shop/inventory.py:31 error [invalid-argument-type] Argument to bound method "
        "`Inventory.reserve` is incorrect: Expected `int`, found `str`",
    ]
    assert lines[-1] == (
        "next: watch the agent loop write snippets like this one (no model to download): "
        f"punie ask --model scripted:{DEMO} '{QUESTION}' --workspace examples/shop"
    )


def test_the_main_job_in_a_pipe_is_only_the_snippets_output() -> None:
    done = subprocess.run(
        [PUNIE, *MAIN_JOB], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("shop/cart.py:26 error [invalid-explicit-return] ")
    value = json.loads(done.stdout[done.stdout.index("\n{") :])
    assert (value["type_errors"], value["type_warnings"]) == (3, 1)


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_the_shipped_demo_runs_the_agent_loop_end_to_end(flag: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [
            PUNIE,
            "ask",
            "--model",
            f"scripted:{DEMO}",
            QUESTION,
            "--workspace",
            "examples/shop",
            *flag,
        ],
        cwd=ROOT,
        env={**os.environ, "PUNIE_DATA_DIR": str(tmp_path), "COLUMNS": "400"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if flag:
        result = json.loads(done.stdout)
        assert result["outcome"] == "success"
        assert result["answer"] == ANSWER
        tool_turns = [turn for turn in result["turns"] if turn["kind"] == "tool_call"]
        assert [(turn["ok"], [call["name"] for call in turn["calls"]]) for turn in tool_turns] == [
            (True, ["typecheck"]),
            (True, ["pytest_run"]),
        ]
    else:
        assert ANSWER in done.stdout.replace("\n", " ")
