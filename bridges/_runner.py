"""Run a tool process the same way every time: located, scrubbed, time-limited, typed failures.

``run_tool`` is what every bridge family uses to start a program. The program is looked up next to
the running Python interpreter first (ty, ruff and pytest are dependencies of punie, installed in
its virtual environment), then on ``PATH``. The environment is rebuilt from scratch: no colour, a
fixed locale and hash seed, no user configuration, no bytecode files, so that the same workspace
gives the same output. Each failure becomes a ``ToolError`` whose message a model can act on:

- not installed -> ``ToolMissing``
- ran past ``timeout_s`` -> ``ToolTimeout`` (the whole process group is killed)
- exit status outside ``ok_returncodes`` or killed by a signal -> ``ToolCrashed`` with the end of
  its error output
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import select
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bridges._errors import ToolCrashed, ToolMissing, ToolTimeout

__all__ = [
    "ToolRun",
    "crash_message",
    "locate_tool",
    "run_tool",
    "tool_environment",
    "tool_version",
]

_STDERR_TAIL = 1500


@dataclass(frozen=True)
class ToolRun:
    """What a finished tool process left behind.

    The output is kept as the chunks read from the pipes and joined and decoded only when
    ``stdout``/``stderr`` is read: a bridge that parsed a large report while it streamed in
    (``stdout_sink``) never pays for a second copy of it.
    """

    tool: str
    """The program name, e.g. 'ruff'."""
    argv: tuple[str, ...]
    """The full command line that ran (absolute program path first)."""
    returncode: int
    duration_s: float
    """Wall-clock seconds from start to exit."""
    stdout_chunks: tuple[bytes, ...] = field(default=(), repr=False)
    stderr_chunks: tuple[bytes, ...] = field(default=(), repr=False)

    @functools.cached_property
    def stdout(self) -> str:
        """Standard output as text (invalid UTF-8 replaced)."""
        return b"".join(self.stdout_chunks).decode("utf-8", errors="replace")

    @functools.cached_property
    def stderr(self) -> str:
        """Standard error as text (invalid UTF-8 replaced)."""
        return b"".join(self.stderr_chunks).decode("utf-8", errors="replace")


@functools.cache
def locate_tool(name: str) -> Path:
    """The executable for ``name``: next to ``sys.executable`` first, then ``PATH``.

    Raises ``ToolMissing`` when neither has it. Remembered for the process (``functools.cache``):
    where punie's own tools live is a fact about this installation, the same for every
    workspace and session; a miss raises and is not remembered, so a tool installed later is
    found.
    """
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which(name)
    if found is None:
        raise ToolMissing(
            f"the tool '{name}' is not installed (looked next to {sys.executable} and on PATH); "
            f"this bridge cannot run here — answer without it or ask the user to install {name}",
            tool=name,
        )
    return Path(found)


def tool_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A scrubbed, deterministic environment for tool processes."""
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{path}",
        "HOME": os.environ.get("HOME", "/nonexistent"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "COLUMNS": "200",
        "PYTHONHASHSEED": "0",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUTF8": "1",
        # No user-level configuration of ruff, ty or git changes what a workspace reports.
        "XDG_CONFIG_HOME": "/nonexistent/punie-config",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    if extra:
        env.update(extra)
    return env


def run_tool(
    name: str,
    args: Sequence[str],
    *,
    cwd: Path,
    timeout_s: float,
    ok_returncodes: Collection[int] = (0, 1),
    env: Mapping[str, str] | None = None,
    stdout_sink: Callable[[bytes], None] | None = None,
) -> ToolRun:
    """Run ``name args...`` in ``cwd`` and return its output; typed errors for every failure.

    ``ok_returncodes`` are the statuses that mean "the tool worked" (for linters, 1 usually means
    "found problems"); anything else, or death by a signal, raises ``ToolCrashed``.
    ``stdout_sink``, when given, receives the standard output chunk by chunk while the tool is
    still writing (it must not raise), so a parser can work during the run instead of after it;
    the whole output is still in the returned ``ToolRun``.
    """
    program = locate_tool(name)
    argv = (str(program), *args)
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=tool_environment(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError as error:
        raise ToolMissing(
            f"the tool '{name}' could not be started ({error.strerror}); it may have been "
            "uninstalled — answer without it",
            tool=name,
        ) from None
    except PermissionError:
        raise ToolMissing(
            f"the tool '{name}' at {program} is not executable; answer without it", tool=name
        ) from None
    if stdout_sink is not None and process.stdout is not None:
        _widen(process.stdout.fileno())
    try:
        stdout, stderr = _communicate(process, stdout_sink, timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        _reap(process)
        raise ToolTimeout(
            f"'{name}' did not finish within {timeout_s:g} s and was stopped; run it on a "
            "smaller path (a single file or folder) or a narrower selection",
            tool=name,
        ) from None
    except BaseException:  # a sink that broke its promise, an interrupt: leave no tool behind
        _kill_group(process)
        _reap(process)
        raise
    duration = time.perf_counter() - started
    run = ToolRun(
        tool=name,
        argv=argv,
        returncode=process.returncode,
        duration_s=duration,
        stdout_chunks=stdout,
        stderr_chunks=stderr,
    )
    if run.returncode not in ok_returncodes:
        raise ToolCrashed(crash_message(run), tool=name)
    return run


def _communicate(
    process: subprocess.Popen[bytes], sink: Callable[[bytes], None] | None, timeout_s: float
) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """``Popen.communicate(timeout=...)``, with two differences that matter for speed.

    Standard output can go to ``sink`` chunk by chunk as it arrives. And the exit is awaited on
    a pidfd instead of ``Popen.wait(timeout)``, which polls with growing sleeps: a tool that
    exits a moment after closing its output made a bridge sleep past the exit, a visible share
    of a short tool run (benchmarks/README.md, "Figures moved from comments"). Raises
    ``subprocess.TimeoutExpired`` past ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None and process.stderr is not None
    out: list[bytes] = []
    err: list[bytes] = []
    targets = {process.stdout.fileno(): out, process.stderr.fileno(): err}
    stdout_fd = process.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        for descriptor in targets:
            selector.register(descriptor, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout_s)
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                targets[key.fd].append(chunk)
                if sink is not None and key.fd == stdout_fd:
                    sink(chunk)
    _wait_for_exit(process, deadline, timeout_s)
    process.stdout.close()
    process.stderr.close()
    return tuple(out), tuple(err)


def _wait_for_exit(process: subprocess.Popen[bytes], deadline: float, timeout_s: float) -> None:
    remaining = max(deadline - time.monotonic(), 0.0)
    try:
        descriptor = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux >= 5.3: the standard polling wait
        process.wait(max(remaining, 0.001))
        return
    try:
        waiter = select.poll()  # not select.select: a busy server's descriptors pass 1024
        waiter.register(descriptor, select.POLLIN)
        ready = waiter.poll(remaining * 1000)
    finally:
        os.close(descriptor)
    if not ready:
        raise subprocess.TimeoutExpired(process.args, timeout_s)
    process.wait()  # it has exited: this reaps it at once


_CHUNK = 1 << 16
_PIPE_SIZE = 1 << 20


def _widen(descriptor: int) -> None:
    """Let the tool write up to 1 MiB ahead of the reader (Linux; default 64 KiB).

    A sink parses while it reads; with the default pipe the tool would stop writing whenever the
    parser is busy, and the parse would no longer hide inside the tool's run.
    """
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or above pipe-max-size
        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _reap(process: subprocess.Popen[bytes]) -> None:
    """Collect a killed tool without waiting for its pipes to close.

    ``communicate()`` would read until every writer of the pipes is gone, and a process that
    left the tool's group (a test's daemon started with ``setsid``) may hold them for ever: the
    bridge, and the host thread running it, would hang past its own time limit. Our ends are
    closed instead (such a writer gets SIGPIPE), and the killed tool itself is waited for.
    """
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def crash_message(run: ToolRun) -> str:
    """What a failed run tells the model: how it ended and the end of its error output."""
    if run.returncode < 0:
        try:
            cause = f"was killed by signal {signal.Signals(-run.returncode).name}"
        except ValueError:
            cause = f"was killed by signal {-run.returncode}"
    else:
        cause = f"failed with exit status {run.returncode}"
    detail = (run.stderr.strip() or run.stdout.strip())[-_STDERR_TAIL:]
    text = f"'{run.tool}' {cause}"
    if detail:
        text += f": {detail}"
    return text + " — check the path and arguments; the tool itself could not complete"


@functools.cache
def tool_version(name: str) -> str:
    """The tool's ``--version`` line (e.g. 'ruff 0.17.6'), or 'unknown' when it cannot tell.

    Remembered for the process (``functools.cache``): the tool ``locate_tool`` found is the same
    program for every workspace and session, and so is its version."""
    try:
        run = run_tool(name, ["--version"], cwd=Path.cwd(), timeout_s=15.0, ok_returncodes=(0,))
    except Exception:
        return f"{name} (version unknown)"
    first = (run.stdout.strip() or run.stderr.strip()).splitlines()
    return first[0] if first else f"{name} (version unknown)"
