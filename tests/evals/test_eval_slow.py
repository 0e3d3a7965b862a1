"""The whole standard suite: the oracle scores 100% on every layer, and the tiny local MLX model
(random weights, built offline) runs every case of it through ``punie eval run`` end to end, with
replies capped by ``--max-tokens``, and is reported as it is (near zero)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals import LAYERS, load_suite, run_suite
from evals._score import PRE_RUN_STAGES

ROOT = Path(__file__).resolve().parents[2]
OPENBLAS = Path("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")

TINY_MAX_TOKENS = 24
"""The reply cap of the tiny model's run. Its random weights write noise until the cap (1,024
tokens by default, ~25 s a reply here); 24 tokens of noise are scored exactly as 1,024 would be,
while the prompt (prefill) stays whole: the model reads what any model reads."""

TINY_RUN_TIMEOUT_S = 750
"""About 3x the measured run. Every reply is cut at the cap, so every case takes all 8 turns; each
turn sends the whole conversation (1,000 to 12,300 tokens: a case offering every bridge has
~12,000 tokens of stubs), but ``MLXModel`` reuses its KV cache for the prefix the last turn left
and reads only the new step. 4 min 8 s for the whole suite (101 cases, 8 turns) on two busy
cores (load ~5), against ~41 minutes when every turn read its whole prompt again."""


@pytest.mark.slow
def test_the_oracle_scores_100_percent_on_every_layer_of_the_whole_suite() -> None:
    suite = load_suite("standard")
    report = run_suite(suite, model="oracle", workers=2)
    failures = {
        case.case_id: {layer: r.error for layer, r in case.layers.items() if r.status == "fail"}
        for case in report.cases
        if not case.passed
    }
    assert failures == {}
    assert report.layers == dict.fromkeys(LAYERS, 1.0)
    assert len(report.cases) == len(suite.cases) >= 100
    assert report.strict == 1.0


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("MLX_DISABLE_COMPILE", "1")
    from runtime.models import build_tiny_model

    yield build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.mark.slow
@pytest.mark.timeout(TINY_RUN_TIMEOUT_S)
def test_the_tiny_mlx_model_runs_the_whole_suite_and_scores_near_zero(
    tiny_model: Path, tmp_path: Path
) -> None:
    suite = load_suite("standard")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "MLX_DISABLE_COMPILE": "1"}
    env["PUNIE_DATA_DIR"] = str(tmp_path / "data")
    if OPENBLAS.exists():
        env["LD_PRELOAD"] = str(OPENBLAS)
    out = tmp_path / "out"
    code = "import sys\nfrom runtime.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    process = subprocess.Popen(
        [
            sys.executable, "-c", code, "eval", "run", "--suite", "standard",
            "--model", f"mlx:{tiny_model}", "--workers", "2",
            "--max-tokens", str(TINY_MAX_TOKENS), "--no-inspect", "--out", str(out), "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its forked workers too are stopped if the test is
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=TINY_RUN_TIMEOUT_S - 60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    print(json.dumps(summary["layers"]))  # the figures, for whoever runs it with -s
    report = json.loads((out / "report.json").read_text())
    cases = report["cases"]
    assert summary["model"] == f"mlx:{tiny_model}"
    assert summary["cases"] == len(suite.cases) >= 100
    assert sorted(c["case_id"] for c in cases) == sorted(c.id for c in suite.cases)
    assert (report["max_tokens"], report["max_turns"]) == (TINY_MAX_TOKENS, 8)
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    assert [c["case_id"] for c in cases if c["error"] is not None] == [], "the harness failed"
    # every reply is capped: no turn of any case generated more than the cap
    over = [
        (c["case_id"], t["turn"], t["completion_tokens"])
        for c in cases
        for t in c["turns"]
        if not 0 < t["completion_tokens"] <= TINY_MAX_TOKENS
    ]
    assert over == []
    # random weights write no valid tool call: every tool case fails validity at a pre-run
    # stage (or by making no call), and so no bridge is selected, called right, or read
    tool_cases = sum(c.expect == "tool" for c in suite.cases)
    validity = report["layer_summary"]["L0"]
    assert (validity["passed"], validity["failed"]) == (0, tool_cases)
    assert set(validity["errors"]) <= {*PRE_RUN_STAGES, "no_call"}
    assert {layer: summary["layers"][layer] for layer in LAYERS if layer != "L1"} == {
        "L0": 0.0, "L2": 0.0, "L3": 0.0, "L4": 0.0, "L5": 0.0, "L6": 0.0,
    }  # fmt: skip
    # only a case that expects no bridge (direct answer, irrelevance) could pass, by luck
    direct = {c.id for c in suite.cases if c.expect == "direct"}
    assert {c["case_id"] for c in cases if c["passed"]} <= direct
    assert report["strict"] <= len(direct) / len(suite.cases)
