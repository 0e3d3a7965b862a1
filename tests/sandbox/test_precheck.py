"""The pre-run check: mistakes a small model makes, caught before the snippet runs."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from sandbox import HostFunction
from sandbox._precheck import Prechecker, PrecheckIssue, precheck


class Diagnostic(BaseModel):
    model_config = ConfigDict(frozen=True)
    file: str
    line: int
    message: str


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)
    success: bool
    errors: list[Diagnostic]
    summary: Diagnostic | None = None


def typecheck(*, path: str = ".") -> CheckResult:
    raise NotImplementedError


def read_file(*, path: str, start_line: int | None = None) -> str:
    raise NotImplementedError


HOST = [HostFunction.from_callable(typecheck), HostFunction.from_callable(read_file)]


def issues(source: str, known_names: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    return [(i.line, i.code) for i in precheck(source, HOST, known_names=known_names)]


def messages(source: str) -> list[str]:
    return [i.message for i in precheck(source, HOST)]


CORRECT = [
    'r = typecheck(path="src")\nr.success',
    "r = typecheck()\nfor e in r.errors:\n    print(e.file, e.line, e.message)",
    "[e.message for e in typecheck().errors if e.line > 3]",
    "{e.file: e.line for e in typecheck(path='.').errors}",
    "r = typecheck()\nfirst = r.errors[0]\nfirst.message",
    "r = typecheck()\nr.summary.message if r.summary else None",
    "text = read_file(path='a.py', start_line=2)\ntext.splitlines()",
    "def helper(x):\n    return x * 2\nhelper(3)",
    "total = helper2(1)\ndef helper2(v):\n    return v",
    "args = {'path': '.'}\ntypecheck(**args)",
    "r = typecheck()\nr = 5\nr.bit_length()",
    "x, y = typecheck(), 1\nx",
    "import json\njson.dumps({'a': len(typecheck().errors)})",
    "r = typecheck()\nerrors = r.errors[1:]\nerrors[0].file",
    "try:\n    typecheck()\nexcept Exception as error:\n    print(error)",
]


@pytest.mark.parametrize("source", CORRECT)
def test_correct_snippets_pass(source: str) -> None:
    assert precheck(source, HOST) == []


def test_misspelt_field_names_the_nearest_field() -> None:
    assert messages("r = typecheck()\nr.errorz") == [
        "line 2: CheckResult has no field 'errorz'; did you mean 'errors'?"
    ]


def test_an_awaited_bridge_result_is_checked_like_a_plain_one() -> None:
    assert messages("r = await typecheck()\nr.errorz") == [
        "line 2: CheckResult has no field 'errorz'; did you mean 'errors'?"
    ]
    assert messages("async def main():\n    r = await typecheck()\n    return r.errors") == []


def test_field_followed_through_loops_indexes_and_comprehensions() -> None:
    source = (
        "r = typecheck()\n"
        "for e in r.errors:\n"
        "    e.mesage\n"
        "[d.fille for d in r.errors]\n"
        "r.errors[0].lin\n"
    )
    assert issues(source) == [(3, "unknown_field"), (4, "unknown_field"), (5, "unknown_field")]


def test_field_without_a_near_name_lists_the_fields() -> None:
    (message,) = messages("typecheck().column")
    assert "its fields are: success, errors, summary" in message


def test_attribute_of_items_on_the_list_itself_says_to_index() -> None:
    (message,) = messages("typecheck().errors.message")
    assert "index it" in message and "list[Diagnostic]" in message


def test_optional_field_is_looked_through() -> None:
    assert issues("typecheck().summary.mesage") == [(1, "unknown_field")]


def test_unknown_function_suggests_the_bridge() -> None:
    assert messages("typechek(path='.')") == [
        "line 1: 'typechek' is not defined; did you mean 'typecheck'?"
    ]


def test_unknown_function_without_near_name_lists_what_exists() -> None:
    (message,) = messages("frobnicate()")
    assert "read_file, typecheck" in message


def test_names_from_earlier_snippets_are_known() -> None:
    assert issues("helper(1)", known_names=frozenset({"helper"})) == []
    assert issues("helper(1)") == [(1, "unknown_function")]


def test_positional_arguments_are_refused_with_the_keyword_form() -> None:
    (message,) = messages("typecheck('src')")
    assert message == "line 1: typecheck() takes keyword arguments only; write typecheck(path=...)"


def test_unknown_and_missing_arguments() -> None:
    found = precheck("read_file(pth='a.py')", HOST)
    assert [i.code for i in found] == ["unknown_argument", "missing_argument"]
    assert "did you mean 'path'?" in found[1].message or "did you mean 'path'?" in found[0].message


def test_comprehension_variable_does_not_leak_its_type() -> None:
    source = "r = typecheck()\n[e for e in r.errors]\ne = 'text'\ne.upper()"
    assert issues(source) == []


def test_syntax_error_is_one_issue_with_its_line() -> None:
    assert precheck("x = (\n", HOST) == [
        PrecheckIssue(line=1, message=precheck("x = (\n", HOST)[0].message, code="syntax")
    ]
    assert "line 1" in precheck("x = (\n", HOST)[0].message


def test_pathological_input_does_not_raise() -> None:
    assert precheck("1+" * 200_000 + "1", HOST) == [
        PrecheckIssue(
            line=1,
            message="cannot parse the snippet: maximum recursion depth exceeded during ast "
            "construction",
            code="syntax",
        )
    ]


_TOO_DEEP = PrecheckIssue(
    line=1,
    message="the snippet is nested too deeply to check (RecursionError); split long "
    "expressions and attribute chains into several statements with intermediate variables",
    code="syntax",
)


@pytest.mark.parametrize(
    "source",
    [
        "r = typecheck()" + ".errors" * 400,
        "read_file(path='a')" + ".x" * 400,
        "typecheck()" + ".errors[0]" * 300,
    ],
    ids=["typed-attribute-chain", "untyped-attribute-chain", "index-chain"],
)
def test_a_chain_too_deep_to_walk_is_an_issue_not_an_exception(source: str) -> None:
    assert precheck(source, HOST) == [_TOO_DEEP]


def test_a_huge_misspelt_name_gets_no_suggestion() -> None:
    name = "path" + "x" * 300
    assert [(i.code, i.message) for i in precheck(f"read_file({name}='a')", HOST)] == [
        (
            "unknown_argument",
            f"line 1: read_file() has no argument '{name}'; it takes: path, start_line",
        ),
        (
            "missing_argument",
            "line 1: read_file() needs the argument 'path'; write read_file(path=..., "
            "start_line=...)",
        ),
    ]


def test_a_checker_is_reusable_and_host_functions_may_be_plain_callables() -> None:
    checker = Prechecker([typecheck, read_file])
    assert checker.check("typecheck().errors") == []
    assert [i.code for i in checker.check("typecheck().x")] == ["unknown_field"]
