"""punie installed from its wheel, as a user installs it, used on a project of their own.

Issue 11, finding 1: outside its checkout punie could not be run at all. This builds the wheel,
installs it into a fresh virtual environment outside the repository (uv's cache first, like
``tests/bridges/bridge_helpers.py``), and drives the installed ``punie`` from a temporary project
with its own pyproject.toml: nothing here may import punie from the checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _uv(*args: str, cwd: Path | None = None) -> None:
    for offline in (["--offline"], []):  # uv's cache first; PyPI only when it lacks something
        done = subprocess.run(
            ["uv", *args, *offline], capture_output=True, text=True, cwd=cwd, check=False
        )
        if done.returncode == 0:
            return
    raise RuntimeError(f"uv {' '.join(args)} failed: {done.stderr[-2000:]}")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """punie's wheel, built from the checkout as a release would be."""
    dist = tmp_path_factory.mktemp("dist")
    _uv("build", "--wheel", "--out-dir", str(dist), "--", str(ROOT), cwd=dist)
    (built,) = dist.glob("punie-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> tuple[Path, Path]:
    """(the venv's bin folder, a user project with its own pyproject.toml)."""
    base = tmp_path_factory.mktemp("install")
    venv = base / "venv"
    _uv("venv", "-q", "--python", sys.executable, str(venv))
    _uv("pip", "install", "-q", "--python", str(venv / "bin" / "python"), str(wheel))
    project = base / "project"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1.0"\n')
    (project / "app" / "__init__.py").write_text("")
    (project / "app" / "main.py").write_text('count: int = "three"\n')
    return venv / "bin", project


def _punie(installed: tuple[Path, Path], *args: str, stdin: str = "") -> str:
    bin_dir, project = installed
    env = {**os.environ, "PUNIE_DATA_DIR": str(project.parent / "data")}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    done = subprocess.run(
        ["punie", *args],
        cwd=project,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_installed_punie_is_its_own_not_the_checkout(installed: tuple[Path, Path]) -> None:
    bin_dir, _ = installed
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import runtime, bridges; print(runtime.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout.strip()
    assert Path(where).is_relative_to(bin_dir.parent), where


def test_version(installed: tuple[Path, Path]) -> None:
    assert _punie(installed, "--version") == "punie 0.1.0\n"


def test_run_without_a_workspace(installed: tuple[Path, Path]) -> None:
    assert _punie(installed, "run", "-c", "1+1") == "2\n"


def test_run_with_the_projects_bridges(installed: tuple[Path, Path]) -> None:
    listed = _punie(installed, "run", "--workspace", ".", "-c", "sorted(list_files().files)")
    assert json.loads(listed) == ["app/__init__.py", "app/main.py", "pyproject.toml"]
    count = _punie(installed, "run", "--workspace", ".", "-c", 'typecheck(path="app").error_count')
    assert count == "1\n"


def test_bridges_lists_the_workspace_bridges(installed: tuple[Path, Path]) -> None:
    stubs = _punie(installed, "bridges", "--workspace", ".").splitlines()
    names = {line[4:].partition("(")[0] for line in stubs if line.startswith("def ")}
    assert {"typecheck", "ruff_check", "pytest_run", "list_files"} <= names


def test_the_sample_workspace_ships_in_the_wheel(installed: tuple[Path, Path]) -> None:
    bin_dir, project = installed
    code = (
        "import sys; from pathlib import Path; from bridges import sample_workspace; "
        "root = sample_workspace(Path(sys.argv[1])); "
        "print(sorted(p.name for p in (root / 'tests').iterdir()))"
    )
    out = subprocess.run(
        [str(bin_dir / "python"), "-c", code, str(project.parent / "sample")],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout
    assert out == "['test_cart.py', 'test_inventory.py', 'test_pricing.py']\n"


def _frame(message: dict[str, object]) -> str:
    body = json.dumps(message)
    return f"Content-Length: {len(body.encode())}\r\n\r\n{body}"


def test_lsp_answers_initialize(installed: tuple[Path, Path]) -> None:
    _, project = installed
    messages: list[dict[str, object]] = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": project.as_uri(), "capabilities": {}},
        },
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
    out = _punie(installed, "lsp", stdin="".join(_frame(m) for m in messages))
    # text mode read "\r\n" as "\n": the first message is the headers up to a blank line, then JSON
    headers, _, rest = out.partition("\n\n")
    assert headers.splitlines()[0].startswith("Content-Length: "), out[:200]
    answer, _ = json.JSONDecoder().raw_decode(rest)
    assert answer["id"] == 1
    assert answer["result"]["serverInfo"]["name"] == "punie"


def _isolated_env(base: Path) -> dict[str, str]:
    """An environment in which installers put tools under ``base`` and PATH has no punie."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(
        UV_TOOL_DIR=str(base / "uv-tools"),
        UV_TOOL_BIN_DIR=str(base / "bin"),
        PIPX_HOME=str(base / "pipx"),
        PIPX_BIN_DIR=str(base / "bin"),
        PUNIE_DATA_DIR=str(base / "data"),
        PATH=os.pathsep.join(
            entry for entry in env.get("PATH", "").split(os.pathsep) if ".venv" not in entry
        ),
    )
    return env


def _version_from(bin_dir: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(bin_dir / "punie"), "--version"], capture_output=True, text=True, env=env, cwd="/"
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_uv_tool_install_puts_punie_on_path(tmp_path: Path, wheel: Path) -> None:
    env = _isolated_env(tmp_path)
    for offline in (["--offline"], []):
        done = subprocess.run(
            ["uv", "tool", "install", *offline, str(wheel)], capture_output=True, text=True, env=env
        )
        if done.returncode == 0:
            break
    assert done.returncode == 0, done.stderr[-2000:]
    assert _version_from(tmp_path / "bin", env) == "punie 0.1.0\n"


def test_pipx_install_puts_punie_on_path(tmp_path: Path, wheel: Path) -> None:
    env = _isolated_env(tmp_path)
    tools = tmp_path / "pipx-venv"
    _uv("venv", "-q", "--python", sys.executable, str(tools))
    _uv("pip", "install", "-q", "--python", str(tools / "bin" / "python"), "pipx")
    done = subprocess.run(
        [str(tools / "bin" / "pipx"), "install", "--python", sys.executable, str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _version_from(tmp_path / "bin", env) == "punie 0.1.0\n"
