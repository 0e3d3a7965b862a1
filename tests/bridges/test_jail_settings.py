"""The jail settings through the faces people use: ``--no-jail``, ``jail`` in the settings, and
``punie bridges`` saying where the project's tests run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bridges import choose_jail

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="bubblewrap is Linux's jail"),
]

PUNIE = Path(sys.executable).parent / "punie"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "tests").mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (root / "tests" / "test_a.py").write_text("def test_a():\n    pass\n", encoding="utf-8")
    return root


def punie(*args: str, cwd: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": path} if path is not None else None
    return subprocess.run(
        [str(PUNIE), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def test_punie_bridges_names_the_jail(ws: Path) -> None:
    jail = choose_jail().jail
    assert jail is not None
    shown = punie("bridges", "--workspace", ".", cwd=ws)
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr.splitlines()[1] == (
        f"# jail: bubblewrap ({jail.program}) for pytest_run, no network"
    )
    off = punie("bridges", "--workspace", ".", "--no-jail", cwd=ws)
    assert off.stderr.splitlines()[1] == (
        "# jail: off (--no-jail or jail = 'off'): pytest_run runs the project's code as you"
    )


def test_without_bubblewrap_punie_run_refuses_unless_no_jail(ws: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    snippet = ["-c", "pytest_run().jail"]
    refused = punie("run", "--workspace", ".", "--allow-write", *snippet, cwd=ws, path=str(empty))
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0].startswith(
        "error (host_function): line 1: pytest_run runs the project's own code, and this "
        "session allows writes, so it runs only in a jail; there is none: no bubblewrap "
        "program (bwrap) on PATH. Tell the user: install bubblewrap (apt install bubblewrap"
    )
    opted_out = punie(
        "run", "--workspace", ".", "--allow-write", "--no-jail", *snippet, cwd=ws, path=str(empty)
    )
    assert (opted_out.returncode, opted_out.stdout) == (
        0,
        "none (jail = 'off'): the tests ran as the host user\n",
    )
    # The same opt-out from the workspace's settings.
    (ws / "punie.toml").write_text('jail = "off"\n', encoding="utf-8")
    configured = punie(
        "run", "--workspace", ".", "--allow-write", *snippet, cwd=ws, path=str(empty)
    )
    assert configured.stdout == "none (jail = 'off'): the tests ran as the host user\n"


def test_a_jail_setting_naming_no_program_is_a_usage_error(ws: Path) -> None:
    (ws / "punie.toml").write_text('jail = "/nonexistent/bwrap"\n', encoding="utf-8")
    shown = punie("bridges", "--workspace", ".", cwd=ws)
    assert (shown.returncode, shown.stderr) == (
        2,
        f"punie bridges: {ws / 'punie.toml'}: jail = '/nonexistent/bwrap': no bubblewrap "
        "program (/nonexistent/bwrap) at '/nonexistent/bwrap'; set it to the path of bwrap, to "
        "'auto' to find it on PATH, or to 'off' (or pass --no-jail) to run tests unjailed\n",
    )


def test_jail_network_in_the_settings_reaches_the_jail(ws: Path) -> None:
    (ws / "punie.toml").write_text("jail_network = true\n", encoding="utf-8")
    shown = punie("bridges", "--workspace", ".", cwd=ws)
    assert shown.stderr.splitlines()[1].endswith(" for pytest_run, network allowed")
