"""Rich rendering of a run's events, shared by ``punie ask`` and ``punie traces show``."""

from __future__ import annotations

import sys
import time
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.panel import Panel
from rich.spinner import Spinner
from rich.syntax import Syntax
from rich.text import Text

from runtime import Event

__all__ = ["TurnPrinter", "error_text", "make_console", "run_ended_text"]

_TAIL = 60
"""Characters of the reply shown on the progress line (its end, where the model is writing)."""

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


class _Progress:
    """The live line while the model works: elapsed seconds, and with streaming the pieces so
    far, pieces per second and the end of the reply. Rendered afresh at each refresh, so the
    seconds move even when no token arrives."""

    def __init__(self, turn: int) -> None:
        self.turn = turn
        self.started = time.monotonic()
        self.first: float | None = None
        """When the first piece came: the rate leaves out loading and reading the prompt."""
        self.pieces = 0
        self.tail = ""

    def add(self, text: str) -> None:
        if self.first is None:
            self.first = time.monotonic()
        self.pieces += 1
        self.tail = (self.tail + text)[-_TAIL:]

    def __rich__(self) -> Text:
        now = time.monotonic()
        line = Text(f"turn {self.turn}: model working, {now - self.started:.1f} s", style="dim")
        if self.first is not None:
            writing = now - self.first
            rate = self.pieces / writing if writing > 0 else 0.0
            line.append(f", {self.pieces} tokens, {rate:.1f} tokens/s  ", style="dim")
            line.append(" ".join(self.tail.split()), style="italic")  # one line, whatever it holds
        return line


class TurnPrinter:
    """An event subscriber that prints each turn (snippet, result) and the answer.

    With ``progress=True`` (``punie ask`` and ``:ask`` on a terminal) a spinner line shows that
    the model is working while it generates: elapsed seconds, and the tokens as they stream in
    when the backend streams (pass ``on_token`` as ``GenerationSettings.on_token``). Off a terminal
    nothing is added, so piped output stays exactly the turns.
    """

    def __init__(self, console: Console, *, progress: bool = False) -> None:
        self.console = console
        self.progress = progress and console.is_terminal
        self.ended = False
        """Whether a run's last line ("run ended: ...", with its error) has been printed."""
        self._live: Live | None = None
        self._turn: _Progress | None = None

    def on_token(self, text: str) -> None:
        """``GenerationSettings.on_token``: one streamed piece of the reply."""
        if self._turn is not None:
            self._turn.add(text)

    def close(self) -> None:
        """Stop the progress line (a turn's end does; so must an interrupted or failed run)."""
        if self._live is not None:
            self._live.stop()
        self._live = None
        self._turn = None

    def _model_request(self, event: Any) -> None:
        if not self.progress:
            return
        self.close()
        self._turn = _Progress(event.turn)
        self._live = Live(
            Spinner("dots", text=self._turn),
            console=self.console,
            refresh_per_second=8,
            transient=True,
        )
        self._live.start(refresh=True)  # the first frame at once, not after a refresh period

    def __call__(self, event: Event) -> None:
        show: Any = getattr(self, f"_{event.type}", None)
        if show is not None:
            show(event)

    def _run_started(self, event: Any) -> None:
        self.console.print(
            Text.assemble(("punie ", "bold"), (f"{event.model}", "cyan"), f"  trace {event.run_id}")
        )

    def _model_response(self, event: Any) -> None:
        self.close()
        line = f"turn {event.turn}: {event.completion_tokens} tokens in {event.latency_s:.2f} s"
        if self.progress and event.completion_tokens and event.latency_s > 0:
            line += f" ({event.completion_tokens / event.latency_s:.1f} tokens/s)"
        self.console.print(Text(line, style="dim"))

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
        self.close()
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
