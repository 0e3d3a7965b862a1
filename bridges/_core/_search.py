"""grep and list_files on ripgrep: linear-time matching, .gitignore honoured, bounded in time.

The pattern comes from a model. Python's ``re`` backtracks: ``'(.|..)' * 22 + '!'`` takes
exponential time on one line and holds the GIL, stalling the host. ripgrep's regex engine (Rust
``regex``) runs in time linear in the input whatever the pattern, in a child process under the
bridge's time limit. It also walks the tree as git sees it (.gitignore, .ignore, hidden files
skipped), in native code rather than a Python walk.

How a search runs:

1. ``rg --json --text --sort path`` searches the files and streams its matches; once a file is
   done, the host reads that file (bounded by the size limit) to take each matching line's text
   and line number from ``_decode``, exactly as read_file shows them (declared encodings, U+FFFD
   for bad bytes, a lone '\\r' ending a line as for Python), and to drop a binary file's matches.
   ripgrep is stopped as soon as there is one match more than the limit.
2. ``rg --files`` lists the same files, in the same order, to name what was not searched: too
   large, binary, unreadable (each probed with at most 8 KiB read), folders that cannot be listed.
   When the search stopped at the limit, only files up to that point are probed.

The pattern is never matched in the host. Symlinks are not followed (a link inside the workspace
points at a file that is searched under its own name; one leading out is never read).
"""

from __future__ import annotations

import bisect
import codecs
import fnmatch
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bridges._core import _decode
from bridges._core._common import parsed
from bridges._errors import BridgeArgumentError, ToolTimeout
from bridges._runner import ToolRun, run_tool, tool_version
from parsers import (
    RipgrepFile,
    RipgrepJsonStream,
    RipgrepLine,
    parse_ripgrep_files,
    parse_ripgrep_unlisted,
)
from parsers.contracts import GrepMatch, SkippedFile

__all__ = ["Found", "list_paths", "search"]

RG = "rg"
SKIPPED_DIRS = ("__pycache__", "node_modules", "build", "dist")
"""Folders never listed or searched, ignored by git or not: caches and build output."""
_COMMON = (
    "--no-config",  # no RIPGREP_CONFIG_PATH: the same search everywhere
    "--sort=path",  # a stable order: file by file, folder by folder (slower: one thread)
    "--no-require-git",  # .gitignore counts in a workspace that is not a git repository yet
    "--no-ignore-global",  # nor the user's global excludes file: what the workspace says
    *(f"--glob=!{folder}/" for folder in SKIPPED_DIRS),
)
_PLAIN_GLOB = re.compile(r"[\w.*?+\-@#~=]+")
"""A file-name glob ripgrep reads as fnmatch does (no '/', brackets, braces, ':' or ',')."""


@dataclass
class Found:
    """What ``search`` found: matching lines in file and line order, the files it could not
    search in the same order, and whether it stopped at the limit."""

    matches: list[GrepMatch] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    truncated: bool = False


class _Enough(Exception):
    """Raised from an output sink to stop ripgrep: it has printed all that is needed."""


def search(
    workspace: Path,
    target: str,
    *,
    folder: bool,
    pattern: str,
    glob: str,
    ignore_case: bool,
    limit: int,
    max_bytes: int,
    timeout_s: float,
) -> Found:
    """Lines matching ``pattern`` (ripgrep's regex syntax) under ``target`` (relative to
    ``workspace``; a folder when ``folder``, else one file searched whatever ``glob`` says).

    Raises ``BridgeArgumentError`` for a pattern ripgrep refuses, with what to write instead, and
    ``ToolTimeout`` past ``timeout_s``.
    """
    if "\0" in pattern:
        raise BridgeArgumentError(
            f"pattern={pattern!r} contains a NUL character; write it as the escape '\\x00'"
        )
    deadline = time.monotonic() + timeout_s
    filters, keep = _filters(glob if folder else "*")
    version = tool_version(RG)
    stream = RipgrepJsonStream(version=version)
    found = Found()
    done: dict[str, SkippedFile | None] = {}  # files read after a match: skipped or not
    lines: list[RipgrepLine] = []
    stop: str | None = None

    def absorb(messages: list[RipgrepLine | RipgrepFile]) -> None:
        nonlocal stop
        for message in messages:
            if isinstance(message, RipgrepLine):
                lines.append(message)
                continue
            if keep is None or keep(message.path):
                done[message.path] = _collect(workspace, message, lines, found, max_bytes)
            lines.clear()
            if len(found.matches) > limit:
                stop = message.path
                raise _Enough

    def take(chunk: bytes) -> None:
        stream.feed(chunk)
        absorb(stream.take())

    arguments = [
        "--json",
        *_COMMON,
        "--text",  # binary files too: the host decides, by the rule read_file uses
        "--crlf",  # '$' matches before '\r\n', as on a line Python split
        f"--max-filesize={max_bytes}",
        *filters,
        *(["--ignore-case"] if ignore_case else []),
        f"--regexp={pattern}",
        "--",
        target,
    ]
    listing = None
    if folder:  # listed while the search runs: it costs nothing on a second core
        listing = _Listing(workspace, ["--files", "--null", *_COMMON, *filters, "--", target])
        listing.start(deadline, timeout_s)
    try:
        run = parsed(RG, lambda: _run(arguments, workspace, deadline, timeout_s, sink=take))
        if run.returncode == 2 and not run.stdout_chunks:
            raise _pattern_error(pattern, run.stderr)
        absorb(parsed(RG, stream.finish))
    except _Enough:
        del found.matches[limit:]
        found.truncated = True
    if listing is None:
        listed, unlisted = [target], []
    else:
        names, unlisted = listing.result()
        listed = [name for name in names if keep is None or keep(name)]
    found.skipped = _skipped(workspace, listed, unlisted, done, stop, max_bytes)
    return found


class _Listing:
    """``rg --files`` in a thread: its listing, and the folders it could not list."""

    def __init__(self, workspace: Path, arguments: list[str]) -> None:
        self._workspace = workspace
        self._arguments = arguments
        self._outcome: ToolRun | BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, deadline: float, timeout_s: float) -> None:
        def work() -> None:
            try:
                self._outcome = _run(self._arguments, self._workspace, deadline, timeout_s)
            except BaseException as error:  # handed to the caller by result()
                self._outcome = error

        self._thread = threading.Thread(target=work, name="punie-rg-files", daemon=True)
        self._thread.start()

    def result(self) -> tuple[list[str], list[SkippedFile]]:
        """The listing in ripgrep's order; raises what the listing run raised."""
        assert self._thread is not None
        self._thread.join()
        outcome = self._outcome
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome is not None
        names = parse_ripgrep_files(b"".join(outcome.stdout_chunks))
        return names, parse_ripgrep_unlisted(outcome.stderr)


def list_paths(
    workspace: Path, target: str, *, glob: str, limit: int, timeout_s: float
) -> tuple[list[str], bool]:
    """Files under ``target`` matching ``glob`` as ripgrep lists them (see the module docstring),
    sorted, at most ``limit``; and whether there were more."""
    filters, keep = _filters(glob)
    names: list[str] = []
    pending = b""

    def take(chunk: bytes) -> None:
        nonlocal pending
        pending += chunk
        cut = pending.rfind(b"\0")
        if cut < 0:
            return
        complete, pending = pending[: cut + 1], pending[cut + 1 :]
        names.extend(n for n in parse_ripgrep_files(complete) if keep is None or keep(n))
        if len(names) > limit:
            raise _Enough

    deadline = time.monotonic() + timeout_s
    try:
        _run(
            ["--files", "--null", *_COMMON, *filters, "--", target],
            workspace,
            deadline,
            timeout_s,
            sink=take,
        )
    except _Enough:
        return names[:limit], True
    take(b"\0" if pending else b"")
    return names[:limit], len(names) > limit


def _filters(glob: str) -> tuple[list[str], Callable[[str], bool] | None]:
    """ripgrep's arguments for ``glob`` and, when ripgrep cannot apply it exactly, the test the
    host applies to each path instead (fnmatch, on the whole path when the glob has a '/')."""
    if glob == "*":
        return [], None
    if _PLAIN_GLOB.fullmatch(glob):
        # A file type, not --glob: a --glob that matches re-includes files .gitignore excludes.
        return [f"--type-add=punie:{glob}", "--type=punie"], None
    if "/" in glob:
        return [], lambda shown: fnmatch.fnmatchcase(shown, glob)
    return [], lambda shown: fnmatch.fnmatchcase(shown.rsplit("/", 1)[-1], glob)


def _collect(
    workspace: Path,
    end: RipgrepFile,
    lines: list[RipgrepLine],
    found: Found,
    max_bytes: int,
) -> SkippedFile | None:
    """Add the matches of one finished file to ``found``, their text and line numbers as
    ``_decode`` reads the file; or return why the file is skipped after all (binary by the
    8 KiB rule, grown past the limit or gone since ripgrep read it)."""
    try:
        data = _decode.read(workspace / end.path, max_bytes=max_bytes)
        if b"\0" in data[: _decode.BINARY_PROBE_BYTES]:
            raise _decode.NotText("binary", "a NUL byte in its first 8 KiB")
        text = _decode.decode(data, python=end.path.endswith(_decode.PYTHON_SUFFIXES)).text
    except _decode.NotText as problem:
        entry = {"file": end.path, "reason": problem.reason, "detail": problem.detail}
        return SkippedFile.model_validate(entry)
    texts = _decode.split_lines(text)
    breaks = _lone_returns(data)
    shift = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    seen: set[int] = set()
    for line in lines:
        if breaks:  # a lone '\r' ends a line for Python, not for ripgrep
            numbers = [
                line.line_number + bisect.bisect_left(breaks, shift + line.offset + start)
                for start in line.starts or (0,)
            ]
        else:
            numbers = [line.line_number]
        for number in numbers:
            if number not in seen:
                seen.add(number)
                shown = texts[number - 1] if number <= len(texts) else ""
                found.matches.append(GrepMatch(file=end.path, line=number, text=shown))
    return None


def _lone_returns(data: bytes) -> list[int]:
    """Offsets of each '\\r' not followed by '\\n' (rare: old Mac line endings)."""
    if data.count(b"\r") == data.count(b"\r\n"):
        return []
    offsets = []
    at = data.find(b"\r")
    while at >= 0:
        if data[at + 1 : at + 2] != b"\n":
            offsets.append(at)
        at = data.find(b"\r", at + 1)
    return offsets


def _skipped(
    workspace: Path,
    listed: list[str],
    unlisted: list[SkippedFile],
    done: dict[str, SkippedFile | None],
    stop: str | None,
    max_bytes: int,
) -> list[SkippedFile]:
    """What the search could not read, in ripgrep's order, up to ``stop`` when it stopped early."""
    end = None if stop is None else _order(stop)
    entries = [entry for entry in unlisted if end is None or _order(entry.file) <= end]
    for name in listed:
        if end is not None and _order(name) > end:
            break
        if name in done:
            entry = done[name]
        else:
            try:
                _decode.read(workspace / name, max_bytes=max_bytes, head=_decode.BINARY_PROBE_BYTES)
                continue
            except _decode.NotText as problem:
                entry = SkippedFile.model_validate(
                    {"file": name, "reason": problem.reason, "detail": problem.detail}
                )
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda entry: _order(entry.file))
    return entries


def _order(path: str) -> tuple[str, ...]:
    """ripgrep's ``--sort=path`` order: folder by folder, each sorted by name."""
    return tuple(path.split("/"))


def _run(
    arguments: list[str],
    workspace: Path,
    deadline: float,
    timeout_s: float,
    *,
    sink: Callable[[bytes], None] | None = None,
) -> ToolRun:
    remaining = deadline - time.monotonic()
    try:
        if remaining <= 0:
            raise ToolTimeout("", tool=RG)
        return run_tool(
            RG,
            arguments,
            cwd=workspace,
            timeout_s=remaining,
            ok_returncodes=(0, 1, 2),  # 2: some file or folder could not be read
            stdout_sink=sink,
        )
    except ToolTimeout:
        raise ToolTimeout(
            f"the search did not finish within {timeout_s:g} s and was stopped; narrow path= "
            "(a folder or one file) or glob=",
            tool=RG,
        ) from None


def _pattern_error(pattern: str, stderr: str) -> BridgeArgumentError:
    """What ripgrep said about a pattern it refused, as an error that says what to write."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    said = next((line for line in lines if line.startswith("error:")), lines[-1] if lines else "")
    said = said.removeprefix("error:").strip() or stderr.strip()[:300]
    if "look-around" in said:
        hint = (
            "lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...)) are not supported: "
            "search for the text itself and filter result.matches in the snippet"
        )
    elif "backreference" in said or "(?P=" in pattern:
        hint = (
            "backreferences (\\1, (?P=name)) are not supported: search for a pattern without "
            "them and compare the parts in the snippet"
        )
    elif 'literal "\\n"' in stderr or "\\n" in said:
        hint = "grep matches one line at a time: the pattern cannot match a line break"
    elif "\\Z" in pattern and "escape" in said:
        hint = "write '$' (end of line) instead of '\\Z'"
    elif "(?>" in pattern or "(?(" in pattern:
        hint = "atomic groups (?>...) and conditionals (?(1)...) are not supported"
    else:
        hint = (
            "escape special characters like '(' or '.' with a backslash, or search for a plain word"
        )
    return BridgeArgumentError(
        f"pattern={pattern!r} is not a valid regular expression for grep ({said}); {hint}. "
        "grep uses ripgrep's syntax: Python's re without lookaround, backreferences, "
        "conditionals or atomic groups"
    )
