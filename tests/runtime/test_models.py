"""ScriptedModel and model spec strings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runtime import (
    GenerationSettings,
    Message,
    MLXModel,
    ModelResponseError,
    ModelSpecError,
    OpenAIModel,
    ScriptedModel,
    model_from_spec,
)
from runtime.models import Model

HELLO = [Message(role="user", content="hello there")]


def test_scripted_model_replays_in_order_and_records_requests() -> None:
    model = ScriptedModel(["one", "two"])
    assert model.complete(HELLO, GenerationSettings()).text == "one"
    assert model.complete(HELLO, GenerationSettings()).text == "two"
    assert model.requests == [HELLO, HELLO]
    assert isinstance(model, Model)


def test_scripted_model_out_of_replies_is_a_typed_error() -> None:
    model = ScriptedModel(["only"])
    model.complete(HELLO, GenerationSettings())
    with pytest.raises(ModelResponseError, match="no reply left"):
        model.complete(HELLO, GenerationSettings())


def test_scripted_model_calls_a_function_with_the_messages() -> None:
    model = ScriptedModel(lambda messages: f"{len(messages)} messages")
    completion = model.complete(HELLO, GenerationSettings())
    assert (completion.text, completion.prompt_tokens, completion.completion_tokens) == (
        "1 messages",
        2,
        2,
    )


def test_scripted_model_cuts_long_replies_at_max_tokens() -> None:
    completion = ScriptedModel(["a b c d e"]).complete(HELLO, GenerationSettings(max_tokens=3))
    assert (completion.text, completion.finish_reason) == ("a b c", "length")


def test_scripted_model_stops_at_the_end_of_a_tool_call() -> None:
    completion = ScriptedModel(["<tool_call>x</tool_call> and more"]).complete(
        HELLO, GenerationSettings()
    )
    assert (completion.text, completion.finish_reason) == ("<tool_call>x</tool_call>", "tool_call")


def test_scripted_model_rejects_a_single_string() -> None:
    with pytest.raises(TypeError, match="list of replies"):
        ScriptedModel("oops")  # type: ignore[arg-type]


def test_specs_build_each_backend(tmp_path: Path) -> None:
    script = tmp_path / "replies.json"
    script.write_text(json.dumps(["hi"]))
    assert isinstance(model_from_spec(f"scripted:{script}"), ScriptedModel)
    assert model_from_spec("scripted:replies.json", base_dir=tmp_path).name == f"scripted:{script}"
    mlx = model_from_spec("mlx:/models/qwen@/adapters/a1")
    assert isinstance(mlx, MLXModel)
    assert (mlx.path, mlx.adapter) == ("/models/qwen", "/adapters/a1")
    openai = model_from_spec("openai:http://127.0.0.1:9/v1#qwen")
    assert isinstance(openai, OpenAIModel)
    assert (openai.base_url, openai.model) == ("http://127.0.0.1:9/v1", "qwen")
    assert model_from_spec("openai:http://h:1").name == "openai:http://h:1#default_model"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("qwen", "not understood"),
        ("gguf:model.bin", "unknown model kind 'gguf'"),
        ("openai:localhost:8080", "must start with http"),
        ("mlx:/m@", "mlx:PATH@ADAPTER_DIR"),
        ("scripted:/no/such/file.json", "cannot read"),
    ],
)
def test_bad_specs_say_what_to_write(spec: str, fragment: str) -> None:
    with pytest.raises(ModelSpecError, match=fragment):
        model_from_spec(spec)


@pytest.mark.parametrize("content", ["{not json", '{"a": 1}', "[1, 2]"])
def test_scripted_file_must_be_a_list_of_strings(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ModelSpecError):
        ScriptedModel.from_file(path)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [({"temperature": -0.5}, "temperature"), ({"max_tokens": 0}, "max_tokens")],
)
def test_generation_settings_refuse_nonsense(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        GenerationSettings(**options)
