"""Prose before a tool call (the preamble) stays in the assistant message, at inference and in
training data, byte for byte (issue 12, section 6).

The older conversation test compared ``render_conversation``'s assistant message with
``render_tool_call`` of the same code, a function with itself, and used no preamble: dropping
the preamble in ``assistant_content`` (so in both the model's next request and every training
row) went unnoticed. Each test here compares with fixed text written out in full.
"""

from __future__ import annotations

from pathlib import Path

from runtime import Agent, Message, ScriptedModel, TraceStore, conversation_from_trace
from runtime.template import Step, render_conversation, training_record
from tests.runtime.runtime_fakes import typecheck

PREAMBLE = "I will run the type checker on src first."
CALL = (
    "<tool_call>\n<function=execute_code>\n<parameter=code>\n"
    'print(typecheck(path="src").error_count)\n'
    "</parameter>\n</function>\n</tool_call>"
)
ASSISTANT = (
    "I will run the type checker on src first.\n"
    "<tool_call>\n"
    "<function=execute_code>\n"
    "<parameter=code>\n"
    'print(typecheck(path="src").error_count)\n'
    "</parameter>\n"
    "</function>\n"
    "</tool_call>"
)


def test_the_rendered_conversation_keeps_the_preamble() -> None:
    steps = [Step(code='print(typecheck(path="src").error_count)', preamble=PREAMBLE, result="2")]
    messages = render_conversation(system="S", question="Q", steps=steps, answer="Two.")
    assert messages == [
        Message(role="system", content="S"),
        Message(role="user", content="Q"),
        Message(role="assistant", content=ASSISTANT),
        Message(role="tool", content="2"),
        Message(role="assistant", content="Two."),
    ]
    assert training_record(messages) == (
        '{"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Q"}, '
        '{"role": "assistant", "content": "I will run the type checker on src first.\\n'
        "<tool_call>\\n<function=execute_code>\\n<parameter=code>\\n"
        'print(typecheck(path=\\"src\\").error_count)\\n</parameter>\\n</function>\\n'
        '</tool_call>"}, {"role": "tool", "content": "2"}, '
        '{"role": "assistant", "content": "Two."}]}'
    )


def test_the_next_request_and_the_training_row_keep_the_preamble(punie_data_dir: Path) -> None:
    """Inference (what the model is sent next) and training (the row built from the trace)."""
    model = ScriptedModel([f"{PREAMBLE}\n\n{CALL}", "Two errors."])
    with Agent(model=model, host_functions=[typecheck]) as agent:
        result = agent.ask("How many type errors are there in src?")
    assert (result.outcome, result.answer) == ("success", "Two errors.")
    sent = [(m.role, m.content) for m in model.requests[-1] if m.role != "system"]
    assert sent == [
        ("user", "How many type errors are there in src?"),
        ("assistant", ASSISTANT),
        ("tool", "2"),
    ]
    (trace,) = TraceStore(punie_data_dir / "traces").all()
    rendered = [(m.role, m.content) for m in conversation_from_trace(trace)[1:]]
    assert rendered == [*sent, ("assistant", "Two errors.")]
