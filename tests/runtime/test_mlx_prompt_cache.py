"""``MLXModel`` reuses its KV cache across calls: the same replies as reading every prompt whole.

Real mlx-lm on the tiny random model, greedy. The reference is ``MLXModel(prompt_cache=False)``,
and for the token ids mlx-lm's own ``stream_generate`` with a fresh cache.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from runtime import GenerationSettings, Message, MLXModel, render_conversation, render_tool_call
from runtime.models._prompt_cache import PromptCachePool, common_prefix_length
from runtime.template import Step

pytestmark = pytest.mark.slow

SYSTEM = "You are punie, a coding assistant. Answer with a tool call or a short answer. " * 12
SETTINGS = GenerationSettings(max_tokens=12, stop=())
"""No stop sequence: every reply runs to the cap or EOS, so its ids are mlx-lm's whole output."""


def turn_one() -> list[Message]:
    return render_conversation(system=SYSTEM, question="How many type errors?", steps=[])


def turn_two(reply: str) -> list[Message]:
    """Turn one, then the model's reply and a tool result: what an agent sends next."""
    return [
        *turn_one(),
        Message(role="assistant", content=reply),
        Message(role="tool", content="<tool_response>\n3 errors\n</tool_response>"),
    ]


def other_question() -> list[Message]:
    """Shares the system prompt with turn one, then differs."""
    return render_conversation(
        system=SYSTEM,
        question="Which tests fail?",
        steps=[Step(code="print(pytest_run())", result="2 failed")],
    )


def ids_of(model: MLXModel, messages: Sequence[Message]) -> list[int]:
    return model._encode(model.render_prompt(messages))


def reference_ids(model: MLXModel, prompt: list[int], max_tokens: int) -> list[int]:
    """The ids mlx-lm generates greedily for ``prompt`` with a fresh cache."""
    from mlx_lm import stream_generate

    return [
        r.token
        for r in stream_generate(model._model, model._tokenizer, prompt, max_tokens=max_tokens)
    ]


@pytest.fixture(scope="module")
def plain(tiny_model: Path) -> MLXModel:
    model = MLXModel(tiny_model, prompt_cache=False)
    model.load()
    return model


def test_a_multi_turn_conversation_gets_the_same_replies_and_reuses_the_shared_prefix(
    tiny_model: Path, plain: MLXModel
) -> None:
    cached = MLXModel(tiny_model)
    first = cached.complete(turn_one(), SETTINGS)
    assert (first, cached.last_reused_tokens) == (plain.complete(turn_one(), SETTINGS), 0)

    second = cached.complete(turn_two(first.text), SETTINGS)
    assert second == plain.complete(turn_two(first.text), SETTINGS)
    ids_one, ids_two = ids_of(plain, turn_one()), ids_of(plain, turn_two(first.text))
    held = ids_one + reference_ids(plain, ids_one, SETTINGS.max_tokens)
    assert second.prompt_tokens == len(ids_two)  # usage is the whole prompt, not what was fed
    assert cached.last_reused_tokens == common_prefix_length(held, ids_two)
    # the template's "assistant\n" merges with the reply's first characters into other tokens:
    # the prompt of turn one but its last token is reused
    assert cached.last_reused_tokens >= len(ids_one) - 1

    # the same prompt again: everything but the last token comes from the cache
    again = cached.complete(turn_two(first.text), SETTINGS)
    assert (again, cached.last_reused_tokens) == (second, len(ids_two) - 1)


def test_a_conversation_sharing_only_the_system_prompt_trims_the_cache(
    tiny_model: Path, plain: MLXModel
) -> None:
    cached = MLXModel(tiny_model)
    first = cached.complete(turn_one(), SETTINGS)
    other = cached.complete(other_question(), SETTINGS)
    assert other == plain.complete(other_question(), SETTINGS)
    ids_one, ids_other = ids_of(plain, turn_one()), ids_of(plain, other_question())
    held = ids_one + reference_ids(plain, ids_one, SETTINGS.max_tokens)
    shared = common_prefix_length(held, ids_other)
    assert cached.last_reused_tokens == shared
    assert 50 < shared < len(ids_one)  # the system prompt, not the question
    # back to the first conversation: the cache now holds the other one, trimmed again
    assert cached.complete(turn_one(), SETTINGS) == first


def test_a_prompt_sharing_nothing_reads_everything_and_matches_a_fresh_cache(
    plain: MLXModel,
) -> None:
    """At the pool's level, with ids that share not even the first token."""
    from mlx_lm import stream_generate
    from mlx_lm.models.cache import make_prompt_cache

    model = plain._model
    pool = PromptCachePool(lambda: make_prompt_cache(model))

    def generate(prompt: list[int]) -> tuple[int, list[int]]:
        lease = pool.acquire(prompt)
        tokens = [
            r.token
            for r in stream_generate(
                model, plain._tokenizer, prompt[lease.reused :], max_tokens=8,
                prompt_cache=lease.cache,
            )
        ]  # fmt: skip
        pool.release(lease, tokens)
        return lease.reused, tokens

    first = [100 + i for i in range(40)]
    second = [300 + i for i in range(30)]
    assert generate(first) == (0, reference_ids(plain, first, 8))
    assert generate(second) == (0, reference_ids(plain, second, 8))
    assert generate(second) == (29, reference_ids(plain, second, 8))
    # a prompt extending the last one by the ids it generated (a reply, token for token)
    extended = [*second, *reference_ids(plain, second, 8), 500, 501]
    assert generate(extended) == (30 + 8, reference_ids(plain, extended, 8))
    pool.clear()
    assert generate(second) == (0, reference_ids(plain, second, 8))


def test_two_threads_generating_at_once_each_get_their_own_reply(
    tiny_model: Path, plain: MLXModel
) -> None:
    cached = MLXModel(tiny_model)
    cached.complete(turn_one(), SETTINGS)  # one cache kept: the two threads cannot both have it
    conversations = {"one": turn_two("done"), "other": other_question()}
    expected = {name: plain.complete(m, SETTINGS) for name, m in conversations.items()}
    start = threading.Barrier(2)
    got: dict[str, Any] = {}

    def run(name: str) -> None:
        start.wait()
        results = [cached.complete(conversations[name], SETTINGS) for _ in range(3)]
        got[name] = (results, cached.last_reused_tokens)

    threads = [threading.Thread(target=run, args=(name,)) for name in conversations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {name: got[name][0] for name in got} == {
        name: [completion] * 3 for name, completion in expected.items()
    }
    # each thread's last call found its own previous call's cache: all but the last token
    assert {name: got[name][1] for name in got} == {
        name: len(ids_of(plain, m)) - 1 for name, m in conversations.items()
    }


def test_stop_sequences_and_tool_calls_keep_replies_identical(
    tiny_model: Path, plain: MLXModel
) -> None:
    """A reply cut at a stop sequence leaves generated ids past the cut in the cache."""
    cached = MLXModel(tiny_model)
    free = plain.complete(turn_one(), GenerationSettings(max_tokens=30, stop=()))
    settings = GenerationSettings(max_tokens=30, stop=(free.text[: max(1, len(free.text) // 2)],))
    cut = cached.complete(turn_one(), settings)
    assert cut == plain.complete(turn_one(), settings)
    follow = turn_two(cut.text + render_tool_call("print(1)"))
    assert cached.complete(follow, settings) == plain.complete(follow, settings)


def test_prompt_cache_off_reuses_nothing(tiny_model: Path) -> None:
    model = MLXModel(tiny_model, prompt_cache=False)
    model.complete(turn_one(), SETTINGS)
    model.complete(turn_one(), SETTINGS)
    assert model.last_reused_tokens == 0
