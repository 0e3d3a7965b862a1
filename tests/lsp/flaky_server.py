"""A real, misbehaving language server for the client's failure tests (run as a program).

It answers ``initialize`` and ``shutdown`` properly. ``textDocument/definition`` crashes the
process the first time (a marker file remembers it), so the client must restart it and retry;
``textDocument/hover`` is never answered, so the client's timeout must fire. Usage:
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


def main() -> None:
    marker = Path(sys.argv[1])
    while (message := read_message()) is not None:
        method, msg_id = message.get("method"), message.get("id")
        if method == "initialize":
            send({"jsonrpc": "2.0", "id": msg_id, "result": {"capabilities": {}}})
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
