"""The worker layer alone (issue 12, section 4): with the language policy off, no harm to the host.

Before the seccomp filter became an allow-list and Landlock confined the worker's reads, a worker
whose language layer was switched off (``_unsafe_skip_policy``, the tests' switch) could kill the
host (``pidfd_open`` + ``pidfd_send_signal``), signal any process (``kill``, ``tgkill``), set the
host's rlimits (``prlimit64``: ``RLIMIT_CPU`` 0 killed it), take the host's stdout
(``pidfd_getfd``; for ``punie lsp`` the editor's JSON-RPC channel), read the host's secrets from
``/proc/<ppid>/environ``, and, as root, lift its own memory limit.

The attacks on the *host* run against a host that is a child process of the test (a failure kills
that child, not pytest): it runs every attack, then burns CPU (an ``RLIMIT_CPU`` of 0 would kill
it), writes the outcomes to a file and prints one line; its stdout must be exactly that line. The
same attacks against another process run in this process against a ``sleep`` that must survive.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Limits, Sandbox
from sandbox._worker._landlock import abi_version

ROOT = Path(__file__).resolve().parents[2]
LANDLOCK = sys.platform == "linux" and abi_version() > 0
_NUMBERS = {  # system call numbers that Python does not wrap
    "x86_64": {"tgkill": 234, "ptrace": 101},
    "aarch64": {"tgkill": 131, "ptrace": 117},
}
NR = {"pidfd_send_signal": 424, "pidfd_open": 434, "pidfd_getfd": 438}  # the same everywhere
NR.update(_NUMBERS.get(platform.machine(), {}))

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() not in _NUMBERS,
    reason="the worker's seccomp and Landlock layers are Linux-only (x86_64, aarch64 here)",
)

_RAW = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
EPERM = "PermissionError: [Errno 1] Operation not permitted"

ATTACKS: dict[str, tuple[str, object]] = {
    # name: (source with {pid} for the target, expected value or error message)
    "pidfd-kill": (
        "import os, signal\nfd = os.pidfd_open({pid})\nsignal.pidfd_send_signal(fd, signal.SIGKILL)",
        f"line 2: {EPERM}",
    ),
    "pidfd_send_signal": (  # on fd 0 (not a pidfd): EBADF if the call were allowed
        _RAW + f"[libc.syscall({NR['pidfd_send_signal']}, 0, 9, None, 0), ctypes.get_errno()]",
        [-1, 1],
    ),
    "kill": ("import os\nos.kill({pid}, 9)", f"line 2: {EPERM}"),
    "killpg": ("import os\nos.killpg({pid}, 0)", f"line 2: {EPERM}"),
    "tgkill": (
        _RAW + f"[libc.syscall({NR['tgkill']}, {{pid}}, {{pid}}, 9), ctypes.get_errno()]",
        [-1, 1],
    ),
    "prlimit-cpu-zero": (
        "import resource\nresource.prlimit({pid}, resource.RLIMIT_CPU, (0, 0))",
        f"line 2: {EPERM}",
    ),
    "prlimit-read": (
        "import resource\nresource.prlimit({pid}, resource.RLIMIT_NOFILE)",
        f"line 2: {EPERM}",
    ),
    "pidfd_getfd": (  # fd 0 is not a pidfd: EBADF if the call were allowed
        _RAW + f"[libc.syscall({NR['pidfd_getfd']}, 0, 1, 0), ctypes.get_errno()]",
        [-1, 1],
    ),
    "steal-stdout": (
        _RAW + f"pidfd = libc.syscall({NR['pidfd_open']}, {{pid}}, 0)\n"
        f"stolen = libc.syscall({NR['pidfd_getfd']}, pidfd, 1, 0)\n"
        "if stolen >= 0:\n    import os\n    os.write(stolen, b'INJECTED')\n"
        "[pidfd, stolen, ctypes.get_errno()]",
        [-1, -1, 1],
    ),
    "ptrace-attach": (
        _RAW + f"[libc.syscall({NR['ptrace']}, 16, {{pid}}, 0, 0), ctypes.get_errno()]",
        [-1, 1],
    ),
    "lift-own-memory-limit": (  # root may raise a hard limit; the filter says no
        "import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))",
        "line 2: ValueError: not allowed to raise maximum limit",
    ),
    "environ": (
        "open('/proc/{pid}/environ', 'rb').read()",
        "line 1: PermissionError: [Errno 13] Permission denied: '/proc/{pid}/environ'",
    ),
    "list-processes": (
        "import os\nos.listdir('/proc')",
        "line 2: PermissionError: [Errno 13] Permission denied: '/proc'",
    ),
}
NEEDS_LANDLOCK = {"environ", "list-processes"}


def _outcome(sandbox: Sandbox, source: str) -> object:
    result = sandbox.run(source)
    if result.ok:
        return result.value
    assert result.error is not None
    return result.error.message


_HOST = """
import json, os, resource, sys, time
from sandbox import Limits, Sandbox

attacks = json.loads(sys.argv[1])
limits = {name: resource.getrlimit(getattr(resource, name)) for name in ("RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_AS")}
outcomes = {}
with Sandbox(limits=Limits(timeout_s=10.0), _unsafe_skip_policy=True) as sandbox:
    for name, source in attacks.items():
        result = sandbox.run(source.replace("{pid}", str(os.getpid())))
        outcomes[name] = result.value if result.ok else result.error.message
    outcomes["after"] = sandbox.run("1 + 1").value
end = time.process_time() + 0.5  # an RLIMIT_CPU of 0 kills the process on the next tick
while time.process_time() < end:
    pass
outcomes["limits unchanged"] = limits == {
    name: resource.getrlimit(getattr(resource, name)) for name in limits
}
outcomes["pid"] = os.getpid()
with open(sys.argv[2], "w") as out:
    json.dump(outcomes, out)
print("host alive", flush=True)
"""


def test_the_host_survives_every_attack_and_keeps_its_stdout(tmp_path: Path) -> None:
    attacks = {
        name: source
        for name, (source, _) in ATTACKS.items()
        if LANDLOCK or name not in NEEDS_LANDLOCK
    }
    secret = "SECRET api_key=sk-12345-host-only"
    results = tmp_path / "outcomes.json"
    host = subprocess.run(
        [sys.executable, "-c", _HOST, json.dumps(attacks), str(results)],
        cwd=ROOT,
        env={**os.environ, "PUNIE_HOST_SECRET": secret},
        capture_output=True,
        timeout=120,
    )
    assert (host.returncode, host.stdout) == (0, b"host alive\n"), host.stderr.decode()
    outcomes = json.loads(results.read_text())
    pid = str(outcomes["pid"])
    actual = {name: outcomes[name] for name in attacks}
    expected = {
        name: value.replace("{pid}", pid) if isinstance(value, str) else value
        for name, (_, value) in ATTACKS.items()
        if name in attacks
    }
    assert actual == expected
    assert secret not in json.dumps(actual)
    assert outcomes["after"] == 2
    assert outcomes["limits unchanged"] is True


@pytest.fixture(scope="module")
def raw() -> Iterator[Sandbox]:
    with Sandbox(limits=Limits(timeout_s=10.0), _unsafe_skip_policy=True) as sandbox:
        yield sandbox


@pytest.fixture
def victim() -> Iterator[subprocess.Popen[bytes]]:
    """Another process of the same user, with a secret in its environment."""
    process = subprocess.Popen(
        ["sleep", "60"], env={"PUNIE_VICTIM_SECRET": "victim-secret"}, start_new_session=True
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_another_process_is_out_of_reach(
    raw: Sandbox, victim: subprocess.Popen[bytes], name: str
) -> None:
    if name in NEEDS_LANDLOCK and not LANDLOCK:
        pytest.skip("this kernel has no Landlock")
    source, expected = ATTACKS[name]
    pid = str(victim.pid)
    if isinstance(expected, str):
        expected = expected.replace("{pid}", pid)
    before = resource.prlimit(victim.pid, resource.RLIMIT_CPU)
    assert _outcome(raw, source.replace("{pid}", pid)) == expected
    assert victim.poll() is None  # still running: no signal reached it
    assert resource.prlimit(victim.pid, resource.RLIMIT_CPU) == before
    os.kill(victim.pid, signal.SIGKILL)  # this process may; the worker may not
    assert victim.wait(timeout=5) == -signal.SIGKILL


def test_ordinary_snippets_run_under_the_allow_list() -> None:
    """The allow-list is tight, not broken: imports of the stand-ins, the full policy (loaded
    after the lockdown), host calls with records, big output and big values, sessions."""
    from tests.sandbox.sandbox_support import HOST_FUNCTIONS

    limits = Limits(timeout_s=10.0, value_chars=1024 * 1024)  # a big value crosses whole
    with Sandbox(host_functions=HOST_FUNCTIONS, limits=limits) as sandbox:
        assert sandbox.lockdown_report() == {"seccomp": True, "landlock": LANDLOCK, "rlimits": True}
        standins = sandbox.run(
            "import json, re, math\n"
            "data = json.loads(json.dumps({'xs': [1, 2, 3]}))\n"
            "[data, re.findall(r'\\d+', 'a1b22c333'), math.isqrt(99), round(math.pi, 4)]"
        )
        assert (standins.ok, standins.value) == (
            True,
            [{"xs": [1, 2, 3]}, ["1", "22", "333"], 9, 3.1416],
        )
        full = sandbox.run(  # try/except and a class: the full RestrictedPython path
            "class Box:\n    def __init__(self, v):\n        self.v = v\n"
            "try:\n    r = typecheck(path='missing.py')\nexcept HostFunctionError as e:\n"
            "    message = str(e)\n"
            "report = typecheck(path='app.py')\n"
            "[Box(double(x=21)).v, message, [d.line for d in report.errors]]"
        )
        assert full.ok, full.error
        assert full.value == [
            42,
            "no file named 'missing.py'; list the workspace files first",
            [3, 9],
        ]
        assert [call.name for call in full.calls] == ["typecheck", "typecheck", "double"]
        big = sandbox.run("for i in range(6000):\n    print('line', i)\nlist(range(50000))")
        assert big.ok, big.error
        assert big.stdout == "".join(f"line {i}\n" for i in range(6000))
        assert big.value == list(range(50000))
        with sandbox.session() as session:
            session.run("total = sum(double(x=i) for i in range(50))")
            assert session.run("total").value == 2450
        crash = sandbox.run("len('x' * 1024 ** 3)")
        assert crash.error is not None and crash.error.kind == "memory"
        assert sandbox.run("1 + 1").value == 2
