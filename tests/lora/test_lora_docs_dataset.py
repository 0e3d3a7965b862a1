"""The ```python blocks of docs/lora.md's profile and dataset sections run, in order."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "lora.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
SECTIONS = ("## Profiles", "## The dataset")


def test_profile_and_dataset_blocks_run() -> None:
    sections = re.split(r"^(?=## )", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    mine = [s for s in sections if s.startswith(SECTIONS)]
    assert len(mine) == len(SECTIONS)
    blocks = [block for section in mine for block in BLOCK.findall(section)]
    assert blocks, "the profile and dataset sections have no python examples"
    namespace: dict[str, object] = {"__name__": "docs_lora"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"lora.md (python block {number})", "exec"), namespace)
