"""Capture ripgrep fixtures from real runs: ``uv run python tests/parsers/capture_ripgrep.py``.

Run it again after upgrading the ``ripgrep`` package: it rewrites ``tests/fixtures/ripgrep/`` and
its ``MANIFEST.json`` (version, command, exit status, root). The 'unlisted' case needs a folder
ripgrep cannot read: as root it is captured under ``setpriv`` without the capabilities that let
root read anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from bridges import locate_tool, tool_environment, tool_version

__all__ = ["main"]

ROOT = Path("/tmp/punie-capture-ripgrep")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ripgrep"
FILES: dict[str, bytes] = {
    "blob.py": b"GREETING\x00\x01\x02\x03\n",
    "bom.py": b"\xef\xbb\xbfGREETING = 'bom'\n",
    "latin.py": b"# -*- coding: latin-1 -*-\nGREETING = 'caf\xe9'\n",
    "lines.py": b"a = 1\r\nGREETING = 2\rGREETING = 3\n",
    "pkg/utf8.py": "GREETING = 'h\u00e9llo'\n".encode(),
    "caf\xe9.py".encode("latin-1").decode("utf-8", "surrogateescape"): b"GREETING = 'name'\n",
    "locked/inner.py": b"GREETING = 'inner'\n",
}
COMMON = ["--no-config", "--sort=path", "--no-require-git", "--no-ignore-global"]
CASES: dict[str, list[str]] = {
    "search": ["--json", *COMMON, "--text", "--crlf", "--regexp=GREETING", "--", "."],
    "binary": ["--json", *COMMON, "--binary", "--regexp=GREETING", "--", "."],
    "nothing": ["--json", *COMMON, "--regexp=NOWHERE", "--", "."],
    "lookaround": ["--json", *COMMON, "--regexp=(?<=a)b", "--", "."],
    "files": ["--files", "--null", *COMMON, "--", "."],
}


def build() -> Path:
    shutil.rmtree(ROOT, ignore_errors=True)
    for name, data in FILES.items():
        path = ROOT / os.fsencode(name).decode("utf-8", "surrogateescape")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (ROOT / "locked").chmod(0)
    return ROOT


def main() -> int:
    root = build()
    program = str(locate_tool("rg"))
    FIXTURES.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {}
    drop = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    try:
        for case, args in CASES.items():
            prefix = drop if os.geteuid() == 0 and shutil.which("setpriv") else []
            done = subprocess.run(
                [*prefix, program, *args],
                cwd=root,
                env=tool_environment(),
                capture_output=True,
                check=False,
            )
            (FIXTURES / f"{case}.stdout").write_bytes(done.stdout)
            (FIXTURES / f"{case}.stderr").write_bytes(done.stderr)
            manifest[case] = {"command": ["rg", *args], "returncode": done.returncode}
    finally:
        (root / "locked").chmod(0o755)
    (FIXTURES / "MANIFEST.json").write_text(
        json.dumps(
            {"tool": "rg", "version": tool_version("rg"), "root": str(root), "fixtures": manifest},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
