"""The server's commands: ``punie.runSnippet`` and ``punie.ask``.

Both are blocking work (a sandbox run, a model answering) and are called from a worker thread.
They return plain JSON-compatible dicts (the ``workspace/executeCommand`` result) and a one-line
summary for ``window/showMessage``. Arguments arrive as the LSP ``arguments`` array: either
``["text"]`` or ``[{"snippet": "text"}]`` / ``[{"question": "text"}]``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from bridges import default_bridges
from runtime._errors import PunieRuntimeError, UsageError
from sandbox import Sandbox

__all__ = ["CommandError", "Commands", "first_text"]

_SUMMARY = 400


class CommandError(UsageError):
    """A command was called with arguments it cannot use; the message says what to send.

    Part of the runtime's family (a ``UsageError``); the server answers it as JSON-RPC
    ``-32602 Invalid params``.
    """


def first_text(arguments: Any, key: str) -> str:
    """The text argument of a command: ``["text"]`` or ``[{key: "text"}]``."""
    items = list(arguments or [])
    value: Any = items[0] if items else None
    if isinstance(value, dict):
        value = value.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CommandError(f'pass the {key} as the first argument: ["..."] or [{{"{key}": "..."}}]')
    return value


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY else text[:_SUMMARY] + "…"


class Commands:
    """Command implementations for one workspace; the sandbox is created on first use."""

    def __init__(
        self, workspace: Path, *, python: str | None = None, timeout_s: float = 60.0
    ) -> None:
        """``python`` and ``timeout_s`` go to ``default_bridges`` (the project's Python, the
        limit of one tool run)."""
        self.workspace = workspace
        self.python = python
        self.timeout_s = timeout_s
        self._sandbox: Sandbox | None = None
        self._lock = threading.Lock()

    def _box(self) -> Sandbox:
        with self._lock:
            if self._sandbox is None:
                functions = default_bridges(
                    self.workspace, timeout_s=self.timeout_s, python=self.python
                )
                self._sandbox = Sandbox(functions, pool_size=1)
            return self._sandbox

    def run_snippet(self, snippet: str) -> tuple[dict[str, Any], str]:
        """Run ``snippet`` with the workspace's bridges; (result as JSON data, summary)."""
        result = self._box().run(snippet)
        data = result.model_dump(mode="json")
        if result.ok:
            shown = result.stdout.strip()
            if result.value is not None:
                shown = f"{shown}\n{result.value!r}".strip()
            summary = f"punie: {_clip(shown) or 'done (no output)'}"
        else:
            error = result.error
            message = error.message if error is not None else "unknown error"
            summary = f"punie: snippet failed: {_clip(message)}"
        return data, summary

    def ask(self, question: str, model: str | None) -> tuple[dict[str, Any], str]:
        """Run the agent on ``question`` when a model is configured; (result, summary)."""
        if not model:
            message = (
                'no model is configured for punie.ask: set model = "SPEC" in the '
                "workspace's punie.toml or [tool.punie], or initializationOptions "
                '{"model": "SPEC"} (e.g. "openai:http://127.0.0.1:8080/v1#MODEL" or '
                '"mlx:PATH"), or send it with workspace/didChangeConfiguration'
            )
            data = {"ok": False, "answer": None, "trace_id": None, "error": message}
            return data, f"punie: {message}"
        from runtime import Agent

        try:
            # Traces are recorded like those of `punie ask` (PUNIE_DATA_DIR/traces): an
            # editor's questions are training material too.
            agent = Agent(model=model, workspace=self.workspace)
            result = agent.ask(question)
        except PunieRuntimeError as error:
            message = f"{type(error).__name__}: {error}"
            data = {"ok": False, "answer": None, "trace_id": None, "error": message}
            return data, f"punie: {_clip(message)}"
        answer = result.answer
        data = {
            "ok": answer is not None,
            "answer": answer,
            "outcome": str(result.outcome),
            "trace_id": result.trace_id,
            "bridge_calls": len(result.calls),
            "error": None if answer is not None else f"the run ended with {result.outcome}",
        }
        summary = f"punie: {_clip(answer)}" if answer else f"punie: no answer ({result.outcome})"
        return data, summary

    def close(self) -> None:
        with self._lock:
            box, self._sandbox = self._sandbox, None
        if box is not None:
            box.close()
