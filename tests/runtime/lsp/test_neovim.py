"""A real editor: headless Neovim attached to ``punie lsp`` on the sample workspace.

The Lua configuration is the one docs/editor.md gives users (it works from Neovim 0.7, Debian's
version, which has no ``vim.lsp.start``); the test appends a harness that opens a file with a
type error and a lint violation, waits for the diagnostics to arrive in ``vim.diagnostic`` and
writes them out as JSON. Neovim
is installed by ``.ci/run`` (apt package ``neovim``); without it the test is skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bridges import sample_workspace

pytestmark = pytest.mark.slow

NVIM = shutil.which("nvim")
PUNIE = str(Path(sys.executable).parent / "punie")

DOC = Path(__file__).resolve().parents[3] / "docs" / "editor.md"

HARNESS = """
-- test harness: open a file, wait for ty and ruff diagnostics, write them out, quit.
local out = vim.env.PUNIE_OUT
vim.cmd("edit shop/broken.py")
local function sources()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do seen[d.source] = true end
  return seen
end
local ok = vim.wait(90000, function()
  local seen = sources()
  return seen["punie/ty"] and seen["punie/ruff"]
end, 100)
local items = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code
  if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
  table.insert(items, { source = d.source, code = code, lnum = d.lnum, col = d.col,
                        message = d.message })
end
local file = io.open(out, "w")
file:write(vim.fn.json_encode({ ok = ok, diagnostics = items }))
file:close()
for _, client in pairs(vim.lsp.get_active_clients()) do client.stop() end
vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 100)
vim.cmd("qa!")
"""


def documented_config() -> str:
    """The Neovim block of docs/editor.md (```lua nvim), exactly as a user would copy it."""
    (block,) = re.findall(r"^```lua nvim\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    return block


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install neovim)")
def test_neovim_receives_punie_diagnostics(tmp_path: Path) -> None:
    assert NVIM is not None
    root = sample_workspace(tmp_path / "shop")
    (root / "shop" / "broken.py").write_text(
        'import os\n\n\ndef total(count: int) -> int:\n    return count\n\n\nvalue: int = total("three")\n',
        encoding="utf-8",
    )
    config = tmp_path / "punie.lua"
    config.write_text(documented_config() + HARNESS, encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    env = {
        "PUNIE_OUT": str(out),
        "HOME": str(tmp_path),
        "PATH": f"{Path(PUNIE).parent}:/usr/bin:/bin",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [NVIM, "--headless", "--clean", "-c", f"luafile {config}"],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert out.exists(), done.stderr.decode(errors="replace")[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["ok"] is True, report
    found = {(d["source"], d["code"], d["lnum"], d["col"]) for d in report["diagnostics"]}
    assert ("punie/ruff", "F401", 0, 7) in found
    assert ("punie/ty", "invalid-argument-type", 7, 19) in found
