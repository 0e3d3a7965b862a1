"""Every ```python block in docs/evals.md runs, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "evals.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_python_blocks_run() -> None:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5, "docs/evals.md lost its python examples"
    namespace: dict[str, object] = {"__name__": "docs_evals"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"evals.md (python block {number})", "exec"), namespace)
