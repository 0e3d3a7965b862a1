"""The ```python blocks of docs/lora.md's training section run (on the tiny model)."""

from __future__ import annotations

import os
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "lora.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_training_blocks_run() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sections = re.split(r"^(?=## )", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    mine = [s for s in sections if s.startswith(("## Training", "## Fuse and quantize"))]
    assert len(mine) == 2
    blocks = [block for section in mine for block in BLOCK.findall(section)]
    assert blocks
    namespace: dict[str, object] = {"__name__": "docs_lora_training"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"lora.md training (python block {number})", "exec"), namespace)
