"""ty: ``ty check --output-format gitlab`` -> ``TypeCheckResult``.

ty has no JSON format; its GitLab code-quality report is a JSON array of
``{check_name, description, severity, fingerprint, location{path, positions{begin{line, column}}}}``
where ``description`` starts with ``"<check_name>: "``. Severities are GitLab's scale: ty writes
its errors as major, warnings as minor and info (``reveal_type``) as info; blocker and critical,
which the format also allows, are read as errors.

A file ty could not read (not UTF-8, even with a PEP 263 ``coding`` line; gone or unreadable)
is reported as a diagnostic with ``check_name`` ``io``: it becomes a ``SkippedFile``, not a
diagnostic, and ty exits with status 2 although the report of every other file is complete.
"""

from __future__ import annotations

from typing import Literal

from parsers._common import Reader, relative_to_root, skipped_file
from parsers.contracts import SkippedFile, TypeCheckResult, TypeDiagnostic

__all__ = ["parse_ty_gitlab"]

_SEVERITIES: dict[str, Literal["error", "warning", "info"]] = {
    "blocker": "error",
    "critical": "error",
    "major": "error",
    "minor": "warning",
    "info": "info",
}
_IO = "io"
"""ty's check name for a file it could not read: nothing else about that file is known. Without
a path (a path given to ``ty check`` that does not exist) it stays an error: then nothing was
checked, and a result without diagnostics would say the opposite."""


def parse_ty_gitlab(text: str, *, version: str, root: str = "") -> TypeCheckResult:
    """Read ty's GitLab report; paths are made relative to ``root`` (the workspace)."""
    reader = Reader(tool="ty", version=version)
    data = reader.loads(text)
    if not isinstance(data, list):
        raise reader.fail(text, "expected a JSON array of diagnostics")
    diagnostics = []
    skipped: dict[str, SkippedFile] = {}
    for item in data:
        code = reader.get(item, "check_name", str)
        description = reader.get(item, "description", str)
        severity_name = reader.get(item, "severity", str)
        if severity_name not in _SEVERITIES:
            raise reader.fail(item, f"unknown severity {severity_name!r}")
        location = reader.get(item, "location", dict)
        path = reader.get(location, "path", str)
        begin = reader.get(reader.get(location, "positions", dict), "begin", dict)
        prefix = f"{code}: "
        message = description[len(prefix) :] if description.startswith(prefix) else description
        file = relative_to_root(path, root)
        if code == _IO and file:
            skipped.setdefault(file, skipped_file(file, message))
            continue
        diagnostics.append(
            TypeDiagnostic(
                file=file,
                line=reader.get(begin, "line", int),
                column=reader.get(begin, "column", int),
                severity=_SEVERITIES[severity_name],
                code=code,
                message=message,
            )
        )
    diagnostics.sort(key=lambda d: (d.file, d.line, d.column, d.code))
    errors = sum(d.severity == "error" for d in diagnostics)
    return TypeCheckResult(
        success=errors == 0,
        error_count=errors,
        warning_count=sum(d.severity == "warning" for d in diagnostics),
        errors=diagnostics,
        skipped=[skipped[file] for file in sorted(skipped)],
    )
