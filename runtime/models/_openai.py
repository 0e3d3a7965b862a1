"""``OpenAIModel``: any OpenAI-compatible chat-completions server, through httpx.

Works with mlx_lm.server, llama.cpp's server, Ollama, LM Studio and vLLM. Connection errors,
timeouts and 5xx answers are retried a bounded number of times with exponential backoff, then
become ``ModelUnavailableError``; a 4xx answer is a ``ModelRequestError`` at once (the same request
would fail again). The reply is read from ``content`` and from ``tool_calls``: a tool call that a
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
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = base_url
        self.model = model
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self._url = _endpoint(base_url)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            headers=headers,
            transport=transport,
        )

    @property
    def name(self) -> str:
        return f"openai:{self.base_url}#{self.model}"

    def close(self) -> None:
        self._client.close()

    def complete(self, messages: Sequence[Message], settings: GenerationSettings) -> Completion:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [m.model_dump() for m in messages],
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "stream": False,
        }
        if settings.stop:
            payload["stop"] = list(settings.stop)
        if settings.seed is not None:
            payload["seed"] = settings.seed
        data = self._post(payload)
        return self._read(data)

    def _post(self, payload: dict[str, Any]) -> Any:
        problem = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = self._client.post(self._url, json=payload)
            except httpx.TimeoutException as error:
                problem = f"timed out ({type(error).__name__})"
                continue
            except httpx.TransportError as error:
                problem = f"could not connect ({type(error).__name__}: {error})"
                continue
            if response.status_code in _RETRY_STATUS:
                problem = f"answered HTTP {response.status_code}: {response.text[:300]}"
                continue
            if 400 <= response.status_code < 500:
                raise ModelRequestError(
                    f"the model server at {self._url} rejected the request with HTTP "
                    f"{response.status_code}: {response.text[:500]}. Check the model name "
                    f"({self.model!r}), the API key and the server's limits.",
                    status_code=response.status_code,
                )
            if response.status_code >= 300:
                raise ModelResponseError(
                    f"the model server at {self._url} answered HTTP {response.status_code}"
                )
            try:
                return response.json()
            except ValueError as error:
                raise ModelResponseError(
                    f"the model server at {self._url} answered with something that is not JSON: "
                    f"{response.text[:200]!r}"
                ) from error
        raise ModelUnavailableError(
            f"the model server at {self._url} {problem}; gave up after {self.max_retries + 1} "
            "attempts. Is the server running, and is the URL right?"
        )

    def _read(self, data: Any) -> Completion:
        try:
            choice = data["choices"][0]
            message = choice["message"]
        except (KeyError, IndexError, TypeError) as error:
            raise ModelResponseError(
                f"the model server's answer has no choices[0].message: {str(data)[:300]}"
            ) from error
        content = message.get("content") or ""
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        text = content if isinstance(content, str) else str(content)
        calls = message.get("tool_calls") or []
        if calls:
            rendered = "\n".join(_tool_call_text(call) for call in calls)
            text = f"{text.strip()}\n{rendered}" if text.strip() else rendered
        reason = choice.get("finish_reason")
        finish: FinishReason = (
            "tool_call"
            if calls or reason == "tool_calls"
            else "length"
            if reason == "length"
            else "stop"
        )
        usage = data.get("usage") or {}
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=finish,
        )
