"""``MLXModel``: mlx-lm in the same process (a model directory or hub id, optional LoRA adapter).

mlx is imported only when the model is loaded, so ``import runtime`` works where mlx is absent.
The prompt is rendered by the tokenizer's own chat template — the template the model was trained
with, and the one mlx-lm applies to training rows. Greedy by default; ``temperature > 0`` samples
with ``seed``. Generation stops at the end of a tool call, at EOS, at ``max_tokens``, or when
``should_stop`` says so.

An adapter trained by punie carries ``punie_manifest.json``: its profile becomes ``profile``, and
``Agent`` renders the system prompt with it (``runtime.profiles``). A model that ``punie lora fuse``
or ``quantize`` wrote carries the same manifest in its own directory, and is read the same way
(the adapter's manifest wins when both have one).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime._errors import ModelError, ModelUnavailableError
from runtime.models._base import Completion, FinishReason, GenerationSettings
from runtime.profiles import Profile, profile_of_adapter
from runtime.template import Message

__all__ = ["MLXModel"]


def _looks_like_a_path(text: str) -> bool:
    """A hub id is ``owner/name``; anything absolute, relative-dotted or deeper is a local path."""
    return text.startswith(("/", ".", "~")) or text.count("/") > 1 or "\\" in text


class MLXModel:
    """A local mlx-lm model, loaded on first use (or by ``load()``)."""

    def __init__(self, path: str | Path, *, adapter: str | Path | None = None) -> None:
        self.path = str(path)
        self.adapter = str(adapter) if adapter is not None else None
        self.profile: Profile | None = (
            profile_of_adapter(self.adapter) if self.adapter is not None else None
        ) or (profile_of_adapter(self.path) if Path(self.path).expanduser().is_dir() else None)
        """The profile of the adapter's manifest, else of the model directory's (a fused or
        quantized model); None when neither has one."""
        self._model: Any = None
        self._tokenizer: Any = None

    @property
    def name(self) -> str:
        return f"mlx:{self.path}" + (f"@{self.adapter}" if self.adapter else "")

    def load(self) -> None:
        """Load weights and tokenizer now (otherwise the first ``complete`` does it)."""
        if self._model is not None:
            return
        try:
            import mlx_lm
        except ImportError as error:
            raise ModelUnavailableError(
                "mlx-lm is not installed: install punie with the 'mlx' extra "
                "(uv add 'mlx-lm[cpu]' on Linux, 'mlx-lm' on a Mac) or use an openai: model"
            ) from error
        local = Path(self.path).expanduser()
        if not local.exists() and (
            _looks_like_a_path(self.path)
            or (os.environ.get("HF_HUB_OFFLINE") == "1" and "/" not in self.path)
        ):
            raise ModelUnavailableError(
                f"could not load the mlx model {self.path!r}: there is no model directory at "
                f"{local}. Give a folder holding config.json, the tokenizer and the weights, or "
                "a hub id such as mlx-community/Qwen3-Coder-30B-A3B-Instruct-4bit"
            )
        if self.adapter is not None and not Path(self.adapter).expanduser().is_dir():
            raise ModelUnavailableError(
                f"could not load the mlx model {self.path!r}: there is no adapter directory at "
                f"{self.adapter} (it should hold adapters.safetensors and adapter_config.json)"
            )
        try:
            loaded = mlx_lm.load(
                str(local) if local.exists() else self.path, adapter_path=self.adapter
            )
        except Exception as error:  # mlx-lm raises many kinds for a bad directory
            raise ModelUnavailableError(
                f"could not load the mlx model {self.path!r}"
                + (f" with adapter {self.adapter!r}" if self.adapter else "")
                + f": {type(error).__name__}: {error}"
            ) from error
        self._model, self._tokenizer = loaded[0], loaded[1]

    def render_prompt(self, messages: Sequence[Message]) -> str:
        """The exact prompt text the model reads (the tokenizer's chat template)."""
        self.load()
        return self._tokenizer.apply_chat_template(
            [m.model_dump() for m in messages], add_generation_prompt=True, tokenize=False
        )

    def complete(self, messages: Sequence[Message], settings: GenerationSettings) -> Completion:
        self.load()
        import mlx.core as mx
        from mlx_lm import stream_generate
        from mlx_lm.sample_utils import make_sampler

        prompt = self.render_prompt(messages)
        if settings.seed is not None:
            mx.random.seed(settings.seed)
        sampler = make_sampler(temp=settings.temperature)
        text = ""
        shown = 0  # characters of text already given to settings.on_token
        prompt_tokens = 0
        generated = 0
        finish: FinishReason = "length"
        try:
            for response in stream_generate(
                self._model,
                self._tokenizer,
                prompt=prompt,
                max_tokens=settings.max_tokens,
                sampler=sampler,
            ):
                text += response.text
                prompt_tokens = response.prompt_tokens
                generated = response.generation_tokens
                stop = next((s for s in settings.stop if s in text), None)
                if stop is not None:
                    text = text[: text.index(stop) + len(stop)]
                    finish = "tool_call" if stop.startswith("</tool_call") else "stop"
                if settings.on_token is not None and len(text) > shown:
                    settings.on_token(text[shown:])  # trimmed at a stop: joined pieces == text
                    shown = len(text)
                if stop is not None:
                    break
                if settings.should_stop is not None and settings.should_stop():
                    finish = "cancelled"
                    break
                if settings.deadline is not None and time.monotonic() > settings.deadline:
                    finish = "length"
                    break
                if response.finish_reason is not None:
                    finish = "length" if response.finish_reason == "length" else "stop"
        except Exception as error:
            raise ModelError(f"mlx generation failed: {type(error).__name__}: {error}") from error
        return Completion(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=generated,
            finish_reason=finish,
        )
