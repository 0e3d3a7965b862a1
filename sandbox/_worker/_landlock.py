"""Landlock (Linux >= 5.13): the worker may read only what its interpreter needs.

seccomp cannot look at paths, so without this a worker could read every file its user can: the
host's ``/proc/<ppid>/environ`` (its secrets), the user's home, the workspace behind the bridges'
backs. Landlock is an unprivileged, stackable LSM a process applies to itself, irrevocably; it
needs no root, no namespace and no new process (unlike a PID namespace, which needs privileges
or a user namespace, or a bubblewrap jail, which costs a process start per worker).

The ruleset handles every file-system right the running kernel knows and grants back only
reading (files and directory listings) beneath the interpreter's import path and the worker's
empty working directory. So ``/proc`` cannot be listed or read (other processes are not
visible), nothing can be written, executed, created or removed anywhere. From ABI 6 (Linux
6.12) the domain is also *scoped*: no signal to any process outside it, no connection to an
abstract Unix socket outside it. Processes outside the domain cannot be ptraced from inside it
(Landlock's rule since ABI 1), which also closes ``/proc/<pid>/mem`` and ``pidfd_getfd``.

Best-effort like the rest of the lockdown: ``restrict_reads`` returns the ABI in force, or 0
when the kernel (or a container's own seccomp profile) has no Landlock.
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["abi_version", "restrict_reads"]

_SYS_CREATE_RULESET = 444  # the same numbers on every architecture (added after the unification)
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
"""Every file-system right the ABI knows (EXECUTE ... MAKE_SYM, then REFER, TRUNCATE, IOCTL_DEV)."""
_NET_RIGHTS = 0b11  # BIND_TCP, CONNECT_TCP (ABI 4)
_SCOPES = 0b11  # ABSTRACT_UNIX_SOCKET, SIGNAL (ABI 6)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _syscall(number: int, *args: object) -> int:
    """``syscall(2)`` with every integer passed as a ``long`` (it is variadic: a plain ``int``
    would leave the upper half of the register undefined)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    converted = [ctypes.c_long(item) if isinstance(item, int) else item for item in args]
    return int(libc.syscall(ctypes.c_long(number), *converted))


def abi_version() -> int:
    """The Landlock ABI this kernel offers, 0 when there is none (or it is not allowed here)."""
    if sys.platform != "linux":  # the numbers below mean other calls elsewhere
        return 0
    return max(_syscall(_SYS_CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION), 0)


def restrict_reads(paths: list[str]) -> int:
    """Allow only reading beneath ``paths`` from now on; return the ABI in force (0: none).

    Paths that do not exist are skipped; a path that is a file is granted reading the file.
    """
    abi = abi_version()
    if abi == 0:
        return 0
    fs_rights = _FS_RIGHTS_BY_ABI[max(key for key in _FS_RIGHTS_BY_ABI if key <= abi)]
    attr = _RulesetAttr(fs_rights, _NET_RIGHTS if abi >= 4 else 0, _SCOPES if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8  # older kernels refuse unknown fields
    ruleset = _syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return 0
    try:
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rights = _READ_FILE | _READ_DIR if os.path.isdir(path) else _READ_FILE
                rule = _PathBeneathAttr(rights, fd)
                if _syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) < 0:
                    return 0
            finally:
                os.close(fd)
        # Required to restrict oneself without CAP_SYS_ADMIN (seccomp sets it anyway).
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        if prctl(ctypes.c_int(_PR_SET_NO_NEW_PRIVS), *(ctypes.c_ulong(v) for v in (1, 0, 0, 0))):
            return 0
        if _syscall(_SYS_RESTRICT_SELF, ruleset, 0) < 0:
            return 0
    finally:
        os.close(ruleset)
    return abi
