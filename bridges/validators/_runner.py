"""Run a validator over the Python files under a path: in the parser children, cached, bounded.

Each file is visited in a parser child (``bridges.cst._scan``), so a file that crashes LibCST
or runs past the time limit is reported in ``ValidationResult.skipped`` instead of ending the
call. A validator whose ``triggers`` (words, matched without case) are all absent from a file
cannot report anything there, so that file is not parsed at all.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable, Mapping
from typing import Any, cast

from bridges._bridge import BridgeContext
from bridges.cst._child_main import SkipFile, Source, decode_source
from bridges.cst._scan import scan
from bridges.validators._base import Validator
from parsers.contracts import SkippedFile, ValidationIssue, ValidationResult
from parsers.contracts._skipped import SkipReason

__all__ = ["collect_issues", "result_of", "run_task", "triggered", "triggered_bytes"]


def triggered(triggers: tuple[str, ...], text: str) -> bool:
    """Whether ``text`` contains one of ``triggers`` (no triggers: always)."""
    if not triggers:
        return True
    lowered = text.lower()
    return any(trigger.lower() in lowered for trigger in triggers)


def triggered_bytes(triggers: tuple[str, ...]) -> Callable[[bytes], bool] | None:
    """``triggered`` on the bytes of a UTF-8 file, for the host to leave files out before they
    are sent to a child (``scan``'s ``wanted``); None when there are no triggers."""
    if not triggers:
        return None
    words = [trigger.lower().encode() for trigger in triggers]

    def wanted(data: bytes) -> bool:
        # bytes.lower() lowers ASCII only; of all other characters only these two lower to
        # ASCII letters (KELVIN SIGN to 'k', U+0130 to 'i' and a combining dot).
        if b"\xe2\x84\xaa" in data or b"\xc4\xb0" in data:
            return True
        lowered = data.lower()
        return any(word in lowered for word in words)

    return wanted


def _issues(validator: Validator, source: Source) -> list[list[Any]]:
    source.module().visit(validator)
    validator.finish()
    return [
        [
            finding.rule.id,
            finding.rule.severity,
            finding.message,
            source.line_of(finding.node),
            finding.suggestion,
        ]
        for finding in validator.findings
    ]


def run_task(task: tuple[Any, ...], source: Source) -> Any:
    """A validator task on one file (runs in a parser child): issues or svcs facts as JSON.

    Unless ``strict`` (the one file asked about, always parsed so that a syntax error is
    reported), a file is parsed with LibCST only when it has a trigger word and ``ast`` finds a
    node the validator's rules look at (``_prefilter``).
    """
    from bridges.validators._layers import LayersValidator
    from bridges.validators._prefilter import facts_may_exist, layer_issues, may_report

    if task[0] == "facts":
        from bridges.validators._svcs import FACT_TRIGGERS, facts_as_data

        strict = task[2]
        if strict or (triggered(FACT_TRIGGERS, source.text) and facts_may_exist(source)):
            return facts_as_data(source)
        return None
    _, validator_class, options, relative, strict = task
    if validator_class is LayersValidator and not strict and triggered(("import",), source.text):
        answered = layer_issues(source, options, relative)
        if answered is not None:
            return answered
    if not strict and not (
        triggered(validator_class.triggers, source.text)
        and may_report(validator_class, source, options, relative)
    ):
        return []
    return _issues(validator_class(file=relative, **options), source)


def _importable(validator: type[Validator]) -> bool:
    """Whether a child can get the class by name (not a class of ``__main__`` or a function)."""
    if validator.__module__ == "__main__" or "<locals>" in validator.__qualname__:
        return False
    try:
        return pickle.loads(pickle.dumps(validator)) is validator
    except (pickle.PicklingError, AttributeError, ImportError, TypeError):
        return False


def _in_host(
    context: BridgeContext, *, path: str, task: tuple[Any, ...]
) -> tuple[list[tuple[str, Any]], list[SkippedFile]]:
    """For validator classes a child cannot import by name: the old in-process way."""
    from bridges.cst._scan import MAX_FILE_BYTES
    from bridges.cst._workspace import python_files, relative_to_workspace

    values: list[tuple[str, Any]] = []
    skipped: list[SkippedFile] = []
    for file in python_files(context.workspace, path):
        relative = relative_to_workspace(context.workspace, file)
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise SkipFile("too_large", f"over the {MAX_FILE_BYTES} byte limit")
            values.append(
                (
                    relative,
                    run_task((*task, relative, True), Source(decode_source(file.read_bytes()))),
                )
            )
        except SkipFile as skip:
            skipped.append(
                SkippedFile(file=relative, reason=cast(SkipReason, skip.reason), detail=skip.detail)
            )
    return values, skipped


def collect_issues(
    context: BridgeContext,
    *,
    path: str,
    validator: type[Validator],
    options: Mapping[str, Any],
    key: Hashable,
) -> tuple[list[ValidationIssue], list[SkippedFile]]:
    """Issues of every Python file under ``path`` and the files skipped; ``key`` names the
    validator and its options in the results cache."""
    task = ("validate", validator, dict(options))
    if _importable(validator):
        scanned = scan(
            context,
            path=path,
            task=task,
            key=key,
            bridge=validator.name,
            wanted=triggered_bytes(validator.triggers),
            unwanted=[],
        )
        values, skipped = scanned.values, scanned.skipped
    else:
        values, skipped = _in_host(context, path=path, task=task)
    issues = [
        ValidationIssue(
            rule=rule,
            severity=severity,
            message=message,
            file=relative,
            line=line,
            suggestion=suggestion,
        )
        for relative, found in values
        for rule, severity, message, line, suggestion in found
    ]
    return issues, skipped


def result_of(
    domain: str, issues: list[ValidationIssue], skipped: list[SkippedFile] | None = None
) -> ValidationResult:
    """The ``ValidationResult``: valid unless an error-severity issue was found."""
    ordered = sorted(issues, key=lambda issue: (issue.file, issue.line, issue.rule))
    return ValidationResult(
        valid=not any(issue.severity == "error" for issue in ordered),
        domain=domain,
        issues=ordered,
        skipped=skipped or [],
    )
