"""A deliberately independent, minimal LSP client: JSON-RPC over a subprocess's stdio.

The tests compare punie's navigation bridges with "what the server says when asked directly",
and send punie's own server malformed bytes. Neither should go through the code under test, so
this client shares nothing with ``bridges.navigation``: plain ``subprocess``, hand-framed messages,
dictionaries instead of lsprotocol types. Server-to-client requests are recorded and answered with ``null`` (a list of them for
``workspace/configuration``).
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["RawClient", "direct_ty", "generate_project", "ty_command"]


class RawClient:
    """Start ``command`` and talk LSP to it."""

    def __init__(
        self, command: Sequence[str], *, cwd: Path, answer_server_requests: bool = True
    ) -> None:
        self.answer_server_requests = answer_server_requests
        """False: record the server's requests but never answer them (a hung editor)."""
        self.process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._next_id = 0
        self._responses: dict[Any, queue.Queue[dict[str, Any]]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server_requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    # -- wire ------------------------------------------------------------------------------

    def send_bytes(self, data: bytes) -> None:
        """Write raw bytes (for malformed-input tests)."""
        assert self.process.stdin is not None
        with self._lock:
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for _ in iter(self.process.stderr.readline, b""):
            pass

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:
                result = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message["params"]["items"]]
                self.server_requests.put(message)
                if self.answer_server_requests:
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif "id" in message:
                self._queue(message["id"]).put(message)
            else:
                self.notifications.put(message)

    def _queue(self, msg_id: Any) -> queue.Queue[dict[str, Any]]:
        with self._lock:
            return self._responses.setdefault(msg_id, queue.Queue())

    # -- protocol ----------------------------------------------------------------------------

    def request_message(self, method: str, params: Any, timeout_s: float = 20.0) -> dict[str, Any]:
        """Send a request and return the whole response message (result or error)."""
        self._next_id += 1
        msg_id = self._next_id
        waiting = self._queue(msg_id)
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return waiting.get(timeout=timeout_s)

    def wait_response(self, msg_id: Any, timeout_s: float = 20.0) -> dict[str, Any]:
        return self._queue(msg_id).get(timeout=timeout_s)

    def request(self, method: str, params: Any, timeout_s: float = 20.0) -> Any:
        message = self.request_message(method, params, timeout_s)
        if "error" in message:
            raise RuntimeError(f"{method} failed: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(
        self, root: Path, options: Any = None, *, progress: bool = False
    ) -> dict[str, Any]:
        """``progress``: announce work-done progress support (window.workDoneProgress)."""
        result = self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "initializationOptions": options,
                "capabilities": {
                    "general": {"positionEncodings": ["utf-32", "utf-16"]},
                    "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True}},
                    "workspace": {"configuration": True},
                    "window": {"workDoneProgress": progress},
                },
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None) -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": path.as_uri(),
                    "languageId": "python",
                    "version": 1,
                    "text": path.read_text(encoding="utf-8") if text is None else text,
                }
            },
        )

    def wait_notification(self, method: str, timeout_s: float = 20.0, **match: Any) -> dict:
        """The next notification ``method`` whose params contain ``match`` (others are dropped)."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {method} notification matching {match}")
            message = self.notifications.get(timeout=remaining)
            params = message.get("params") or {}
            if message.get("method") == method and all(
                params.get(key) == value for key, value in match.items()
            ):
                return params

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.request("shutdown", None, timeout_s=5.0)
                self.notify("exit", None)
                self.process.wait(timeout=5.0)
            except Exception:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def generate_project(root: Path, modules: int = 100) -> Path:
    """A package of ``modules`` files that import and call each other; returns ``root``.

    Module k defines ``Thing{k}`` (a class with a method) and ``helper{k}``; module k imports the
    class of module k-1 and module 0's ``helper0``, so references cross many files.
    """
    package = root / "gen"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('"""Generated."""\n', encoding="utf-8")
    for k in range(modules):
        lines = ['"""Generated module."""', "", "from __future__ import annotations", ""]
        if k > 0:
            lines += [
                f"from gen.mod{k - 1} import Thing{k - 1}",
                "from gen.mod0 import helper0",
                "",
            ]
        lines += [
            "",
            f"class Thing{k}:",
            f'    """Thing number {k}."""',
            "",
            "    def __init__(self, size: int) -> None:",
            "        self.size = size",
            "",
            "    def grow(self, by: int = 1) -> int:",
            "        self.size += by",
            "        return self.size",
            "",
            "",
            f"def helper{k}(value: int) -> int:",
            f"    return value * {k + 1}",
            "",
        ]
        if k > 0:
            lines += [
                "",
                f"def use{k}() -> int:",
                f"    previous = Thing{k - 1}(helper0({k}))",
                "    return previous.grow()",
                "",
            ]
        (package / f"mod{k}.py").write_text("\n".join(lines), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "gen"\nversion = "0"\nrequires-python = ">=3.11"\n', encoding="utf-8"
    )
    return root


def ty_command() -> list[str]:
    """The venv's ``ty server`` command line."""
    return [str(Path(sys.executable).parent / "ty"), "server"]


def direct_ty(root: Path) -> RawClient:
    """ty server started and initialised by this independent client."""
    client = RawClient(ty_command(), cwd=root)
    client.initialize(root)
    return client
