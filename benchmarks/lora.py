"""Benchmark of the LoRA pipeline: dataset build time, and (training part) tokens per second.

    uv run python benchmarks/lora.py [--profile core|compact|full] [--seed N] [--suite none]

Dataset: builds a real dataset (every example of the profile's bridges runs in the sandbox
against a fresh copy of the sample workspace) and prints the time per 1,000 examples run, and the
share of it spent in the sandbox (workspace copies, pre-run checks, runs). ``core`` runs ~90
examples; ``compact``/``full`` run every example of every bridge (several minutes on 2 cores).

Training: tokens/s of ``lora.train`` on the tiny model, in a subprocess with the reference BLAS
(the baseline) and with Debian's OpenBLAS preloaded (``LD_PRELOAD``), printed side by side.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# This file is named like the ``lora`` package: keep its folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]


def dataset_rows(profile: str, seed: int, suite: str | None) -> list[str]:
    from lora import build_dataset

    with tempfile.TemporaryDirectory(prefix="punie-bench-dataset-") as scratch:
        started = time.monotonic()
        card = build_dataset(Path(scratch) / "out", profile=profile, seed=seed, suite=suite)
        total = time.monotonic() - started
    ran = len(card.rows["train"]) + len(card.rows["valid"])
    examples = card.sources.get("example", 0) - sum(card.balance["repeated_to_floor"].values())
    stale = card.dropped_by_reason.get("stale", 0)
    run = examples + stale  # every example that reached the sandbox
    sandbox = card.timings["sandbox"]
    per_1000 = total / run * 1000 if run else float("nan")
    return [
        f"dataset, profile {profile}: {run} examples run in the sandbox, {ran} rows written "
        f"({card.counts['train']} train, {card.counts['valid']} valid)",
        f"  build time      {total:8.1f} s   ({per_1000:8.1f} s per 1,000 examples)",
        f"  sandbox share   {sandbox:8.1f} s   ({sandbox / total:6.1%} of the build)",
        f"  everything else {total - sandbox:8.1f} s   (prompt rendering, filters, balance, "
        "writing, card)",
    ]


# -- training ---------------------------------------------------------------------------------

OPENBLAS = Path("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")

_TRAIN_CHILD = """
import json, sys, time
from pathlib import Path
from lora import TrainConfig, train
from runtime.models import build_tiny_model

root = Path(sys.argv[1])
base = build_tiny_model(root / "base")
data = root / "data"
data.mkdir()
call = "<tool_call>\\n<function=execute_code>\\n<parameter=code>\\nprint(typecheck(path='m{i}.py'))"
rows = [
    {"messages": [
        {"role": "system", "content": "You are punie."},
        {"role": "user", "content": f"Type errors in m{i}.py?"},
        {"role": "assistant", "content": call.format(i=i) + "\\n</parameter>\\n</function>\\n</tool_call>"},
        {"role": "tool", "content": str(i)},
        {"role": "assistant", "content": f"{i} errors."},
    ]}
    for i in range(40)
]
(data / "train.jsonl").write_text("".join(json.dumps(r) + "\\n" for r in rows[:32]))
(data / "valid.jsonl").write_text("".join(json.dumps(r) + "\\n" for r in rows[32:]))
config = TrainConfig(iters=int(sys.argv[2]), steps_per_report=10, steps_per_eval=1000, steps_per_save=1000)
result = train(base=base, data=data, out=root / "adapter", config=config, progress=False)
speeds = [r.tokens_per_second for r in result.train_losses[1:]]  # the first window warms up
print(json.dumps({"tokens_per_second": sum(speeds) / len(speeds)}))
"""


def _train_speed(preload: bool, iters: int) -> float:
    import json
    import os
    import subprocess

    env = dict(os.environ, HF_HUB_OFFLINE="1", MLX_DISABLE_COMPILE="1")
    env.pop("LD_PRELOAD", None)
    if preload:
        env["LD_PRELOAD"] = str(OPENBLAS)
    with tempfile.TemporaryDirectory(prefix="punie-bench-train-") as scratch:
        done = subprocess.run(
            [sys.executable, "-c", _TRAIN_CHILD, scratch, str(iters)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=_HERE.parent,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])["tokens_per_second"]


def training_rows(iters: int = 80) -> list[str]:
    """Training tokens/s on the tiny model, in a subprocess per setting (LD_PRELOAD must be set
    before the process starts), with and without Debian's OpenBLAS."""
    reference = _train_speed(False, iters)
    lines = [
        f"training, tiny model, {iters} iterations (batch 1, compile off):",
        f"  reference BLAS  {reference:8.0f} tokens/s   (baseline)",
    ]
    if OPENBLAS.exists():
        openblas = _train_speed(True, iters)
        lines.append(
            f"  OpenBLAS        {openblas:8.0f} tokens/s   ({openblas / reference:.2f}x the baseline)"
        )
    else:
        lines.append(
            f"  OpenBLAS        not installed ({OPENBLAS}): apt-get install libopenblas0-pthread"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="core")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--suite", default="standard", help="'none': no leakage check")
    arguments = parser.parse_args()
    for line in dataset_rows(
        arguments.profile, arguments.seed, None if arguments.suite == "none" else arguments.suite
    ):
        print(line)
    for line in training_rows():
        print(line)


if __name__ == "__main__":
    main()
