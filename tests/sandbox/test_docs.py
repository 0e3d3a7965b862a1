"""Every ```python block in docs/sandbox.md runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_doc_has_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block-{i}" for i in range(len(BLOCKS))])
def test_doc_example_runs(block: str) -> None:
    exec(compile(block, str(DOC), "exec", dont_inherit=True), {"__name__": "docs_sandbox"})


def test_the_doc_shows_a_measured_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "BENCHMARK_TABLE" not in text
    assert "(d) 1,000 no-op host calls" in text


COMMANDS = [
    line
    for block in re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    for line in block.splitlines()
    if line.strip()
]


@pytest.mark.slow
@pytest.mark.parametrize("line", COMMANDS)
def test_doc_command_runs(line: str) -> None:
    command, _, comment = line.partition("  #")
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        command,
        shell=True,
        cwd=DOC.parents[1],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")},
    )
    assert done.returncode == 0, done.stderr
    expected = comment.strip()
    if expected.startswith("prints "):
        assert done.stdout.strip() == expected.removeprefix("prints ")
