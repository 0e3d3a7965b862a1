"""ruff: ``ruff check --output-format json`` -> ``RuffResult``; ``ruff format --diff`` -> ``FormatResult``.

``ruff check`` reports a JSON array of ``{code, message, filename (absolute), location{row,
column}, fix{applicability, ...} | null, severity, ...}``. A syntax error has the code
``invalid-syntax`` in ruff 0.17 (older releases wrote ``null``) and stays a violation. A file
ruff could not read (not UTF-8, even with a PEP 263 ``coding`` line) is reported as ``E902``
(io-error): it becomes a ``SkippedFile``, not a violation. ``fix.applicability`` is one of
``safe``, ``unsafe`` and ``displayonly`` (ruff's ``Applicability`` enum, serialized lower-case;
ERA001 offers display-only fixes); anything else is format drift. ``severity`` ('error' for
every diagnostic of ``ruff check`` 0.17) is not read: every item is a violation, whatever its
severity.

``ruff format --check --diff`` prints unified diffs (``--- path`` / ``+++ path`` headers) on
stdout and a summary ("1 file would be reformatted, 9 files already formatted") on stderr, after
an ``error: Failed to parse path:line:col: message`` line for each file it could not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import msgspec
from pydantic import TypeAdapter

from parsers._common import Reader, relative_to_root, skipped_file, under_root
from parsers._errors import ParseError
from parsers.contracts import FormatFile, FormatResult, RuffResult, RuffViolation, SkippedFile

__all__ = ["RuffJsonStream", "parse_ruff_format", "parse_ruff_json"]


class _Location(msgspec.Struct, gc=False):
    row: int
    column: int


class _Fix(msgspec.Struct, gc=False):
    applicability: str


class _Item(msgspec.Struct, gc=False):
    """The part of one ruff JSON item that the contract needs; every other key is skipped."""

    code: str | None
    filename: str
    location: _Location
    message: str
    fix: _Fix | None = None


class _Row(msgspec.Struct, gc=False):
    """A violation in the contract's shape, encoded compactly for pydantic to validate."""

    file: str
    line: int
    column: int
    code: str
    message: str
    fixable: bool


_DECODER = msgspec.json.Decoder(list[_Item])
"""Why msgspec and not pydantic for the first step: a violation-heavy report (1,437 violations
on a 47k-line tree) is 1.1 MB of pretty-printed JSON, a quarter of it fix edits punie never
reads. pydantic-core builds a value tree of the whole document before validating, a cost that
grows with every edit punie drops; msgspec decodes straight into the structs above and skips
unknown keys without building them. The contract objects are then validated by pydantic from a
compact re-encoding of just their fields, so the boundary check is unchanged (the figures:
benchmarks/README.md, "Figures moved from comments")."""
_ENCODER = msgspec.json.Encoder()
_VIOLATIONS = TypeAdapter(list[RuffViolation])
_APPLICABILITY = frozenset({"safe", "unsafe", "displayonly"})
_IO_ERROR = "E902"
"""ruff's code for a file it could not read: that file was not linted at all."""
_ORDER = attrgetter("file", "line", "column", "code")


def parse_ruff_json(text: str | bytes, *, version: str, root: str = "") -> RuffResult:
    """Read ruff's JSON report; ``fixable`` means a safe fix exists (what ``--fix`` applies).

    ``text`` may be the raw bytes of ruff's standard output (saves decoding a large report).
    """
    reader = Reader(tool="ruff", version=version)
    try:
        items = _DECODER.decode(text)
    except msgspec.ValidationError as error:
        raise _drift(reader, text, str(error)) from None
    except msgspec.DecodeError as error:
        shown = text if isinstance(text, str) else text.decode("utf-8", errors="replace")
        raise reader.fail(shown[:200] or "<empty output>", f"not JSON ({error})") from None
    violations, fixable, skipped = _violations(
        items, root, lambda index, reason: reader.fail(_item(reader, text, index), reason)
    )
    return _result(violations, fixable, skipped)


class RuffJsonStream:
    """``parse_ruff_json`` fed while ruff is still writing: the parse hides inside ruff's run.

    ruff writes a large report slowly (pretty-printed, line by line), so a
    bridge that reads it chunk by chunk can decode every complete violation as it arrives and
    has little left to do at the end of the output. Items are cut at ``\\n  },\\n``: in ruff's
    pretty layout only a top-level item closes at an indent of two spaces (JSON strings hold no
    raw newline). Anything unexpected — another layout, a chunk that does not decode, a bad
    value — only switches the stream off: ``finish`` then parses the whole output with
    ``parse_ruff_json``, so the result and every error are exactly the one-shot ones.
    """

    _END = b"\n  },\n"

    def __init__(self, *, version: str, root: str = "") -> None:
        self.version = version
        self.root = root
        self._chunks: list[bytes] = []
        self._pending = b""
        self._started = False
        self._streaming = True
        self._violations: list[RuffViolation] = []
        self._fixable = 0
        self._skipped: list[SkippedFile] = []
        self._in_order = True
        """Each batch comes out sorted; the whole is sorted if every batch starts after the
        previous one ended (ruff prints in file order), else it is sorted once at the end."""

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of ruff's standard output; never raises."""
        self._chunks.append(chunk)
        if not self._streaming:
            return
        pending = self._pending + chunk
        if not self._started:
            stripped = pending.lstrip()
            if not stripped:
                self._pending = pending
                return
            if not stripped.startswith(b"["):
                self._streaming = False
                return
            self._started = True
            pending = stripped[1:]
        cut = pending.rfind(self._END)
        if cut < 0:
            self._pending = pending
            return
        complete, self._pending = pending[: cut + 4], pending[cut + len(self._END) :]
        self._take(b"[" + complete + b"]")

    def finish(self) -> RuffResult:
        """The parsed report; raises ``ParseError`` like ``parse_ruff_json`` would."""
        if self._streaming and self._started:
            self._take(b"[" + self._pending)
        if not (self._streaming and self._started):
            return parse_ruff_json(b"".join(self._chunks), version=self.version, root=self.root)
        violations = self._violations
        if not self._in_order:
            violations.sort(key=_ORDER)
        return _result(violations, self._fixable, self._skipped)

    def _take(self, batch: bytes) -> None:
        try:
            items = _DECODER.decode(batch)
            violations, fixable, skipped = _violations(items, self.root, _Unexpected)
        except (msgspec.MsgspecError, _Unexpected):
            self._streaming = False
            return
        if violations and self._violations:
            self._in_order = self._in_order and _ORDER(self._violations[-1]) <= _ORDER(
                violations[0]
            )
        self._violations += violations
        self._fixable += fixable
        self._skipped += skipped


class _Unexpected(Exception):
    """A value the stream cannot take; the one-shot parse will say what it is."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)


def _violations(
    items: list[_Item], root: str, fail: Callable[[int, str], Exception]
) -> tuple[list[RuffViolation], int, list[SkippedFile]]:
    """Contract objects for decoded items, sorted, paths made relative to ``root``; how many
    of them are fixable; and the files ruff could not read."""
    prefix = under_root(root)
    cut = len(prefix)
    rows: list[_Row] = []
    append = rows.append
    fixable = 0
    skipped: list[SkippedFile] = []
    for index, item in enumerate(items):
        file = item.filename
        file = file[cut:] if prefix and file.startswith(prefix) else relative_to_root(file, root)
        if item.code == _IO_ERROR:
            skipped.append(skipped_file(file, item.message))
            continue
        fix = item.fix
        if fix is not None and fix.applicability not in _APPLICABILITY:
            raise fail(index, f"unknown fix applicability {fix.applicability!r}")
        safe = fix is not None and fix.applicability == "safe"
        fixable += safe
        location = item.location
        append(_Row(file, location.row, location.column, item.code or "", item.message, safe))
    rows.sort(key=_ORDER)
    return _VIOLATIONS.validate_json(_ENCODER.encode(rows)), fixable, skipped


def _result(
    violations: list[RuffViolation], fixable: int, skipped: list[SkippedFile]
) -> RuffResult:
    return RuffResult(
        success=not violations,
        violation_count=len(violations),
        fixable_count=fixable,
        violations=violations,
        skipped=sorted(skipped, key=attrgetter("file")),
    )


_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"Object missing required field `(?P<field>[^`]+)`")


def _drift(reader: Reader, text: str | bytes, message: str) -> ParseError:
    """A ``ParseError`` for a report that is JSON but not shaped like ruff's: which item, which key."""
    match = _AT.match(message)
    what = match["what"] if match else message
    where = (match["where"] if match else None) or ""
    if not where or not where.startswith("["):
        shown = text if isinstance(text, str) else text.decode("utf-8", errors="replace")
        return reader.fail(shown[:200], "expected a JSON array of violations")
    index_text, _, path = where[1:].partition("]")
    path = path.lstrip(".")
    item = _item(reader, text, int(index_text))
    missing = _MISSING.match(what)
    if missing:
        key = ".".join(part for part in (path, missing["field"]) if part)
        return reader.fail(item, f"missing key {key!r}")
    return reader.fail(item, f"unexpected value for {path!r}: {what}")


def _item(reader: Reader, text: str | bytes, index: int) -> Any:
    """Item ``index`` of the report as plain JSON, to quote in a parse error."""
    try:
        return reader.loads(text if isinstance(text, str) else text.decode("utf-8"))[index]
    except Exception:
        return (text if isinstance(text, str) else text.decode("utf-8", "replace"))[:200]


_SUMMARY = re.compile(
    r"^(?:(?P<changed>\d+) files? (?:would be reformatted|reformatted))?"
    r"(?:, )?(?:(?P<same>\d+) files? (?:already formatted|left unchanged))?$"
)


def parse_ruff_format(
    stdout: str, stderr: str, *, version: str, root: str = "", applied: bool = False
) -> FormatResult:
    """Read ``ruff format --check --diff`` output (diffs on stdout, summary line on stderr)."""
    has_errors = any(line.startswith("error:") for line in stderr.splitlines())
    summary = "" if has_errors and not _other_lines(stderr) else _summary_line(stderr, version)
    match = _SUMMARY.match(summary)
    if match is None or not (match["changed"] or match["same"] or has_errors):
        raise ParseError(
            tool="ruff", version=version, fragment=summary, reason="unknown format summary line"
        )
    changed = int(match["changed"] or 0)
    same = int(match["same"] or 0)
    files = _split_diffs(stdout, version, root)
    if not applied and len(files) != changed:
        raise ParseError(
            tool="ruff",
            version=version,
            fragment=stdout[:300] or summary,
            reason=f"summary says {changed} files would change but {len(files)} diffs were found",
        )
    errors = [
        line.strip().removeprefix("error: ").removeprefix("Failed to parse ")
        for line in stderr.splitlines()
        if line.startswith("error:")
    ]
    return FormatResult(
        success=(applied or changed == 0) and not errors,
        files_checked=changed + same + len(errors),
        changed_count=changed,
        files=files,
        errors=[
            relative_to_root(error, root) if error.startswith("/") else error for error in errors
        ],
        applied=applied,
    )


def _other_lines(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not line.startswith(("warning:", "error:"))
    ]


def _summary_line(stderr: str, version: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith(("warning:", "error:")):
            continue
        return line
    raise ParseError(
        tool="ruff", version=version, fragment=stderr, reason="no format summary line on stderr"
    )


def _split_diffs(stdout: str, version: str, root: str) -> list[FormatFile]:
    files: list[FormatFile] = []
    current: list[str] = []
    lines = stdout.splitlines(keepends=True)
    for index, line in enumerate(lines):
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        if line.startswith("--- ") and nxt.startswith("+++ "):
            if current:
                files.append(_diff_file(current, version, root))
            current = [line]
        elif current:
            current.append(line)
        elif line.strip():
            raise ParseError(
                tool="ruff", version=version, fragment=line, reason="text before the first diff"
            )
    if current:
        files.append(_diff_file(current, version, root))
    return sorted(files, key=lambda f: f.file)


def _diff_file(lines: list[str], version: str, root: str) -> FormatFile:
    path = lines[0][4:].rstrip("\n").split("\t")[0]
    if not path:
        raise ParseError(tool="ruff", version=version, fragment=lines[0], reason="empty diff path")
    return FormatFile(file=relative_to_root(path, root), diff="".join(lines))
