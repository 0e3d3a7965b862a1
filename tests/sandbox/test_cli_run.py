"""``punie run`` driven as a real console script in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PUNIE = shutil.which("punie") or str(Path(sys.executable).parent / "punie")


def punie(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PUNIE, *arguments], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_help_explains_the_command() -> None:
    top = punie("--help")
    assert top.returncode == 0 and "run" in top.stdout
    sub = punie("run", "--help")
    assert sub.returncode == 0
    for option in ("-c CODE", "--json", "--timeout", "--memory", "--workspace", "--allow-write"):
        assert option in sub.stdout


def test_code_prints_output_and_value() -> None:
    done = punie("run", "-c", "print('hello')\n{'answer': 6 * 7}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("hello\n")
    assert json.loads(done.stdout.split("\n", 1)[1]) == {"answer": 42}


def test_stdin_and_file(tmp_path: Path) -> None:
    assert punie("run", stdin="'from stdin'").stdout == "from stdin\n"
    assert punie("run", "-", stdin="1 + 1").stdout == "2\n"
    snippet = tmp_path / "snippet.py"
    snippet.write_text("import math\nmath.floor(7.9)\n", encoding="utf-8")
    assert punie("run", str(snippet)).stdout == "7\n"


def test_failure_exits_1_with_a_typed_error() -> None:
    done = punie("run", "-c", "import os")
    assert done.returncode == 1
    assert "error (policy)" in done.stderr and "json, re, math" in done.stderr


def test_json_output_is_the_run_result() -> None:
    done = punie("run", "--json", "-c", "x = 1\nx / 0")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["ok"] is False
    assert result["error"]["kind"] == "runtime" and result["error"]["line"] == 2
    ok = json.loads(punie("run", "--json", "-c", "[1, 'a']").stdout)
    assert ok["ok"] is True and ok["value"] == [1, "a"]


def test_timeout_option() -> None:
    done = punie("run", "--timeout", "0.5", "--json", "-c", "while True:\n    pass")
    result = json.loads(done.stdout)
    assert done.returncode == 1 and result["error"]["kind"] == "timeout"
    assert result["duration_s"] < 1.5


def test_memory_option() -> None:
    done = punie("run", "--memory", "128", "--json", "-c", "x = 'a' * (200 * 1024 * 1024)")
    assert json.loads(done.stdout)["error"]["kind"] == "memory"


@pytest.mark.parametrize(
    "arguments",
    [
        ("run", "-c", "1", "file.py"),
        ("run", "--timeout", "-1", "-c", "1"),
        ("run", "--memory", "1", "-c", "1"),
        ("run", "/no/such/snippet.py"),
        ("run", "--allow-write", "-c", "1"),
        ("run", "--workspace", "/no/such/folder", "-c", "1"),
        ("run", "--timeout", "soon", "-c", "1"),
    ],
)
def test_usage_errors_exit_2(arguments: tuple[str, ...]) -> None:
    done = punie(*arguments)
    assert done.returncode == 2, done
    assert done.stderr.strip()


def test_workspace_bridges_are_host_functions(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    source = "r = read_file(path='module.py')\n[r.line_count, r.text.splitlines()[0]]"
    done = punie("run", "--workspace", str(tmp_path), "-c", source)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [2, "def f():"]
    escape = punie("run", "--workspace", str(tmp_path), "-c", "read_file(path='../x')")
    assert escape.returncode == 1 and "host_function" in escape.stderr


def test_workspace_snippets_get_the_pre_run_check_as_warnings(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text("x = 1\n", encoding="utf-8")
    done = punie("run", "--workspace", str(tmp_path), "-c", "read_file('module.py')")
    assert done.returncode == 1
    assert (
        "punie run: warning: line 1: read_file() takes keyword arguments only; "
        "write read_file(path=..., start_line=..., end_line=...)" in done.stderr
    )
    clean = punie("run", "--workspace", str(tmp_path), "-c", "read_file(path='module.py').text")
    assert clean.returncode == 0 and "warning" not in clean.stderr
