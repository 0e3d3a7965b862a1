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

from runtime import (
    GenerationSettings,
    MLXModel,
    ModelUnavailableError,
    OpenAIModel,
    render_conversation,
    render_tool_call,
)
from runtime.template import Step
from tests.runtime.runtime_test_support import free_port, mlx_environment

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


@pytest.mark.parametrize("spec", ["/no/such/model", "./no-such-model", "a/b/c", "~/no-such-model"])
def test_a_local_path_that_does_not_exist_is_not_looked_up_on_the_hub(spec: str) -> None:
    """Without this, mlx-lm treats the path as a hub id and fails late with a hub error."""
    with pytest.raises(ModelUnavailableError, match="there is no model directory at"):
        MLXModel(spec).load()


def test_a_missing_adapter_directory_is_named_before_loading(
    tiny_model: Path, tmp_path: Path
) -> None:
    with pytest.raises(ModelUnavailableError, match="there is no adapter directory at"):
        MLXModel(tiny_model, adapter=tmp_path / "no-adapter").load()


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


def make_adapter(model_dir: Path, adapter_dir: Path) -> Path:
    """A LoRA adapter with non-zero random weights, saved the way mlx_lm.lora saves one."""
    import mlx.core as mx
    import mlx_lm
    from mlx.utils import tree_flatten
    from mlx_lm.tuner.utils import linear_to_lora_layers

    model, _ = mlx_lm.load(str(model_dir))[:2]
    parameters = {"rank": 4, "scale": 20.0, "dropout": 0.0}
    linear_to_lora_layers(model, 2, parameters)
    mx.random.seed(1)
    weights: dict[str, mx.array] = {}
    for name, value in tree_flatten(model.parameters()):
        if name.rsplit(".", 1)[-1] in {"lora_a", "lora_b"} and isinstance(value, mx.array):
            weights[name] = mx.random.normal(value.shape) * 0.5
    adapter_dir.mkdir(parents=True)
    mx.save_safetensors(str(adapter_dir / "adapters.safetensors"), weights)
    config = {"fine_tune_type": "lora", "num_layers": 2, "lora_parameters": parameters}
    (adapter_dir / "adapter_config.json").write_text(json.dumps(config))
    return adapter_dir


def test_adapter_changes_the_output(tiny_model: Path, tmp_path: Path) -> None:
    from runtime import model_from_spec

    adapter = make_adapter(tiny_model, tmp_path / "adapter")
    settings = GenerationSettings(max_tokens=12)
    base = MLXModel(tiny_model).complete(QUESTION, settings)
    adapted_model = model_from_spec(f"mlx:{tiny_model}@{adapter}")
    assert adapted_model.name == f"mlx:{tiny_model}@{adapter}"
    adapted = adapted_model.complete(QUESTION, settings)
    assert adapted.prompt_tokens == base.prompt_tokens
    assert adapted.text != base.text


def test_generation_stops_after_a_stop_sequence(tiny_model: Path) -> None:
    model = MLXModel(tiny_model)
    free = model.complete(QUESTION, GenerationSettings(max_tokens=30, stop=()))
    assert free.text, "the random model produced nothing"
    stop = free.text[: max(1, len(free.text) // 2)]
    cut = model.complete(QUESTION, GenerationSettings(max_tokens=30, stop=(stop,)))
    assert cut.finish_reason == "stop"
    assert cut.text.endswith(stop)
    assert free.text.startswith(cut.text)


def test_inference_prompt_is_a_prefix_of_the_training_text(tiny_model: Path) -> None:
    """The chat template renders each assistant turn exactly after the generation prompt."""
    from runtime import render_tool_call as call

    model = MLXModel(tiny_model)
    model.load()
    conversation = render_conversation(
        system="S", question="Q", steps=[Step(code="print(1)", result="1")], answer="One."
    )
    training = model._tokenizer.apply_chat_template(
        [m.model_dump() for m in conversation], tokenize=False
    )
    for end in (2, 4):  # before the tool call, before the answer
        prompt = model.render_prompt(conversation[:end])
        assert training.startswith(prompt)
        follow = conversation[end].content
        assert training[len(prompt) :].startswith(follow + "<|im_end|>")
    assert call("print(1)") in training


@pytest.mark.parametrize("backend", ["in_process", "server"])
def test_agent_survives_a_real_model_writing_nonsense(
    backend: str, tiny_model: Path, mlx_server: str, punie_data_dir: Path
) -> None:
    """The random tiny model's replies go through the whole loop without breaking it."""
    from runtime import Agent, AgentLimits, TraceStore
    from tests.runtime.runtime_fakes import typecheck

    model = MLXModel(tiny_model) if backend == "in_process" else OpenAIModel(f"{mlx_server}/v1")
    limits = AgentLimits(max_turns=2, max_reply_tokens=16)
    with Agent(model=model, host_functions=[typecheck], limits=limits) as agent:
        result = agent.ask("How many type errors are in src?")
    assert result.outcome in {"success", "max_turns"}
    assert 1 <= len(result.turns) <= 2
    assert result.usage.prompt_tokens > 100
    trace = TraceStore().load(result.trace_id)
    assert trace.outcome == result.outcome
    assert trace.skipped_lines == 0


def test_streaming_from_mlx_lm_server_matches_the_plain_answer(mlx_server: str) -> None:
    settings = GenerationSettings(max_tokens=8)
    plain = OpenAIModel(f"{mlx_server}/v1")
    streamed = OpenAIModel(f"{mlx_server}/v1", stream=True)
    try:
        expected = plain.complete(QUESTION, settings)
        got = streamed.complete(QUESTION, settings)
    finally:
        plain.close()
        streamed.close()
    assert got.text == expected.text
    assert got.completion_tokens == expected.completion_tokens


def test_generation_stops_at_the_deadline(tiny_model: Path) -> None:
    import time

    settings = GenerationSettings(max_tokens=50, deadline=time.monotonic())
    completion = MLXModel(tiny_model).complete(QUESTION, settings)
    assert (completion.finish_reason, completion.completion_tokens) == ("length", 1)
