"""The one prompt template: the exact text of every piece the model reads."""

from __future__ import annotations

import json

from inline_snapshot import snapshot

from runtime.template import (
    USAGE_RULES,
    Message,
    SnippetOutcome,
    Step,
    outcome_from_precheck,
    outcome_from_run,
    render_conversation,
    render_system_prompt,
    render_tool_call,
    render_tool_result,
    render_value,
    training_record,
)


def test_tool_call_is_qwen3_coder_xml() -> None:
    assert render_tool_call("print(1)\n") == snapshot("""\
<tool_call>
<function=execute_code>
<parameter=code>
print(1)
</parameter>
</function>
</tool_call>\
""")


def test_tool_call_keeps_the_preamble_before_the_call() -> None:
    text = render_tool_call("x", preamble="  Let me check.\n")
    assert text.startswith("Let me check.\n<tool_call>\n")


def test_system_prompt_holds_rules_and_stubs() -> None:
    prompt = render_system_prompt("def f(*, a: int) -> int: ...")
    assert prompt.startswith(USAGE_RULES)
    assert prompt.endswith("```python\ndef f(*, a: int) -> int: ...\n```")


def test_system_prompt_without_functions_says_to_answer_directly() -> None:
    assert "answer directly" in render_system_prompt("  ")


def test_tool_result_output_then_value() -> None:
    outcome = SnippetOutcome(ok=True, output="3 errors\n", value="[1, 2]")
    assert render_tool_result(outcome) == "3 errors\n[1, 2]"


def test_tool_result_error_after_partial_output() -> None:
    outcome = SnippetOutcome(ok=False, output="started\n", error="line 2: ZeroDivisionError")
    assert render_tool_result(outcome) == "started\nError: line 2: ZeroDivisionError"


def test_tool_result_without_anything_says_so() -> None:
    assert render_tool_result(SnippetOutcome(ok=True)) == "(no output)"


def test_long_tool_result_is_cut_with_a_hint() -> None:
    text = render_tool_result(SnippetOutcome(ok=True, output="x" * 50), max_chars=10)
    assert (
        text == "x" * 10 + "\n... [40 more characters cut; print only the fields or items you need]"
    )


def test_values_render_strings_verbatim_and_data_pretty() -> None:
    assert render_value("a\nb") == "a\nb"
    assert render_value({"errors": [], "count": 0}) == "{'errors': [], 'count': 0}"


def test_conversation_alternates_assistant_and_tool() -> None:
    steps = [
        Step(code="print(1)", result="1"),
        Step(code=None, raw="<tool_call>oops", result="Error: bad"),
    ]
    messages = render_conversation(system="S", question="Q", steps=steps, answer="A")
    assert [m.role for m in messages] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "tool",
        "assistant",
    ]
    assert messages[2].content == render_tool_call("print(1)")
    assert messages[4].content == "<tool_call>oops"
    assert messages[-1] == Message(role="assistant", content="A")


def test_training_record_is_an_mlx_lm_messages_row() -> None:
    messages = render_conversation(system="S", question="Q", steps=[], answer="A")
    row = json.loads(training_record(messages))
    assert row == {
        "messages": [
            {"role": "system", "content": "S"},
            {"role": "user", "content": "Q"},
            {"role": "assistant", "content": "A"},
        ]
    }


def test_outcome_from_a_sandbox_run() -> None:
    from sandbox import RunResult, SnippetError

    ok = outcome_from_run(RunResult(ok=True, value={"n": 1}, stdout="hi\n"))
    assert render_tool_result(ok) == "hi\n{'n': 1}"
    failed = outcome_from_run(
        RunResult(
            ok=False,
            stdout="partial\n",
            error=SnippetError(
                kind="runtime",
                message="line 2: KeyError: 'x'",
                line=2,
                traceback="line 2, in the snippet: d['x']",
            ),
        )
    )
    assert (
        render_tool_result(failed)
        == "partial\nError: line 2: KeyError: 'x'\nline 2, in the snippet: d['x']"
    )


def test_outcome_from_the_pre_run_check() -> None:
    from sandbox import PrecheckIssue

    outcome = outcome_from_precheck(
        [
            PrecheckIssue(
                line=1,
                message="no bridge 'typechek'; did you mean 'typecheck'?",
                code="unknown_function",
            )
        ]
    )
    assert render_tool_result(outcome) == (
        "Error: the snippet was not run; fix these first:\nline 1: no bridge 'typechek'; did you mean 'typecheck'?"
    )


def test_pre_run_check_messages_name_the_line_once() -> None:
    from sandbox import precheck
    from tests.runtime.runtime_fakes import typecheck

    source = 'x = 1\ntypecheck(pth="src")\ndef (:'
    for snippet in (source.rsplit("\n", 1)[0], source):
        text = render_tool_result(outcome_from_precheck(precheck(snippet, [typecheck])))
        assert "line 2: line 2" not in text and "line 3: SyntaxError" not in text
        assert text.count("line ") == len(text.splitlines()) - 1, text


def test_system_prompt_for_host_functions_matches_the_agent() -> None:
    from runtime import Agent, ScriptedModel
    from runtime.template import system_prompt_for
    from sandbox import render_stubs
    from tests.runtime.runtime_fakes import typecheck

    prompt = system_prompt_for([typecheck])
    assert prompt == render_system_prompt(render_stubs([typecheck]))
    assert "def typecheck(*, path: str) -> Report:" in prompt
    agent = Agent(model=ScriptedModel([]), host_functions=[typecheck], record_traces=False)
    assert agent.system_prompt == prompt
    agent.close()
