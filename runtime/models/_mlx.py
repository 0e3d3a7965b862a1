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

Each call reuses the KV cache of earlier calls for the prompt prefix they share
(``runtime.models._prompt_cache``): an agent's next turn extends its last prompt, so only the new
step is read, not the whole system prompt again. ``prompt_cache=False`` turns that off. The usage
reported stays the whole prompt (what the model saw); ``last_reused_tokens`` tells how much of it
came from the cache.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime._errors import ModelError, ModelUnavailableError
from runtime.models._base import Completion, FinishReason, GenerationSettings
from runtime.models._prompt_cache import PromptCachePool
from runtime.profiles import Profile, profile_of_adapter
from runtime.template import Message

__all__ = ["MLXModel"]


def _looks_like_a_path(text: str) -> bool:
    """A hub id is ``owner/name``; anything absolute, relative-dotted or deeper is a local path."""
    return text.startswith(("/", ".", "~")) or text.count("/") > 1 or "\\" in text


class MLXModel:
    """A local mlx-lm model, loaded on first use (or by ``load()``)."""

    def __init__(
        self, path: str | Path, *, adapter: str | Path | None = None, prompt_cache: bool = True
    ) -> None:
        self.path = str(path)
        self.adapter = str(adapter) if adapter is not None else None
        self.profile: Profile | None = (
            profile_of_adapter(self.adapter) if self.adapter is not None else None
        ) or (profile_of_adapter(self.path) if Path(self.path).expanduser().is_dir() else None)
        """The profile of the adapter's manifest, else of the model directory's (a fused or
        quantized model); None when neither has one."""
        self.prompt_cache = prompt_cache
        """Reuse the KV cache of earlier calls for the prompt prefix they share (same replies,
        far less prefill); False reads every prompt whole, as mlx-lm does by default."""
        self._model: Any = None
        self._tokenizer: Any = None
        self._caches: PromptCachePool | None = None
        self._last = threading.local()

    @property
    def last_reused_tokens(self) -> int:
        """Prompt tokens of this thread's last ``complete`` that came from the cache (not read
        again); 0 before the first call and with ``prompt_cache=False``."""
        return getattr(self._last, "reused", 0)

    def clear_prompt_cache(self) -> None:
        """Forget the kept KV caches (frees their memory; the next call reads its prompt whole)."""
        if self._caches is not None:
            self._caches.clear()

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
        from mlx_lm.models.cache import make_prompt_cache

        model = self._model
        self._caches = PromptCachePool(lambda: make_prompt_cache(model))

    def _encode(self, prompt: str) -> list[int]:
        """The prompt's token ids, exactly as ``mlx_lm.stream_generate`` encodes a text prompt."""
        bos = self._tokenizer.bos_token
        return list(
            self._tokenizer.encode(
                prompt, add_special_tokens=bos is None or not prompt.startswith(bos)
            )
        )

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

        ids = self._encode(self.render_prompt(messages))
        caches = self._caches if self.prompt_cache else None
        lease = caches.acquire(ids) if caches is not None else None
        reused = lease.reused if lease is not None else 0
        self._last.reused = reused
        if settings.seed is not None:
            mx.random.seed(settings.seed)
        sampler = make_sampler(temp=settings.temperature)
        text = ""
        shown = 0  # characters of text already given to settings.on_token
        tokens: list[int] = []  # generated ids, each also fed to the cache
        generated = 0
        finish: FinishReason = "length"
        try:
            for response in stream_generate(
                self._model,
                self._tokenizer,
                prompt=ids[reused:],
                max_tokens=settings.max_tokens,
                sampler=sampler,
                prompt_cache=lease.cache if lease is not None else None,
            ):
                text += response.text
                tokens.append(response.token)
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
            if caches is not None and lease is not None:
                caches.discard(lease)
            raise ModelError(f"mlx generation failed: {type(error).__name__}: {error}") from error
        if caches is not None and lease is not None:
            caches.release(lease, tokens)
        return Completion(
            text=text,
            prompt_tokens=len(ids),
            completion_tokens=generated,
            finish_reason=finish,
        )
