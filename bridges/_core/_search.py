"""The matching step of ``grep``, run in a separate Python process under the bridge's time limit.

The pattern comes from a model. Python's ``re`` has no time limit and holds the GIL, so a pattern
that backtracks catastrophically (``(a+)+$`` against a line of thirty 'a's) would freeze the whole
host process — every session, the language server — for minutes. In a child process it is one more
tool run: killed at the time limit, reported as a ``ToolTimeout`` the model can act on. Starting
the child costs 20-40 ms, so a pattern without repeats (``*``, ``+``, ``?``, ``{``) — a word, a
literal, alternatives like ``TODO|FIXME`` — is matched in the host: it cannot backtrack without
end, and most searches are like that.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bridges._errors import ToolOutputError, ToolTimeout
from bridges._runner import run_tool

__all__ = ["search_lines"]

_PYTHON = Path(sys.executable).name

# argv: pattern, re flags, limit, listing file (NUL-separated file names as bytes).
# stdout: one JSON array [file index, line number, line] per match, then "end" or "truncated".
_SCRIPT = r"""
import json, re, sys
pattern, flags, limit, listing = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
regex = re.compile(pattern, flags)
with open(listing, "rb") as handle:
    names = handle.read().split(b"\0")
found = 0
write = sys.stdout.write
for index, name in enumerate(names):
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    except (UnicodeDecodeError, OSError):
        continue
    for number, line in enumerate(text.splitlines(), start=1):
        if regex.search(line):
            if found >= limit:
                write("truncated\n")
                sys.exit(0)
            write(json.dumps([index, number, line]) + "\n")
            found += 1
write("end\n")
"""


def search_lines(
    files: Sequence[Path],
    *,
    pattern: str,
    flags: int,
    limit: int,
    cwd: Path,
    timeout_s: float,
) -> tuple[list[tuple[int, int, str]], bool]:
    """Matching lines of ``files`` as (index into files, line number, line), and whether the
    search stopped at ``limit``. Unreadable and non-UTF-8 files are skipped.

    Raises ``ToolTimeout`` when the search runs past ``timeout_s``.
    """
    if not files:
        return [], False
    if not _REPEATS & set(pattern):
        return _search_here(files, re.compile(pattern, flags), limit)
    with tempfile.NamedTemporaryFile(prefix="punie-grep-", suffix=".list") as listing:
        listing.write(b"\0".join(os.fsencode(file) for file in files))
        listing.flush()
        try:
            run = run_tool(
                _PYTHON,
                ["-I", "-S", "-c", _SCRIPT, pattern, str(flags), str(limit), listing.name],
                cwd=cwd,
                timeout_s=timeout_s,
                ok_returncodes=(0,),
            )
        except ToolTimeout:
            raise ToolTimeout(
                f"grep did not finish within {timeout_s:g} s and was stopped; the pattern "
                f"{pattern!r} may backtrack without end (nested repeats like '(a+)+'): write a "
                "simpler pattern, or narrow path= or glob=",
                tool="grep",
            ) from None
    lines = run.stdout.splitlines()
    if not lines or lines[-1] not in ("end", "truncated"):
        raise ToolOutputError(
            f"grep's search process ended without finishing its report ({run.stderr.strip()!r}); "
            "this is a problem of punie: answer without grep for now",
            tool="grep",
        )
    matches = []
    for line in lines[:-1]:
        index, number, text = json.loads(line)
        matches.append((index, number, text))
    return matches, lines[-1] == "truncated"


_REPEATS = frozenset("*+?{")


def _search_here(
    files: Sequence[Path], regex: re.Pattern[str], limit: int
) -> tuple[list[tuple[int, int, str]], bool]:
    """The child's loop, in the host, for patterns that cannot backtrack without end."""
    matches: list[tuple[int, int, str]] = []
    for index, file in enumerate(files):
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if regex.search(line):
                if len(matches) >= limit:
                    return matches, True
                matches.append((index, number, line))
    return matches, False
