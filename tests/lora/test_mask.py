"""The loss mask on token ids: every assistant turn is trained, and nothing else."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lora import MaskedExample, TrainDataError, mask_conversation
from runtime.template import Message
from tests.lora.lora_train_support import conversation


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from runtime.models import build_tiny_model

    yield build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def tokenizer(tiny_model: Path) -> Any:
    from mlx_lm.tokenizer_utils import load as load_tokenizer

    return load_tokenizer(tiny_model)


def _text(tokenizer: Any, ids: list[int]) -> str:
    return tokenizer.decode(ids, skip_special_tokens=False)


def test_every_assistant_turn_and_nothing_else_is_trained(tokenizer: Any) -> None:
    messages = conversation(3)
    example = mask_conversation(tokenizer, messages)

    assert list(example.tokens) == tokenizer.apply_chat_template(messages, tokenize=True)
    assert len(example.spans) == 2
    trained = [_text(tokenizer, list(example.tokens[a:b])) for a, b in example.spans]
    assert trained == [
        "<tool_call>\n<function=execute_code>\n<parameter=code>\n"
        "print(typecheck(path='pkg/module_3.py').error_count)\n</parameter>\n</function>\n"
        "</tool_call><|im_end|>\n",
        "There are 3 type errors in pkg/module_3.py.<|im_end|>\n",
    ]
    # Everything between the spans is the prompt side: system, user, generation prompts, tool.
    (first_start, first_end), (second_start, second_end) = example.spans
    assert _text(tokenizer, list(example.tokens[:first_start])) == (
        "<|im_start|>system\nYou are punie.<|im_end|>\n"
        "<|im_start|>user\nHow many type errors are in pkg/module_3.py?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert _text(tokenizer, list(example.tokens[first_end:second_start])) == (
        "<|im_start|>user\n<tool_response>\n3\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
    )
    assert second_end == len(example.tokens)
    mask = example.mask()
    assert mask == [
        1 if first_start <= i < first_end or second_start <= i < second_end else 0
        for i in range(len(example.tokens))
    ]
    assert example.trained_tokens == sum(mask)


def test_the_spans_are_the_exact_token_positions(tokenizer: Any) -> None:
    """The positions, computed independently from each turn's rendered prefix."""
    messages = conversation(1)
    example = mask_conversation(tokenizer, messages)
    lengths = [
        len(tokenizer.apply_chat_template(messages[:n], tokenize=True, add_generation_prompt=g))
        for n, g in ((2, True), (3, False), (4, True), (5, False))
    ]
    assert example.spans == ((lengths[0], lengths[1]), (lengths[2], lengths[3]))


def test_pydantic_messages_are_accepted(tokenizer: Any) -> None:
    messages = conversation(2)
    as_models = [Message.model_validate(m) for m in messages]
    assert mask_conversation(tokenizer, as_models) == mask_conversation(tokenizer, messages)


def test_truncation_clips_spans_to_the_kept_tokens() -> None:
    example = MaskedExample(tokens=tuple(range(10)), spans=((2, 4), (6, 9)))
    assert example.truncated(7) == MaskedExample(tokens=tuple(range(7)), spans=((2, 4), (6, 7)))
    assert example.truncated(5) == MaskedExample(tokens=tuple(range(5)), spans=((2, 4),))


def test_a_conversation_without_an_assistant_turn_is_refused(tokenizer: Any) -> None:
    with pytest.raises(TrainDataError) as caught:
        mask_conversation(tokenizer, conversation(0)[:2])
    assert str(caught.value) == (
        "the conversation has no assistant message, so nothing would be trained; every "
        "training row needs at least one (roles: system, user)"
    )


def test_a_conversation_opening_with_the_assistant_is_refused(tokenizer: Any) -> None:
    with pytest.raises(TrainDataError, match="opens with an assistant message"):
        mask_conversation(tokenizer, conversation(0)[2:])


def test_a_template_that_rewrites_earlier_turns_is_refused(
    tiny_model: Path, tmp_path: Path
) -> None:
    """Like Qwen3's template dropping past <think> blocks: past assistant turns render shorter."""
    from mlx_lm.tokenizer_utils import load as load_tokenizer

    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    config_path = copy / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["chat_template"] = (
        "{%- for m in messages %}<|im_start|>{{ m.role }}\n"
        "{%- if m.role == 'assistant' and not loop.last %}(earlier turn)"
        "{%- else %}{{ m.content }}{%- endif %}<|im_end|>\n{%- endfor %}"
        "{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}"
    )
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(TrainDataError) as caught:
        mask_conversation(load_tokenizer(copy), conversation(0))
    assert str(caught.value).startswith(
        "the chat template does not render message 2 (assistant) as a prefix of the "
        "conversation that follows it"
    )


def test_a_batch_trains_exactly_the_assistant_tokens_as_targets(tokenizer: Any) -> None:
    """The loss mask is applied to next-token targets: target t is trained when token t is."""
    from lora._batches import batch_at

    example = mask_conversation(tokenizer, conversation(3))
    batch = batch_at((example,), iteration=0, batch_size=1, seed=0)
    assert batch.inputs[0].tolist() == list(example.tokens[:-1])
    trained_targets = [int(t) for t, m in zip(batch.targets[0], batch.mask[0], strict=True) if m]
    assert trained_targets == [
        token for index, token in enumerate(example.tokens) if example.mask()[index]
    ]
