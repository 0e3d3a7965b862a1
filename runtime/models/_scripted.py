"""``ScriptedModel``: the public test double — replays replies or asks a function.

Used for deterministic tests, demos, benchmarks of the runtime's own overhead, and replays of
recorded traces. Token counts are whitespace-separated chunks: not a real tokenizer, but stable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from runtime._errors import ModelResponseError, ModelSpecError
from runtime.models._base import Completion, FinishReason, GenerationSettings
from runtime.template import Message

if TYPE_CHECKING:
    from runtime.traces import Trace

__all__ = ["ScriptedModel"]

_CHUNK = re.compile(r"\s*\S+")

Responder = Callable[[list[Message]], str]


def _count(text: str) -> int:
    return len(_CHUNK.findall(text))


class ScriptedModel:
    """A model that replays ``replies`` in order, or calls ``replies(messages)`` for each turn.

    ``requests`` keeps every message list the model was sent, so a test can check exactly what a
    real model would have read. Running out of replies is a ``ModelResponseError`` (the run ends
    with outcome ``error`` and a complete trace), not an IndexError.
    """

    def __init__(self, replies: Sequence[str] | Responder, *, name: str = "scripted") -> None:
        if isinstance(replies, str):
            raise TypeError("ScriptedModel takes a list of replies, not a single string")
        self._responder: Responder | None = None
        self._replies: list[str] = []
        if isinstance(replies, Sequence):
            self._replies = list(replies)
        else:
            self._responder = replies
        self._name = name
        self._next = 0
        self.requests: list[list[Message]] = []

    @classmethod
    def from_file(cls, path: str | Path) -> ScriptedModel:
        """Load a JSON list of assistant reply texts (the ``scripted:FILE.json`` spec)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ModelSpecError(f"cannot read scripted replies from {path}: {error}") from error
        except json.JSONDecodeError as error:
            raise ModelSpecError(
                f"{path} is not valid JSON ({error.msg}, line {error.lineno}); it must be a "
                'JSON list of reply strings, e.g. ["<tool_call>...", "The answer is 3."]'
            ) from error
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise ModelSpecError(f"{path} must hold a JSON list of strings (one per reply)")
        return cls(data, name=f"scripted:{path}")

    @classmethod
    def from_trace(cls, trace: Trace) -> ScriptedModel:
        """Replay the model replies recorded in a trace, in order (to re-run a recorded run)."""
        from runtime._events import ModelResponse

        replies = [e.text for e in trace.events if isinstance(e, ModelResponse)]
        return cls(replies, name=f"replay:{trace.trace_id}")

    @property
    def name(self) -> str:
        return self._name

    def complete(self, messages: Sequence[Message], settings: GenerationSettings) -> Completion:
        conversation = list(messages)
        self.requests.append(conversation)
        if self._responder is not None:
            text = self._responder(conversation)
        else:
            if self._next >= len(self._replies):
                raise ModelResponseError(
                    f"the scripted model has no reply left: it was given {len(self._replies)} "
                    "replies and asked for another; add a final answer to the script"
                )
            text = self._replies[self._next]
            self._next += 1
        chunks = _CHUNK.findall(text)
        finish: FinishReason = "stop"
        if len(chunks) > settings.max_tokens:
            text = "".join(chunks[: settings.max_tokens])
            finish = "length"
        for stop in settings.stop:
            index = text.find(stop)
            if index != -1:
                text = text[: index + len(stop)]
                finish = "tool_call" if stop.startswith("</tool_call") else "stop"
                break
        return Completion(
            text=text,
            prompt_tokens=sum(_count(m.content) for m in conversation),
            completion_tokens=_count(text),
            finish_reason=finish,
        )
