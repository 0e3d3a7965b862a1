"""Reading model replies: three tool-call forms, explicit answers, and every malformed case."""

from __future__ import annotations

import json

import pytest

from runtime import extract, render_tool_call


def test_canonical_xml_round_trips() -> None:
    result = extract(render_tool_call("x = 1\nprint(x)"))
    assert (result.kind, result.code, result.form) == ("tool_call", "x = 1\nprint(x)", "xml")


def test_xml_without_closing_tags_after_a_stop_sequence() -> None:
    result = extract("<tool_call>\n<function=execute_code>\n<parameter=code>\nprint(2)\n")
    assert (result.kind, result.code) == ("tool_call", "print(2)")


def test_xml_without_tool_call_wrapper() -> None:
    result = extract(
        "<function=execute_code>\n<parameter=code>\nprint(3)\n</parameter>\n</function>"
    )
    assert result.code == "print(3)"


def test_prose_before_the_call_is_kept_as_preamble() -> None:
    result = extract("I will count them.\n" + render_tool_call("print(4)"))
    assert result.preamble == "I will count them."


def test_json_in_tags() -> None:
    body = json.dumps({"name": "execute_code", "arguments": {"code": "print(5)"}})
    result = extract(f"<tool_call>\n{body}\n</tool_call>")
    assert (result.kind, result.code, result.form) == ("tool_call", "print(5)", "json")


def test_json_with_arguments_as_a_string() -> None:
    body = json.dumps({"name": "execute_code", "arguments": json.dumps({"code": "print(6)"})})
    assert extract(f"<tool_call>{body}</tool_call>").code == "print(6)"


def test_fenced_python_block() -> None:
    result = extract("Let me look:\n```python\nprint(7)\n```\n")
    assert (result.kind, result.code, result.form) == ("tool_call", "print(7)", "fenced")


def test_plain_text_is_the_final_answer() -> None:
    result = extract("  There are 3 errors.  ")
    assert (result.kind, result.answer) == ("answer", "There are 3 errors.")


def test_thinking_is_ignored() -> None:
    result = extract("<think>maybe a tool?</think>No tool needed: 4.")
    assert result.answer == "No tool needed: 4."


@pytest.mark.parametrize(
    ("reply", "fragment"),
    [
        ("", "empty"),
        ("<tool_call>\n<function=typecheck>\n</function></tool_call>", "no tool named 'typecheck'"),
        ("<tool_call>print(1)</tool_call>", "no <function=...> tag"),
        (
            "<tool_call><function=execute_code><parameter=path>x</parameter>",
            "takes one parameter, code",
        ),
        ('<tool_call>{"name": "execute_code", </tool_call>', "not valid JSON"),
        ('<tool_call>{"name": "run", "arguments": {}}</tool_call>', "no tool named 'run'"),
        ('<tool_call>{"name": "execute_code", "arguments": {"src": 1}}</tool_call>', '"code"'),
        ("<tool_call><function=execute_code><parameter=code>\n\n</parameter>", "is empty"),
        ("<tool_call>[1, 2]</tool_call>", "no <function=...> tag"),
    ],
)
def test_malformed_replies_say_what_to_fix(reply: str, fragment: str) -> None:
    result = extract(reply)
    assert result.kind == "malformed"
    assert fragment in result.problem


@pytest.mark.parametrize(
    ("reply", "closed"),
    [
        (render_tool_call("x = 1"), True),
        ("<tool_call>\n<function=execute_code>\n<parameter=code>\nx = 1\n</tool_call>", True),
        ("<tool_call>\n<function=execute_code>\n<parameter=code>\nx = 1\n", False),
        ("<function=execute_code>\n<parameter=code>\nx = 1", False),
        ("```python\nx = 1\n```", True),
        ("```python\nx = 1\n", False),
    ],
)
def test_whether_the_call_was_closed_is_reported(reply: str, closed: bool) -> None:
    extraction = extract(reply)
    assert (extraction.kind, extraction.code, extraction.closed) == ("tool_call", "x = 1", closed)
