"""Choosing which bridges a run offers, to keep the system prompt small for small models.

The system prompt holds the stub of every host function the snippet may call: with all 27
bridges of a workspace that is about 30,000 characters, a lot for a small model's context and
prefill. ``select_host_functions`` keeps only the ones a deployment needs. Selection happens
*before* rendering, so the prompt is still rendered from the bridge records by the one template
(``runtime.template.system_prompt_for``) and the sandbox offers exactly what the prompt shows.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable, Sequence
from typing import Any

from runtime._errors import UsageError
from sandbox import HostFunction, as_host_function

__all__ = ["select_host_functions"]


def select_host_functions(
    host_functions: Sequence[HostFunction | Callable[..., Any]], patterns: Sequence[str]
) -> list[HostFunction]:
    """The host functions whose names match one of ``patterns`` (exact names or ``fnmatch``
    globs such as ``git_*``), in their original order.

    A pattern that matches nothing is a ``UsageError`` naming the nearest bridge, because a
    misspelt name would otherwise silently leave the model without the tool it needs.
    """
    functions = [as_host_function(f) for f in host_functions]
    names = [f.name for f in functions]
    wanted = [p.strip() for p in patterns if p.strip()]
    if not wanted:
        raise UsageError("no bridges selected; name at least one, e.g. typecheck or 'git_*'")
    for pattern in wanted:
        if not fnmatch.filter(names, pattern):
            close = difflib.get_close_matches(pattern, names, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UsageError(
                f"no bridge matches {pattern!r}; {hint}the bridges are: {', '.join(names)}"
            )
    return [f for f in functions if any(fnmatch.fnmatchcase(f.name, p) for p in wanted)]
