"""pytest_run runs the workspace's code in a jail (real bubblewrap), and refuses to run without one.

Each attack is a test file in a workspace, run through ``pytest_run`` twice: jailed (the default,
``jail="auto"``), where the attack must fail and the ``TestResult`` must say how, and with
``jail="off"``, where the same test must pass: proof that the attack works and that only the
jail stops it. Nothing here is mocked; "no bubblewrap" is a ``PATH`` without it, or a setting
that names a program which cannot confine.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import JailUnavailable, TestResult, ToolTimeout, default_bridges
from bridges._jail import INSTALL_HINT, choose_jail
from sandbox import Sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="bubblewrap is Linux's jail"),
]

JAILED = (
    "bubblewrap: read-only workspace, read-only system, private /tmp, own PID namespace, "
    "scrubbed environment"
)
JAILED_WRITABLE = (
    "bubblewrap: read-write workspace (.git read-only), read-only system, private /tmp, own "
    "PID namespace, scrubbed environment"
)
UNJAILED = "none (jail = 'off'): the tests ran as the host user"


def workspace(root: Path, test: str) -> Path:
    """A workspace holding one test file, ``tests/test_attack.py``."""
    ws = root / "ws"
    (ws / "tests").mkdir(parents=True)
    (ws / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (ws / "tests" / "test_attack.py").write_text(textwrap.dedent(test), encoding="utf-8")
    return ws


def run_tests(
    ws: Path,
    *,
    jail: str,
    allow_write: bool = False,
    timeout_s: float = 60.0,
    jail_network: bool = False,
) -> TestResult:
    bound = default_bridges(
        ws, allow_write=allow_write, jail=jail, timeout_s=timeout_s, jail_network=jail_network
    )
    function = next(f for f in bound if f.name == "pytest_run")
    result = function.function()
    function.validate_result(result)
    assert isinstance(result, TestResult)
    return result


def outcome(result: TestResult) -> tuple[str, str | None]:
    """The one test's outcome and the last line of its message (the exception raised)."""
    (test,) = result.tests
    assert test.name == "tests/test_attack.py::test_attack"
    last = test.message.strip().splitlines()[-1] if test.message else None
    return test.outcome, last


@pytest.fixture(scope="module", autouse=True)
def _bubblewrap_works() -> None:
    choice = choose_jail()
    assert choice.jail is not None, f"these tests need a working bubblewrap: {choice.reason}"


def test_writing_outside_the_workspace_fails_in_the_jail(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "pwned"
    ws = workspace(
        tmp_path,
        f"""\
        def test_attack():
            with open({str(target)!r}, "w") as handle:
                handle.write("pwned")
        """,
    )
    # The host's /tmp is not there in the jail: the folder outside the workspace does not exist.
    jailed = run_tests(ws, jail="auto", allow_write=True)
    assert (jailed.jail, outcome(jailed)) == (
        JAILED_WRITABLE,
        ("failed", f"FileNotFoundError: [Errno 2] No such file or directory: '{target}'"),
    )
    assert not target.exists()
    unjailed = run_tests(ws, jail="off", allow_write=True)
    assert (unjailed.jail, outcome(unjailed)) == (UNJAILED, ("passed", None))
    assert target.read_text() == "pwned"


@pytest.fixture
def home_file() -> Iterator[Path]:
    path = Path.home() / f"punie-jail-test-{uuid.uuid4().hex}"
    yield path
    path.unlink(missing_ok=True)


def test_writing_to_home_fails_in_the_jail(tmp_path: Path, home_file: Path) -> None:
    ws = workspace(
        tmp_path,
        f"""\
        import pathlib

        def test_attack():
            pathlib.Path({str(home_file)!r}).write_text("pwned")
        """,
    )
    jailed = run_tests(ws, jail="auto", allow_write=True)
    assert outcome(jailed) == (
        "failed",
        f"OSError: [Errno 30] Read-only file system: '{home_file}'",
    )
    assert not home_file.exists()
    assert outcome(run_tests(ws, jail="off", allow_write=True)) == ("passed", None)
    assert home_file.read_text() == "pwned"


def test_the_network_is_unreachable_in_the_jail(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        ws = workspace(
            tmp_path,
            f"""\
            import socket

            def test_attack():
                socket.create_connection(("127.0.0.1", {port}), timeout=5).close()
            """,
        )
        jailed = run_tests(ws, jail="auto")
        assert (jailed.jail, outcome(jailed)) == (
            JAILED,
            # The jail's own loopback, where nothing listens: the host's port is out of reach.
            ("failed", "ConnectionRefusedError: [Errno 111] Connection refused"),
        )
        assert outcome(run_tests(ws, jail="off")) == ("passed", None)
        # The network can be allowed on purpose.
        allowed = run_tests(ws, jail="auto", jail_network=True)
        assert outcome(allowed) == ("passed", None)


_HOST = """\
import sys
from bridges import default_bridges

pytest_run = next(f for f in default_bridges(sys.argv[1], jail=sys.argv[2]) if f.name == "pytest_run")
print(pytest_run.function().model_dump_json())
"""


def test_the_host_environment_cannot_be_read_in_the_jail(tmp_path: Path) -> None:
    # punie runs as a process of its own whose environment holds a secret (an API key); the
    # tests look for it in every process they can see, their parent first.
    secret = f"sk-{uuid.uuid4().hex}"
    ws = workspace(
        tmp_path,
        f"""\
        import os

        def test_attack():
            seen = [os.getppid()] + [int(p) for p in os.listdir("/proc") if p.isdigit()]
            found = []
            for pid in seen:
                try:
                    with open(f"/proc/{{pid}}/environ", "rb") as handle:
                        if b"{secret}" in handle.read():
                            found.append(pid)
                except OSError:
                    pass
            assert found, "no process shows the secret"
        """,
    )
    results = {}
    for jail in ("auto", "off"):
        done = subprocess.run(
            [sys.executable, "-c", _HOST, str(ws), jail],
            capture_output=True,
            text=True,
            env={**os.environ, "PUNIE_TEST_API_KEY": secret},
            timeout=120,
            check=True,
        )
        results[jail] = TestResult.model_validate(json.loads(done.stdout))
    assert outcome(results["auto"]) == (
        "failed",
        "assert []",
    )
    assert outcome(results["off"]) == ("passed", None)


def test_the_workspace_is_read_only_in_a_read_only_session(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path,
        """\
        import pathlib

        def test_attack():
            pathlib.Path("written.txt").write_text("changed")
        """,
    )
    jailed = run_tests(ws, jail="auto")
    assert outcome(jailed) == (
        "failed",
        "OSError: [Errno 30] Read-only file system: 'written.txt'",
    )
    assert not (ws / "written.txt").exists()
    assert outcome(run_tests(ws, jail="off")) == ("passed", None)
    assert (ws / "written.txt").read_text() == "changed"


def test_writes_allowed_reach_the_workspace_but_not_its_git_folder(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path,
        """\
        import pathlib

        def test_attack():
            pathlib.Path("written.txt").write_text("changed")
            pathlib.Path(".git/hooks/pre-commit").write_text("#!/bin/sh\\necho pwned\\n")
        """,
    )
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    hook = ws / ".git" / "hooks" / "pre-commit"
    jailed = run_tests(ws, jail="auto", allow_write=True)
    assert outcome(jailed) == (
        "failed",
        "OSError: [Errno 30] Read-only file system: '.git/hooks/pre-commit'",
    )
    assert (ws / "written.txt").read_text() == "changed"
    assert not hook.exists()


def test_a_written_conftest_cannot_reach_the_host(tmp_path: Path, home_file: Path) -> None:
    # The attack of issue 12: a snippet allowed to write creates tests/conftest.py, which
    # pytest_run imports, so its code runs on the host.
    ws = workspace(tmp_path, "def test_attack():\n    pass\n")
    conftest = f"import pathlib\npathlib.Path({str(home_file)!r}).write_text('pwned')\n"
    snippet = (
        f"write_file(path='tests/conftest.py', content={conftest!r})\n"
        "result = pytest_run()\n"
        "[result.errors, [t.message.splitlines()[-1] for t in result.tests if t.message]]\n"
    )
    for jail in ("auto", "off"):
        bound = default_bridges(ws, allow_write=True, jail=jail)
        with Sandbox(host_functions=bound, pool_size=1) as box:
            run = box.run(snippet)
        assert run.error is None, run.error
        if jail == "auto":
            assert run.value == [1, [f"OSError: [Errno 30] Read-only file system: '{home_file}'"]]
            assert not home_file.exists()
        else:
            assert run.value == [0, []]
            assert home_file.read_text() == "pwned"


def test_a_timeout_kills_everything_the_tests_started(tmp_path: Path) -> None:
    # A test that starts a detached process (a session of its own, out of the tool's process
    # group) and hangs: unjailed, killing pytest's group leaves that process running.
    marker = f"punie-jail-orphan-{uuid.uuid4().hex}"
    ws = workspace(
        tmp_path,
        f"""\
        import subprocess, sys, time

        def test_attack():
            subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(600)", "{marker}"],
                start_new_session=True,
            )
            time.sleep(20)
        """,
    )
    survivors: dict[str, list[int]] = {}
    for jail in ("auto", "off"):
        outcomes: list[BaseException] = []
        call = threading.Thread(target=_expect_timeout, args=(ws, jail, outcomes), daemon=True)
        call.start()
        # A jail that outlives its parent keeps the tool's output pipes open, and the bridge
        # waits on them: a hang, which this guard turns into a failure.
        call.join(60)
        survivors[jail] = _processes_with(marker)
        for pid in survivors[jail]:
            os.kill(pid, signal.SIGKILL)
        call.join(60)
        assert [type(error) for error in outcomes] == [ToolTimeout], (jail, outcomes)
    assert survivors["auto"] == []
    assert len(survivors["off"]) == 1


def _expect_timeout(ws: Path, jail: str, outcomes: list[BaseException]) -> None:
    try:
        run_tests(ws, jail=jail, timeout_s=5)
    except BaseException as error:
        outcomes.append(error)


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_without_bubblewrap_a_writing_session_refuses_to_run_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(tmp_path, "def test_attack():\n    pass\n")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # a machine where bwrap is not installed
    with pytest.raises(JailUnavailable) as caught:
        run_tests(ws, jail="auto", allow_write=True)
    assert str(caught.value) == (
        "pytest_run runs the project's own code, and this session allows writes, so it runs "
        "only in a jail; there is none: no bubblewrap program (bwrap) on PATH. Tell the user: "
        f"{INSTALL_HINT}, or opt out explicitly with jail = 'off' in [tool.punie] "
        "(punie --no-jail)"
    )
    # A read-only session runs the tests, and its result says they were not jailed.
    read_only = run_tests(ws, jail="auto")
    assert (read_only.jail, outcome(read_only)) == (
        "none (no bubblewrap program (bwrap) on PATH): the tests ran as the host user; this "
        f"session is read-only; {INSTALL_HINT}",
        ("passed", None),
    )
    # The explicit opt-out runs in any session.
    assert run_tests(ws, jail="off", allow_write=True).jail == UNJAILED


def test_a_jail_setting_that_names_no_program_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(JailUnavailable) as caught:
        default_bridges(tmp_path, jail="/nonexistent/bwrap")
    assert str(caught.value) == (
        "jail = '/nonexistent/bwrap' is not an executable program; set it to the path of bwrap "
        "(or sandbox-exec on macOS), to 'auto' to find it on PATH, or to 'off' to run tests "
        "unjailed"
    )


def test_a_jail_program_that_cannot_confine_is_refused_even_read_only(tmp_path: Path) -> None:
    # An explicit program is a promise: when it fails (here 'false', as a bwrap that cannot
    # create namespaces would), pytest_run refuses instead of running unjailed.
    ws = workspace(tmp_path, "def test_attack():\n    pass\n")
    false = subprocess.run(["which", "false"], capture_output=True, text=True).stdout.strip()
    with pytest.raises(JailUnavailable) as caught:
        run_tests(ws, jail=false)
    assert str(caught.value) == (
        "pytest_run runs the project's own code only in the jail the settings name "
        f"(jail = {false!r}), and there is none: {false} cannot confine here: exit status 1. "
        f"Tell the user: set jail = 'auto' to use bwrap from PATH, {INSTALL_HINT}, or opt out "
        "explicitly with jail = 'off' in [tool.punie] (punie --no-jail)"
    )
