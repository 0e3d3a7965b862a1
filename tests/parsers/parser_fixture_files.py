"""Helpers (imported by the parser tests): access to the captured fixtures of ``tests/fixtures/<tool>/`` and their manifests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass(frozen=True)
class Captured:
    """One captured tool run: its output files and what the manifest says about it."""

    tool: str
    case: str
    version: str
    root: str
    returncode: int

    def read(self, suffix: str) -> str:
        return (FIXTURES / self.tool / f"{self.case}.{suffix}").read_text(encoding="utf-8")


def captured(tool: str, case: str) -> Captured:
    manifest = json.loads((FIXTURES / tool / "MANIFEST.json").read_text(encoding="utf-8"))
    entry = manifest["fixtures"][case]
    return Captured(
        tool=tool,
        case=case,
        version=manifest["version"],
        root=entry["root"],
        returncode=entry["returncode"],
    )
