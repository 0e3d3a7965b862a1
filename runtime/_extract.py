"""Reading a model reply: a tool call (three accepted forms), a final answer, or neither.

Final-answer detection is explicit: a reply is the final answer exactly when it holds no tool
call marker at all (no ``<tool_call>``, no ``<function=``, no fenced python block) and is not
empty. A reply that *tries* to call the tool but cannot be read is ``malformed`` and goes back to
the model with what was wrong — it is never mistaken for an answer, and never crashes the loop.

Accepted tool-call forms, in order:

1. Qwen3-Coder XML: ``<tool_call><function=execute_code><parameter=code>…</parameter>…`` (closing
   tags may be missing when generation stopped at a stop sequence);
2. JSON in tags: ``<tool_call>{"name": "execute_code", "arguments": {"code": "…"}}</tool_call>``;
3. a fenced block: `````python … `````.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from runtime.template import TOOL_NAME

__all__ = ["Extraction", "extract"]

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)
_FUNCTION = re.compile(r"<function=([^>\s]*)>?")
_PARAMETER = re.compile(r"<parameter=([^>\s]*)>?")
_FENCE = re.compile(r"```(?:python|py|python3)[ \t]*\n(.*?)(?:```|$)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What a reply is. ``code`` for tool calls, ``answer`` for final answers, ``problem`` else."""

    kind: Literal["tool_call", "answer", "malformed"]
    code: str = ""
    preamble: str = ""
    form: Literal["xml", "json", "fenced", ""] = ""
    answer: str = ""
    problem: str = ""
    closed: bool = True
    """Whether the code ended with a closing tag or fence. An unclosed call is accepted (servers
    drop the stop sequence ``</tool_call>``), unless generation was cut off by the token limit:
    then the loop refuses to run what may be half a snippet."""


def _malformed(problem: str, preamble: str = "") -> Extraction:
    return Extraction(kind="malformed", problem=problem, preamble=preamble)


def _tool_call(
    code: str, preamble: str, form: Literal["xml", "json", "fenced"], *, closed: bool = True
) -> Extraction:
    code = code.strip("\n")
    if not code.strip():
        return _malformed(
            "the code parameter of execute_code is empty; put the Python snippet inside "
            "<parameter=code> ... </parameter>",
            preamble,
        )
    return Extraction(
        kind="tool_call", code=code, preamble=preamble.strip(), form=form, closed=closed
    )


def _read_xml(body: str, preamble: str, *, closed_outside: bool = False) -> Extraction:
    function = _FUNCTION.search(body)
    if function is None:
        return _malformed(
            f"the tool call has no <function=...> tag; write <function={TOOL_NAME}> inside "
            "<tool_call>",
            preamble,
        )
    if function.group(1) != TOOL_NAME:
        return _malformed(
            f"there is no tool named {function.group(1)!r}; the only tool is {TOOL_NAME}, and "
            "the functions listed in the system prompt are called from inside its code",
            preamble,
        )
    rest = body[function.end() :]
    parameter = _PARAMETER.search(rest)
    if parameter is None or parameter.group(1) != "code":
        return _malformed(
            f"{TOOL_NAME} takes one parameter, code: write <parameter=code> your snippet "
            "</parameter>",
            preamble,
        )
    code = rest[parameter.end() :]
    closed = closed_outside
    for closing in ("</parameter>", "</function>", "</tool_call>"):
        index = code.find(closing)
        if index != -1:
            code = code[:index]
            closed = True
            break
    return _tool_call(code, preamble, "xml", closed=closed)


def _read_json(body: str, preamble: str) -> Extraction:
    text = body.strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _malformed(
            f"the tool call is not valid JSON ({error.msg} at character {error.pos}); use "
            f"<function={TOOL_NAME}><parameter=code>...</parameter></function> instead",
            preamble,
        )
    if not isinstance(data, dict):
        return _malformed("the tool call JSON must be an object with name and arguments", preamble)
    name = data.get("name")
    if name != TOOL_NAME:
        return _malformed(
            f"there is no tool named {name!r}; the only tool is {TOOL_NAME}", preamble
        )
    arguments = data.get("arguments", data.get("parameters"))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError:
            arguments = None
    if not isinstance(arguments, dict) or not isinstance(arguments.get("code"), str):
        return _malformed(
            f'{TOOL_NAME} needs "arguments": {{"code": "..."}} with the snippet as a string',
            preamble,
        )
    return _tool_call(arguments["code"], preamble, "json")


def extract(reply: str) -> Extraction:
    """Classify one model reply; never raises."""
    text = _THINK.sub("", reply)
    start = text.find("<tool_call>")
    if start != -1:
        preamble = text[:start]
        body = text[start + len("<tool_call>") :]
        end = body.find("</tool_call>")
        if end != -1:
            body = body[:end]
        if body.lstrip().startswith("{"):
            return _read_json(body, preamble)
        return _read_xml(body, preamble, closed_outside=end != -1)
    function = text.find("<function=")
    if function != -1:
        return _read_xml(text[function:], text[:function])
    fence = _FENCE.search(text)
    if fence is not None:
        closed = fence.group(0).endswith("```")
        return _tool_call(fence.group(1), text[: fence.start()], "fenced", closed=closed)
    answer = text.strip()
    if not answer:
        return _malformed(
            "the reply was empty; either call execute_code with a snippet or answer in plain text"
        )
    return Extraction(kind="answer", answer=answer)
