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
from dataclasses import dataclass
from pathlib import Path

from bridges._core import _decode
from bridges._core._decode import NotText, load, split_lines
from bridges._errors import ToolOutputError, ToolTimeout
from bridges._runner import run_tool

__all__ = ["SearchOutcome", "search_lines"]

_PYTHON = Path(sys.executable).name
_DECODE_FOLDER = str(Path(_decode.__file__).parent)

# argv: folder of _decode.py, pattern, re flags, limit, size limit, listing file (NUL-separated
# file names as bytes). stdout: one JSON array per match [file index, line number, line] or per
# skipped file ["skip", file index, reason, detail], then "end" or "truncated". The decoding
# helper is imported by path (appended to sys.path, so it shadows nothing) to decode as the host.
_SCRIPT = r"""
import json, re, sys
sys.path.append(sys.argv[1])
from _decode import NotText, load, split_lines
pattern, flags, limit = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
max_bytes, listing = int(sys.argv[5]), sys.argv[6]
regex = re.compile(pattern, flags)
with open(listing, "rb") as handle:
    names = handle.read().split(b"\0")
found = 0
write = sys.stdout.write
for index, name in enumerate(names):
    try:
        text = load(name, max_bytes=max_bytes).text
    except NotText as problem:
        write(json.dumps(["skip", index, problem.reason, problem.detail]) + "\n")
        continue
    for number, line in enumerate(split_lines(text), start=1):
        if regex.search(line):
            if found >= limit:
                write("truncated\n")
                sys.exit(0)
            write(json.dumps([index, number, line]) + "\n")
            found += 1
write("end\n")
"""


@dataclass(frozen=True)
class SearchOutcome:
    """What ``search_lines`` found: ``matches`` as (index into files, line number, line),
    ``skipped`` as (index into files, reason, detail) for files that are not text (binary, over
    the size limit, unreadable), both in file order, and whether the search stopped at the limit.
    """

    matches: list[tuple[int, int, str]]
    skipped: list[tuple[int, str, str]]
    truncated: bool


def search_lines(
    files: Sequence[Path],
    *,
    pattern: str,
    flags: int,
    limit: int,
    max_bytes: int,
    cwd: Path,
    timeout_s: float,
) -> SearchOutcome:
    """Matching lines of ``files``, each decoded as ``_decode.load`` reads it (declared
    encodings honoured; bytes that do not decode shown as U+FFFD), and the files that could not be
    searched. Files met after the search stopped at ``limit`` are neither searched nor skipped.

    Raises ``ToolTimeout`` when the search runs past ``timeout_s``.
    """
    if not files:
        return SearchOutcome([], [], truncated=False)
    if not _REPEATS & set(pattern):
        return _search_here(files, re.compile(pattern, flags), limit, max_bytes)
    with tempfile.NamedTemporaryFile(prefix="punie-grep-", suffix=".list") as listing:
        listing.write(b"\0".join(os.fsencode(file) for file in files))
        listing.flush()
        arguments = [_DECODE_FOLDER, pattern, str(flags), str(limit), str(max_bytes), listing.name]
        try:
            run = run_tool(
                _PYTHON,
                ["-I", "-S", "-c", _SCRIPT, *arguments],
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
    matches: list[tuple[int, int, str]] = []
    skipped: list[tuple[int, str, str]] = []
    for line in lines[:-1]:
        first, second, *rest = json.loads(line)
        if first == "skip":
            skipped.append((second, rest[0], rest[1]))
        else:
            matches.append((first, second, rest[0]))
    return SearchOutcome(matches, skipped, truncated=lines[-1] == "truncated")


_REPEATS = frozenset("*+?{")


def _search_here(
    files: Sequence[Path], regex: re.Pattern[str], limit: int, max_bytes: int
) -> SearchOutcome:
    """The child's loop, in the host, for patterns that cannot backtrack without end."""
    matches: list[tuple[int, int, str]] = []
    skipped: list[tuple[int, str, str]] = []
    for index, file in enumerate(files):
        try:
            text = load(file, max_bytes=max_bytes).text
        except NotText as problem:
            skipped.append((index, problem.reason, problem.detail))
            continue
        for number, line in enumerate(split_lines(text), start=1):
            if regex.search(line):
                if len(matches) >= limit:
                    return SearchOutcome(matches, skipped, truncated=True)
                matches.append((index, number, line))
    return SearchOutcome(matches, skipped, truncated=False)
