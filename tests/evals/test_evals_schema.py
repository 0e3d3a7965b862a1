"""The case schema, the suite loader's refusals, fingerprints, answer checks and field reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import evals
from evals import (
    AnswerCheck,
    CaseFile,
    SuiteError,
    check_answer,
    field_reads,
    fingerprint,
    load_suite,
    suite_fingerprints,
)

SCHEMA = Path(evals.__file__).parent / "suites" / "schema.json"

GOOD = """
[defaults]
category = "single_bridge"
workspace = "shop"
bridges = "quality"
expect = "tool"

[[case]]
id = "t-one"
query = "How many type errors are in shop?"
answer = { number = 3 }

[[case.calls]]
bridge = "typecheck"
arguments = { path = "shop" }
fields = ["error_count"]

[case.reference]
snippets = ["print(typecheck(path='shop').error_count)"]
answer = "3 errors."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_public_api_is_sorted_and_complete() -> None:
    assert evals.__all__ == sorted(
        evals.__all__, key=lambda n: (not n.isupper(), n[0].islower(), n)
    )
    for name in evals.__all__:
        assert getattr(evals, name) is not None
    for name in ("load_suite", "run_suite", "compare", "fingerprint", "suite_fingerprints"):
        assert name in evals.__all__


def test_json_schema_is_exported_and_pinned() -> None:
    expected = json.dumps(CaseFile.model_json_schema(), indent=2, sort_keys=True) + "\n"
    assert SCHEMA.read_text(encoding="utf-8") == expected, (
        "evals/suites/schema.json is stale: regenerate it from evals.CaseFile.model_json_schema()"
    )


def test_a_good_file_loads_with_defaults_applied(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD))
    case = suite.case("t-one")
    assert (suite.name, case.category, case.selection, case.calls[0].arguments["path"].exact) == (
        "cases",
        "single_bridge",
        ("typecheck", "ruff_check", "ruff_format", "pytest_run"),
        "shop",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'category = "single_bridge"',
            'category = "single"',
            "case 't-one': field category: Input should be 'direct_answer', 'single_bridge', "
            "'bridge_identity', 'field_access', 'cross_bridge', 'multi_turn', 'irrelevance', "
            "'error_recovery' or 'edge_case' (got 'single')",
        ),
        (
            'query = "How',
            'qurey = "How',
            "case 't-one': field query: required, missing; field qurey: unknown field; the "
            "fields are: id, category, query, workspace, bridges, expect, calls, order, allow, "
            "pinned, allow_write, recovery, answer, reference, notes",
        ),
        (
            'bridge = "typecheck"',
            'bridge = "typechek"',
            "case 't-one': field calls.0.bridge: no bridge 'typechek'; did you mean 'typecheck'?",
        ),
        (
            'arguments = { path = "shop" }',
            'arguments = { paht = "shop" }',
            "case 't-one': field calls.0.arguments.paht: typecheck has no argument 'paht'; "
            "its arguments: path",
        ),
        (
            'fields = ["error_count"]',
            'fields = ["errors.filez"]',
            "case 't-one': field calls.0.fields: 'errors.filez': TypeDiagnostic has no field "
            "'filez'",
        ),
        (
            'answer = "3 errors."',
            'answer = "three errors."',
            "case 't-one': field reference.answer: fails the case's own answer check: does not "
            "state the number 3",
        ),
        (
            'bridges = "quality"',
            'bridges = ["ruff_check"]',
            "case 't-one': field calls.0.bridge: 'typecheck' is not in the case's bridge "
            "selection (ruff_check); add it to bridges",
        ),
        (
            'expect = "tool"',
            'expect = "direct"',
            "case 't-one': field (the case): expect = 'direct' takes no calls",
        ),
    ],
)
def test_schema_errors_name_the_case_the_field_and_what_is_allowed(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    assert str(caught.value).startswith(f"{path}: {message}"), str(caught.value)


def test_a_pinned_result_must_validate_against_the_result_model(tmp_path: Path) -> None:
    text = GOOD.replace(
        "[case.reference]",
        '[[case.pinned]]\nbridge = "typecheck"\nresult = { success = "maybe" }\n\n[case.reference]',
    )
    with pytest.raises(SuiteError) as caught:
        load_suite(write(tmp_path, text))
    message = str(caught.value)
    assert "case 't-one': field pinned.0.result: not a valid TypeCheckResult: " in message
    assert "success: Input should be a valid boolean" in message


def test_repeated_ids_and_unknown_suites_are_refused(tmp_path: Path) -> None:
    body = GOOD.split("[[case]]", 1)[1]
    with pytest.raises(SuiteError, match="repeated: t-one"):
        load_suite(write(tmp_path, GOOD + "\n[[case]]" + body))
    with pytest.raises(SuiteError, match="no suite 'nonesuch'"):
        load_suite("nonesuch")


def test_fingerprint_normalises_query_and_snippet() -> None:
    assert fingerprint("How many  Errors?\n") == fingerprint("how many errors?")
    assert fingerprint("q", "x = typecheck( path='a' )  # look") == fingerprint(
        "Q", 'x = typecheck(path="a")'
    )
    assert fingerprint("q", "x = 1") != fingerprint("q", "x = 2")
    assert fingerprint("q") != fingerprint("q", "")


def test_suite_fingerprints_hold_query_and_query_with_each_snippet(tmp_path: Path) -> None:
    suite = load_suite(write(tmp_path, GOOD))
    assert suite_fingerprints(suite) == frozenset(
        {
            fingerprint("How many type errors are in shop?"),
            fingerprint(
                "how many type errors are in SHOP?", "print(typecheck(path = 'shop').error_count)"
            ),
        }
    )


@pytest.mark.parametrize(
    ("check", "answer", "problem"),
    [
        (AnswerCheck(contains=("Cart",)), "the cart total", None),
        (AnswerCheck(contains=("cart", "total")), "the cart", "does not contain 'total'"),
        (AnswerCheck(pattern=r"line \d+"), "at LINE 19", None),
        (AnswerCheck(number=19), "line 19.", None),
        (AnswerCheck(number=19), "line 190", "does not state the number 19"),
        (AnswerCheck(number=0.5, tolerance=0.01), "about 0.505", None),
        (AnswerCheck(equals=True), "Yes: 3 tests pass", None),
        (AnswerCheck(equals=False), "Yes, no problem", "does not say no first"),
        (AnswerCheck(equals=3), "3 of 5", None),
        (AnswerCheck(equals=5), "3 of 5", "its first number is not 5"),
        (AnswerCheck(equals="shop/cart.py"), " Shop/cart.py.", None),
        (AnswerCheck(contains=("x",)), None, "no final answer"),
    ],
)
def test_answer_checks(check: AnswerCheck, answer: str | None, problem: str | None) -> None:
    assert check_answer(check, answer) == problem


def test_field_reads_follow_names_loops_and_comprehensions() -> None:
    from bridges import GitStatus, TypeCheckResult

    code = """
result = typecheck(path="shop")
print(result.error_count, typecheck().success)
for d in result.errors:
    print(d.file, d.line, d.message.upper())
codes = [e.code for e in sorted(result.errors) if e.severity == "error"]
first = result.errors[0].columnz
status = git_status()
print([c.path for c in status.changes], status.clean)
"""
    found = field_reads(code, {"typecheck": TypeCheckResult, "git_status": GitStatus})
    assert found.reads == {
        "typecheck": {
            "error_count",
            "success",
            "errors",
            "errors.file",
            "errors.line",
            "errors.message",
            "errors.code",
            "errors.severity",
        },
        "git_status": {"changes", "changes.path", "clean"},
    }
    assert found.unknown == {"typecheck": {"errors.columnz"}}
