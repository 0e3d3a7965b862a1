"""The fixtures were captured with the tool versions installed now.

ty, ruff and pytest are pinned dependencies; when one is upgraded, this fails until the fixtures
are recaptured (``uv run python tests/parsers/capture_fixtures.py``) and the parser tests pass
against the new output. git is the system's, so its version is only recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridges import tool_version

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(
    ("folder", "tool"),
    [("ty", "ty"), ("ruff", "ruff"), ("ruff_format", "ruff"), ("pytest", "pytest")],
)
def test_fixtures_match_the_installed_tool(folder: str, tool: str) -> None:
    manifest = json.loads((FIXTURES / folder / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == tool
    assert manifest["version"] == tool_version(tool), (
        f"{tool} is now {tool_version(tool)!r} but the fixtures are from {manifest['version']!r}: "
        "recapture them with tests/parsers/capture_fixtures.py"
    )


def test_every_fixture_file_is_in_a_manifest() -> None:
    for manifest_path in FIXTURES.glob("*/MANIFEST.json"):
        cases = json.loads(manifest_path.read_text(encoding="utf-8"))["fixtures"]
        for path in manifest_path.parent.iterdir():
            if path.name != "MANIFEST.json":
                assert path.name.split(".")[0] in cases, path
