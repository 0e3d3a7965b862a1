"""One worker process seen from the host: start it, talk to it, kill it.

The worker is ``python -I -S`` (isolated: no user site, no ``PYTHON*`` variables, no ``site``),
with an empty environment, ``stdin``/``stdout`` on ``/dev/null``, an empty temporary working
directory, and two raw pipes for frames. It imports only ``sandbox/_worker`` (as the top-level
package ``_worker``) and RestrictedPython, then locks itself down and says ``ready``.

The host reads with plain blocking reads; the watchdog thread (``_watchdog``) kills the process
group with ``SIGKILL`` when the snippet's wall time runs out, which ends the read. Host function
calls are answered on the calling thread, so a call costs two pipe hops and no thread hand-off.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sandbox._errors import WorkerStartError
from sandbox._watchdog import WATCHDOG
from sandbox._worker._frames import (
    FrameBuffer,
    FrameError,
    PollGauge,
    encode_for_worker,
    poller_for,
    write_all,
)
from sandbox._worker._messages import (
    CallAnswer,
    CallAnswers,
    InitMessage,
    WorkerMessage,
    WorkerRequest,
)

__all__ = ["HOST_GAUGE", "WorkerDied", "WorkerGone", "WorkerProcess", "WorkerTimeout"]

HOST_GAUGE = PollGauge()
"""Whether the host polls a worker's pipe before blocking: one per host process, like the
watchdog, because it judges the machine's CPUs, which every sandbox in the process shares
(each worker process has its own, in its ``WorkerCaches``)."""

_BOOT = (
    "import sys;sys.path[:0]=sys.argv[1].split('\\n');"
    "from _worker._main import main;main(int(sys.argv[2]),int(sys.argv[3]))"
)
_START_TIMEOUT_S = 30.0
_LATE_GRACE_S = 1.0
"""After the whole run's time is up, how long the worker has to report its failure before it is
killed (it only has to unwind: the failure is sticky)."""
_READ_BYTES = 1 << 16
"""Bytes asked for per ``read``. Not more: CPython allocates the whole buffer for every call,
and from 128 KiB on glibc serves that with ``mmap`` on every read, which once made up a large
share of a host call's time (benchmarks/README.md, "sandbox figures moved from comments")."""


class WorkerTimeout(Exception):
    """The worker did not answer before the deadline (it has been killed).

    ``whole_run`` is true when the deadline that passed was the whole run's (host calls
    included), not the snippet's own wall time.
    """

    def __init__(self, *, whole_run: bool = False) -> None:
        super().__init__("whole run" if whole_run else "snippet")
        self.whole_run = whole_run


class WorkerDied(Exception):
    """The worker closed its pipe or sent garbage (it has been killed)."""


class WorkerGone(WorkerDied):
    """The worker was dead before the request reached it (nothing ran): try another one.

    This is how the pool notices a worker killed while idle, instead of asking the kernel
    about every worker before handing it out.
    """


def _all_late(message: Mapping[str, Any], late: CallAnswer) -> CallAnswers:
    """The answer to every call of a ``CallsMessage`` once the whole run's time is up."""
    items = message.get("calls")
    return {"answers": [late] * (len(items) if type(items) is list else 0)}


def _one_by_one(
    message: Mapping[str, Any],
    on_call: Callable[[Mapping[str, Any], list[Any]], CallAnswer],
    calls: list[Any],
) -> CallAnswers:
    """A ``CallsMessage`` answered by ``on_call``, one call after the other."""
    items = message.get("calls")
    if type(items) is not list:
        return {"answers": []}
    return {"answers": [on_call(item if type(item) is dict else {}, calls) for item in items]}


def _worker_path() -> list[str]:
    paths = [str(Path(__file__).resolve().parent)]
    for name in ("RestrictedPython", "pyseccomp"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            origin = Path(spec.origin).resolve()
            root = origin.parent.parent if origin.name == "__init__.py" else origin.parent
            if str(root) not in paths:
                paths.append(str(root))
    return paths


_COMMAND = (sys.executable, "-I", "-S", "-B", "-c", _BOOT, "\n".join(_worker_path()))
_ENVIRONMENT = {"LC_ALL": "C.UTF-8"}
_DETERMINISTIC_COMMAND = (sys.executable, "-s", "-P", *_COMMAND[2:])
"""``-I`` without ``-E`` (``-I`` is ``-E -P -s``): the environment is exactly the one given
(``_ENVIRONMENT``), so nothing else is read from it, and ``PYTHONHASHSEED=0`` takes effect."""
_DETERMINISTIC_ENVIRONMENT = {**_ENVIRONMENT, "PYTHONHASHSEED": "0"}
"""String hashing without a random salt: a set of strings iterates in the same order in every
worker of a deterministic sandbox (``Sandbox(deterministic=True)``)."""


class _Resources:
    """What a worker holds in the host: released exactly once, by ``kill()`` or, when the owner
    forgot to close the sandbox, when the ``WorkerProcess`` is garbage-collected (so a forgotten
    sandbox leaves no process running and no ``ResourceWarning`` behind)."""

    __slots__ = ("directory", "fds", "process")

    def __init__(self, fds: list[int], directory: str) -> None:
        self.fds = fds
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def close_fd(self, index: int) -> None:
        fd, self.fds[index] = self.fds[index], -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def release(self) -> None:
        process = self.process
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self.close_fd(0)
        self.close_fd(1)
        shutil.rmtree(self.directory, ignore_errors=True)


class WorkerProcess:
    """A started worker. Not thread-safe: one owner at a time (the pool hands it out)."""

    def __init__(self, init: InitMessage) -> None:
        to_worker_read, write_fd = os.pipe()
        read_fd, from_worker_write = os.pipe()
        self._resources = _Resources([read_fd, write_fd], tempfile.mkdtemp(prefix="punie-worker-"))
        self._release = weakref.finalize(self, self._resources.release)
        stderr = None if os.environ.get("PUNIE_SANDBOX_DEBUG") else subprocess.DEVNULL
        deterministic = bool(init.get("deterministic"))
        command = _DETERMINISTIC_COMMAND if deterministic else _COMMAND
        environment = _DETERMINISTIC_ENVIRONMENT if deterministic else _ENVIRONMENT
        try:
            self._process = subprocess.Popen(
                [*command, str(to_worker_read), str(from_worker_write)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                pass_fds=(to_worker_read, from_worker_write),
                cwd=self._resources.directory,
                env=environment,
                start_new_session=True,
            )
        except OSError as error:
            self._release()
            raise WorkerStartError(
                f"could not start a sandbox worker with {sys.executable}: {error}"
            ) from error
        finally:
            os.close(to_worker_read)
            os.close(from_worker_write)
        self._resources.process = self._process
        self._buffer = FrameBuffer()
        self._poller = poller_for(read_fd)
        self.ready: WorkerMessage | None = None
        """The worker's ``ready`` message (a ``ReadyMessage``), once it has sent it."""
        self.dead = False
        self.fired = False  # set by the watchdog when it killed this worker at its deadline
        self.deadline = 0.0  # when the watchdog kills this worker (set by ``WATCHDOG.arm``)
        self.paused = False  # in a host call: the watchdog leaves the worker alone
        write_all(self._write_fd, encode_for_worker(init))

    @property
    def _read_fd(self) -> int:
        return self._resources.fds[0]

    @property
    def _write_fd(self) -> int:
        return self._resources.fds[1]

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.poll()

    def signal_kill(self) -> None:
        """Send ``SIGKILL`` only (the watchdog's part); the owner cleans up when its read ends."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signal.SIGKILL)

    def wait_ready(self) -> WorkerMessage:
        """Block until the worker has locked itself down: its first message, ``ready``."""
        ready = self.ready
        if ready is None:
            WATCHDOG.arm(self, time.monotonic() + _START_TIMEOUT_S)
            try:
                message = self._read()
            except (WorkerTimeout, WorkerDied) as error:
                raise WorkerStartError(
                    "a sandbox worker did not start; run with PUNIE_SANDBOX_DEBUG=1 to see its "
                    f"error output ({type(error).__name__})"
                ) from error
            finally:
                WATCHDOG.disarm(self)
            if message.get("op") != "ready":
                self.kill()
                raise WorkerStartError(f"a sandbox worker sent {message.get('op')!r} before ready")
            ready = self.ready = message
        return ready

    def request(
        self,
        message: WorkerRequest,
        *,
        timeout_s: float,
        on_call: Callable[[Mapping[str, Any], list[Any]], CallAnswer],
        calls: list[Any],
        run_timeout_s: float | None = None,
        late: CallAnswer | None = None,
        on_calls: Callable[[Mapping[str, Any], list[Any]], CallAnswers] | None = None,
    ) -> WorkerMessage:
        """Send one request and serve the worker's host calls until it answers ``done``.

        Each call is answered by ``on_call(message, calls)`` on this thread (the message is a
        ``CallMessage`` from an untrusted worker: ``on_call`` checks every field); several
        calls awaited at the same time (a ``CallsMessage``) by ``on_calls`` (by ``on_call``
        one after the other when it is ``None``). Time spent there
        (the host function) does not count against ``timeout_s``: the watchdog skips a paused
        worker, and the deadline moves by the pause, but never past ``run_timeout_s`` from the
        start (the whole run, host calls included). A call that starts or ends after that is
        answered with ``late`` instead (the worker fails the run with it). Raises
        ``WorkerTimeout`` or ``WorkerDied`` after killing the worker.
        """
        if self.ready is None:
            self.wait_ready()
        started = time.monotonic()
        run_deadline = started + run_timeout_s if run_timeout_s is not None else float("inf")
        WATCHDOG.arm(self, min(started + timeout_s, run_deadline))
        over = False  # the whole run's time is up (a late answer was sent)
        try:
            try:
                self._send(message)
            except WorkerDied as error:  # nobody reads the pipe: the process is gone
                raise WorkerGone(str(error)) from error
            while True:
                reply = self._read()
                op = reply.get("op")
                if op != "call" and op != "calls":
                    break
                self.paused = True  # before the clock is read: see Watchdog
                paused_at = time.monotonic()
                answer: CallAnswer | CallAnswers
                try:
                    if paused_at >= run_deadline and late is not None:
                        answer = late if op == "call" else _all_late(reply, late)
                    elif op == "call":
                        answer = on_call(reply, calls)
                    elif on_calls is not None:
                        answer = on_calls(reply, calls)
                    else:
                        answer = _one_by_one(reply, on_call, calls)
                finally:
                    resumed = time.monotonic()
                    self.deadline = min(self.deadline + (resumed - paused_at), run_deadline)
                    self.paused = False
                if resumed >= run_deadline and late is not None:
                    # the calls ran (they are recorded), but the run is over
                    answer = late if op == "call" else _all_late(reply, late)
                    over = True
                    self.deadline = resumed + _LATE_GRACE_S  # time to report, not to compute
                self._send(answer)
        except WorkerTimeout:
            raise WorkerTimeout(whole_run=over or self.deadline >= run_deadline) from None
        finally:
            fired = WATCHDOG.disarm(self)
        if fired:  # the answer raced the deadline: the worker is dead either way
            self.kill()
            raise WorkerTimeout(whole_run=over or self.deadline >= run_deadline)
        return reply

    def _send(self, message: WorkerRequest | CallAnswer | CallAnswers) -> None:
        try:
            write_all(self._write_fd, encode_for_worker(message))
        except OSError as error:
            self.kill()
            raise (WorkerTimeout() if self.fired else WorkerDied(str(error))) from error

    def _read(self) -> WorkerMessage:
        """The next message; blocks until it arrives or the worker dies (or is killed)."""
        buffer = self._buffer
        try:
            message = buffer.next_message() if len(buffer) else None
            while message is None:
                HOST_GAUGE.wait_briefly(self._poller)
                try:
                    chunk = os.read(self._read_fd, _READ_BYTES)
                except OSError:
                    chunk = b""
                if not chunk:
                    self.kill()
                    if self.fired:
                        raise WorkerTimeout
                    raise WorkerDied("the worker exited")
                message = buffer.take(chunk)
        except FrameError as error:
            self.kill()
            raise WorkerDied(str(error)) from error
        return message

    def kill(self) -> None:
        """Kill the worker (and anything it might have started) and release its resources."""
        if self.dead:
            return
        self.dead = True
        self._release()

    def close(self) -> None:
        """Ask the worker to exit by closing its input, then make sure it is gone."""
        if self.dead:
            return
        self._resources.close_fd(1)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=0.5)
        self.kill()
