"""MLXModel in-process and mlx_lm.server over HTTP, both with the tiny model built by the tests."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from runtime_test_support import free_port, mlx_environment

from runtime import (
    GenerationSettings,
    MLXModel,
    ModelUnavailableError,
    OpenAIModel,
    render_conversation,
    render_tool_call,
)
from runtime.template import Step

pytestmark = pytest.mark.slow

QUESTION = render_conversation(
    system="You are punie.",
    question="How many errors?",
    steps=[Step(code="print(1)", result="1")],
)


def test_tiny_model_directory_is_complete(tiny_model: Path) -> None:
    names = {p.name for p in tiny_model.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= names
    config = json.loads((tiny_model / "config.json").read_text())
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"]) == (
        "qwen3",
        64,
        2,
    )
    tokenizer = json.loads((tiny_model / "tokenizer.json").read_text())
    added = {token["content"] for token in tokenizer["added_tokens"]}
    assert {"<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>", "<tool_response>"} <= added


def test_chat_template_renders_tool_calls_and_tool_messages(tiny_model: Path) -> None:
    prompt = MLXModel(tiny_model).render_prompt(QUESTION)
    assert prompt.endswith("<|im_start|>assistant\n")
    assert "<|im_start|>assistant\n" + render_tool_call("print(1)") + "<|im_end|>" in prompt
    assert "<tool_response>\n1\n</tool_response>" in prompt


def test_greedy_generation_is_bounded_and_reproducible(tiny_model: Path) -> None:
    model = MLXModel(tiny_model)
    settings = GenerationSettings(max_tokens=12)
    first = model.complete(QUESTION, settings)
    second = model.complete(QUESTION, settings)
    assert first == second
    assert 0 < first.completion_tokens <= 12
    assert first.prompt_tokens > 20


def test_seeded_sampling_is_reproducible(tiny_model: Path) -> None:
    model = MLXModel(tiny_model)
    settings = GenerationSettings(max_tokens=16, temperature=1.0, seed=7)
    assert model.complete(QUESTION, settings).text == model.complete(QUESTION, settings).text


def test_should_stop_cancels_generation(tiny_model: Path) -> None:
    settings = GenerationSettings(max_tokens=50, should_stop=lambda: True)
    completion = MLXModel(tiny_model).complete(QUESTION, settings)
    assert (completion.finish_reason, completion.completion_tokens) == ("cancelled", 1)


def test_missing_model_directory_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="could not load the mlx model"):
        MLXModel(tmp_path / "nothing-here").load()


@pytest.fixture(scope="module")
def mlx_server(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``mlx_lm.server`` serving the tiny model on 127.0.0.1."""
    port = free_port()
    env = mlx_environment()
    env["HF_HUB_CACHE"] = str(tmp_path_factory.mktemp("hf-cache"))
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mlx_lm",
                "server",
                "--model",
                str(tiny_model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"mlx_lm.server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"mlx_lm.server did not become healthy: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_openai_model_talks_to_mlx_lm_server(mlx_server: str) -> None:
    model = OpenAIModel(f"{mlx_server}/v1", max_retries=1)
    completion = model.complete(QUESTION, GenerationSettings(max_tokens=10))
    model.close()
    assert isinstance(completion.text, str)
    assert completion.prompt_tokens > 20
    assert 0 < completion.completion_tokens <= 10
    assert completion.finish_reason in {"stop", "length", "tool_call"}


def test_server_and_in_process_model_agree_on_greedy_output(
    mlx_server: str, tiny_model: Path
) -> None:
    settings = GenerationSettings(max_tokens=8)
    remote = OpenAIModel(f"{mlx_server}/v1", max_retries=1)
    over_http = remote.complete(QUESTION, settings)
    remote.close()
    in_process = MLXModel(tiny_model).complete(QUESTION, settings)
    assert over_http.prompt_tokens == in_process.prompt_tokens
    assert over_http.text == in_process.text
