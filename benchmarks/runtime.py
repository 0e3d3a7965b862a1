"""Runtime benchmarks: the agent loop's own overhead per turn, and the tiny model's speed on CPU.

Run: ``uv run python benchmarks/runtime.py`` (re-executes itself with OpenBLAS preloaded when
Debian's libopenblas0-pthread is installed, offline, with MLX's compile cache off).

1. Loop overhead per turn, measured with ``ScriptedModel`` and the workspace's real bridges (27
   stubs in the system prompt, pre-run check against all of them, traces recorded to disk):
   wall time of ``Agent.ask`` minus the model's time and minus the sandbox's execution time,
   divided by the number of turns. Also shown with the sandbox round trip of a trivial snippet
   included. Target: median <= 5 ms.
2. The tiny random qwen3 model (hidden 64, 2 layers) through ``MLXModel``: generation tokens/s
   and prompt tokens/s for a real-size system prompt, and the time to the first token with all
   bridges in the prompt against a three-bridge selection (``--bridges``). Measured with
   ``prompt_cache=False``: the cost of reading a prompt the model has not seen.
3. A multi-turn conversation through the tiny model (all bridge stubs in the system prompt, each
   turn adding a tool call and its result, 24-token replies): wall time with the prompt cache
   (``MLXModel``'s default, which feeds only what the last call did not hold) against
   ``MLXModel(prompt_cache=False)`` (the whole conversation read again every turn), in one run,
   with the check that both gave the same replies.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"

# This file is named like the package it measures; keep its own folder off the import path so
# that ``import runtime`` finds the package, not this script.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

__all__ = ["main"]

SELECTED = ("typecheck", "ruff_check", "pytest_run")
"""A small bridge selection (``--bridges``) to compare the prompt cost with."""


def _reexec_with_environment() -> None:
    wanted = {"HF_HUB_OFFLINE": "1", "MLX_DISABLE_COMPILE": "1"}
    if Path(OPENBLAS).exists():
        wanted["LD_PRELOAD"] = OPENBLAS
    if all(os.environ.get(k) == v for k, v in wanted.items()):
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **wanted})


def loop_overhead(workspace: Path, *, runs: int = 30, turns: int = 5) -> None:
    from bridges import default_bridges
    from runtime import (
        Agent,
        Event,
        ModelResponse,
        ScriptedModel,
        SnippetExecuted,
        render_tool_call,
    )

    replies = [render_tool_call(f"x{i} = {i} * 2\nx{i}") for i in range(turns - 1)] + ["done"]
    functions = default_bridges(workspace)
    model_time = 0.0
    sandbox_time = 0.0

    def measure(event: Event) -> None:
        nonlocal model_time, sandbox_time
        if isinstance(event, ModelResponse):
            model_time += event.latency_s
        elif isinstance(event, SnippetExecuted):
            sandbox_time += event.duration_s

    without: list[float] = []
    with_sandbox: list[float] = []
    with (
        tempfile.TemporaryDirectory() as traces,
        Agent(
            model=ScriptedModel(lambda messages: replies[(len(messages) - 2) // 2]),
            host_functions=functions,
            trace_dir=Path(traces),
        ) as agent,
    ):
        agent.subscribe(measure)
        agent.ask("warm up")
        for _ in range(runs):
            model_time = sandbox_time = 0.0
            started = time.perf_counter()
            result = agent.ask("benchmark question")
            total = time.perf_counter() - started
            assert result.outcome == "success" and len(result.turns) == turns
            without.append((total - model_time - sandbox_time) / turns * 1000)
            with_sandbox.append((total - model_time) / turns * 1000)
    print(
        f"loop overhead per turn ({len(functions)} bridges, {turns} turns, {runs} runs, traces on):"
    )
    print(
        f"  excluding model and sandbox: median {statistics.median(without):.2f} ms "
        f"(min {min(without):.2f}, max {max(without):.2f}); target <= 5 ms: "
        f"{'PASS' if statistics.median(without) <= 5 else 'FAIL'}"
    )
    print(
        f"  including the sandbox round trip of a trivial snippet: median "
        f"{statistics.median(with_sandbox):.2f} ms"
    )
    ratio = statistics.median(with_sandbox) / statistics.median(without)
    print(f"  ratio with/without sandbox: {ratio:.1f}x")


def tiny_model_speed(workspace: Path, *, runs: int = 5) -> None:
    from bridges import default_bridges
    from runtime import (
        GenerationSettings,
        MLXModel,
        build_tiny_model,
        render_conversation,
        select_host_functions,
        system_prompt_for,
    )
    from runtime.template import render_system_prompt
    from sandbox import render_stubs

    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        path = build_tiny_model(Path(directory) / "tiny")
        built = time.perf_counter() - started
        model = MLXModel(path, prompt_cache=False)  # each call reads its prompt whole
        model.load()
        short = render_conversation(
            system="You are punie.", question="How many type errors?", steps=[]
        )
        functions = default_bridges(workspace)
        full = render_conversation(
            system=render_system_prompt(render_stubs(functions)),
            question="How many type errors?",
            steps=[],
        )
        settings = GenerationSettings(max_tokens=200, stop=())
        model.complete(short, settings)
        generation: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            completion = model.complete(short, settings)
            generation.append(completion.completion_tokens / (time.perf_counter() - started))
        prompt: list[float] = []
        tokens = 0
        first_token: dict[str, list[float]] = {"all": [], "selected": []}
        selected = render_conversation(
            system=system_prompt_for(select_host_functions(functions, SELECTED)),
            question="How many type errors?",
            steps=[],
        )
        selected_tokens = 0
        for _ in range(3):
            started = time.perf_counter()
            completion = model.complete(full, GenerationSettings(max_tokens=1, stop=()))
            elapsed = time.perf_counter() - started
            prompt.append(completion.prompt_tokens / elapsed)
            first_token["all"].append(elapsed)
            tokens = completion.prompt_tokens
            started = time.perf_counter()
            completion = model.complete(selected, GenerationSettings(max_tokens=1, stop=()))
            first_token["selected"].append(time.perf_counter() - started)
            selected_tokens = completion.prompt_tokens
    blas = "OpenBLAS" if os.environ.get("LD_PRELOAD") == OPENBLAS else "reference BLAS"
    print(f"tiny model (qwen3, hidden 64, 2 layers; built in {built:.1f} s; CPU, {blas}):")
    print(
        f"  generation: median {statistics.median(generation):.0f} tokens/s (200 tokens, {runs} runs)"
    )
    print(
        f"  prompt with all bridge stubs ({tokens} tokens): median "
        f"{statistics.median(prompt):.0f} tokens/s (3 runs)"
    )
    print(
        f"  first token, all {len(functions)} bridges ({tokens} prompt tokens): median "
        f"{statistics.median(first_token['all']):.2f} s; --bridges {','.join(SELECTED)} "
        f"({selected_tokens} tokens): {statistics.median(first_token['selected']):.2f} s"
    )


def multi_turn_reuse(workspace: Path, *, turns: int = 6) -> None:
    from bridges import default_bridges
    from runtime import (
        GenerationSettings,
        MLXModel,
        build_tiny_model,
        render_conversation,
    )
    from runtime.template import Step, render_system_prompt
    from sandbox import render_stubs

    system = render_system_prompt(render_stubs(default_bridges(workspace)))
    settings = GenerationSettings(max_tokens=24, stop=())

    def conversation(model: MLXModel) -> tuple[list[float], list[str], list[int], int]:
        steps: list[Step] = []
        seconds: list[float] = []
        replies: list[str] = []
        reused: list[int] = []
        prompt_tokens = 0
        for turn in range(turns):
            started = time.perf_counter()
            messages = render_conversation(
                system=system, question="How many type errors are in src?", steps=steps
            )
            completion = model.complete(messages, settings)
            seconds.append(time.perf_counter() - started)
            replies.append(completion.text)
            reused.append(model.last_reused_tokens)
            prompt_tokens = completion.prompt_tokens
            steps.append(Step(code=f"r{turn} = typecheck()\nprint(r{turn})", result="3 errors"))
        return seconds, replies, reused, prompt_tokens

    with tempfile.TemporaryDirectory() as directory:
        path = build_tiny_model(Path(directory) / "tiny")
        plain, cached = MLXModel(path, prompt_cache=False), MLXModel(path)
        plain.load()
        cached.load()
        plain_s, plain_replies, _, last_prompt = conversation(plain)
        cached_s, cached_replies, reused, _ = conversation(cached)
    assert cached_replies == plain_replies, "the prompt cache changed a reply"
    print(
        f"multi-turn conversation, tiny model ({turns} turns, all bridge stubs, "
        f"{last_prompt} prompt tokens at the last turn, 24-token replies):"
    )
    later_plain, later_cached = statistics.median(plain_s[1:]), statistics.median(cached_s[1:])
    print(
        f"  whole prompt every turn (prompt_cache=False): {sum(plain_s):.1f} s; "
        f"prompt cache: {sum(cached_s):.1f} s; ratio {sum(plain_s) / sum(cached_s):.1f}x; "
        "same replies"
    )
    print(
        f"  a turn after the first: median {later_plain:.2f} s without reuse, "
        f"{later_cached:.2f} s with it; ratio {later_plain / later_cached:.1f}x"
    )
    print(f"  prompt tokens taken from the cache, turn by turn: {reused}")


def main() -> None:
    _reexec_with_environment()
    from bridges import sample_workspace

    with tempfile.TemporaryDirectory() as directory:
        workspace = sample_workspace(Path(directory) / "shop")
        loop_overhead(workspace)
        tiny_model_speed(workspace)
        multi_turn_reuse(workspace)


if __name__ == "__main__":
    main()
