"""ripgrep: ``rg --json`` -> matching lines, ``rg --files -0`` -> paths, ``rg``'s complaints about
folders -> ``SkippedFile``.

``rg --json`` writes one JSON object per line: ``begin`` (a file with at least one match),
``match`` (one matching line), ``end`` (that file done; ``binary_offset`` is where a NUL byte was
seen, or null), ``context`` (only with context options, which grep does not pass) and a final
``summary``. Paths and line text are ``{"text": ...}`` when they are valid UTF-8 and
``{"bytes": <base64>}`` when not. Line numbers count ``\\n`` only; ``absolute_offset`` is the byte
offset of the line in the file (after a UTF-8 BOM, which ripgrep drops); ``submatches`` give the
byte range of each match within the line.

``RipgrepJsonStream`` reads the output while ripgrep still writes it, so that the bridge can stop
ripgrep once it has enough matches; ``parse_ripgrep_json`` is the one-shot form, giving a
``GrepResult`` with the line text as ripgrep printed it (the bridge takes the text from the file
instead, decoded as read_file decodes it).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from parsers._common import Reader
from parsers.contracts import GrepMatch, GrepResult, SkippedFile

__all__ = [
    "RipgrepFile",
    "RipgrepJsonStream",
    "RipgrepLine",
    "parse_ripgrep_files",
    "parse_ripgrep_json",
    "parse_ripgrep_unlisted",
]

_TOOL = "ripgrep"
_UNLISTED = ": IO error for operation on "
"""How ripgrep 14 says it could not list a folder: ``rg: P: IO error for operation on P: MSG``."""


@dataclass(frozen=True)
class RipgrepLine:
    """One ``match`` message: a line of ``path`` with at least one match."""

    path: str
    """The path as ripgrep printed it, without a leading './'."""
    line_number: int
    """1-based, counting '\\n' only."""
    offset: int
    """Byte offset of the line's start in the file (after a UTF-8 BOM)."""
    data: bytes
    """The line's bytes, with its line ending."""
    starts: tuple[int, ...]
    """Byte offset of each match within the line."""


@dataclass(frozen=True)
class RipgrepFile:
    """One ``end`` message: a file with matches is done."""

    path: str
    binary_offset: int | None
    """Where ripgrep saw a NUL byte in the file, or None."""


class RipgrepJsonStream:
    """``rg --json`` output fed chunk by chunk; ``take`` hands over the messages read so far.

    ``feed`` raises ``ParseError`` on a message it does not understand (the bridge then stops
    ripgrep and reports the format drift); ``finish`` checks that the output ended with the
    ``summary`` message, so a cut-off report is never read as a complete one.
    """

    def __init__(self, *, version: str) -> None:
        self._reader = Reader(tool=_TOOL, version=version)
        self._pending = b""
        self._ready: list[RipgrepLine | RipgrepFile] = []
        self._finished = False

    def feed(self, chunk: bytes) -> None:
        """Read the complete lines of ``chunk`` (the rest waits for the next chunk)."""
        data = self._pending + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._pending = data
            return
        self._pending = data[cut + 1 :]
        for line in data[:cut].split(b"\n"):
            if line:
                self._read(line)

    def take(self) -> list[RipgrepLine | RipgrepFile]:
        """The matches and file ends read since the last call, in ripgrep's order."""
        ready, self._ready = self._ready, []
        return ready

    def finish(self) -> list[RipgrepLine | RipgrepFile]:
        """The rest of the messages; raises ``ParseError`` unless the output was complete."""
        if self._pending.strip():
            self._read(self._pending)
            self._pending = b""
        if not self._finished:
            raise self._reader.fail("<end of output>", "the output ended before its summary")
        return self.take()

    def _read(self, line: bytes) -> None:
        if self._finished:
            raise self._reader.fail(line.decode(errors="replace"), "output after the summary")
        message = self._reader.loads(line.decode("utf-8", errors="replace"))
        kind = self._reader.get(message, "type", str)
        if kind in ("begin", "context"):
            return
        if kind == "summary":
            self._finished = True
            return
        data = self._reader.get(message, "data", dict)
        path = _path(self._reader, self._reader.get(data, "path", dict))
        if kind == "end":
            self._ready.append(RipgrepFile(path, self._reader.optional(data, "binary_offset", int)))
            return
        if kind != "match":
            raise self._reader.fail(message, f"unknown message type {kind!r}")
        starts = tuple(
            self._reader.get(sub, "start", int)
            for sub in self._reader.get(data, "submatches", list)
        )
        self._ready.append(
            RipgrepLine(
                path=path,
                line_number=self._reader.get(data, "line_number", int),
                offset=self._reader.get(data, "absolute_offset", int),
                data=_data(self._reader, self._reader.get(data, "lines", dict)),
                starts=starts,
            )
        )


def parse_ripgrep_json(text: str | bytes, *, version: str, pattern: str) -> GrepResult:
    """A whole ``rg --json`` report as a ``GrepResult``: every match line with the text ripgrep
    printed (bytes that are not UTF-8 shown as U+FFFD), and files where ripgrep saw a NUL byte as
    skipped 'binary' instead."""
    stream = RipgrepJsonStream(version=version)
    stream.feed(text.encode() if isinstance(text, str) else text)
    messages = stream.finish()
    binary = {
        message.path: message.binary_offset
        for message in messages
        if isinstance(message, RipgrepFile) and message.binary_offset is not None
    }
    matches = [
        GrepMatch(file=message.path, line=message.line_number, text=_text(message.data))
        for message in messages
        if isinstance(message, RipgrepLine) and message.path not in binary
    ]
    skipped = [
        SkippedFile(file=path, reason="binary", detail=f"a NUL byte at offset {offset}")
        for path, offset in binary.items()
    ]
    return GrepResult(
        pattern=pattern,
        match_count=len(matches),
        matches=matches,
        truncated=False,
        skipped=skipped,
    )


def parse_ripgrep_files(output: bytes) -> list[str]:
    """The paths of ``rg --files -0`` output, in its order, without a leading './'."""
    return [_strip(_name(name)) for name in output.split(b"\0") if name]


def parse_ripgrep_unlisted(stderr: str) -> list[SkippedFile]:
    """The folders ripgrep could not list, from its error output, as 'unreadable' files.

    Other complaints (a file that vanished while listing) are not about what was skipped from
    the listing and are left out.
    """
    skipped = []
    for line in stderr.splitlines():
        if not line.startswith("rg: "):
            continue
        rest = line[len("rg: ") :]
        cut = rest.find(_UNLISTED)
        if cut < 0:
            continue
        folder = rest[:cut]
        message = rest[cut + len(_UNLISTED) :].removeprefix(folder + ": ")
        problem = message.rsplit(" (os error ", 1)[0]
        skipped.append(
            SkippedFile(
                file=_strip(folder) or ".",
                reason="unreadable",
                detail=f"a folder that cannot be listed ({problem})",
            )
        )
    return skipped


def _path(reader: Reader, item: dict[str, Any]) -> str:
    return _strip(_name(_data(reader, item)))


def _data(reader: Reader, item: dict[str, Any]) -> bytes:
    """``{"text": ...}`` or ``{"bytes": <base64>}`` as bytes."""
    if "text" in item:
        return reader.get(item, "text", str).encode("utf-8", errors="surrogateescape")
    encoded = reader.get(item, "bytes", str)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise reader.fail(item, "'bytes' is not base64") from None


def _name(data: bytes) -> str:
    """A path's bytes as ``os.fsdecode`` gives them on a UTF-8 system (bad bytes escaped)."""
    return data.decode("utf-8", errors="surrogateescape")


def _text(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    text = text.removesuffix("\n")
    return text.removesuffix("\r")


def _strip(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path
