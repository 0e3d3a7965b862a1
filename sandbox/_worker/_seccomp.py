"""A minimal ctypes binding of libseccomp: just what the worker's filter needs.

``pyseccomp`` wraps the same library but imports ``subprocess``, ``shutil`` and ``ctypes.util``
at import time (a large share of a worker's start); the worker needs five functions, so
it loads ``libseccomp.so.2`` itself and falls back to ``pyseccomp``'s lookup only when that
soname is missing.

A filter here is an allow-list: built with a default action (``errno_action(EPERM)``), then one
``add(ALLOW, ...)`` per system call the worker needs, each with optional conditions on its
arguments (all must hold). Calls for another architecture's ABI (i386 or x32 on x86-64) hit
libseccomp's bad-architecture action, which kills the process.
"""

from __future__ import annotations

import ctypes

__all__ = ["ALLOW", "EQ", "MASKED_EQ", "Condition", "Filter", "errno_action", "load_library"]

ALLOW = 0x7FFF0000
EQ = 4
MASKED_EQ = 7

Condition = tuple[int, int, int, int]
"""``(argument index, EQ or MASKED_EQ, a, b)``: ``args[i] == a``, or ``args[i] & a == b``."""


def errno_action(number: int) -> int:
    """``SCMP_ACT_ERRNO(number)``: the syscall fails with this errno."""
    return 0x00050000 | (number & 0x0000FFFF)


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


def load_library() -> ctypes.CDLL | None:
    """libseccomp, or ``None`` when this system has none."""
    try:
        library = ctypes.CDLL("libseccomp.so.2")
    except OSError:
        try:
            import pyseccomp  # its own search (ctypes.util) covers unusual layouts

            library = pyseccomp._libseccomp
        except Exception:
            return None
    library.seccomp_init.argtypes = (ctypes.c_uint32,)
    library.seccomp_init.restype = ctypes.c_void_p
    library.seccomp_load.argtypes = (ctypes.c_void_p,)
    library.seccomp_load.restype = ctypes.c_int
    library.seccomp_syscall_resolve_name.argtypes = (ctypes.c_char_p,)
    library.seccomp_syscall_resolve_name.restype = ctypes.c_int
    library.seccomp_rule_add_array.argtypes = (
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCmp),
    )
    library.seccomp_rule_add_array.restype = ctypes.c_int
    return library


class Filter:
    """A seccomp filter under construction: ``default`` for every call no rule matches."""

    def __init__(self, library: ctypes.CDLL, *, default: int) -> None:
        self._library = library
        self._context = library.seccomp_init(default)
        if not self._context:
            raise OSError("seccomp_init failed")

    def add(self, action: int, syscall: str, *conditions: Condition) -> bool:
        """Add a rule for ``syscall`` that applies when every condition holds.

        Returns ``False`` when the syscall does not exist on this architecture (``open`` on
        arm64, for instance): there is nothing to allow or deny.
        """
        number = self._library.seccomp_syscall_resolve_name(syscall.encode())
        if number < 0:
            return False
        array = (_ArgCmp * max(len(conditions), 1))(*(_ArgCmp(*item) for item in conditions))
        status = self._library.seccomp_rule_add_array(
            self._context, action, number, len(conditions), array if conditions else None
        )
        if status < 0:
            raise OSError(-status, f"seccomp rule for {syscall} refused")
        return True

    def load(self) -> None:
        status = self._library.seccomp_load(self._context)
        if status < 0:
            raise OSError(-status, "seccomp_load failed")
