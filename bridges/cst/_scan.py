"""The host side of every multi-file LibCST bridge: read, look up the cache, farm out, report.

The host reads each file's bytes (bounded by ``MAX_FILE_BYTES``), hashes them, and answers from
the results cache when the same task already ran on the same content. The rest goes to the
parser children (``ModuleCache.pool``) under the call's deadline (``context.timeout_s``). Files
that cannot be read, decoded or parsed, that crash a child or that the deadline cut off come
back as ``SkippedFile``\\ s; the call itself fails only when the one file it was asked about
cannot be parsed (then there is nothing to report but that error).

Time limit: a call that runs out of time returns what it has, with every unfinished file skipped
as 'timeout' (partial results, not an exception), so a model can narrow the path and go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, cast

from bridges._bridge import BridgeContext
from bridges.cst._cache import MODULE_CACHE, content_digest
from bridges.cst._children import Job
from bridges.cst._errors import SourceError
from bridges.cst._workspace import python_sources
from parsers.contracts import SkippedFile
from parsers.contracts._skipped import SkipReason

__all__ = ["MAX_FILE_BYTES", "Scan", "scan"]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Python files larger than this (generated data, minified bundles) are skipped as too large."""

_STABLE_SKIPS = frozenset({"undecodable", "binary", "syntax_error", "crashed"})
"""Skips decided by the content alone, so cached with it ('timeout' is not)."""

_FIX = {
    "syntax_error": "fix it (read_file shows the line) before running LibCST tools on it",
    "undecodable": "save it as UTF-8 or declare its encoding (# -*- coding: latin-1 -*-)",
    "binary": "it is not Python source; give a .py text file",
    "crashed": "the file is too deeply nested or too large for the parser; simplify it",
}


def _plain(data: bytes) -> bool:
    """Whether a child would decode ``data`` as UTF-8 without a skip, so that a text's search
    for ASCII words equals a search of the bytes: no NUL byte, valid UTF-8, and no encoding
    declaration in the first two lines (where Python looks for one)."""
    if b"\x00" in data:
        return False
    if data.isascii():
        return True
    if b"coding" in b"\n".join(data.split(b"\n", 2)[:2]):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class Scan:
    """What a scan found: ``(file, value)`` in path order, and the files it skipped."""

    values: list[tuple[str, Any]] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def _single_file_error(skip: SkippedFile) -> SourceError:
    if skip.reason == "syntax_error":
        message = f"{skip.file} has a syntax error at {skip.detail}"
    else:
        message = f"{skip.file} could not be parsed ({skip.reason}): {skip.detail}"
    return SourceError(f"{message}; {_FIX.get(skip.reason, 'try again with a longer timeout')}")


def scan(
    context: BridgeContext,
    *,
    path: str,
    task: tuple[Any, ...],
    bridge: str,
    key: Hashable | None = None,
    wanted: Callable[[bytes], bool] | None = None,
    unwanted: Any = None,
) -> Scan:
    """Run ``task`` on every Python file under ``path`` (see the module docstring).

    ``wanted`` tells from a file's bytes whether the task can find anything in it; a file that
    a child would decode as UTF-8 (``_plain``) and that it rejects gets the value ``unwanted``
    without being sent to a child. Sending, decoding and answering cost more than the search on
    most files (a validator's trigger words, the literal parts of a pattern); other files still
    go to the children, so that an undecodable one is reported as skipped.

    The child gets ``(*task, relative_path, single)``, ``single`` telling it that this is the
    one file asked about (then it parses even when a pre-filter says nothing can match, so that a
    syntax error is reported); results are cached under ``(key or task,
    relative path, content digest)``.
    """
    key = task if key is None else key
    deadline = time.monotonic() + context.timeout_s
    files = python_sources(context.workspace, path)
    single = len(files) == 1 and path.endswith(".py")
    slots: list[tuple[str, Any] | SkippedFile | None] = []
    pending: list[tuple[int, str, Job]] = []
    for file, relative in files:
        try:
            size = file.stat().st_size
            if size > MAX_FILE_BYTES:
                slots.append(
                    SkippedFile(
                        file=relative,
                        reason="too_large",
                        detail=f"{size} bytes, over the {MAX_FILE_BYTES} byte limit of {bridge}",
                    )
                )
                continue
            data = file.read_bytes()
        except OSError as error:
            slots.append(
                SkippedFile(file=relative, reason="unreadable", detail=str(error.strerror))
            )
            continue
        if wanted is not None and not single and _plain(data) and not wanted(data):
            slots.append((relative, unwanted))
            continue
        digest = content_digest(data)
        cached = MODULE_CACHE.lookup((key, relative, digest))
        if cached is not None:
            kind, value = cached
            slots.append(
                SkippedFile(file=relative, reason=value[0], detail=value[1])
                if kind == "skip"
                else (relative, value)
            )
            continue
        pending.append(
            (len(slots), relative, Job(task=(*task, relative, single), digest=digest, data=data))
        )
        slots.append(None)
    outcomes = MODULE_CACHE.pool.run([job for _, _, job in pending], deadline=deadline)
    for (slot, relative, job), outcome in zip(pending, outcomes, strict=True):
        if outcome.parsed:
            MODULE_CACHE.parses += 1
        if outcome.skip is not None:
            reason, detail = outcome.skip
            slots[slot] = SkippedFile(file=relative, reason=cast(SkipReason, reason), detail=detail)
            if reason in _STABLE_SKIPS:
                MODULE_CACHE.store((key, relative, job.digest), ("skip", outcome.skip))
        else:
            slots[slot] = (relative, outcome.value)
            MODULE_CACHE.store((key, relative, job.digest), ("value", outcome.value))
    result = Scan()
    for slot_value in slots:
        if isinstance(slot_value, SkippedFile):
            result.skipped.append(slot_value)
        elif slot_value is not None:
            result.values.append(slot_value)
    if single and result.skipped and result.skipped[0].reason != "timeout":
        raise _single_file_error(result.skipped[0])
    return result
