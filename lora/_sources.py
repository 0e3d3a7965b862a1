"""Where training conversations come from: bridge examples, recorded traces, no-tool questions.

Bridge examples are *sources*: they say what to ask and what to write, and are turned into rows
only by running them (``lora._run``). Traces and no-tool questions are already conversations:
they become ``Row`` records directly, with the profile's system prompt.
"""

from __future__ import annotations

import ast
import json
import textwrap
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lora._dataset_errors import DatasetConfigError, DatasetError
from runtime import Message, TraceError, TraceStore, conversation_from_trace, extract

__all__ = [
    "NO_TOOL_FILE",
    "ExampleSource",
    "Row",
    "called_bridges",
    "examples_from_registry",
    "no_tool_rows",
    "normalise_snippet",
    "trace_rows",
]

NO_TOOL_FILE = Path(__file__).resolve().parent / "data" / "no_tool.toml"
"""Questions that need no tool, with their answers (``kind`` is ``direct`` or ``irrelevant``)."""


@dataclass(frozen=True)
class ExampleSource:
    """One bridge example, ready to run: its owner, tags and normalised snippets."""

    id: str
    bridge: str
    """The bridge whose record ships the example (what balancing counts it under)."""
    categories: tuple[str, ...]
    request: str
    snippets: tuple[str, ...]
    steps: tuple[Any, ...]
    """The ``bridges.ExampleStep`` records (expectations), in order."""
    answer: str
    calls: frozenset[str]
    """Every bridge name the snippets call."""


@dataclass(frozen=True)
class Row:
    """One rendered conversation with what the card counts it by."""

    id: str
    origin: str
    """``example``, ``trace`` or ``no_tool``."""
    bridge: str
    """The owning (or first-called) bridge; ``none`` for a no-tool row."""
    categories: tuple[str, ...]
    request: str
    snippets: tuple[str, ...]
    messages: tuple[Message, ...]

    def record(self) -> dict[str, Any]:
        """The mlx-lm chat row."""
        return {"messages": [m.model_dump() for m in self.messages]}


def normalise_snippet(snippet: str) -> str:
    """Dedent, expand tabs, strip trailing spaces and blank edge lines: one way to write it."""
    lines = textwrap.dedent(snippet.expandtabs(4)).splitlines()
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def called_bridges(snippets: Iterable[str], names: Iterable[str]) -> frozenset[str]:
    """The names among ``names`` that the snippets call (``name(...)``)."""
    known = set(names)
    found: set[str] = set()
    for snippet in snippets:
        try:
            tree = ast.parse(snippet)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in known
            ):
                found.add(node.func.id)
    return frozenset(found)


def _derived_categories(example: Any) -> tuple[str, ...]:
    steps = tuple(example.steps)
    tags = ["multi_turn" if len(steps) > 1 else "single"]
    if any(not getattr(step, "expect_ok", True) for step in steps):
        tags.append("error")
    return tuple(tags)


def examples_from_registry(
    records: Sequence[Any] | None = None,
    *,
    extra: Sequence[tuple[str, Any]] = (),
) -> list[ExampleSource]:
    """Every example of every bridge record (``bridges.registry()`` by default), plus ``extra``
    ``(owner bridge, example)`` pairs.

    Uses the example's ``id`` and ``categories`` when it has them; otherwise the id is
    ``<bridge>-<index>`` (``extra-<index>`` for ``extra``) and the categories follow from the
    steps (single / multi_turn, error).
    """
    if records is None:
        from bridges import registry

        records = registry()
    names = [record.name for record in records]
    pairs: list[tuple[str, str, Any]] = [
        (record.name, f"{record.name}-{index}", example)
        for record in records
        for index, example in enumerate(record.examples)
    ]
    pairs += [(owner, f"extra-{index}", example) for index, (owner, example) in enumerate(extra)]
    sources = []
    for owner, fallback_id, example in pairs:
        snippets = tuple(normalise_snippet(step.snippet) for step in example.steps)
        sources.append(
            ExampleSource(
                id=getattr(example, "id", "") or fallback_id,
                bridge=owner,
                categories=tuple(
                    getattr(example, "categories", ()) or _derived_categories(example)
                ),
                request=example.request.strip(),
                snippets=snippets,
                steps=tuple(example.steps),
                answer=example.answer.strip(),
                calls=called_bridges(snippets, [*names, owner]),
            )
        )
    return sources


def _replace_system(messages: Sequence[Message], system: str) -> tuple[Message, ...]:
    rest = [m for m in messages if m.role != "system"]
    return (Message(role="system", content=system), *rest)


def _trace_conversations(path: Path, outcome: str | None) -> list[tuple[str, list[Message]]]:
    """(id, messages) from a trace folder (filtered by ``outcome``) or an exported JSONL file."""
    if path.is_dir():
        try:
            traces = TraceStore(path).select(outcome=outcome)
        except TraceError as error:
            raise DatasetError(f"cannot read the traces in {path}: {error}") from error
        return [(f"trace-{t.trace_id}", conversation_from_trace(t)) for t in traces]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise DatasetConfigError(
            f"--traces {path}: {error.strerror or error}; give a trace folder or a file written "
            "by 'punie traces export'"
        ) from None
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            messages = [Message.model_validate(m) for m in data["messages"]]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise DatasetConfigError(
                f"{path} line {number} is not an exported trace row ({type(error).__name__}); "
                "write the file with 'punie traces export' (the default messages format)"
            ) from None
        found.append((f"trace-{path.stem}-{number}", messages))
    return found


def trace_rows(
    path: Path,
    *,
    system: str,
    offered: Iterable[str],
    every_bridge: Iterable[str],
    outcome: str | None = "success",
) -> tuple[list[Row], list[tuple[str, str]]]:
    """Rows from recorded runs, with the profile's system prompt; and (id, reason) refusals.

    A trace's tool messages are the real results of its run (rendered by the runtime when it
    happened); only the system message is replaced, so the row teaches the profile's prompt. A
    trace that calls a bridge the profile does not offer, or that ends without an answer, is left
    out.
    """
    allowed = set(offered)
    rows: list[Row] = []
    dropped: list[tuple[str, str]] = []
    for trace_id, messages in _trace_conversations(path, outcome):
        user = next((m.content for m in messages if m.role == "user"), "")
        if not messages or messages[-1].role != "assistant" or not user:
            dropped.append((trace_id, "the run has no question or no final answer"))
            continue
        snippets = []
        for message in messages:
            if message.role == "assistant":
                found = extract(message.content)
                if found.kind == "tool_call":
                    snippets.append(normalise_snippet(found.code))
        calls = called_bridges(snippets, every_bridge)
        outside = sorted(calls - allowed)
        if outside:
            dropped.append(
                (trace_id, f"calls {', '.join(outside)}, which the profile does not offer")
            )
            continue
        first = next(iter(sorted(calls)), "none")
        tags = ["trace", "multi_turn" if len(snippets) > 1 else "single"]
        rows.append(
            Row(
                id=trace_id,
                origin="trace",
                bridge=first,
                categories=tuple(tags),
                request=user.strip(),
                snippets=tuple(snippets),
                messages=_replace_system(messages, system),
            )
        )
    return rows, dropped


def no_tool_rows(*, system: str, path: Path = NO_TOOL_FILE) -> list[Row]:
    """One row per question of the no-tool data file: system, user, the direct answer."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DatasetConfigError(f"cannot read the no-tool questions {path}: {error}") from None
    rows = []
    for index, item in enumerate(data.get("questions", []), start=1):
        try:
            kind, question, answer = item["kind"], item["question"], item["answer"]
        except (KeyError, TypeError):
            raise DatasetConfigError(
                f"{path}: question {index} needs kind, question and answer"
            ) from None
        if kind not in ("direct", "irrelevant"):
            raise DatasetConfigError(
                f"{path}: question {index} has kind {kind!r}; use 'direct' or 'irrelevant'"
            )
        rows.append(
            Row(
                id=f"no_tool-{index}",
                origin="no_tool",
                bridge="none",
                categories=("direct_answer" if kind == "direct" else "irrelevance",),
                request=question.strip(),
                snippets=(),
                messages=(
                    Message(role="system", content=system),
                    Message(role="user", content=question.strip()),
                    Message(role="assistant", content=answer.strip()),
                ),
            )
        )
    return rows
