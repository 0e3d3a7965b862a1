"""Build a tiny, real mlx-lm model offline: for tests, demos and the LoRA pipeline's own tests.

Nothing is downloaded. The tokenizer is a byte-level BPE trained on the spot (with ``tokenizers``)
on synthetic agent text and some standard-library source, with the Qwen chat specials
``<|im_start|>``/``<|im_end|>`` and the tool-call markers as added tokens, and a Qwen-style chat
template that renders tools, assistant tool calls and tool messages. The model is
``mlx_lm.models.qwen3`` with random weights (hidden 64, 2 layers, ~200k parameters): it produces
nonsense, quickly, through exactly the code paths a real model uses. Building it is the slow
part (benchmarks/README.md, "Figures moved from comments"), not running it.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["TINY_CHAT_TEMPLATE", "build_tiny_model"]

TINY_CHAT_TEMPLATE = """\
{%- if tools and (not messages or messages[0].role != 'system') %}
{{- '<|im_start|>system\\nYou are a helpful assistant.' }}
{%- endif %}
{%- for message in messages %}
{%- if message.role == 'system' %}
{{- '<|im_start|>system\\n' + message.content }}
{%- endif %}
{%- if loop.first and tools %}
{{- '\\n\\n# Tools\\n' }}
{%- for tool in tools %}{{- '\\n' + (tool | tojson) }}{%- endfor %}
{{- '\\n\\nCall a tool like this:\\n<tool_call>\\n<function=NAME>\\n<parameter=ARGUMENT>\\nVALUE\\n</parameter>\\n</function>\\n</tool_call>' }}
{%- endif %}
{%- if message.role == 'system' or (loop.first and tools) %}
{{- '<|im_end|>\\n' }}
{%- endif %}
{%- if message.role == 'user' %}
{{- '<|im_start|>user\\n' + message.content + '<|im_end|>\\n' }}
{%- elif message.role == 'assistant' %}
{{- '<|im_start|>assistant\\n' }}
{%- if message.content %}{{- message.content }}{%- endif %}
{%- if message.tool_calls %}
{%- for call in message.tool_calls %}
{%- set function = call.function if call.function is defined else call %}
{{- '\\n<tool_call>\\n<function=' + function.name + '>\\n' }}
{%- if function.arguments is mapping %}
{%- for name, value in function.arguments.items() %}
{{- '<parameter=' + name + '>\\n' + (value if value is string else value | tojson) + '\\n</parameter>\\n' }}
{%- endfor %}
{%- endif %}
{{- '</function>\\n</tool_call>' }}
{%- endfor %}
{%- endif %}
{{- '<|im_end|>\\n' }}
{%- elif message.role == 'tool' %}
{{- '<|im_start|>user\\n<tool_response>\\n' + message.content + '\\n</tool_response><|im_end|>\\n' }}
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
{{- '<|im_start|>assistant\\n' }}
{%- endif %}
"""

_SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
_ADDED = ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>"]

_AGENT_LINES = [
    "<tool_call>\n<function=execute_code>\n<parameter=code>\n",
    "\n</parameter>\n</function>\n</tool_call>",
    "result = typecheck(path='src')\nprint(result.error_count)\n",
    "for error in result.errors:\n    print(error.file, error.line, error.message)\n",
    "print(ruff_check(path='.').violation_count)\n",
    "tests = pytest_run(path='tests')\nprint(tests.passed, tests.failed)\n",
    "There are 3 type errors in src/app.py.",
    "All tests pass. The linter reports no violations.",
]


def _corpus() -> Iterator[str]:
    import argparse
    import dataclasses
    import json as json_module
    import pathlib
    import textwrap

    for _ in range(20):
        yield from _AGENT_LINES
    for module in (argparse, dataclasses, json_module, pathlib, textwrap):
        yield inspect.getsource(module)


def _train_tokenizer(vocab_size: int) -> Any:
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)  # type: ignore[assignment]
    tokenizer.decoder = decoders.ByteLevel()  # type: ignore[assignment]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=_SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(_corpus(), trainer=trainer)
    tokenizer.add_tokens([AddedToken(token, normalized=False, special=False) for token in _ADDED])
    return tokenizer


def build_tiny_model(
    path: str | Path, *, seed: int = 0, vocab_size: int = 2048, hidden_size: int = 64
) -> Path:
    """Write a loadable tiny qwen3 model (tokenizer, config, random weights) into ``path``.

    ``mlx_lm.load(path)`` and ``python -m mlx_lm server --model path`` accept the result; the same
    ``seed`` gives the same weights. Returns the directory.
    """
    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm.models.qwen3 import Model, ModelArgs

    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = _train_tokenizer(vocab_size)
    tokenizer.save(str(directory / "tokenizer.json"))
    vocabulary = tokenizer.get_vocab_size()
    end = tokenizer.token_to_id("<|im_end|>")
    (directory / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "bos_token": None,
                "eos_token": "<|im_end|>",
                "pad_token": "<|endoftext|>",
                "model_max_length": 32768,
                "chat_template": TINY_CHAT_TEMPLATE,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    heads = 4
    config = {
        "model_type": "qwen3",
        "hidden_size": hidden_size,
        "num_hidden_layers": 2,
        "intermediate_size": hidden_size * 2,
        "num_attention_heads": heads,
        "num_key_value_heads": 2,
        "head_dim": hidden_size // heads,
        "rms_norm_eps": 1e-6,
        "vocab_size": vocabulary,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": True,
        "rope_theta": 10000.0,
        "eos_token_id": end,
    }
    (directory / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    mx.random.seed(seed)
    model = Model(ModelArgs.from_dict(config))
    weights = dict(tree_flatten(model.parameters()))
    mx.save_safetensors(str(directory / "model.safetensors"), weights, metadata={"format": "mlx"})
    return directory
