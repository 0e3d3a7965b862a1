"""docs/editor.md, the ACP section: the Zed and JetBrains settings start a ``punie acp`` that
punie's own parser accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from runtime.cli import build_parser
from runtime.cli._acp import serve

EDITOR = Path(__file__).resolve().parents[3] / "docs" / "editor.md"
BLOCK = re.compile(r"^```json (\S+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _block(label: str) -> dict:
    (body,) = [body for name, body in BLOCK.findall(EDITOR.read_text()) if name == label]
    return json.loads(body)


@pytest.mark.parametrize(
    ("label", "entry"),
    [
        (
            "zed-acp",
            {
                "type": "custom",
                "command": "punie",
                "args": ["acp", "--model", "openai:http://127.0.0.1:8080/v1", "--allow-write"],
                "env": {},
            },
        ),
        (
            "jetbrains-acp",
            {
                "command": "punie",
                "args": ["acp", "--model", "openai:http://127.0.0.1:8080/v1"],
                "env": {},
            },
        ),
    ],
)
def test_the_editor_settings_start_punie_acp(label: str, entry: dict) -> None:
    settings = _block(label)
    assert settings == {"agent_servers": {"punie": entry}}
    namespace = build_parser("acp").parse_args(entry["args"])
    assert (namespace.handler, namespace.model, namespace.allow_write) == (
        serve,
        "openai:http://127.0.0.1:8080/v1",
        "--allow-write" in entry["args"],
    )
