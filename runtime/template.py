"""The one prompt template: everything the model reads and writes, rendered in one place.

The seed system lost 60 accuracy points because training data and inference disagreed about the
wrapping of the same conversation. Here, inference (the agent loop) and training (the LoRA
pipeline) call the same pure functions:

- ``render_system_prompt(stubs)`` / ``system_prompt_for(host_functions)``: the bridge stubs plus
  short usage rules;
- ``render_tool_call(code)``: the assistant's tool call in Qwen3-Coder's XML form;
- ``render_tool_result(outcome)``: a snippet's outcome exactly as the model sees it;
- ``render_conversation(...)``: the whole chat (system, user, assistant/tool pairs, answer).

The chat messages are plain ``{"role", "content"}`` records; turning them into tokens is the job of
the model's own chat template (in mlx-lm in-process, or inside an OpenAI-compatible server), which
is the same template mlx-lm applies to ``{"messages": [...]}`` training rows.
"""

from __future__ import annotations

import json
import pprint
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sandbox import HostFunction, PrecheckIssue, RunResult, render_stubs

__all__ = [
    "TOOL_NAME",
    "USAGE_RULES",
    "Message",
    "SnippetOutcome",
    "Step",
    "assistant_content",
    "outcome_from_precheck",
    "outcome_from_run",
    "render_conversation",
    "render_system_prompt",
    "render_tool_call",
    "render_tool_result",
    "render_value",
    "system_prompt_for",
    "training_record",
]

TOOL_NAME = "execute_code"
"""The single tool the model calls; its one parameter ``code`` is the Python snippet."""

MAX_RESULT_CHARS = 4000
"""Longer tool results are cut (and say so), so one chatty snippet cannot flood the context."""

USAGE_RULES = """\
You are punie, a coding assistant. You answer questions about the user's Python workspace by
writing short Python snippets that call the typed functions below. Rules:
- To run code, reply with exactly one tool call:
<tool_call>
<function=execute_code>
<parameter=code>
print(typecheck(path="src").error_count)
</parameter>
</function>
</tool_call>
- Call functions with keyword arguments only. Imports are not available; the functions below are.
- Print only what you need, or end with an expression: its value is shown to you.
- You see the printed output, the value of the last expression, or the error. Fix errors and retry.
- When you know the answer, reply in plain text without a tool call. Answer directly, without a
  tool call, when the question does not need the workspace."""

Role = Literal["system", "user", "assistant", "tool"]


class Message(BaseModel):
    """One chat message, in the shape every chat template and OpenAI-compatible server accepts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    content: str


class SnippetOutcome(BaseModel):
    """What running (or refusing to run) one snippet produced, before rendering.

    Independent of the sandbox's own result type so that templates, traces and training data do
    not change when the sandbox does; the loop converts a sandbox result into this.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ok: bool
    """False when the snippet was refused (pre-run check, policy) or failed while running."""
    output: str = ""
    """Everything the snippet printed."""
    value: str | None = None
    """The value of the last expression, already rendered with ``render_value`` (None: no value)."""
    error: str | None = None
    """The error message written for the model (kind, line, what to do)."""


class Step(BaseModel):
    """One non-final assistant turn and the tool message that answered it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str | None
    """The snippet the model wrote; None when its reply held no readable tool call."""
    preamble: str = ""
    """Prose the model wrote before its tool call (kept, so the conversation is faithful)."""
    raw: str = ""
    """The model's raw reply; only used as the assistant message when ``code`` is None."""
    result: str
    """The tool message: ``render_tool_result(outcome)`` or the feedback on a malformed reply."""


def render_system_prompt(stubs: str, *, rules: str = USAGE_RULES) -> str:
    """System prompt = usage rules + the stubs of the functions the snippet may call."""
    stubs = stubs.strip()
    if not stubs:
        return rules + "\n\nNo functions are available in this session; answer directly."
    return f"{rules}\n\nFunctions available in the snippet:\n\n```python\n{stubs}\n```"


def system_prompt_for(
    host_functions: Sequence[HostFunction | Callable[..., Any]],
    *,
    rules: str = USAGE_RULES,
    style: Literal["full", "compact"] = "full",
) -> str:
    """The system prompt for a set of host functions, exactly as ``Agent`` builds it.

    ``style`` is the stub style (``sandbox.render_stubs``): ``"compact"`` keeps signatures, field
    names and first docstring paragraphs, for small models (see ``runtime.profiles``).
    """
    return render_system_prompt(render_stubs(host_functions, style=style), rules=rules)


def render_tool_call(code: str, *, preamble: str = "") -> str:
    """The assistant message for a tool call, in the canonical Qwen3-Coder XML form.

    Whatever form the model used (XML, JSON in tags, a fenced block), the conversation history and
    the training data always hold this one form.
    """
    body = (
        f"<tool_call>\n<function={TOOL_NAME}>\n<parameter=code>\n"
        f"{code.strip(chr(10))}\n</parameter>\n</function>\n</tool_call>"
    )
    preamble = preamble.strip()
    return f"{preamble}\n{body}" if preamble else body


def render_value(value: Any) -> str:
    """Render a last-expression value the way the model reads it (strings verbatim, data pretty)."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return pprint.pformat(value, width=100, sort_dicts=False)


def outcome_from_run(result: RunResult) -> SnippetOutcome:
    """What the model is shown for a sandbox run (the LoRA pipeline renders examples with this)."""
    error = result.error
    if result.ok or error is None:
        value = None if result.value is None else render_value(result.value)
        return SnippetOutcome(ok=True, output=result.stdout, value=value)
    message = error.message
    if error.traceback and error.traceback not in message:
        message = f"{message}\n{error.traceback}"
    return SnippetOutcome(ok=False, output=result.stdout, error=message)


def outcome_from_precheck(issues: Sequence[PrecheckIssue]) -> SnippetOutcome:
    """What the model is shown when the pre-run check refuses a snippet (it did not run)."""
    lines = [
        issue.message
        if f"line {issue.line}" in issue.message
        else f"line {issue.line}: {issue.message}"
        for issue in issues
    ]  # the sandbox's own messages already name the line; never say it twice
    return SnippetOutcome(
        ok=False, error="the snippet was not run; fix these first:\n" + "\n".join(lines)
    )


def render_tool_result(outcome: SnippetOutcome, *, max_chars: int = MAX_RESULT_CHARS) -> str:
    """The tool message for one snippet: printed output, then the last value or the error."""
    parts: list[str] = []
    output = outcome.output.rstrip("\n")
    if output:
        parts.append(output)
    if outcome.ok:
        if outcome.value is not None:
            parts.append(outcome.value)
    else:
        parts.append(f"Error: {outcome.error or 'the snippet failed without a message'}")
    text = "\n".join(parts) if parts else "(no output)"
    if len(text) > max_chars:
        cut = len(text) - max_chars
        text = (
            text[:max_chars]
            + f"\n... [{cut} more characters cut; print only the fields or items you need]"
        )
    return text


def assistant_content(step: Step) -> str:
    """The assistant message of a step: the canonical tool call, or the raw malformed reply."""
    if step.code is None:
        return step.raw
    return render_tool_call(step.code, preamble=step.preamble)


def render_conversation(
    *, system: str, question: str, steps: Sequence[Step], answer: str | None = None
) -> list[Message]:
    """The full chat for one question: used for the next model request and for training rows."""
    messages = [Message(role="system", content=system), Message(role="user", content=question)]
    for step in steps:
        messages.append(Message(role="assistant", content=assistant_content(step)))
        messages.append(Message(role="tool", content=step.result))
    if answer is not None:
        messages.append(Message(role="assistant", content=answer))
    return messages


def training_record(messages: Sequence[Message]) -> str:
    """One mlx-lm ``messages`` JSONL row (no trailing newline) for a rendered conversation."""
    return json.dumps(
        {"messages": [m.model_dump() for m in messages]}, ensure_ascii=False, sort_keys=False
    )
