"""The loss mask, on token ids: every assistant turn is trained, nothing else is.

mlx-lm's ``--mask-prompt`` trains only the last message of a row, so in
``[system, user, assistant(tool call), tool, assistant(answer)]`` the code-writing turn — the one
that matters most — never contributes to the loss (the seed system's defect). Here each assistant
turn's token span is found by rendering growing prefixes of the conversation with the tokenizer's
own chat template: the span of message ``i`` runs from the end of ``messages[:i]`` plus the
generation prompt (``<|im_start|>assistant\\n``) to the end of ``messages[:i + 1]``. It therefore
holds exactly what the model must produce at inference — the turn's text, its end marker
(``<|im_end|>``) and whatever the template writes after it — and never the generation prompt, the
system prompt, the user's words or a tool result.

The prefixes must tokenize as prefixes of the whole conversation. Templates that rewrite earlier
turns (some drop the ``<think>`` block of past assistant turns) break that, and are refused with
the message index rather than silently training on the wrong tokens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from lora._errors import TrainDataError

__all__ = ["ChatTokenizer", "MaskedExample", "mask_conversation"]


class ChatTokenizer(Protocol):
    """What the mask needs of a tokenizer: its chat template (mlx-lm's wrapper, or Hugging Face)."""

    def apply_chat_template(self, conversation: Any, /, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class MaskedExample:
    """A conversation's token ids and the ``[start, end)`` spans that contribute to the loss."""

    tokens: tuple[int, ...]
    """The whole conversation, as the chat template renders and the tokenizer encodes it."""
    spans: tuple[tuple[int, int], ...]
    """One ``[start, end)`` range of ``tokens`` per assistant turn, in order."""

    def mask(self) -> list[int]:
        """1 for each token that is trained (predicted with loss), 0 for the rest."""
        flags = [0] * len(self.tokens)
        for start, end in self.spans:
            flags[start:end] = [1] * (end - start)
        return flags

    @property
    def trained_tokens(self) -> int:
        """How many tokens contribute to the loss."""
        return sum(end - start for start, end in self.spans)

    def truncated(self, length: int) -> MaskedExample:
        """The first ``length`` tokens, with the spans clipped to them (empty spans dropped)."""
        spans = tuple(
            (start, min(end, length)) for start, end in self.spans if start < min(end, length)
        )
        return MaskedExample(tokens=self.tokens[:length], spans=spans)


def _plain(message: Mapping[str, Any] | BaseModel) -> dict[str, Any]:
    return message.model_dump() if isinstance(message, BaseModel) else dict(message)


def _ids(tokenizer: ChatTokenizer, messages: list[dict[str, Any]], **kwargs: Any) -> list[int]:
    rendered = tokenizer.apply_chat_template(messages, tokenize=True, **kwargs)
    if isinstance(rendered, Mapping):  # some transformers versions return a BatchEncoding
        rendered = rendered["input_ids"]
    return [int(token) for token in rendered]


def mask_conversation(
    tokenizer: ChatTokenizer,
    messages: Sequence[Mapping[str, Any] | BaseModel],
    *,
    tools: Sequence[Mapping[str, Any]] | None = None,
) -> MaskedExample:
    """Tokenize ``messages`` with the chat template and mark every assistant turn for the loss.

    ``messages`` are ``{"role", "content"}`` records (training rows, or ``runtime.template.Message``).
    Raises ``TrainDataError`` when there is no assistant turn, when the conversation opens with
    one, or when the template does not render prefixes as prefixes (the message says which turn).
    """
    plain = [_plain(message) for message in messages]
    extra: dict[str, Any] = {"tools": list(tools)} if tools else {}
    roles = [message.get("role") for message in plain]
    if "assistant" not in roles:
        raise TrainDataError(
            "the conversation has no assistant message, so nothing would be trained; every "
            f"training row needs at least one (roles: {', '.join(map(str, roles))})"
        )
    if roles[0] == "assistant":
        raise TrainDataError(
            "the conversation opens with an assistant message; put the system prompt or the "
            "user's request first"
        )
    tokens = _ids(tokenizer, plain, **extra)
    spans: list[tuple[int, int]] = []
    for index, role in enumerate(roles):
        if role != "assistant":
            continue
        before = _ids(tokenizer, plain[:index], add_generation_prompt=True, **extra)
        through = _ids(tokenizer, plain[: index + 1], **extra)
        if through[: len(before)] != before or tokens[: len(through)] != through:
            raise TrainDataError(
                f"the chat template does not render message {index} (assistant) as a prefix of "
                "the conversation that follows it (it rewrites earlier turns), so its tokens "
                "cannot be located; use a template that renders every turn the same way"
            )
        if len(through) > len(before):
            spans.append((len(before), len(through)))
    return MaskedExample(tokens=tuple(tokens), spans=tuple(spans))
