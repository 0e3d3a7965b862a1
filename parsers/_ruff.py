"""ruff: ``ruff check --output-format json`` -> ``RuffResult``; ``ruff format --diff`` -> ``FormatResult``.

``ruff check`` reports a JSON array of ``{code, message, filename (absolute), location{row,
column}, fix{applicability, ...} | null, ...}``; a syntax error has ``code: null``. ``ruff format
--check --diff`` prints unified diffs (``--- path`` / ``+++ path`` headers) on stdout and a summary
("1 file would be reformatted, 9 files already formatted") on stderr, after an ``error: Failed to
parse path:line:col: message`` line for each file it could not read.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import (
    AliasChoices,
    AliasPath,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from parsers._common import Reader, relative_to_root, under_root
from parsers._errors import ParseError
from parsers.contracts import FormatFile, FormatResult, RuffResult, RuffViolation

__all__ = ["parse_ruff_format", "parse_ruff_json"]


class _WireViolation(RuffViolation):
    """One item of ruff's JSON report, validated straight from the JSON text by pydantic-core.

    A large tree yields thousands of violations, each carrying its fix edits; decoding them into
    Python objects first cost more than running ruff. This subclass maps ruff's wire names onto
    the contract's fields (aliases) and ignores the rest, so pydantic-core builds the contract
    objects in one pass. Instances are ``RuffViolation`` instances and serialise as such.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    file: str = Field(validation_alias="filename")
    line: int = Field(validation_alias=AliasPath("location", "row"))
    column: int = Field(validation_alias=AliasPath("location", "column"))
    code: str = Field(validation_alias=AliasChoices("code"))
    message: str
    fixable: bool = Field(default=False, validation_alias=AliasPath("fix", "applicability"))

    @field_validator("code", mode="before")
    @classmethod
    def _no_code_for_syntax_errors(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("fixable", mode="before")
    @classmethod
    def _safe_fix(cls, value: Any) -> Any:
        if value not in _APPLICABILITY:
            raise ValueError(f"unknown fix applicability {value!r}")
        return value == "safe"

    @field_validator("file", mode="after")
    @classmethod
    def _relative(cls, value: str, info: ValidationInfo) -> str:
        root = info.context.get("root", "") if isinstance(info.context, dict) else ""
        prefix = under_root(root)
        if prefix and value.startswith(prefix):
            return value[len(prefix) :]
        return relative_to_root(value, root)


_APPLICABILITY = {"safe", "unsafe", "display-only"}
_WIRE = TypeAdapter(list[_WireViolation])


def parse_ruff_json(text: str, *, version: str, root: str = "") -> RuffResult:
    """Read ruff's JSON report; ``fixable`` means a safe fix exists (what ``--fix`` applies)."""
    reader = Reader(tool="ruff", version=version)
    try:
        violations = _WIRE.validate_json(text, context={"root": root})
    except ValidationError as error:
        raise _drift(reader, text, error) from None
    violations.sort(key=lambda v: (v.file, v.line, v.column, v.code))
    return RuffResult(
        success=not violations,
        violation_count=len(violations),
        fixable_count=sum(v.fixable for v in violations),
        violations=violations,
    )


def _drift(reader: Reader, text: str, error: ValidationError) -> ParseError:
    first = error.errors(include_url=False)[0]
    kind, location = first["type"], first["loc"]
    if kind == "json_invalid":
        return reader.fail(text[:200] or "<empty output>", f"not JSON ({first['msg']})")
    if not location:
        return reader.fail(text[:200], "expected a JSON array of violations")
    try:
        item = reader.loads(text)[location[0]]
    except Exception:
        item = text[:200]
    path = ".".join(str(part) for part in location[1:])
    if kind == "missing":
        return reader.fail(item, f"missing key {path!r}")
    return reader.fail(item, f"unexpected value for {path!r}: {first['msg']}")


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
