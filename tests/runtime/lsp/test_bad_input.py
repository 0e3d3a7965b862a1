"""``punie lsp`` fed bad input through an independent raw client: malformed JSON-RPC, unknown
methods, invalid params, bytes that are not UTF-8, a 20,000-line file, and its ty child killed
in the middle of a snippet's requests. Each time the answer is a proper JSON-RPC error (or a
logged degradation) and the server goes on serving."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridges import sample_workspace
from tests.raw_lsp import RawClient

pytestmark = pytest.mark.slow

PUNIE = str(Path(sys.executable).parent / "punie")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_workspace(tmp_path_factory.mktemp("bad") / "shop")


@pytest.fixture(scope="module")
def server(workspace: Path) -> Iterator[RawClient]:
    client = RawClient([PUNIE, "lsp"], cwd=workspace)
    client.initialize(workspace, {"checks": ["ruff"]})
    yield client
    client.close()
    assert client.process.returncode == 0


def still_serving(server: RawClient) -> None:
    result = server.request(
        "workspace/executeCommand",
        {"command": "punie.runSnippet", "arguments": ["print(40 + 2)"]},
    )
    assert result["stdout"] == "42\n"


def raw_message(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def next_error_without_id(server: RawClient) -> dict:
    return server.wait_response(None, timeout_s=20)


def test_malformed_json_gets_a_parse_error(server: RawClient) -> None:
    server.send_bytes(raw_message(b'{"jsonrpc": "2.0", "id": 99, "method": '))
    error = next_error_without_id(server)
    assert error["error"]["code"] == -32700 and error["id"] is None
    still_serving(server)


def test_json_that_is_not_a_message_gets_invalid_request(server: RawClient) -> None:
    server.send_bytes(raw_message(b"[1, 2, 3]"))
    error = next_error_without_id(server)
    assert error["error"]["code"] == -32600
    still_serving(server)


def test_unknown_methods(server: RawClient) -> None:
    answer = server.request_message("punie/noSuchMethod", {"x": 1})
    assert answer["error"]["code"] == -32601
    server.notify("punie/noSuchNotification", {"x": 1})  # ignored, logged
    still_serving(server)


def test_invalid_params_are_answered_not_dropped(server: RawClient) -> None:
    answer = server.request_message("textDocument/codeAction", {"textDocument": 42})
    assert answer["error"]["code"] == -32602 and "codeAction" in answer["error"]["message"]
    answer = server.request_message("workspace/executeCommand", {"command": "punie.nope"})
    assert answer["error"]["code"] == -32602
    still_serving(server)


def test_document_that_is_not_utf8(server: RawClient, workspace: Path) -> None:
    uri = (workspace / "shop" / "latin.py").as_uri()
    body = (
        b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": '
        b'{"uri": "' + uri.encode() + b'", "languageId": "python", "version": 1, '
        b'"text": "name = \'\xe9t\xe9\'\\n"}}}'
    )
    server.send_bytes(raw_message(body))
    error = next_error_without_id(server)
    assert error["error"]["code"] == -32700 and "UnicodeDecodeError" in error["error"]["message"]
    logged = server.wait_notification("window/logMessage")
    assert "could not parse" in logged["message"]
    still_serving(server)


def test_a_20000_line_file(server: RawClient, workspace: Path) -> None:
    path = workspace / "shop" / "huge.py"
    lines = [f"value_{n} = {n}" for n in range(19_999)] + ["import os"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    server.open(path)
    published = server.wait_notification(
        "textDocument/publishDiagnostics", timeout_s=120, uri=path.as_uri()
    )
    codes = {(d["code"], d["range"]["start"]["line"]) for d in published["diagnostics"]}
    assert ("F401", 19_999) in codes and ("E402", 19_999) in codes
    still_serving(server)


def ty_children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if len(cmdline) > 1 and cmdline[0].endswith(b"ty") and cmdline[1] == b"server":
                found.append(int(child))
    return found


def test_ty_child_killed_during_a_snippet(server: RawClient) -> None:
    snippet = (
        "names = []\n"
        "for n in range(90):\n"
        "    names.append(workspace_symbols(query='Cart').symbols[0].file)\n"
        "print(len(names), sorted(set(names)))"
    )
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not killed:
            for child in ty_children(server.process.pid):
                os.kill(child, signal.SIGKILL)
                killed.append(child)
            time.sleep(0.01)

    thread = threading.Thread(target=killer)
    thread.start()
    result = server.request(
        "workspace/executeCommand", {"command": "punie.runSnippet", "arguments": [snippet]}
    )
    thread.join()
    assert killed, "the ty child was never seen"
    assert result["ok"] is True, result["error"]
    assert result["stdout"] == "90 ['shop/cart.py']\n"
    assert ty_children(server.process.pid) not in ([], killed)  # a fresh server took over
    still_serving(server)


def test_an_editor_that_never_answers_progress_requests_still_gets_diagnostics(
    workspace: Path,
) -> None:
    """window/workDoneProgress/create is a request to the editor; one that never answers must not
    hang the checks (punie waits a few seconds, then checks without progress)."""
    client = RawClient([PUNIE, "lsp"], cwd=workspace, answer_server_requests=False)
    try:
        client.initialize(workspace, {"checks": ["ruff"]}, progress=True)
        path = workspace / "shop" / "unused_import.py"
        path.write_text("import os\n", encoding="utf-8")
        client.open(path)
        published = client.wait_notification(
            "textDocument/publishDiagnostics", timeout_s=120, uri=path.as_uri()
        )
        assert [d["code"] for d in published["diagnostics"]] == ["F401"], published
        asked = []
        while not client.server_requests.empty():
            asked.append(client.server_requests.get()["method"])
        assert "window/workDoneProgress/create" in asked, asked  # asked, never answered
        result = client.request(
            "workspace/executeCommand",
            {"command": "punie.runSnippet", "arguments": ["print(6 * 7)"]},
            timeout_s=60,
        )
        assert result["stdout"] == "42\n", result
    finally:
        client.close()
