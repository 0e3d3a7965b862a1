"""Rich rendering of a run's events, shared by ``punie ask`` and ``punie traces show``."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from runtime import Event

__all__ = ["TurnPrinter", "error_text", "make_console", "run_ended_text"]

_UNBOUNDED = 1_000_000
"""Console width off a terminal: wide enough that no line, panel or table cell is cut or wrapped."""


def make_console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) that leaves piped output whole.

    On a terminal rich wraps to the window, which is what a person wants. Off a terminal it would
    wrap at 80 columns, break errors mid-word, squeeze table cells to "incompl…" and a script
    reading the output would have to undo it: there every line is printed as one line, unstyled
    and without highlighting.
    """
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr)
    return Console(
        stderr=stderr,
        width=_UNBOUNDED,
        soft_wrap=True,
        highlight=False,
        emoji=False,
        color_system=None,
    )


def run_ended_text(outcome: str, error: str | None) -> str:
    """``run ended: OUTCOME[: ERROR]``, saying Ctrl-C plainly rather than "KeyboardInterrupt: "."""
    if outcome == "cancelled" and (error is None or error.startswith("KeyboardInterrupt")):
        return "run ended: cancelled (interrupted with Ctrl-C)"
    detail = error.rstrip(": ") if error else ""
    return f"run ended: {outcome}: {detail}" if detail else f"run ended: {outcome}"


def error_text(message: str) -> Text:
    """``error: MESSAGE`` for stderr. Messages are never read as rich markup: they quote config
    tables (``[tool.punie]``), lists and server answers, which markup would eat."""
    return Text.assemble(("error:", "red"), " ", message)


class TurnPrinter:
    """An event subscriber that prints each turn (snippet, result) and the answer."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.ended = False
        """Whether a run's last line ("run ended: ...", with its error) has been printed."""

    def __call__(self, event: Event) -> None:
        show: Any = getattr(self, f"_{event.type}", None)
        if show is not None:
            show(event)

    def _run_started(self, event: Any) -> None:
        self.console.print(
            Text.assemble(("punie ", "bold"), (f"{event.model}", "cyan"), f"  trace {event.run_id}")
        )

    def _model_response(self, event: Any) -> None:
        self.console.print(
            Text(
                f"turn {event.turn}: {event.completion_tokens} tokens in {event.latency_s:.2f} s",
                style="dim",
            )
        )

    def _reply_rejected(self, event: Any) -> None:
        self.console.print(Text(f"unusable reply: {event.problem}", style="yellow"))

    def _snippet_checked(self, event: Any) -> None:
        self.console.print(
            Panel(Syntax(event.code, "python", theme="ansi_dark"), title="snippet", expand=False)
        )

    def _turn_finished(self, event: Any) -> None:
        step = event.step
        if step.code is None:
            return
        style = "red" if step.result.startswith("Error:") else "green"
        self.console.print(
            Panel(Text(step.result), title="result", border_style=style, expand=False)
        )

    def _run_finished(self, event: Any) -> None:
        self.ended = True
        if event.outcome == "success" and event.answer is not None:
            self.console.print(
                Panel(Text(event.answer), title="answer", border_style="bold", expand=False)
            )
        else:
            self.console.print(Text(run_ended_text(event.outcome, event.error), style="bold red"))
        usage = event.usage
        self.console.print(
            Text(
                f"{event.turns} turns, {usage.prompt_tokens}+{usage.completion_tokens} tokens, "
                f"{event.duration_s:.2f} s",
                style="dim",
            )
        )
