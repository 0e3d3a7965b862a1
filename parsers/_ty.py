"""ty: ``ty check --output-format gitlab`` -> ``TypeCheckResult``.

ty has no JSON format; its GitLab code-quality report is a JSON array of
``{check_name, description, severity, fingerprint, location{path, positions{begin{line, column}}}}``
where ``description`` starts with ``"<check_name>: "`` and severity is major/minor/info.
"""

from __future__ import annotations

from typing import Literal

from parsers._common import Reader, relative_to_root
from parsers.contracts import TypeCheckResult, TypeDiagnostic

__all__ = ["parse_ty_gitlab"]

_SEVERITIES: dict[str, Literal["error", "warning", "info"]] = {
    "blocker": "error",
    "critical": "error",
    "major": "error",
    "minor": "warning",
    "info": "info",
}


def parse_ty_gitlab(text: str, *, version: str, root: str = "") -> TypeCheckResult:
    """Read ty's GitLab report; paths are made relative to ``root`` (the workspace)."""
    reader = Reader(tool="ty", version=version)
    data = reader.loads(text)
    if not isinstance(data, list):
        raise reader.fail(text, "expected a JSON array of diagnostics")
    diagnostics = []
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
        diagnostics.append(
            TypeDiagnostic(
                file=relative_to_root(path, root),
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
    )
