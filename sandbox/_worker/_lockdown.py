"""Lock the worker process down before it runs anything a snippet wrote.

Applied once, after every module the worker will ever need is imported (nothing can be imported
later: there is no file access for writing, and no new process). Each step is best-effort where
the platform lacks it, and ``lock_down`` reports what is active so the host (and its tests) know.

- resource limits: address space (the memory limit), no file writes (``RLIMIT_FSIZE`` 0), few
  open files, no core dumps, no new processes (``RLIMIT_NPROC`` 0 for non-root users);
- signals: ``SIGINT`` ignored (the host owns Ctrl-C), ``SIGXFSZ`` ignored so a write fails with an
  error instead of killing the worker;
- Landlock (Linux >= 5.13, see ``_landlock``): reading only beneath the interpreter's import path
  and the empty working directory; nothing else can be opened, listed, written or executed, so
  ``/proc`` (other processes, the host's environment) is out of sight; from Linux 6.12 no signal
  leaves the worker's domain;
- seccomp (Linux, libseccomp through ctypes, see ``_seccomp``): an allow-list of the system calls
  a locked-down worker makes (measured with ``strace -f`` over the sandbox's tests and benchmark,
  see ``_ALLOWED``); every other call fails with ``EPERM``. Gone with it: ``execve``, ``fork``,
  ``clone``, sockets, ``kill``/``tgkill``/``pidfd_*``, ``ptrace``, ``prlimit64`` on any process
  but itself, ``setrlimit`` of anything but its CPU time, opening files for writing, every change
  to the file system, namespaces, mounts, ``bpf``, ``io_uring``, keyrings.

Landlock needs the worker's paths, so it comes first; the seccomp filter comes last, so that it
need not allow the calls the lockdown itself makes.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import sys

from . import _landlock
from ._seccomp import ALLOW, EQ, MASKED_EQ, Filter, errno_action, load_library

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from typing import Any

    from ._messages import LockdownReport

__all__ = ["lock_down"]

_ALLOWED = (
    # Reading and writing the host's two pipes (and ``print`` to /dev/null when debugging).
    "read", "write", "pread64",
    # Waiting for the host: ``select.poll`` and the idle check in ``_warm_up``.
    "poll", "ppoll", "select", "pselect6",
    # Imports after the lockdown (the full policy loads while idle; json/re stand-ins).
    "close", "lseek", "fstat", "stat", "lstat", "newfstatat", "statx", "getdents64", "getcwd",
    # Memory: the allocator and the ``RLIMIT_AS`` failures it must be able to report.
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
    # Time: the CPU backstop (``time.process_time``) and clocks without a vDSO.
    "clock_gettime", "clock_getres", "gettimeofday", "clock_nanosleep", "nanosleep",
    # The process itself.
    "getpid", "gettid", "getrandom", "futex", "sched_yield", "rt_sigreturn", "restart_syscall",
    "exit", "exit_group",
)  # fmt: skip
"""System calls allowed without conditions; the conditional ones are in ``_seccomp``."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_TCGETS = 0x5401  # what ``open()`` asks a new file (``isatty``); the same on every architecture
_F_GETFD, _F_GETFL = 1, 3


def _set_limit(which: int, value: int) -> None:
    try:
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY and value > hard:
            value = hard
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _seccomp(library: Any) -> bool:
    try:
        rules = Filter(library, default=errno_action(errno.EPERM))
        for name in _ALLOWED:
            rules.add(ALLOW, name)
        # Opening files for reading only (Landlock decides which).
        rules.add(ALLOW, "openat", (2, MASKED_EQ, _WRITE_FLAGS, 0))
        rules.add(ALLOW, "open", (1, MASKED_EQ, _WRITE_FLAGS, 0))  # absent on arm64: skipped
        # ``isatty`` only: no TIOCSTI into a terminal the worker's stderr might point to.
        rules.add(ALLOW, "ioctl", (1, EQ, _TCGETS, 0))
        for command in (_F_GETFD, _F_GETFL):  # not F_SETOWN: SIGIO to another process
            rules.add(ALLOW, "fcntl", (1, EQ, command, 0))
        # Its own limits only (pid 0): reading any, and moving the CPU backstop.
        rules.add(ALLOW, "prlimit64", (0, EQ, 0, 0), (2, EQ, 0, 0))
        rules.add(ALLOW, "prlimit64", (0, EQ, 0, 0), (1, EQ, resource.RLIMIT_CPU, 0))
        rules.load()
    except OSError:
        return False
    return True


def _readable_paths() -> list[str]:
    """What the worker reads after the lockdown: its import path and its working directory."""
    return [entry for entry in (*sys.path, os.getcwd()) if entry]


def lock_down(*, memory_mb: int, allow_seccomp: bool = True) -> LockdownReport:
    """Apply every layer available here; return what is active."""
    library = None
    if allow_seccomp:
        library = load_library()  # before RLIMIT_AS: loading maps a shared library
    landlock = _landlock.restrict_reads(_readable_paths())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_FSIZE, 0)
    _set_limit(resource.RLIMIT_NOFILE, 16)
    if os.getuid() != 0:
        _set_limit(resource.RLIMIT_NPROC, 0)
    _set_limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    seccomp_active = _seccomp(library) if library is not None else False
    return {"seccomp": seccomp_active, "landlock": landlock > 0, "rlimits": True}
