"""Security, layer 2: the worker process alone, with the language policy switched off.

``Sandbox(_unsafe_skip_policy=True)`` is a test-only switch: snippets are compiled as plain
Python with the real builtins, so ``import os`` works. What must still fail is everything the
worker's lockdown forbids (seccomp and resource limits): writing or creating files, starting
processes, opening sockets, signalling other processes, and (Landlock) reading anything but the
interpreter's own files. ``test_worker_layer_alone.py`` has the attacks on the host itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Limits, Sandbox
from sandbox._worker._landlock import abi_version as landlock_abi_version


@pytest.fixture(scope="module")
def raw() -> Iterator[Sandbox]:
    with Sandbox(limits=Limits(timeout_s=5.0), _unsafe_skip_policy=True) as sandbox:
        yield sandbox


def test_lockdown_is_active(raw: Sandbox) -> None:
    report = raw.lockdown_report()
    landlock = sys.platform == "linux" and landlock_abi_version() > 0
    assert report == {"seccomp": True, "landlock": landlock, "rlimits": True}


def test_policy_is_really_off(raw: Sandbox) -> None:
    result = raw.run("import os\nos.getpid() > 0 and (1).__class__.__name__")
    assert result.ok and result.value == "int"


def test_worker_has_no_environment_and_an_empty_directory(raw: Sandbox) -> None:
    result = raw.run("import os\n[sorted(os.environ), os.listdir('.'), os.getcwd()]")
    assert result.ok, result.error
    environment, listing, cwd = result.value
    assert environment == ["LC_ALL"]
    assert listing == []
    assert "punie-worker-" in cwd


def _refused(raw: Sandbox, source: str) -> str:
    result = raw.run(source)
    assert not result.ok, result
    assert result.error is not None and result.error.kind == "runtime", result.error
    return result.error.message


@pytest.mark.parametrize(
    "source",
    [
        "open('created.txt', 'w')",
        "open('/tmp/punie-sandbox-escape.txt', 'w')",
        "open('/tmp/punie-sandbox-escape.txt', 'a')",
        "import os\nos.open('/tmp/punie-sandbox-escape.txt', os.O_WRONLY | os.O_CREAT)",
        "import os\nos.mkdir('/tmp/punie-sandbox-escape-dir')",
        "import os\nos.rename('/etc/hostname', '/tmp/punie-sandbox-escape.txt')",
        "import os\nos.unlink('/tmp/punie-sandbox-does-not-matter')",
    ],
)
def test_files_cannot_be_written(raw: Sandbox, source: str) -> None:
    message = _refused(raw, source)
    assert "PermissionError" in message or "Operation not permitted" in message
    assert not Path("/tmp/punie-sandbox-escape.txt").exists()
    assert not Path("/tmp/punie-sandbox-escape-dir").exists()


@pytest.mark.parametrize(
    "source",
    [
        "import os\nos.fork()",
        "import subprocess\nsubprocess.run(['true'])",
        "import os\nos.execv('/bin/true', ['true'])",
        "import os\nos.posix_spawn('/bin/true', ['true'], {})",
        "import multiprocessing\nmultiprocessing.Process(target=print).start()",
    ],
)
def test_processes_cannot_be_started(raw: Sandbox, source: str) -> None:
    message = _refused(raw, source)
    assert "Error" in message


def test_os_system_cannot_run_a_command(raw: Sandbox, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    result = raw.run(f"import os\nos.system('touch {marker}')")
    assert result.ok and result.value != 0
    assert not marker.exists()


@pytest.mark.parametrize(
    "source",
    [
        "import socket\nsocket.socket()",
        "import socket\nsocket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
        "import socket\nsocket.create_connection(('127.0.0.1', 9))",
        "import socket\nsocket.socketpair()",
    ],
)
def test_sockets_cannot_be_opened(raw: Sandbox, source: str) -> None:
    message = _refused(raw, source)
    assert "PermissionError" in message or "Operation not permitted" in message


def test_other_processes_cannot_be_signalled(raw: Sandbox) -> None:
    message = _refused(raw, f"import os, signal\nos.kill({os.getpid()}, signal.SIGTERM)")
    assert "PermissionError" in message
    assert raw.run("1 + 1").value == 2


def test_memory_limit_holds_without_the_policy(raw: Sandbox) -> None:
    result = raw.run("bytearray(2 * 1024 ** 3)")
    assert result.error is not None and result.error.kind == "memory"
    assert raw.run("1 + 1").value == 2


@pytest.mark.skipif(landlock_abi_version() == 0, reason="this kernel has no Landlock")
@pytest.mark.parametrize(
    "source",
    [
        "open('/etc/hostname').read()",
        "import os\nos.listdir('/')",
        "open('/etc/passwd').read()",
        f"open({str(Path(__file__))!r}).read()",
    ],
)
def test_reading_files_outside_the_interpreter_is_stopped(raw: Sandbox, source: str) -> None:
    message = _refused(raw, source)
    assert (
        message.startswith("line ") and "PermissionError: [Errno 13] Permission denied" in message
    )
