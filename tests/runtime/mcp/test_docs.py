"""Every ```python block in docs/mcp.md runs, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "mcp.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_python_blocks_of_the_mcp_guide_run() -> None:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) == 1, "docs/mcp.md should have its one python example"
    namespace: dict[str, object] = {"__name__": "docs_mcp"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"mcp.md (python block {number})", "exec"), namespace)
