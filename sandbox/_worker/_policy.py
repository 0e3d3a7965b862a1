"""The language policy's front door: which path compiles a snippet.

``compile_snippet`` turns source into ``Compiled`` code or a ``Refused`` value (a ``syntax`` or
``policy`` error whose message says what was refused, where, and what to do instead). It never
raises: pathological input (deep nesting, compiler recursion, memory) is refused too. It runs
in the worker, so even a compiler crash costs a worker, not the host.

Where to look in a review::

    _denials     what is refused, and the messages that say what to do instead (shared)
    _fast        plain snippets: native compile, then a check of the bytecode (one file)
    _restricted  everything else: RestrictedPython's transformer plus punie's rewrites
    _guards      the runtime half: guarded getattr/getitem/write/iter/print, the builtins
    _access      the access guards stand-ins share with the language (getattr, write, format)
    _modules     the importable stand-ins (json, re, math built at start; _stdlib on first import)

The two compile paths decide the same way for code they both accept; the fast path only saves
time, and defers to the full path whenever it is unsure.
"""

from __future__ import annotations

from ._compiled import Compiled, Refused
from ._fast import compile_fast
from ._restricted import compile_full

__all__ = ["Compiled", "Refused", "compile_snippet"]


def compile_snippet(
    source: str,
    *,
    max_depth: int,
    plain_names: set[str] | None = None,
    skip_policy: bool = False,
    full_only: bool = False,
) -> Compiled | Refused:
    """Compile a snippet under the policy. Never raises.

    ``plain_names`` is the worker's cache of names the fast path proved plain
    (``WorkerCaches``); ``full_only`` skips the fast path (tests compare the paths);
    ``skip_policy`` compiles without any policy (the tests' ``unsafe_skip_policy``).
    """
    if not skip_policy and not full_only:
        compiled = compile_fast(source, max_depth, plain_names)
        if compiled is not None:
            return compiled
    return compile_full(source, max_depth=max_depth, skip_policy=skip_policy)
