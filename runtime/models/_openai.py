"""``OpenAIModel``: any OpenAI-compatible chat-completions server, through httpx.

Works with mlx_lm.server, llama.cpp's server, Ollama, LM Studio and vLLM. Connection errors,
timeouts and 5xx answers are retried a bounded number of times with exponential backoff, then
become ``ModelUnavailableError``; a 4xx answer is a ``ModelRequestError`` at once (the same request
would fail again). With ``stream=True`` the answer is read as server-sent events, and
``should_stop`` (cancellation) can end it between chunks; by default (``stream=None``) it streams
when someone listens (``settings.on_token``, the CLI's progress) and reads a plain JSON answer
from a server that does not stream. The reply is read from ``content`` and
from ``tool_calls``: a tool call that a
server parsed out of the text is rendered back into the canonical XML, so the loop and the traces
see one form.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Sequence
from typing import Any

import httpx

from runtime._errors import ModelRequestError, ModelResponseError, ModelUnavailableError
from runtime.models._base import Completion, FinishReason, GenerationSettings
from runtime.template import Message, render_tool_call

__all__ = ["OpenAIModel"]

DEFAULT_MODEL = "default_model"
"""What mlx_lm.server calls the model it was started with (needed for its adapter to apply)."""

_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


def _endpoint(base_url: str) -> str:
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def _tool_call_text(call: Any) -> str:
    """Render one API tool call as text the extractor reads (canonical XML when possible)."""
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict):
        return f"<tool_call>{json.dumps(call)}</tool_call>"
    name = function.get("name")
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        with contextlib.suppress(json.JSONDecodeError):
            arguments = json.loads(arguments)
    if (
        name == "execute_code"
        and isinstance(arguments, dict)
        and isinstance(arguments.get("code"), str)
    ):
        return render_tool_call(arguments["code"])
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


class OpenAIModel:
    """A chat-completions client with timeouts and bounded, backed-off retries."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        connect_timeout_s: float = 5.0,
        max_retries: int = 3,
        backoff_s: float = 0.5,
        stream: bool | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = base_url
        self.model = model
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.stream = stream
        self._url = _endpoint(base_url)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
        self._client = httpx.Client(
            timeout=self._timeout,
            headers=headers,
            transport=transport,
        )

    @property
    def name(self) -> str:
        return f"openai:{self.base_url}#{self.model}"

    def close(self) -> None:
        self._client.close()

    def complete(self, messages: Sequence[Message], settings: GenerationSettings) -> Completion:
        stream = self.stream if self.stream is not None else settings.on_token is not None
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [m.model_dump() for m in messages],
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "stream": stream,
        }
        if stream:
            payload["stream_options"] = {"include_usage": True}
        if settings.stop:
            payload["stop"] = list(settings.stop)
        if settings.seed is not None:
            payload["seed"] = settings.seed
        return self._request(payload, settings)

    def _request(self, payload: dict[str, Any], settings: GenerationSettings) -> Completion:
        problem = ""
        attempts = 0
        for attempt in range(self.max_retries + 1):
            if attempt:
                pause = self.backoff_s * 2 ** (attempt - 1)
                if settings.deadline is not None and time.monotonic() + pause >= settings.deadline:
                    problem += " and the run's time limit leaves no time to retry"
                    break
                time.sleep(pause)
            timeout = self._timeout
            if settings.deadline is not None:
                left = max(0.001, settings.deadline - time.monotonic())
                timeout = httpx.Timeout(
                    min(self._timeout.read or left, left),
                    connect=min(self._timeout.connect or left, left),
                )
            attempts += 1
            try:
                with self._client.stream(
                    "POST", self._url, json=payload, timeout=timeout
                ) as response:
                    if response.status_code in _RETRY_STATUS:
                        response.read()
                        problem = f"answered HTTP {response.status_code}: {response.text[:300]}"
                        continue
                    if response.status_code >= 300:
                        response.read()
                        self._refuse(response)
                    if payload["stream"] and (
                        self.stream  # asked for explicitly: a server that cannot is an error
                        or "text/event-stream" in response.headers.get("content-type", "")
                    ):
                        return self._read_stream(response, settings)
                    response.read()
                    try:
                        data = response.json()
                    except ValueError as error:
                        raise ModelResponseError(
                            f"the model server at {self._url} answered with something that is "
                            f"not JSON: {response.text[:200]!r}"
                        ) from error
                    return self._read(data)
            except httpx.TimeoutException as error:
                problem = f"timed out ({type(error).__name__})"
            except httpx.TransportError as error:
                problem = f"could not connect ({type(error).__name__}: {error})"
        raise ModelUnavailableError(
            f"the model server at {self._url} {problem}; gave up after {attempts} "
            "attempts. Is the server running, and is the URL right?"
        )

    def _refuse(self, response: httpx.Response) -> None:
        if 400 <= response.status_code < 500:
            raise ModelRequestError(
                f"the model server at {self._url} rejected the request with HTTP "
                f"{response.status_code}: {response.text[:500]}. Check the model name "
                f"({self.model!r}), the API key and the server's limits.",
                status_code=response.status_code,
            )
        raise ModelResponseError(
            f"the model server at {self._url} answered HTTP {response.status_code}"
        )

    def _read_stream(self, response: httpx.Response, settings: GenerationSettings) -> Completion:
        """Assemble a streamed answer (server-sent events); ``should_stop`` can end it early."""
        content: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        reason: str | None = None
        usage: dict[str, Any] = {}
        events = 0
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            events += 1
            data = line[len("data:") :].strip()
            if data == "[DONE]":
                break
            try:
                chunk = json.loads(data)
            except json.JSONDecodeError as error:
                raise ModelResponseError(
                    f"the model server at {self._url} streamed something that is not JSON: "
                    f"{data[:200]!r}"
                ) from error
            if not isinstance(chunk, dict):
                raise ModelResponseError(
                    f"the model server at {self._url} streamed a chunk that is not a JSON "
                    f"object: {data[:200]!r}"
                )
            usage = _object(chunk.get("usage")) or usage
            for choice in _objects(chunk.get("choices")):
                delta = _object(choice.get("delta"))
                if isinstance(delta.get("content"), str) and delta["content"]:
                    content.append(delta["content"])
                    if settings.on_token is not None:
                        settings.on_token(delta["content"])
                for call in _objects(delta.get("tool_calls")):
                    index = call.get("index", 0)
                    slot = calls.setdefault(
                        index if isinstance(index, int) else 0, {"name": "", "arguments": ""}
                    )
                    function = _object(call.get("function"))
                    slot["name"] += _text(function.get("name"))
                    slot["arguments"] += _text(function.get("arguments"))
                reason = _text(choice.get("finish_reason")) or reason
            if settings.should_stop is not None and settings.should_stop():
                reason = "cancelled"
                break
        if not events:
            raise ModelResponseError(
                f"the model server at {self._url} was asked to stream but sent no server-sent "
                f"events (Content-Type {response.headers.get('content-type')!r}); does it support "
                "streaming? Use stream=False otherwise"
            )
        message = {
            "content": "".join(content),
            "tool_calls": [{"function": calls[index]} for index in sorted(calls)],
        }
        completion = self._read(
            {"choices": [{"message": message, "finish_reason": reason}], "usage": usage}
        )
        if reason == "cancelled":
            return Completion(
                text=completion.text,
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
                finish_reason="cancelled",
            )
        return completion

    def _read(self, data: Any) -> Completion:
        try:
            choice = data["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError) as error:
            raise ModelResponseError(
                f"the model server's answer has no choices[0].message: {str(data)[:300]}"
            ) from error
        if not isinstance(message, dict):
            raise ModelResponseError(
                f"the model server's choices[0].message is not an object: {str(data)[:300]}"
            )
        content = message.get("content") or ""
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(_text(part.get("text")) for part in _objects(content))
        text = content if isinstance(content, str) else str(content)
        calls = _objects(message.get("tool_calls"))
        if calls:
            rendered = "\n".join(_tool_call_text(call) for call in calls)
            text = f"{text.strip()}\n{rendered}" if text.strip() else rendered
        reason = choice.get("finish_reason") if isinstance(choice, dict) else None
        finish: FinishReason = (
            "tool_call"
            if calls or reason == "tool_calls"
            else "length"
            if reason == "length"
            else "stop"
        )
        usage = _object(data.get("usage"))
        return Completion(
            text=text,
            prompt_tokens=_count(usage.get("prompt_tokens")),
            completion_tokens=_count(usage.get("completion_tokens")),
            finish_reason=finish,
        )


def _object(value: Any) -> dict[str, Any]:
    """A JSON object from a server's answer, or {} when the server sent something else there."""
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list from a server's answer (anything else there is ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _count(value: Any) -> int:
    """A token count; servers that send none (or nonsense) count as 0 rather than failing."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
