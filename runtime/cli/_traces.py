"""``punie traces list | show ID | export``: review recorded runs, feed the LoRA dataset builder.

``export`` writes one JSON line per trace: by default an mlx-lm ``{"messages": [...]}`` training
row rendered through the runtime's one template (``--format events`` gives the raw events).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["OUTCOMES", "parse_since", "positive_int", "register"]

OUTCOMES = ("success", "max_turns", "time_limit", "token_limit", "cancelled", "error", "incomplete")
"""A run's outcome (``runtime.Outcome``), or ``incomplete`` for a trace whose run never finished."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "traces",
        help="list, show and export recorded agent traces",
        description="Recorded agent runs under $PUNIE_DATA_DIR/traces "
        "(default ~/.local/share/punie/traces).",
    )
    parser.add_argument("--dir", type=Path, help="trace directory (default: the data dir's)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="one line per trace, newest last")
    listing.add_argument(
        "--limit", type=positive_int, default=50, help="show the last N (default 50)"
    )
    show = actions.add_parser("show", help="one trace, turn by turn")
    show.add_argument("trace_id", help="trace id or a unique prefix of it")
    show.add_argument("--json", action="store_true", help="print the raw JSONL file")
    export = actions.add_parser("export", help="JSONL for training (mlx-lm messages rows)")
    export.add_argument("--since", type=parse_since, help="ISO date or time (UTC if no zone)")
    export.add_argument(
        "--outcome",
        choices=OUTCOMES,
        metavar="OUTCOME",
        help=f"only traces with this outcome: {', '.join(OUTCOMES)}",
    )
    export.add_argument("--format", choices=["messages", "events"], default="messages")
    export.add_argument("--output", type=Path, help="write here instead of stdout")
    parser.set_defaults(handler=run)


def parse_since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or time; write e.g. 2026-11-28 or 2026-11-28T09:30"
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return number


def run(arguments: argparse.Namespace) -> int:
    from runtime import TraceError, TraceStore
    from runtime.cli._display import error_text, make_console

    store = TraceStore(arguments.dir)
    console = make_console()
    try:
        if arguments.action == "list":
            return _list(store, console, arguments.limit)
        if arguments.action == "show":
            return _show(store, console, arguments.trace_id, arguments.json)
        return _export(store, arguments)
    except TraceError as error:
        make_console(stderr=True).print(error_text(f"{error}"))
        return 1


def _list(store: Any, console: Any, limit: int) -> int:
    from rich.table import Column, Table
    from rich.text import Text

    traces = list(store.all())[-limit:]
    if not traces:
        console.print(Text(f"no traces in {store.directory}"))
        return 0
    table = Table(
        Column("id", no_wrap=True),
        Column("created (UTC)", no_wrap=True),
        "outcome",
        "turns",
        "question",
    )
    for trace in traces:
        question = trace.question if len(trace.question) <= 60 else trace.question[:57] + "..."
        table.add_row(  # Text: a question like "what is [tool.punie]?" is not markup
            Text(trace.trace_id),
            trace.created.strftime("%Y-%m-%d %H:%M:%S"),
            trace.outcome,
            str(trace.turns),
            Text(question),
        )
    console.print(table)
    return 0


def _show(store: Any, console: Any, trace_id: str, raw: bool) -> int:
    from rich.text import Text

    from runtime.cli._display import TurnPrinter

    trace = store.load(trace_id)
    if raw:
        sys.stdout.write(trace.path.read_text(encoding="utf-8"))
        return 0
    console.print(Text(f"question: {trace.question}"))
    printer = TurnPrinter(console)
    for event in trace.events:
        printer(event)
    if trace.outcome == "incomplete":
        console.print(Text("the run did not finish (the process ended first)", "yellow"))
    return 0


def _export(store: Any, arguments: argparse.Namespace) -> int:
    from rich.console import Console

    from runtime import TraceError, conversation_from_trace
    from runtime.template import training_record

    traces = store.select(since=arguments.since, outcome=arguments.outcome)
    lines = []
    empty = 0
    for trace in traces:
        if arguments.format == "events":
            lines.extend(event.model_dump_json() for event in trace.events)
            continue
        messages = conversation_from_trace(trace)
        if not any(message.role == "assistant" for message in messages):
            empty += 1  # the model never replied: nothing in it to train on
            continue
        lines.append(training_record(messages))
    if empty:
        Console(stderr=True).print(
            f"left out {empty} trace(s) in which the model never replied (nothing to train on)"
        )
    text = "".join(line + "\n" for line in lines)
    if arguments.output is not None:
        try:
            arguments.output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise TraceError(
                f"cannot write the export to {arguments.output}: {error.strerror or error}; "
                "choose a writable file, or leave out --output to print to stdout"
            ) from error
    else:
        sys.stdout.write(text)
    return 0
