"""The ```python blocks of docs/lora.md's sections on the gate, the registry and ``lora.run``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "lora.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
MINE = ("## The gate", "## The model registry", "## One command", "## How long `punie lora run`")


def test_gate_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUNIE_DATA_DIR", str(tmp_path / "data"))  # the registry goes here
    sections = re.split(r"^(?=## )", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    mine = [s for s in sections if s.startswith(MINE)]
    assert len(mine) == len(MINE)
    blocks = [block for section in mine for block in BLOCK.findall(section)]
    assert blocks
    namespace: dict[str, object] = {"__name__": "docs_lora_gate"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"lora.md gate (python block {number})", "exec"), namespace)
    assert (tmp_path / "data" / "models.json").is_file()
