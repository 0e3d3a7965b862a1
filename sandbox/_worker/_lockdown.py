"""Lock the worker process down before it runs anything a snippet wrote.

Applied once, after every module the worker will ever need is imported (nothing can be imported
later: there is no file access for writing, and no new process). Each step is best-effort where
the platform lacks it, and ``lock_down`` reports what is active so the host (and its tests) know.

- resource limits: address space (the memory limit), no file writes (``RLIMIT_FSIZE`` 0), few
  open files, no core dumps, no new processes (``RLIMIT_NPROC`` 0 for non-root users);
- signals: ``SIGINT`` ignored (the host owns Ctrl-C), ``SIGXFSZ`` ignored so a write fails with an
  error instead of killing the worker;
- seccomp (Linux, libseccomp through ctypes, see ``_seccomp``): ``execve``/``execveat``, ``fork``/``vfork``,
  ``clone`` without ``CLONE_THREAD``, ``clone3``, sockets, opening files for writing or creating
  them, file-system changes (unlink, rename, mkdir, chmod, links...), ``ptrace``, namespaces,
  mounts, ``bpf``, ``io_uring`` and keyrings all fail with ``EPERM``.
"""

from __future__ import annotations

import errno
import os
import resource
import signal

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a worker ~10 ms

if TYPE_CHECKING:
    from typing import Any

__all__ = ["lock_down"]

_CLONE_THREAD = 0x00010000

_DENIED_SYSCALLS = (
    "execve", "execveat", "fork", "vfork", "socket", "socketpair", "ptrace",
    "process_vm_writev", "process_vm_readv", "unshare", "setns", "mount", "umount2",
    "pivot_root", "chroot", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key",
    "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
    "truncate", "ftruncate", "chmod", "fchmod", "fchmodat", "chown", "fchown", "fchownat",
    "lchown", "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat", "creat",
    "utime", "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr",
    "removexattr", "lremovexattr", "fremovexattr", "kill", "tkill", "setuid", "setgid",
    "setreuid", "setregid", "setresuid", "setresgid", "setgroups", "init_module",
    "finit_module", "delete_module", "kexec_load", "reboot", "swapon", "swapoff",
    "syslog", "acct", "settimeofday", "clock_settime", "sethostname", "setdomainname",
)  # fmt: skip

_WRITE_FLAGS = (os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_TRUNC, os.O_APPEND)


def _set_limit(which: int, value: int) -> None:
    try:
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY and value > hard:
            value = hard
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _seccomp(library: Any) -> bool:
    from ._seccomp import Filter, errno_action

    deny = errno_action(errno.EPERM)
    try:
        rules = Filter(library)
        for name in _DENIED_SYSCALLS:
            rules.add(deny, name)
        rules.add(deny, "clone", arg=0, mask=_CLONE_THREAD, value=0)
        rules.add(errno_action(errno.ENOSYS), "clone3")  # glibc then falls back to clone
        for flag in _WRITE_FLAGS:
            rules.add(deny, "openat", arg=2, mask=flag, value=flag)
            rules.add(deny, "open", arg=1, mask=flag, value=flag)  # absent on arm64: skipped
        rules.add(deny, "openat2")  # its flags live in a struct seccomp cannot read
        rules.load()
    except OSError:
        return False
    return True


def lock_down(*, memory_mb: int, allow_seccomp: bool = True) -> dict[str, Any]:
    """Apply every layer available here; return what is active."""
    library = None
    if allow_seccomp:
        from ._seccomp import load_library

        library = load_library()  # before RLIMIT_AS: loading maps a shared library
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
    return {"seccomp": seccomp_active, "rlimits": True}
