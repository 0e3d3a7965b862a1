"""OpenAIModel against a real HTTP server on 127.0.0.1 that misbehaves on purpose.

The server is a small ``http.server`` in a thread; it answers from a queue of planned responses
(status, body, delay), so retries, backoff, timeouts and error mapping are exercised over real
sockets. The mlx_lm.server end-to-end test lives in test_mlx.py.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from runtime import (
    GenerationSettings,
    Message,
    ModelRequestError,
    ModelResponseError,
    ModelUnavailableError,
    OpenAIModel,
    render_tool_call,
)

HELLO = [Message(role="user", content="hello")]


def completion(content: Any = "hi", **message: Any) -> dict[str, Any]:
    return {
        "choices": [
            {
                "message": {"role": "assistant", "content": content, **message},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3},
    }


class PlannedServer:
    def __init__(self) -> None:
        self.plan: list[tuple[int, str, float]] = []
        self.requests: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                owner.requests.append(
                    {"path": self.path, "body": json.loads(self.rfile.read(length))}
                )
                status, body, delay = owner.plan.pop(0) if owner.plan else (500, "no plan", 0.0)
                time.sleep(delay)
                payload = body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def respond(self, status: int, body: Any, delay: float = 0.0) -> None:
        self.plan.append((status, body if isinstance(body, str) else json.dumps(body), delay))


@pytest.fixture
def server() -> Iterator[PlannedServer]:
    planned = PlannedServer()
    planned.thread.start()
    yield planned
    planned.server.shutdown()
    planned.server.server_close()


def model_for(server: PlannedServer, **options: Any) -> OpenAIModel:
    options.setdefault("backoff_s", 0.01)
    return OpenAIModel(server.url, model="m", **options)


def test_reads_content_usage_and_sends_the_request(server: PlannedServer) -> None:
    server.respond(200, completion("The answer."))
    result = model_for(server).complete(HELLO, GenerationSettings(max_tokens=50, seed=3))
    assert (result.text, result.prompt_tokens, result.completion_tokens) == ("The answer.", 7, 3)
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["messages"] == [{"role": "user", "content": "hello"}]
    assert (request["body"]["max_tokens"], request["body"]["seed"], request["body"]["model"]) == (
        50,
        3,
        "m",
    )
    assert request["body"]["stop"] == ["</tool_call>"]


def test_api_tool_calls_become_the_canonical_xml(server: PlannedServer) -> None:
    call = {
        "type": "function",
        "function": {"name": "execute_code", "arguments": json.dumps({"code": "print(1)"})},
    }
    server.respond(200, completion(None, tool_calls=[call]))
    result = model_for(server).complete(HELLO, GenerationSettings())
    assert result.text == render_tool_call("print(1)")
    assert result.finish_reason == "tool_call"


def test_unknown_api_tool_call_is_kept_for_the_extractor_to_reject(server: PlannedServer) -> None:
    call = {"function": {"name": "typecheck", "arguments": {"path": "."}}}
    server.respond(200, completion("", tool_calls=[call]))
    text = model_for(server).complete(HELLO, GenerationSettings()).text
    assert text.startswith("<tool_call>{") and '"typecheck"' in text


def test_5xx_is_retried_then_succeeds(server: PlannedServer) -> None:
    server.respond(503, "busy")
    server.respond(500, "oops")
    server.respond(200, completion("ok"))
    assert model_for(server, max_retries=3).complete(HELLO, GenerationSettings()).text == "ok"
    assert len(server.requests) == 3


def test_5xx_forever_gives_up_after_bounded_retries(server: PlannedServer) -> None:
    for _ in range(5):
        server.respond(502, "bad gateway")
    with pytest.raises(ModelUnavailableError, match="gave up after 3 attempts"):
        model_for(server, max_retries=2).complete(HELLO, GenerationSettings())
    assert len(server.requests) == 3


def test_4xx_is_not_retried(server: PlannedServer) -> None:
    server.respond(404, '{"error": "model m not found"}')
    with pytest.raises(ModelRequestError, match=r"HTTP 404.*model m not found") as caught:
        model_for(server).complete(HELLO, GenerationSettings())
    assert caught.value.status_code == 404
    assert len(server.requests) == 1


def test_slow_server_times_out_then_gives_up(server: PlannedServer) -> None:
    server.respond(200, completion("late"), delay=1.0)
    server.respond(200, completion("late"), delay=1.0)
    with pytest.raises(ModelUnavailableError, match="timed out"):
        model_for(server, timeout_s=0.2, max_retries=1).complete(HELLO, GenerationSettings())


def test_server_down_is_a_typed_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = OpenAIModel(f"http://127.0.0.1:{port}", max_retries=1, backoff_s=0.01)
    with pytest.raises(ModelUnavailableError, match=r"could not connect.*Is the server running"):
        model.complete(HELLO, GenerationSettings())


@pytest.mark.parametrize("body", ["<html>proxy</html>", '{"choices": []}', '{"id": 1}'])
def test_answers_that_are_not_completions(server: PlannedServer, body: str) -> None:
    server.respond(200, body)
    with pytest.raises(ModelResponseError):
        model_for(server).complete(HELLO, GenerationSettings())


@pytest.mark.parametrize(
    "body",
    [
        '{"choices": [{"message": null}]}',
        '{"choices": [{"message": "hi"}]}',
        '{"choices": [null]}',
        "[1, 2]",
    ],
)
def test_answers_with_a_wrong_shape_are_typed_errors(server: PlannedServer, body: str) -> None:
    server.respond(200, body)
    with pytest.raises(ModelResponseError, match="choices"):
        model_for(server).complete(HELLO, GenerationSettings())


def test_nonsense_usage_and_tool_calls_fields_are_ignored(server: PlannedServer) -> None:
    server.respond(200, completion("x", tool_calls="zz") | {"usage": {"prompt_tokens": "abc"}})
    server.respond(200, completion("y") | {"usage": "none"})
    model = model_for(server)
    first = model.complete(HELLO, GenerationSettings())
    assert (first.text, first.prompt_tokens, first.finish_reason) == ("x", 0, "stop")
    assert model.complete(HELLO, GenerationSettings()).text == "y"


@pytest.mark.parametrize("chunk", ["[1, 2]", '"text"'])
def test_streamed_chunk_that_is_not_an_object_is_a_typed_error(
    server: PlannedServer, chunk: str
) -> None:
    server.respond(200, f"data: {chunk}\n\n")
    with pytest.raises(ModelResponseError, match="not a JSON object"):
        model_for(server, stream=True).complete(HELLO, GenerationSettings())


def test_a_stream_without_any_event_is_a_typed_error(server: PlannedServer) -> None:
    server.respond(200, completion("not streamed"))
    with pytest.raises(ModelResponseError, match="sent no server-sent events"):
        model_for(server, stream=True).complete(HELLO, GenerationSettings())


def test_streamed_chunks_with_odd_fields_do_not_crash(server: PlannedServer) -> None:
    odd = {"choices": [None, {"delta": {"tool_calls": [{"index": "x"}], "content": "a"}}]}
    server.respond(200, sse(odd, delta(content="b", finish="stop")))
    completion = model_for(server, stream=True).complete(HELLO, GenerationSettings())
    assert completion.text.startswith("ab")


def test_content_given_as_parts(server: PlannedServer) -> None:
    server.respond(200, completion([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]))
    assert model_for(server).complete(HELLO, GenerationSettings()).text == "ab"


def sse(*chunks: dict[str, Any]) -> str:
    return "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"


def delta(finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": fields, "finish_reason": finish}]}


def test_streamed_content_and_usage(server: PlannedServer) -> None:
    usage = {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}
    server.respond(200, sse(delta(content="Hel"), delta(content="lo.", finish="stop"), usage))
    completion = model_for(server, stream=True).complete(HELLO, GenerationSettings())
    assert (completion.text, completion.prompt_tokens, completion.completion_tokens) == (
        "Hello.",
        9,
        2,
    )
    assert server.requests[0]["body"]["stream"] is True


def test_streamed_tool_call_fragments_are_joined(server: PlannedServer) -> None:
    first = {"index": 0, "function": {"name": "execute_code", "arguments": '{"code": "pri'}}
    second = {"index": 0, "function": {"arguments": 'nt(1)"}'}}
    server.respond(
        200, sse(delta(tool_calls=[first]), delta(tool_calls=[second], finish="tool_calls"))
    )
    completion = model_for(server, stream=True).complete(HELLO, GenerationSettings())
    assert completion.text == render_tool_call("print(1)")
    assert completion.finish_reason == "tool_call"


def test_streaming_stops_when_cancelled(server: PlannedServer) -> None:
    server.respond(200, sse(delta(content="a"), delta(content="b"), delta(content="c")))
    settings = GenerationSettings(should_stop=lambda: True)
    completion = model_for(server, stream=True).complete(HELLO, settings)
    assert (completion.text, completion.finish_reason) == ("a", "cancelled")


def test_streamed_garbage_is_a_typed_error(server: PlannedServer) -> None:
    server.respond(200, "data: {oops\n\n")
    with pytest.raises(ModelResponseError, match="streamed something that is not JSON"):
        model_for(server, stream=True).complete(HELLO, GenerationSettings())


def test_deadline_shortens_the_timeout_and_stops_retries(server: PlannedServer) -> None:
    server.respond(200, completion("late"), delay=2.0)
    server.respond(200, completion("late"), delay=2.0)
    settings = GenerationSettings(deadline=time.monotonic() + 0.3)
    with pytest.raises(ModelUnavailableError, match="time limit leaves no time to retry"):
        model_for(server, timeout_s=60, max_retries=3, backoff_s=0.5).complete(HELLO, settings)
    assert len(server.requests) == 1


def test_a_slow_server_ends_the_run_with_time_limit(server: PlannedServer) -> None:
    from runtime import Agent, AgentLimits

    server.respond(200, completion("late"), delay=2.0)
    model = model_for(server, timeout_s=60, backoff_s=0.5)
    with Agent(model=model, limits=AgentLimits(max_time_s=0.3)) as agent:
        result = agent.ask("anyone there?")
    assert (result.outcome, result.answer, result.turns) == ("time_limit", None, [])
