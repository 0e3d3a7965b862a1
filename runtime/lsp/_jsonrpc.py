"""JSON-RPC hardening on top of pygls' ``LanguageServerProtocol``.

pygls 2.1 logs, but never answers, a request whose params cannot be structured: the client waits
forever. Here such a request gets a proper ``-32602 Invalid params`` response with its id. Bytes
that are not JSON (or not UTF-8) get a ``-32700 Parse error`` response with a null id, and a JSON
value that is not a message object gets ``-32600 Invalid Request`` — both as JSON-RPC 2.0 says —
and the server carries on reading the next message.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol

__all__ = ["PunieProtocol", "error_response"]

logger = logging.getLogger("punie.lsp.server")


class _Answered:
    """Stands in for a message that was already answered with an error."""

    jsonrpc = "answered"


def error_response(code: int, message: str, msg_id: Any = None) -> dict[str, Any]:
    """A JSON-RPC error response object."""
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


class PunieProtocol(LanguageServerProtocol):
    """Answers malformed requests instead of dropping them."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                method = data.get("method")
                logger.warning("invalid params for %s (id %r): %s", method, data["id"], error)
                message = f"invalid params for {method}: {error.__cause__ or error}"
                self._send_data(error_response(JsonRpcInvalidParams.CODE, message, data["id"]))
                return _Answered()
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Answered):
            return
        if not hasattr(message, "jsonrpc"):
            text = json.dumps(message)[:200] if _is_json(message) else repr(message)[:200]
            logger.warning("ignoring a JSON value that is not a JSON-RPC message: %s", text)
            self._send_data(error_response(-32600, "Invalid Request: expected a JSON object"))
            return
        super().handle_message(message)


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
