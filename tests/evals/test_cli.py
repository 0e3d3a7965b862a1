"""``punie eval list | run | show | compare`` as a user runs them: real subprocesses, real suites.

The run tests use nine cases of the standard suite, one per category (D1's template cases), so
they finish in seconds; tests/evals/test_eval_slow.py runs the whole suite.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.evals.cli_support import cli

ROOT = Path(__file__).resolve().parents[2]

TEMPLATES = (
    "direct-yield-keyword",
    "single-typecheck-shop-error-count",
    "identity-lint-codes-pricing",
    "field-failing-test-line",
    "cross-inventory-types-and-lint",
    "multi-status-then-diff",
    "irrelevant-book-restaurant",
    "recover-missing-settings-module",
    "edge-no-shipping-tests",
)

ALL_PASS = {"L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 1.0, "L5": 1.0, "L6": 1.0}

ORACLE_CATEGORIES = {
    "bridge_identity": {
        "L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 1.0, "L5": None, "L6": 1.0,
    },
    "cross_bridge": {"L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 1.0, "L5": None, "L6": 1.0},
    "direct_answer": {
        "L0": None, "L1": 1.0, "L2": None, "L3": None, "L4": None, "L5": None, "L6": 1.0,
    },
    "edge_case": {"L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 1.0, "L5": None, "L6": 1.0},
    "error_recovery": {
        "L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": None, "L4": 1.0, "L5": 1.0, "L6": 1.0,
    },
    "field_access": {
        "L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": None, "L4": 1.0, "L5": None, "L6": 1.0,
    },
    "irrelevance": {
        "L0": None, "L1": 1.0, "L2": None, "L3": None, "L4": None, "L5": None, "L6": 1.0,
    },
    "multi_turn": {"L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 1.0, "L5": 1.0, "L6": 1.0},
    "single_bridge": {
        "L0": 1.0, "L1": 1.0, "L2": 1.0, "L3": 1.0, "L4": 1.0, "L5": None, "L6": 1.0,
    },
}  # fmt: skip
"""What the oracle scores per category on the nine template cases (n/a: the layer applies to
no case of the category)."""


def punie(
    *arguments: str | Path, env: dict[str, str] | None = None, hide_inspect: bool = False
) -> subprocess.CompletedProcess[str]:
    """``punie ARGS`` in a pipe (stdout and stderr captured, neither a terminal)."""
    code = "import sys\n"
    if hide_inspect:
        code += "sys.modules['inspect_ai'] = None\n"
    code += "from runtime.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, arguments)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env if env is not None else {**os.environ, "PUNIE_DATA_DIR": "/nonexistent-data"},
        timeout=300,
    )


def run_json(out: Path, model: str, *extra: str, subprocess_: bool = True) -> dict[str, Any]:
    arguments = ["eval", "run", "--suite", "standard", "--model", model, "--cases", *TEMPLATES]
    arguments += ["--workers", "2", "--out", str(out), "--json", *extra]
    done = punie(*arguments) if subprocess_ else cli(*arguments)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def oracle_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("oracle")
    return out, run_json(out, "oracle")


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("ignore")
    return out, run_json(out, "fault:ignore_result", "--no-inspect", subprocess_=False)


def test_run_json_prints_only_the_whole_summary(oracle_run: tuple[Path, dict[str, Any]]) -> None:
    out, summary = oracle_run
    assert summary == {
        "suite": "standard",
        "model": "oracle",
        "cases": 9,
        "layers": ALL_PASS,
        "categories": ORACLE_CATEGORIES,
        "report": str(out / "report.json"),
    }
    assert sorted(p.name for p in out.iterdir()) == [
        "inspect.eval",
        "report.html",
        "report.json",
        "report.md",
    ]


def test_a_faulty_model_is_scored_with_status_0(faulty_run: tuple[Path, dict[str, Any]]) -> None:
    out, summary = faulty_run
    assert summary["layers"] == {**ALL_PASS, "L6": 0.0}
    assert summary["categories"]["multi_turn"] == {**ALL_PASS, "L6": 0.0}
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]


def test_show_prints_the_same_summary(oracle_run: tuple[Path, dict[str, Any]]) -> None:
    out, summary = oracle_run
    shown = cli("eval", "show", out, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == summary
    table = cli("eval", "show", out / "report.json")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("oracle on standard: 9 cases, 9 runs, ")
    assert lines[0].endswith("; strict 100.0%, single-shot 88.9%")
    assert "│ L3 arguments      │ 100.0% │ 5      │ 0      │ 4   │ -           │" in lines


def test_compare_prints_deltas_and_the_verdict(
    oracle_run: tuple[Path, dict[str, Any]],
    faulty_run: tuple[Path, dict[str, Any]],
    tmp_path: Path,
) -> None:
    baseline, candidate = oracle_run[0], faulty_run[0]
    done = cli("eval", "compare", baseline, candidate, "--out", tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["verdict"] == {
        "ok": False,
        "margin": 0.02,
        "worse": {"L6": -1.0},
        "message": "worse than the baseline by more than 0.020 on L6 -1.000",
    }
    assert data["comparison"]["layers"]["L6"] == {"baseline": 1.0, "candidate": 0.0, "delta": -1.0}
    assert data["comparison"]["layers"]["L2"] == {"baseline": 1.0, "candidate": 1.0, "delta": 0.0}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "comparison.html",
        "comparison.json",
        "comparison.md",
    ]
    text = cli("eval", "compare", baseline, candidate, "--out", tmp_path, "--fail-if-worse")
    assert text.returncode == 1
    assert "verdict: WORSE: worse than the baseline by more than 0.020 on L6 -1.000" in (
        text.stdout.splitlines()
    )
    same = cli("eval", "compare", baseline, baseline, "--out", tmp_path, "--fail-if-worse")
    assert same.returncode == 0
    assert "verdict: OK: not worse than the baseline by more than 0.020 on any layer" in (
        same.stdout.splitlines()
    )


def test_list_names_each_suite_with_its_cases_and_categories() -> None:
    done = cli("eval", "list", "--json")
    assert done.returncode == 0, done.stderr
    (standard,) = json.loads(done.stdout)
    assert standard["name"] == "standard"
    assert standard["cases"] == sum(standard["categories"].values()) >= 100
    assert sorted(standard["categories"]) == sorted(
        [
            "direct_answer",
            "single_bridge",
            "bridge_identity",
            "field_access",
            "cross_bridge",
            "multi_turn",
            "irrelevance",
            "error_recovery",
            "edge_case",
        ]
    )
    assert standard["workspaces"] == ["meteo", "shop"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("run", "--suite", "nonesuch", "--model", "oracle"),
            "error: --suite: no suite 'nonesuch'; the suites are: standard (or give a folder of "
            ".toml case files or one .toml file)",
        ),
        (
            ("run", "--suite", "standard", "--model", "gpt5", "--cases", "direct-yield-keyword"),
            "error: --model: model spec 'gpt5' is not understood; use oracle, fault:NAME, "
            "mlx:PATH, openai:URL#MODEL or scripted:FILE.json",
        ),
        (
            ("run", "--suite", "standard", "--model", "fault:typo", "--cases", "direct-*"),
            "error: --model: unknown fault model 'fault:typo'; the fault models are "
            "fault:no_call, fault:wrong_bridge, fault:bad_field, fault:extra_call, "
            "fault:bad_argument, fault:ignore_result",
        ),
        (
            ("run", "--suite", "standard", "--model", "mlx:/no/such/model", "--cases", "direct-*"),
            "error: --model: there is no model directory at /no/such/model; give a local folder "
            "or a Hugging Face id such as mlx:mlx-community/Qwen3-Coder-30B-A3B-Instruct-4bit",
        ),
        (
            ("run", "--suite", "standard", "--model", "oracle", "--cases", "direct-yield-keywrd"),
            "error: --cases: suite 'standard' has no case 'direct-yield-keywrd'; did you mean "
            "'direct-yield-keyword'?",
        ),
    ],
)
def test_usage_errors_exit_2_naming_the_flag(arguments: tuple[str, ...], message: str) -> None:
    done = cli("eval", *arguments)
    assert done.returncode == 2
    assert done.stderr.strip() == message
    assert done.stdout == ""


def test_an_unreadable_report_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = cli("eval", "show", missing)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: REPORT: cannot read the report {missing}: No such file or directory; give a "
        "report.json written by 'punie eval run' or the folder holding it"
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"suite": "x"}')
    done = cli("eval", "compare", bad, bad)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: A (baseline): {bad} is not a punie evaluation report")


def test_argparse_refuses_a_bad_worker_count() -> None:
    done = cli("eval", "run", "--suite", "standard", "--model", "oracle", "--workers", "0")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "punie eval run: error: argument --workers: '0' is not a positive whole number"
    )


def test_piped_output_has_no_progress_bar_and_a_terminal_has_one(tmp_path: Path) -> None:
    arguments = ["eval", "run", "--suite", "standard", "--model", "oracle", "--no-inspect"]
    arguments += ["--cases", "single-typecheck-shop-error-count"]
    piped = punie(*arguments, "--out", tmp_path / "piped")
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    assert piped.stdout.splitlines()[-3:] == [
        f"report: {tmp_path / 'piped' / 'report.json'}",
        f"markdown: {tmp_path / 'piped' / 'report.md'}",
        f"html: {tmp_path / 'piped' / 'report.html'}",
    ]
    # stderr on a terminal (stdout still piped): the progress bar is drawn there
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from runtime.cli import main; sys.exit(main(sys.argv[1:]))",
            *arguments,
            "--out",
            str(tmp_path / "tty"),
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    text = drawn.decode("utf-8", "replace")
    assert "1/1" in text and "pass 100%" in text and "ETA" in text, text
    assert b"ETA" not in stdout
