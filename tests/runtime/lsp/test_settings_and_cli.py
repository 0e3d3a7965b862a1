"""Server settings parsing, ``punie lsp --tcp`` and the public names of the LSP packages."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bridges.navigation
import parsers.contracts.lsp
import runtime.lsp
from runtime import ConfigError
from runtime.cli import main
from runtime.lsp import ServerSettings, parse_settings

PUNIE = str(Path(sys.executable).parent / "punie")


def test_defaults_run_every_check() -> None:
    settings = parse_settings(None)
    assert settings == ServerSettings()
    assert settings.checks == ("ty", "ruff", "validators") and settings.model is None


def test_settings_accept_a_punie_section_and_camel_case() -> None:
    settings = parse_settings(
        {"punie": {"checks": ["ruff"], "ruffSelect": ["F", "E7"], "timeoutS": 5, "model": "m"}}
    )
    assert settings.checks == ("ruff",) and settings.ruff_select == ("F", "E7")
    assert settings.timeout_s == 5 and settings.model == "m"


def test_changes_layer_over_the_current_settings() -> None:
    base = parse_settings({"checks": ["ty"], "validators": ["validate_route_pattern"]})
    changed = parse_settings({"punie": {"ruffSelect": ["B"]}}, base=base)
    assert changed.checks == ("ty",) and changed.validators == ("validate_route_pattern",)
    assert changed.ruff_select == ("B",)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"checks": ["mypy"]}, "checks"),
        ({"chekcs": ["ty"]}, "chekcs"),
        ({"timeoutS": -1}, "timeout_s"),
        ("ruff", "JSON object"),
        ({"punie": 3}, "section"),
    ],
)
def test_bad_settings_say_what_is_wrong(raw: object, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        parse_settings(raw)


def test_public_names_are_exported() -> None:
    for module in (bridges.navigation, runtime.lsp, parsers.contracts.lsp):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
    assert {"goto_definition", "hover"} <= {record.name for record in bridges.navigation.BRIDGES}


def test_tcp_address_must_be_host_and_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["lsp", "--tcp", "nowhere"])
    assert exit_info.value.code == 2
    assert "HOST:PORT" in capsys.readouterr().err


@pytest.mark.slow
def test_tcp_port_in_use_or_unknown_host_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for address, words in (
            (f"127.0.0.1:{port}", "in use"),
            ("no-such-host.invalid:2087", "check the host name"),
        ):
            finished = subprocess.run(
                [PUNIE, "lsp", "--tcp", address],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert finished.returncode == 1
            assert f"cannot listen on {address}" in finished.stderr and words in finished.stderr
            assert "Traceback" not in finished.stderr


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read(connection: socket.socket) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        ).split(b":")[1]
    )
    while len(rest) < length:
        rest += connection.recv(4096)
    return json.loads(rest[:length])


@pytest.mark.slow
def test_lsp_over_tcp(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [PUNIE, "lsp", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with connection:
            connection.sendall(
                _frame(
                    {
                        "jsonrpc": "2.0",
                        "id": 1,
                        "method": "initialize",
                        "params": {
                            "processId": None,
                            "rootUri": tmp_path.as_uri(),
                            "capabilities": {},
                        },
                    }
                )
            )
            answer = _read(connection)
            assert answer["id"] == 1
            assert answer["result"]["serverInfo"]["name"] == "punie"
            commands = answer["result"]["capabilities"]["executeCommandProvider"]["commands"]
            assert commands == ["punie.runSnippet", "punie.ask"]
    finally:
        process.terminate()
        process.wait(timeout=10)
