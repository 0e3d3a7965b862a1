"""Loading a suite: TOML files -> validated ``Case`` models, checked against the bridges.

``load_suite("standard")`` reads every ``*.toml`` under ``evals/suites/standard/`` (sorted);
``load_suite(path)`` reads a folder of TOML files or one file. A case that breaks the schema is
refused with a ``SuiteError`` naming the file, the case id, the field and what is allowed; so is a
case whose facts contradict the bridges (an unknown bridge or argument, a result field that does
not exist, a pinned result that its result model rejects, a reference answer that fails the
case's own answer check, a reference snippet that does not parse).
"""

from __future__ import annotations

import ast
import difflib
import fnmatch
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from evals._answers import check_answer
from evals._errors import SuiteError
from evals._fields import check_field_path
from evals._schema import Case
from evals._workspaces import workspace_names

__all__ = ["SUITES_DIR", "Suite", "load_suite", "suite_names"]

SUITES_DIR = Path(__file__).resolve().parent / "suites"
"""Where named suites live: one folder per suite."""


class Suite(BaseModel):
    """A named, validated set of cases."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """The suite's name (its folder name, or the file's stem)."""
    cases: tuple[Case, ...]
    """Every case, in file order then case order."""
    files: tuple[str, ...] = ()
    """The files the cases came from."""

    def case(self, case_id: str) -> Case:
        """The case with this id (``SuiteError`` naming the nearest id when there is none)."""
        for case in self.cases:
            if case.id == case_id:
                return case
        close = difflib.get_close_matches(case_id, [c.id for c in self.cases], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise SuiteError(f"suite {self.name!r} has no case {case_id!r}{hint}")

    def select(self, ids: Sequence[str]) -> Suite:
        """A suite of only these case ids (globs allowed), in suite order."""
        for pattern in ids:
            if not any(fnmatch.fnmatchcase(c.id, pattern) for c in self.cases):
                self.case(pattern)  # raises with a hint
        kept = tuple(c for c in self.cases if any(fnmatch.fnmatchcase(c.id, p) for p in ids))
        return self.model_copy(update={"cases": kept})


def suite_names() -> list[str]:
    """The named suites shipped with punie (folders under ``evals/suites/``)."""
    if not SUITES_DIR.is_dir():
        return []
    return sorted(p.name for p in SUITES_DIR.iterdir() if p.is_dir() and any(p.glob("*.toml")))


def load_suite(name_or_path: str | Path) -> Suite:
    """Read and validate a suite: a name under ``evals/suites/``, a folder or a ``.toml`` file."""
    path = Path(name_or_path)
    if isinstance(name_or_path, str) and (SUITES_DIR / name_or_path).is_dir():
        path = SUITES_DIR / name_or_path
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise SuiteError(f"{path} holds no .toml case files")
    elif path.is_file():
        files = [path]
    else:
        raise SuiteError(
            f"no suite {str(name_or_path)!r}: not a suite name ({', '.join(suite_names())}), "
            "a folder of .toml files or a .toml file"
        )
    cases: list[Case] = []
    for file in files:
        cases.extend(_load_file(file))
    seen: dict[str, int] = {}
    for case in cases:
        seen[case.id] = seen.get(case.id, 0) + 1
    doubles = sorted(case_id for case_id, count in seen.items() if count > 1)
    if doubles:
        raise SuiteError(f"case ids must be unique in a suite; repeated: {', '.join(doubles)}")
    _check_facts(cases, files)
    return Suite(
        name=path.stem if path.is_file() else path.name,
        cases=tuple(cases),
        files=tuple(str(f) for f in files),
    )


def _load_file(file: Path) -> list[Case]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SuiteError(f"cannot read {file}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise SuiteError(f"{file} is not valid TOML: {error}") from error
    unknown = sorted(set(data) - {"defaults", "case"})
    if unknown:
        raise SuiteError(
            f"{file}: unknown top-level key(s) {', '.join(unknown)}; a case file has "
            "[defaults] and [[case]] tables"
        )
    defaults = data.get("defaults", {})
    raw_cases = data.get("case")
    if not isinstance(defaults, dict) or not isinstance(raw_cases, list) or not raw_cases:
        raise SuiteError(f"{file}: a case file needs at least one [[case]] table")
    cases = []
    for number, raw in enumerate(raw_cases, 1):
        merged = {**defaults, **raw} if isinstance(raw, dict) else raw
        case_id = merged.get("id") if isinstance(merged, dict) else None
        name = f"case {case_id!r}" if isinstance(case_id, str) else f"case #{number} (no id)"
        try:
            cases.append(Case.model_validate(merged))
        except ValidationError as error:
            problems = "; ".join(_problem(item) for item in error.errors(include_url=False))
            raise SuiteError(f"{file}: {name}: {problems}") from None
    return cases


def _problem(item: Any) -> str:
    location = ".".join(str(part) for part in item["loc"]) or "(the case)"
    if item["type"] == "extra_forbidden":
        owner = _owner_fields(item["loc"])
        return f"field {location}: unknown field; the fields are: {', '.join(owner)}"
    if item["type"] == "missing":
        return f"field {location}: required, missing"
    message = item["msg"].removeprefix("Value error, ")
    return f"field {location}: {message} (got {item.get('input')!r})"


def _owner_fields(loc: tuple[Any, ...]) -> list[str]:
    """The fields allowed where an unknown key was found (the model one level up)."""
    from evals._schema import AnswerCheck, ExpectedCall, Pin, Reference

    model: type[BaseModel] = Case
    nested = {"calls": ExpectedCall, "pinned": Pin, "answer": AnswerCheck, "reference": Reference}
    for part in loc[:-1]:
        if isinstance(part, str) and part in nested:
            model = nested[part]
    return list(model.model_fields)


def _check_facts(cases: Sequence[Case], files: Sequence[Path]) -> None:
    """Check every case against the bridge records and its own answer check."""
    from bridges import registry

    records = {record.name: record for record in registry()}
    names = list(records)
    workspaces = workspace_names()
    where = files[0] if len(files) == 1 else files[0].parent

    def fail(case: Case, field: str, message: str) -> SuiteError:
        return SuiteError(f"{where}: case {case.id!r}: field {field}: {message}")

    def known(case: Case, field: str, bridge: str) -> Any:
        if bridge not in records:
            close = difflib.get_close_matches(bridge, names, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise fail(case, field, f"no bridge {bridge!r}; {hint}the bridges: {', '.join(names)}")
        return records[bridge]

    for case in cases:
        if case.workspace not in workspaces:
            raise fail(
                case,
                "workspace",
                f"unknown workspace {case.workspace!r}; the workspaces: {', '.join(workspaces)}",
            )
        offered = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in case.selection)]
        for pattern in case.selection:
            if not fnmatch.filter(names, pattern):
                known(case, "bridges", pattern)
        for index, call in enumerate(case.calls):
            record = known(case, f"calls.{index}.bridge", call.bridge)
            if call.bridge not in offered:
                raise fail(
                    case,
                    f"calls.{index}.bridge",
                    f"{call.bridge!r} is not in the case's bridge selection "
                    f"({', '.join(case.selection)}); add it to bridges",
                )
            if record.writes and not case.allow_write:
                raise fail(
                    case,
                    f"calls.{index}.bridge",
                    f"{call.bridge} writes files; set allow_write = true to offer it",
                )
            allowed = list(record.arguments.model_fields)
            for argument in call.arguments:
                if argument not in allowed:
                    raise fail(
                        case,
                        f"calls.{index}.arguments.{argument}",
                        f"{call.bridge} has no argument {argument!r}; its arguments: "
                        f"{', '.join(allowed) or '(none)'}",
                    )
            for path in call.fields:
                problem = check_field_path(record.result, path)
                if problem is not None:
                    raise fail(case, f"calls.{index}.fields", f"{path!r}: {problem}")
        for index, bridge in enumerate(case.allow):
            known(case, f"allow.{index}", bridge)
        for index, pin in enumerate(case.pinned):
            record = known(case, f"pinned.{index}.bridge", pin.bridge)
            if pin.result is not None:
                try:
                    record.result.model_validate(pin.result)
                except ValidationError as error:
                    problems = "; ".join(
                        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                        for e in error.errors(include_url=False)
                    )
                    raise fail(
                        case,
                        f"pinned.{index}.result",
                        f"not a valid {record.result.__name__}: {problems}",
                    ) from None
            if pin.next is not None and pin.next != "answer":
                known(case, f"pinned.{index}.next", pin.next)
        for index, snippet in enumerate(case.reference.snippets):
            try:
                ast.parse(snippet)
            except SyntaxError as error:
                raise fail(
                    case,
                    f"reference.snippets.{index}",
                    f"does not parse: {error.msg} (line {error.lineno})",
                ) from None
        if case.answer is not None:
            problem = check_answer(case.answer, case.reference.answer)
            if problem is not None:
                raise fail(
                    case, "reference.answer", f"fails the case's own answer check: {problem}"
                )
