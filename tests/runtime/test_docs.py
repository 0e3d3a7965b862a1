"""Every ```python block in the runtime's docs runs, in order, one namespace per document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize(
    "name",
    ["runtime.md", "repl.md", pytest.param("models.md", marks=pytest.mark.slow)],
)
def test_python_blocks_run(name: str) -> None:
    blocks = BLOCK.findall((DOCS / name).read_text(encoding="utf-8"))
    assert blocks, f"{name} has no python examples"
    namespace: dict[str, object] = {"__name__": f"docs_{name.removesuffix('.md')}"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{name} (python block {number})", "exec")
        exec(code, namespace)
