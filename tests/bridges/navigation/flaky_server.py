"""A real, misbehaving language server for the client's failure tests (run as a program).

It answers ``initialize`` and ``shutdown`` properly. ``textDocument/definition`` crashes the
process the first time (a marker file remembers it), so the client must restart it and retry;
``textDocument/hover`` is never answered, so the client's timeout must fire. After
``initialized`` it asks the client ``workspace/configuration``, ``client/registerCapability``
and ``window/workDoneProgress/create`` (as ty does) and reports the answers it got as the symbols
of ``workspace/symbol`` with query ``answers``; query ``error`` gets a JSON-RPC error, query
``modified`` a ContentModified error the first time, query ``always`` every time. Usage:
``python flaky_server.py MARKER_FILE``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def read_message() -> dict | None:
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    if length is None:
        return None
    return json.loads(sys.stdin.buffer.read(length))


def send(message: dict) -> None:
    body = json.dumps(message).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


ASKS = {
    "ask-1": ("workspace/configuration", {"items": [{"section": "ty"}, {"section": "python"}]}),
    "ask-2": (
        "client/registerCapability",
        {"registrations": [{"id": "w", "method": "workspace/didChangeWatchedFiles"}]},
    ),
    "ask-3": ("window/workDoneProgress/create", {"token": "t"}),
}


def symbol(name: str) -> dict:
    span = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}
    return {"name": name, "kind": 13, "location": {"uri": "file:///x.py", "range": span}}


def main() -> None:
    marker = Path(sys.argv[1])
    answers: dict[str, str] = {}
    modified_sent = False
    while (message := read_message()) is not None:
        method, msg_id = message.get("method"), message.get("id")
        if method is None and msg_id in ASKS:  # the client's answer to one of our requests
            answers[msg_id] = json.dumps(message.get("result", message.get("error")))
        elif method == "initialize":
            send({"jsonrpc": "2.0", "id": msg_id, "result": {"capabilities": {}}})
        elif method == "initialized":
            for ask_id, (ask, params) in ASKS.items():
                send({"jsonrpc": "2.0", "id": ask_id, "method": ask, "params": params})
        elif method == "workspace/symbol" and message["params"]["query"] == "answers":
            found = [symbol(f"{ASKS[key][0]}={answers[key]}") for key in sorted(answers)]
            send({"jsonrpc": "2.0", "id": msg_id, "result": found})
        elif method == "workspace/symbol" and message["params"]["query"] in ("modified", "always"):
            if message["params"]["query"] == "always" or not modified_sent:
                modified_sent = True
                error = {"code": -32801, "message": "flaky_server: content modified"}
                send({"jsonrpc": "2.0", "id": msg_id, "error": error})
            else:
                send({"jsonrpc": "2.0", "id": msg_id, "result": [symbol("fresh")]})
        elif method == "workspace/symbol" and message["params"]["query"] == "error":
            error = {"code": -32602, "message": "flaky_server: bad query"}
            send({"jsonrpc": "2.0", "id": msg_id, "error": error})
        elif method == "textDocument/definition":
            if not marker.exists():
                marker.write_text("crashed once")
                sys.stderr.write("flaky_server: crashing on purpose\n")
                sys.stderr.flush()
                os._exit(3)
            send({"jsonrpc": "2.0", "id": msg_id, "result": []})
        elif method == "shutdown":
            send({"jsonrpc": "2.0", "id": msg_id, "result": None})
        elif method == "exit":
            return
        elif msg_id is not None and method not in ("textDocument/hover",):
            send({"jsonrpc": "2.0", "id": msg_id, "result": None})


if __name__ == "__main__":
    main()
