"""punie's run events as ACP session updates: what the editor shows while the agent works.

One ``RunUpdates`` per run turns the loop's typed events (``runtime._events``) into the updates of
the Agent Client Protocol, in order:

- the model's prose before a snippet → an agent message chunk (and a plan, when it is a list);
- each snippet → a tool call of kind ``execute`` showing the code, then its update with the text
  the model read back (``completed`` or ``failed``);
- a reply punie could not use → a thought chunk saying why (the model is told and tries again);
- the end of the run → the final answer as a message chunk, or why there is none.

Bridge calls inside a snippet are streamed live by the observed host functions
(``runtime.acp._observe``), each its own tool call with its arguments and a short result; when a
run is replayed from its trace (``session/load``), they come from its ``bridge_called`` events
instead, without the result a trace does not keep. Pure: no I/O, so live runs and replays share it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from acp import (
    plan_entry,
    start_tool_call,
    text_block,
    tool_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_plan,
    update_tool_call,
    update_user_message_text,
)
from acp.schema import (
    AgentMessageChunk,
    AgentPlanUpdate,
    AgentThoughtChunk,
    ToolCallProgress,
    ToolCallStart,
    ToolKind,
    UserMessageChunk,
)
from pydantic import BaseModel

from runtime._events import (
    BridgeCalled,
    Event,
    ModelResponse,
    ReplyRejected,
    RunFinished,
    RunStarted,
    SnippetChecked,
    SnippetExecuted,
    TurnFinished,
)
from runtime._extract import extract
from runtime.template import render_tool_result

__all__ = [
    "SHORT_RESULT_CHARS",
    "RunUpdates",
    "SessionUpdate",
    "bridge_finished",
    "bridge_started",
    "bridge_title",
    "bridge_tool_kind",
    "plan_items",
    "short_text",
]

SessionUpdate = (
    UserMessageChunk
    | AgentMessageChunk
    | AgentThoughtChunk
    | ToolCallStart
    | ToolCallProgress
    | AgentPlanUpdate
)
"""The updates this agent sends (``session/update``)."""

SHORT_RESULT_CHARS = 300
"""A bridge call's result as shown in the editor: enough to see what came back, not the whole of
a report that can be megabytes (the model reads what the snippet prints, not this)."""

_ARGUMENT_CHARS = 60
"""One argument's value in a tool call's title."""

_KINDS: dict[str, ToolKind] = {
    "read_file": "read",
    "hover": "read",
    "write_file": "edit",
    "ruff_format": "edit",
    "cst_rename": "edit",
    "cst_add_import": "edit",
    "list_files": "search",
    "grep": "search",
    "cst_find_pattern": "search",
    "goto_definition": "search",
    "find_references": "search",
    "document_symbols": "search",
    "workspace_symbols": "search",
    "pytest_run": "execute",
}
"""Icons for the editor; every other bridge (type checker, linter, git, validators) is 'other'."""

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*])\s+(?P<item>\S.*)$")

_STOPPED = {
    "max_turns": "the model wrote {turns} replies, the most it may write for one question "
    "(max_turns), without answering; ask a narrower question or raise max_turns in the "
    "workspace's [tool.punie]",
    "time_limit": "the question took longer than its time limit (max_time_s); ask a narrower "
    "question or raise max_time_s in the workspace's [tool.punie]",
    "token_limit": "the run used more tokens than its limit (max_tokens); ask a narrower question "
    "or raise max_tokens in the workspace's [tool.punie]",
}


def short_text(text: str, limit: int = SHORT_RESULT_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def _short_value(value: Any) -> str:
    if isinstance(value, BaseModel):
        return short_text(f"{type(value).__name__} {value.model_dump_json()}")
    try:
        return short_text(json.dumps(value, default=repr))
    except (TypeError, ValueError):
        return short_text(repr(value))


def bridge_tool_kind(name: str) -> ToolKind:
    return _KINDS.get(name, "other")


def bridge_title(name: str, arguments: Mapping[str, Any]) -> str:
    """``ruff_check(path='shop', select=['E'])``, each value cut short."""
    shown = ", ".join(
        f"{key}={short_text(repr(value), _ARGUMENT_CHARS)}" for key, value in arguments.items()
    )
    return f"{name}({shown})"


def _bounded(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments for ``rawInput``: long strings (a whole file for write_file) cut."""
    return {
        key: short_text(value, 2000) if isinstance(value, str) else value
        for key, value in arguments.items()
    }


def bridge_started(
    call_id: str, name: str, arguments: Mapping[str, Any], *, pending: bool = False
) -> ToolCallStart:
    """A bridge call as its own tool call: its name, kind and arguments (``pending`` while a
    write waits for the person's permission)."""
    return start_tool_call(
        call_id,
        bridge_title(name, arguments),
        kind=bridge_tool_kind(name),
        status="pending" if pending else "in_progress",
        raw_input=_bounded(arguments),
    )


def bridge_finished(
    call_id: str, *, ok: bool, result: Any = None, error: str | None = None
) -> ToolCallProgress:
    """The end of a bridge call: a short result, or the error the snippet saw."""
    text = _short_value(result) if ok else f"Error: {error or 'the call failed'}"
    return update_tool_call(
        call_id,
        status="completed" if ok else "failed",
        content=[tool_content(text_block(text))],
        raw_output={"ok": ok, "result": text} if ok else {"ok": False, "error": error},
    )


def plan_items(prose: str) -> list[str]:
    """The items of a list the model wrote ("1. ...", "- ..."); a plan needs at least two."""
    items = [m.group("item").strip() for m in map(_LIST_ITEM.match, prose.splitlines()) if m]
    return items if len(items) >= 2 else []


def _code_block(code: str) -> str:
    return f"```python\n{code}\n```"


class RunUpdates:
    """Translates the events of one run into session updates (``updates(event)``).

    ``live``: bridge calls are streamed by the observed host functions, so ``bridge_called``
    events add nothing; in a replay they become tool calls. ``interrupted`` is set by the session
    when a cancel stopped the running snippet, so its tool call says so instead of showing the
    crash of the killed worker.
    """

    def __init__(self, *, live: bool) -> None:
        self.live = live
        self.interrupted = False
        self.run_id = ""
        self.snippet_id: str | None = None
        """The tool call id of the snippet being checked or run (bridge calls nest under it)."""
        self._calls = 0
        self._done: set[str] = set()
        self._running: SnippetChecked | None = None
        """The snippet that started and has not ended (until ``snippet_executed``)."""
        self._plan: list[str] = []

    def next_bridge_id(self) -> str:
        """A fresh tool call id for a bridge call of the current snippet."""
        self._calls += 1
        return f"{self.snippet_id or self.run_id}/{self._calls}"

    def updates(self, event: Event) -> list[SessionUpdate]:
        if isinstance(event, RunStarted):
            self.run_id = event.run_id
            return [] if self.live else [update_user_message_text(event.question)]
        if isinstance(event, ModelResponse):
            return self._response(event)
        if isinstance(event, ReplyRejected):
            return [
                update_agent_thought_text(
                    f"punie could not use that reply ({event.problem}); the model was told and "
                    "tries again.\n"
                )
            ]
        if isinstance(event, SnippetChecked):
            return self._checked(event)
        if isinstance(event, SnippetExecuted):
            return self._executed(event)
        if isinstance(event, BridgeCalled):
            return [] if self.live else self._replayed_call(event)
        if isinstance(event, TurnFinished):
            return self._turn_finished(event)
        if isinstance(event, RunFinished):
            return self._finished(event)
        return []

    def _response(self, event: ModelResponse) -> list[SessionUpdate]:
        extraction = extract(event.text)
        if extraction.kind != "tool_call" or not extraction.preamble.strip():
            return []  # an answer is sent when the run ends with it; a bad reply is rejected
        prose = extraction.preamble.strip()
        updates: list[SessionUpdate] = [update_agent_message_text(prose + "\n\n")]
        items = plan_items(prose)
        if items:
            self._plan = items
            updates.append(self._plan_update(done=False))
        return updates

    def _plan_update(self, *, done: bool) -> AgentPlanUpdate:
        return update_plan(
            plan_entry(
                item,
                status="completed" if done else "in_progress" if index == 0 else "pending",
            )
            for index, item in enumerate(self._plan)
        )

    def _checked(self, event: SnippetChecked) -> list[SessionUpdate]:
        self.snippet_id = f"{event.run_id}/{event.turn}"
        self._calls = 0
        self._running = None if event.issues else event
        first = next((line for line in event.code.splitlines() if line.strip()), "")
        return [
            start_tool_call(
                self.snippet_id,
                f"Run Python: {short_text(first.strip(), _ARGUMENT_CHARS)}",
                kind="execute",
                status="in_progress",
                content=[tool_content(text_block(_code_block(event.code)))],
                raw_input={"code": event.code},
            )
        ]

    def _executed(self, event: SnippetExecuted) -> list[SessionUpdate]:
        self._running = None
        outcome = event.outcome
        if self.interrupted and not outcome.ok:
            return [self._stopped(event.run_id, event.turn, event.code, outcome.output)]
        return [
            self._snippet_end(
                f"{event.run_id}/{event.turn}",
                event.code,
                render_tool_result(outcome),
                {
                    "ok": outcome.ok,
                    "output": outcome.output,
                    "value": outcome.value,
                    "error": outcome.error,
                    "error_kind": event.error_kind,
                },
            )
        ]

    def _snippet_end(
        self, call_id: str, code: str, text: str, raw: dict[str, Any]
    ) -> ToolCallProgress:
        self._done.add(call_id)
        return update_tool_call(
            call_id,
            status="completed" if raw["ok"] else "failed",
            content=[tool_content(text_block(_code_block(code))), tool_content(text_block(text))],
            raw_output=raw,
        )

    def _stopped(self, run_id: str, turn: int, code: str, output: str = "") -> ToolCallProgress:
        """A snippet that a cancel stopped (or that a failure of the run left unfinished)."""
        cancelled = self.interrupted
        text = (
            "Stopped: the prompt was cancelled while the snippet ran."
            if cancelled
            else "Stopped: the run failed while the snippet ran."
        )
        return self._snippet_end(
            f"{run_id}/{turn}",
            code,
            text,
            {
                "ok": False,
                "output": output,
                "value": None,
                "error": text,
                "error_kind": "cancelled" if cancelled else "error",
            },
        )

    def _replayed_call(self, event: BridgeCalled) -> list[SessionUpdate]:
        call_id = self.next_bridge_id()
        return [
            bridge_started(call_id, event.name, event.arguments),
            bridge_finished(call_id, ok=event.ok, error=event.error),
        ]

    def _turn_finished(self, event: TurnFinished) -> list[SessionUpdate]:
        call_id = f"{event.run_id}/{event.turn}"
        if event.step.code is None or call_id in self._done:
            return []
        return [  # refused by the pre-run check: it never ran
            self._snippet_end(
                call_id,
                event.step.code,
                event.step.result,
                {"ok": False, "error": event.step.result, "error_kind": "precheck"},
            )
        ]

    def _finished(self, event: RunFinished) -> list[SessionUpdate]:
        running, self._running = self._running, None
        if running is not None:  # the run ended inside the snippet (a cancel killed its worker)
            stopped = [self._stopped(running.run_id, running.turn, running.code)]
            if self.interrupted:
                return stopped
            return [*stopped, *self._finished(event)]
        if event.outcome == "success":
            updates: list[SessionUpdate] = []
            if self._plan:
                updates.append(self._plan_update(done=True))
            updates.append(update_agent_message_text(event.answer or ""))
            return updates
        if event.outcome == "cancelled":
            return []
        if event.outcome == "error":
            reason = f"the run failed: {event.error or 'no message'}"
        else:
            reason = _STOPPED[event.outcome].format(turns=event.turns)
        return [update_agent_message_text(f"punie stopped without an answer: {reason}.")]
