"""``runtime._code_session.CodeSession``: one snippet as a code tool reports it (text + data)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from runtime._code_session import CodeSession, SnippetCall, SnippetReport
from runtime.template import (
    outcome_from_precheck,
    outcome_from_run,
    render_tool_result,
)
from sandbox import Limits, Prechecker, Sandbox


class Total(BaseModel):
    """A sum."""

    value: int
    """The sum of the numbers."""


def add(*, a: int, b: int) -> Total:
    """Add two numbers."""
    return Total(value=a + b)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox([add], limits=Limits(source_bytes=1024), pool_size=1) as box:
        yield box


def test_the_text_is_what_punies_own_model_reads(sandbox: Sandbox) -> None:
    code = "t = add(a=2, b=3)\nprint('sum', t.value)\nt.value * 2"
    expected = render_tool_result(outcome_from_run(sandbox.run(code)))
    session = CodeSession(sandbox)
    try:
        run = session.run(code)
    finally:
        session.close()
    assert run.text == expected == "sum 5\n10"
    report = run.report.model_copy(
        update={
            "duration_s": 0.0,
            "calls": [c.model_copy(update={"duration_s": 0.0}) for c in run.report.calls],
        }
    )
    assert report == SnippetReport(
        ok=True,
        output="sum 5\n",
        value="10",
        calls=[SnippetCall(name="add", arguments={"a": 2, "b": 3}, ok=True, duration_s=0.0)],
    )


def test_a_refused_snippet_does_not_run_and_says_why(sandbox: Sandbox) -> None:
    code = "add(a=1, c=2)"
    issues = Prechecker([add]).check(code)
    session = CodeSession(sandbox)
    try:
        run = session.run(code)
    finally:
        session.close()
    outcome = outcome_from_precheck(issues)
    assert run.text == render_tool_result(outcome)
    assert run.report.model_copy(update={"duration_s": 0.0}) == SnippetReport(
        ok=False, error=outcome.error, error_kind="precheck"
    )


def test_names_persist_for_the_run_and_the_check_until_reset(sandbox: Sandbox) -> None:
    session = CodeSession(sandbox)
    try:
        session.run("def twice(*, n):\n    return 2 * n")
        assert session.run("twice(n=add(a=20, b=1).value)").text == "42"
        session.reset()
        after = session.run("twice(n=1)")
    finally:
        session.close()
    assert (after.report.ok, after.report.error_kind) == (False, "precheck")
    assert after.text == render_tool_result(
        outcome_from_precheck(Prechecker([add]).check("twice(n=1)"))
    )


def test_an_oversized_snippet_is_left_to_the_sandboxs_own_refusal(sandbox: Sandbox) -> None:
    code = "nope()\n" + "x = 1\n" * 400  # 2,407 bytes; the limit is 1,024
    session = CodeSession(sandbox)
    try:
        run = session.run(code)
    finally:
        session.close()
    assert (run.report.error_kind, run.text) == (
        "policy",
        render_tool_result(outcome_from_run(sandbox.run(code))),
    )


def test_names_of_the_last_run_are_forgotten_at_reset_and_learnt_by_settle(
    sandbox: Sandbox,
) -> None:
    # The names a run binds are learnt lazily (at the next check, or ``settle``): a reset right
    # after the run must forget them all the same.
    session = CodeSession(sandbox)
    try:
        session.run("def twice(*, n):\n    return 2 * n")
        session.reset()
        after_reset = session.run("twice(n=1)")
        session.run("def thrice(*, n):\n    return 3 * n")
        session.settle()
        settled = session.run("thrice(n=add(a=1, b=1).value)")
    finally:
        session.close()
    assert (after_reset.report.error_kind, after_reset.text) == (
        "precheck",
        render_tool_result(outcome_from_precheck(Prechecker([add]).check("twice(n=1)"))),
    )
    assert (settled.report.ok, settled.text) == (True, "6")


def test_a_timeout_forgets_the_functions_the_session_defined() -> None:
    """The timed-out worker took ``found`` with it: calling it is refused before running (the
    pre-run check's own message), not a NameError at run time."""
    with Sandbox([add], limits=Limits(timeout_s=0.5), pool_size=1) as box:
        session = CodeSession(box)
        try:
            assert session.run("def found():\n    return 3").report.ok
            assert session.run("while True:\n    pass").report.error_kind == "timeout"
            report = session.run("found()").report
        finally:
            session.close()
    assert (report.error_kind, "'found' is not defined" in (report.error or "")) == (
        "precheck",
        True,
    )
