"""Reusing mlx-lm's KV cache across calls: a conversation's next turn extends its last prompt.

Every agent turn sends the whole conversation again: the system prompt (usage rules and bridge
stubs, 1,000 to 12,000 tokens), the question, then each step. Without reuse the model reads all
of it again every turn. A ``PromptCachePool`` keeps the KV cache of earlier calls with the token
ids it holds; a call takes the cache sharing the longest prefix with its prompt, trims the cache to
that prefix, and feeds only the rest. The KV entry of a position depends only on the tokens up to
it, so the reply is the one a fresh cache gives.

Thread safety: a cache is lent to one call at a time. Calls running at once (evals run cases in
threads with one model object) each take a free cache, or a new one, and give it back when done;
the pool keeps as many caches as calls ever ran at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CacheLease", "PromptCachePool", "common_prefix_length"]


def common_prefix_length(first: Sequence[int], second: Sequence[int]) -> int:
    """How many leading token ids the two sequences share."""
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def _offset(cache: list[Any]) -> int:
    """How many positions the cache holds (every layer holds the same number)."""
    return int(cache[0].offset) if cache else 0


@dataclass(slots=True)
class _Slot:
    cache: list[Any]
    tokens: list[int] = field(default_factory=list)
    """The token ids whose keys and values ``cache`` holds, position by position."""


@dataclass(slots=True)
class CacheLease:
    """One call's use of a cache: feed ``prompt[reused:]`` with ``prompt_cache=cache``."""

    cache: list[Any]
    reused: int
    """Prompt tokens already in the cache (not fed again)."""
    _slot: _Slot | None
    _prompt: list[int]


class PromptCachePool:
    """The KV caches of earlier calls to one loaded model, lent out one call at a time."""

    def __init__(self, make_cache: Callable[[], list[Any]]) -> None:
        self._make_cache = make_cache
        self._free: list[_Slot] = []
        self._lock = threading.Lock()
        self._trimmable: bool | None = None

    def acquire(self, prompt: Sequence[int]) -> CacheLease:
        """A cache for ``prompt``, trimmed to the longest prefix it shares with an earlier call.

        At least one prompt token is always left to feed (generation needs a last token to
        predict from). A model whose cache cannot be trimmed gets a fresh cache every call.
        """
        from mlx_lm.models.cache import can_trim_prompt_cache, trim_prompt_cache

        ids = list(prompt)
        with self._lock:
            best: _Slot | None = None
            shared = -1
            for slot in self._free:
                length = common_prefix_length(slot.tokens, ids)
                if length > shared:
                    best, shared = slot, length
            if best is not None:
                self._free.remove(best)
        if best is None:
            cache = self._make_cache()
            if self._trimmable is None:
                self._trimmable = can_trim_prompt_cache(cache)
            if not self._trimmable:
                return CacheLease(cache=cache, reused=0, _slot=None, _prompt=ids)
            return CacheLease(cache=cache, reused=0, _slot=_Slot(cache), _prompt=ids)
        keep = max(0, min(shared, len(ids) - 1))
        offset = _offset(best.cache)
        if offset > keep and can_trim_prompt_cache(best.cache):
            trim_prompt_cache(best.cache, offset - keep)
        trimmed = _offset(best.cache) == keep
        if not trimmed:  # e.g. a rotating cache that has wrapped: start afresh
            fresh = _Slot(self._make_cache())
            return CacheLease(cache=fresh.cache, reused=0, _slot=fresh, _prompt=ids)
        best.tokens = []  # in use: what it holds is known again only at release
        return CacheLease(cache=best.cache, reused=keep, _slot=best, _prompt=ids)

    def release(self, lease: CacheLease, generated: Sequence[int]) -> None:
        """Give the cache back, holding the prompt then the ``generated`` ids it was fed."""
        from mlx_lm.models.cache import trim_prompt_cache

        slot = lease._slot
        if slot is None:
            return
        known = [*lease._prompt, *generated]
        offset = _offset(slot.cache)
        if offset > len(known):  # fed a token it did not report: forget that position
            trim_prompt_cache(slot.cache, offset - len(known))
            offset = _offset(slot.cache)
        if offset > len(known):
            return  # cannot say what it holds: drop it
        slot.tokens = known[:offset]
        with self._lock:
            self._free.append(slot)

    def discard(self, lease: CacheLease) -> None:
        """Drop the cache of a call that failed half-way (what it holds is unknown)."""
        lease._slot = None

    def clear(self) -> None:
        """Forget every kept cache (frees their memory)."""
        with self._lock:
            self._free.clear()
