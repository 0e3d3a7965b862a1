"""``punie lora run`` end to end on the tiny model: dataset -> train -> fuse -> quantize -> gate,
then the same command again skips every step, and more iterations resume training.

The run uses a git-only profile (its examples run in a few seconds) and a three-case suite, so
the gate evaluates two cases and leaves out the one whose bridges the profile cannot run. The
untrained tiny model writes nonsense until ``max_tokens``: ``--max-turns 1 --max-time 2`` keep
the gate short (scores of such a model mean nothing; the shape and the bookkeeping do).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lora import PipelineError, run
from tests.lora.lora_train_support import mlx_environment

SUITE = """\
[defaults]
workspace = "shop"
bridges = "git"

[[case]]
id = "tiny-last-commit-author"
category = "field_access"
expect = "tool"
query = "Tell me the name of whoever made the newest commit."
answer = { contains = ["Ada Shopkeeper"] }

[[case.calls]]
bridge = "git_log"
fields = ["commits.author"]

[case.reference]
snippets = ['''
print(git_log(count=1).commits[0].author)
''']
answer = "Ada Shopkeeper made the newest commit."

[[case]]
id = "tiny-direct-list-length"
category = "direct_answer"
expect = "direct"
query = "Which Python builtin gives the number of items in a list?"
answer = { contains = ["len"] }
reference = { answer = "len(), as in len(items)." }

[[case]]
id = "tiny-lint-count"
category = "single_bridge"
expect = "tool"
bridges = "quality"
query = "How many lint problems does ruff find in the shop package?"

[[case.calls]]
bridge = "ruff_check"

[case.reference]
snippets = ['''
print(ruff_check(path="shop").violation_count)
''']
answer = "ruff reports some problems."
"""
PUNIE = str(Path(sys.executable).parent / "punie")
LAYERS = ["L0", "L1", "L2", "L3", "L4", "L5", "L6"]
STEP_LINE = re.compile(r"^(dataset|train|fuse|quantize|gate): (.*)$")


@dataclass
class Invocation:
    code: int
    summary: dict[str, Any]
    steps: dict[str, str]
    """Step name -> what the step line on stderr said after the colon."""


@dataclass
class Setup:
    root: Path
    out: Path
    base: Path
    env: dict[str, str]

    def run(self, *extra: str) -> Invocation:
        command = [
            PUNIE,
            "lora",
            "run",
            "--base",
            str(self.base),
            "--out",
            str(self.out),
            "--config",
            str(self.root / "lora.toml"),
            "--iters",
            "4",
            "--profile",
            str(self.root / "git.json"),
            "--suite",
            str(self.root / "suite.toml"),
            "--max-turns",
            "1",
            "--max-time",
            "2",
            "--json",
            *extra,
        ]
        done = subprocess.run(
            command, env=self.env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, done.stderr
        steps = {}
        for line in done.stderr.splitlines():
            found = STEP_LINE.match(line)
            if found:
                steps[found.group(1)] = found.group(2)
        return Invocation(done.returncode, json.loads(done.stdout), steps)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    root = tmp_path_factory.mktemp("pipeline")
    env = mlx_environment()
    env["PUNIE_DATA_DIR"] = str(root / "data")
    (root / "suite.toml").write_text(SUITE, encoding="utf-8")
    (root / "git.json").write_text(
        json.dumps({"name": "git", "bridges": ["git_*"], "stub_style": "compact"})
    )
    (root / "lora.toml").write_text(
        "val_batches = 1\nsteps_per_eval = 8\nsteps_per_save = 4\nsteps_per_report = 2\n"
    )
    made = subprocess.run(
        [PUNIE, "lora", "tiny-model", "--out", str(root / "tiny")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert made.stdout == f"{root / 'tiny'}\n"
    return Setup(root=root, out=root / "run", base=root / "tiny", env=env)


@pytest.fixture(scope="module")
def first(setup: Setup) -> Invocation:
    return setup.run()


@pytest.mark.slow
def test_the_summary_has_the_whole_shape(setup: Setup, first: Invocation) -> None:
    out = setup.out
    card = json.loads((out / "dataset" / "card.json").read_text())
    record = json.loads((out / "adapter" / "punie_run.json").read_text())
    gate = json.loads((out / "gate.json").read_text())
    assert first.summary == {
        "adapter": str(out / "adapter"),
        "profile": "git",
        "dataset": {"train": card["counts"]["train"], "valid": card["counts"]["valid"]},
        "train": {
            "first_loss": record["train_losses"][0]["loss"],
            "last_loss": record["train_losses"][-1]["loss"],
            "iters": 4,
        },
        "gate": {"promoted": gate["promoted"], "layers": gate["comparison"]["layers"]},
    }
    assert first.summary["dataset"]["train"] > 0 and first.summary["dataset"]["valid"] > 0
    assert list(first.summary["gate"]["layers"]) == LAYERS
    for layer in first.summary["gate"]["layers"].values():
        assert set(layer) == {"baseline", "candidate", "delta"}
    assert first.summary["gate"]["promoted"] is gate["verdict"]["ok"]
    # The git profile cannot run the lint case: both models ran the other two.
    assert (gate["cases"], gate["skipped"]) == (2, ["tiny-lint-count"])
    assert gate["current"] == f"mlx:{setup.base}"
    assert gate["candidate"] == f"mlx:{out / 'model'}"
    if gate["promoted"]:  # the registry keeps a snapshot: the next run rebuilds out/model
        registry = json.loads((setup.root / "data" / "models.json").read_text())
        [entry] = registry["models"]
        assert (entry["source"], registry["promoted"]) == (
            gate["candidate"],
            f"mlx:{setup.root / 'data' / 'models' / entry['name'] / 'model'}",
        )
    assert [name for name in first.steps] == ["dataset", "train", "fuse", "quantize", "gate"]
    assert all(first.steps[name].startswith("ran in ") for name in ("dataset", "fuse", "gate"))


@pytest.mark.slow
def test_the_same_command_again_skips_every_step(setup: Setup, first: Invocation) -> None:
    again = setup.run()
    assert again.summary == first.summary
    skipped = f"skipped, its outputs match its inputs (recorded in {setup.out}/punie_pipeline.json)"
    assert again.steps == {name: skipped for name in first.steps}


@pytest.mark.slow
def test_more_iterations_resume_training_and_redo_what_follows(
    setup: Setup, first: Invocation
) -> None:
    longer = setup.run("--iters", "8")
    assert longer.steps["dataset"].startswith("skipped")
    assert re.fullmatch(
        r"resumed from checkpoint 4 in [\d.]+ s \(loss [\d.]+ -> [\d.]+, 8 iterations\)",
        longer.steps["train"],
    )
    assert all(longer.steps[name].startswith("ran in ") for name in ("fuse", "quantize", "gate"))
    assert longer.summary["train"]["iters"] == 8
    gate = json.loads((setup.out / "gate.json").read_text())
    if first.summary["gate"]["promoted"]:  # compared with the first run's model, kept aside
        assert gate["current"].startswith(f"mlx:{setup.root / 'data' / 'models'}/model-")
    assert longer.summary["train"]["first_loss"] == first.summary["train"]["first_loss"]


def test_a_folder_that_is_not_a_run_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PipelineError) as caught:
        run(base=tmp_path / "base", out=tmp_path)
    assert str(caught.value) == (
        f"--out {tmp_path} is not empty and holds no punie_pipeline.json: it is not the folder "
        "of a punie lora run. Choose a new folder (or an earlier run's, to resume it)"
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_file_as_the_output_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(PipelineError) as caught:
        run(base=tmp_path / "base", out=tmp_path / "file")
    assert str(caught.value) == (
        f"--out {tmp_path / 'file'} is a file; give a folder for the run's outputs"
    )


def test_a_damaged_record_is_named(tmp_path: Path) -> None:
    (tmp_path / "punie_pipeline.json").write_text("{")
    with pytest.raises(PipelineError, match=r"^cannot read .*punie_pipeline\.json \(.*\); delete "):
        run(base=tmp_path / "base", out=tmp_path)
