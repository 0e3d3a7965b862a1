"""Issue 11, finding 12 (parts): ``punie --version``, ``bridges --json`` as JSON Lines, and a
settings typo that names the setting that was meant."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bridges import default_bridges
from runtime import ConfigError, load_config
from runtime.cli import main

PUNIE = str(Path(sys.executable).parent / "punie")


def test_version_comes_from_the_package_metadata() -> None:
    done = subprocess.run([PUNIE, "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"punie {version('punie')}\n", "")


def test_version_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    lines = capsys.readouterr().out.splitlines()
    assert "  --version   print punie's version and exit" in lines


def test_bridges_json_prints_one_object_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bridges", "--workspace", str(tmp_path), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [json.loads(line)["name"] for line in lines]
    assert names == [function.name for function in default_bridges(tmp_path)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("max_turn = 3\n", "max_turn: unknown setting; did you mean 'max_turns'?"),
        ("modle = 'mlx:m'\n", "modle: unknown setting; did you mean 'model'?"),
        (
            "zzz = 1\n",
            "zzz: unknown setting; the settings are: model, max_turns, max_time_s, max_tokens, "
            "max_reply_tokens, temperature, seed, allow_write, bridges, python, "
            "bridge_timeout_s, jail, jail_network",
        ),
    ],
)
def test_a_settings_typo_names_the_nearest_setting(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "punie.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert str(raised.value) == f"{tmp_path / 'punie.toml'}: invalid punie settings: {problem}"


def test_other_settings_errors_keep_their_message(tmp_path: Path) -> None:
    (tmp_path / "punie.toml").write_text("max_turns = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'punie.toml'}: invalid punie settings: "
        "max_turns: Input should be greater than 0"
    )
