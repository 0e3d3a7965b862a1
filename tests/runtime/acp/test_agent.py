"""``punie acp`` as a subprocess, driven by the ACP SDK's own client side with a scripted model."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from acp import PROTOCOL_VERSION, RequestError, text_block

from bridges import default_bridges, sample_workspace
from runtime.acp import EDITOR_NOTE, NO_MODEL
from runtime.cli import package_version
from tests.runtime.acp.acp_test_support import (
    RecordingClient,
    kinds,
    reply,
    scripted,
    start_agent,
    text_of,
)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path / "shop")


def _bridge_error(workspace: Path, name: str, **arguments: Any) -> str:
    """The message a bridge raises for these arguments, from the bridge itself."""
    function = next(f for f in default_bridges(workspace) if f.name == name)
    with pytest.raises(Exception) as raised:
        function.function(**arguments)
    return str(raised.value)


def test_a_prompt_streams_its_steps_in_order_and_a_session_loads_again(shop: Path) -> None:
    cart = shop / "shop" / "cart.py"
    unsaved = "def total() -> int:\n    return 0\n"  # the editor's buffer, not saved
    spec = scripted(
        shop.parent,
        [
            reply(
                'text = read_file(path="shop/kart.py").text',
                "Plan:\n1. Read the cart module\n2. Count its functions",
            ),
            reply(
                'cart = read_file(path="shop/cart.py")\nprint(cart.note)\nprint(cart.text, end="")'
            ),
            "cart.py defines one function, total.",
        ],
    )
    client = RecordingClient(buffers={str(cart): unsaved})

    async def main() -> None:
        async with start_agent(client, "--model", spec, cwd=shop, fs=True) as (connection, _):
            session = await connection.new_session(cwd=str(shop))
            answer = await connection.prompt(
                session_id=session.session_id, prompt=[text_block("How many functions?")]
            )
            assert answer.stop_reason == "end_turn"
            live = len(client.updates)
            await connection.load_session(cwd=str(shop), session_id=session.session_id)
            replayed = kinds(client)[live:]
            assert replayed == [
                "user_message_chunk",
                "agent_message_chunk",
                "plan",
                "tool_call:in_progress",
                "tool_call_update:failed",
                "tool_call:in_progress",  # bridge calls replay after their snippet (trace order)
                "tool_call_update:failed",
                "tool_call:in_progress",
                "tool_call_update:completed",
                "tool_call:in_progress",
                "tool_call_update:completed",
                "plan",
                "agent_message_chunk",
            ]
            assert text_of(client.updates[live][1]) == "How many functions?"
            # the loaded session goes on, with a new Agent (its scripted model starts over)
            again = await connection.prompt(
                session_id=session.session_id, prompt=[text_block("And now?")]
            )
            assert again.stop_reason == "end_turn"
            assert text_of(client.updates[-1][1]) == "cart.py defines one function, total."
            del client.updates[live:]

    asyncio.run(main())
    assert kinds(client) == [
        "agent_message_chunk",
        "plan",
        "tool_call:in_progress",  # snippet 1
        "tool_call:in_progress",  # its read_file call
        "tool_call_update:failed",
        "tool_call_update:failed",
        "tool_call:in_progress",  # snippet 2
        "tool_call:in_progress",  # its read_file call, through the editor
        "tool_call_update:completed",
        "tool_call_update:completed",
        "plan",
        "agent_message_chunk",
    ]
    updates = [update for _, update in client.updates]
    assert text_of(updates[0]) == "Plan:\n1. Read the cart module\n2. Count its functions\n\n"
    assert [(e.content, e.status) for e in updates[1].entries] == [
        ("Read the cart module", "in_progress"),
        ("Count its functions", "pending"),
    ]
    snippet = updates[2]
    run = snippet.tool_call_id.removesuffix("/1")
    assert (snippet.tool_call_id, snippet.title, snippet.kind, snippet.raw_input) == (
        f"{run}/1",
        'Run Python: text = read_file(path="shop/kart.py").text',
        "execute",
        {"code": 'text = read_file(path="shop/kart.py").text'},
    )
    missing = _bridge_error(shop, "read_file", path="shop/kart.py")
    call = updates[3]
    assert (call.tool_call_id, call.title, call.kind, call.raw_input) == (
        f"{run}/1/1",
        "read_file(path='shop/kart.py', start_line=None, end_line=None)",
        "read",
        {"path": "shop/kart.py", "start_line": None, "end_line": None},
    )
    assert (updates[4].tool_call_id, updates[4].raw_output) == (
        f"{run}/1/1",
        {"ok": False, "error": missing},
    )
    assert updates[5].tool_call_id == f"{run}/1"
    assert updates[5].raw_output["error_kind"] == "host_function"
    assert updates[5].content[1].content.text.endswith(missing)
    assert updates[9].tool_call_id == f"{run}/2"
    assert updates[9].raw_output == {
        "ok": True,
        "output": f"{EDITOR_NOTE}\n{unsaved}",
        "value": None,
        "error": None,
        "error_kind": None,
    }
    assert client.reads == [str(cart), str(cart)]  # once live, once after the load
    assert [(e.content, e.status) for e in updates[10].entries] == [
        ("Read the cart module", "completed"),
        ("Count its functions", "completed"),
    ]
    assert text_of(updates[11]) == "cart.py defines one function, total."
    assert {session for session, _ in client.updates} == {client.updates[0][0]}


def test_writes_ask_for_permission_and_a_rejection_reaches_the_snippet(shop: Path) -> None:
    write = 'write_file(path="NOTES.md", content="{}\\n").bytes_written'
    spec = scripted(
        shop.parent,
        [
            reply(write.format("one")),
            reply(write.format("two")),
            reply(write.format("three")),
            "Written.",
        ],
    )
    client = RecordingClient(permissions=["reject_once", "allow_always"])

    async def main() -> list[Any]:
        async with start_agent(client, "--model", spec, "--allow-write", cwd=shop) as (
            connection,
            _,
        ):
            session = await connection.new_session(cwd=str(shop))
            answer = await connection.prompt(
                session_id=session.session_id, prompt=[text_block("Write the notes")]
            )
            assert answer.stop_reason == "end_turn"
        return [update for _, update in client.updates]

    updates = asyncio.run(main())
    # "always" covers the third write: two requests for three writes
    assert [
        (call.title, call.kind, call.status, [(o.option_id, o.kind) for o in options])
        for call, options in client.permission_requests
    ] == [
        (
            f"write_file(path='NOTES.md', content='{word}\\n')",
            "edit",
            "pending",
            [
                ("allow_once", "allow_once"),
                ("allow_always", "allow_always"),
                ("reject_once", "reject_once"),
            ],
        )
        for word in ("one", "two")
    ]
    (diff,) = client.permission_requests[0][0].content or []
    assert (diff.type, diff.path, diff.old_text, diff.new_text) == (
        "diff",
        str(shop / "NOTES.md"),
        None,
        "one\n",
    )
    assert (shop / "NOTES.md").read_text() == "three\n"
    snippets = [
        u
        for u in updates
        if u.session_update == "tool_call_update" and u.raw_output and "error_kind" in u.raw_output
    ]
    assert [
        (u.status, u.raw_output["value"] if u.raw_output["ok"] else u.raw_output["error"])
        for u in snippets
    ] == [
        (
            "failed",
            "line 1: the user rejected this write_file call in the "
            "editor, so nothing was written; do not try it again: show the change (the new text "
            "or a diff) in your answer",
        ),
        ("completed", "4"),
        ("completed", "6"),
    ]
    bridge_starts = [
        u.status for u in updates if u.session_update == "tool_call" and u.kind == "edit"
    ]
    assert bridge_starts == ["pending", "pending", "in_progress"]


def test_cancel_stops_a_running_snippet_and_the_session_goes_on(shop: Path) -> None:
    spec = scripted(shop.parent, [reply("while True:\n    pass"), "never read", "Ready again."])
    client = RecordingClient()

    async def main() -> None:
        # a 60 s snippet limit: only the cancel can end this prompt in time for the test
        async with start_agent(client, "--model", spec, "--timeout", "60", cwd=shop) as (
            connection,
            _,
        ):
            session = await connection.new_session(cwd=str(shop))
            running = asyncio.ensure_future(
                connection.prompt(session_id=session.session_id, prompt=[text_block("Loop")])
            )
            while "tool_call:in_progress" not in kinds(client):
                await asyncio.sleep(0.02)
            await connection.cancel(session_id=session.session_id)
            answer = await asyncio.wait_for(running, timeout=30)
            assert answer.stop_reason == "cancelled"
            assert kinds(client) == ["tool_call:in_progress", "tool_call_update:failed"]
            stopped = client.updates[-1][1]
            assert stopped.raw_output["error_kind"] == "cancelled"
            assert stopped.content[1].content.text == (
                "Stopped: the prompt was cancelled while the snippet ran."
            )
            answer = await connection.prompt(
                session_id=session.session_id, prompt=[text_block("Still there?")]
            )
            assert answer.stop_reason == "end_turn"
            # the model's next reply is the one after the cancelled run's
            assert text_of(client.updates[-1][1]) == "never read"

    asyncio.run(main())


def test_malformed_messages_get_errors_and_a_missing_model_is_said_in_the_reply(
    shop: Path,
) -> None:
    client = RecordingClient()
    answers: list[dict[str, Any]] = []

    def observe(event: Any) -> None:
        message = event.message
        if event.direction.value == "incoming" and message.get("id", 0) in (None, "x"):
            answers.append(message)

    async def main() -> None:
        async with start_agent(client, cwd=shop) as (connection, process):
            connection._conn.add_observer(observe)
            stdin = process.stdin
            assert stdin is not None
            stdin.write(b'{"jsonrpc": "2.0", "id": "x"}\n{this is not json\n[1, 2]\n')
            await stdin.drain()
            with pytest.raises(RequestError) as unknown:
                await connection._conn.send_request("session/unknown", {})
            assert unknown.value.code == -32601
            with pytest.raises(RequestError) as bad:
                await connection._conn.send_request("session/new", {"cwd": 5})
            assert bad.value.code == -32602
            with pytest.raises(RequestError) as relative:
                await connection.new_session(cwd="shop")
            assert (relative.value.code, relative.value.data) == (
                -32602,
                {"cwd": "shop", "message": "cwd must be the absolute path of an existing folder"},
            )
            with pytest.raises(RequestError) as stranger:
                await connection.prompt(session_id="nope", prompt=[text_block("Hi")])
            assert stranger.value.data == {
                "sessionId": "nope",
                "message": "no such session in this agent; create one with session/new",
            }
            session = await connection.new_session(cwd=str(shop))
            answer = await connection.prompt(
                session_id=session.session_id, prompt=[text_block("Hello?")]
            )
            assert answer.stop_reason == "end_turn"
            assert [text_of(u) for _, u in client.updates] == [NO_MODEL]
            # the person adds a model to the project: the next prompt uses it
            (shop / "punie.toml").write_text(
                f'model = "{scripted(shop.parent, ["Hello from punie."])}"\n'
            )
            answer = await connection.prompt(
                session_id=session.session_id, prompt=[text_block("Hello?")]
            )
            assert text_of(client.updates[-1][1]) == "Hello from punie."

    asyncio.run(main())
    assert [(a["id"], a["error"]["code"], a["error"]["message"]) for a in answers] == [
        ("x", -32600, "Invalid request"),
        (None, -32700, "Parse error"),
        (None, -32600, "Invalid request"),
    ]


def test_initialize_says_what_punie_offers(shop: Path) -> None:
    async def main() -> None:
        async with start_agent(RecordingClient(), "--no-trace", cwd=shop) as (connection, _):
            answer = await connection.initialize(protocol_version=PROTOCOL_VERSION)
            assert answer.model_dump(mode="json", by_alias=True, exclude_none=True) == {
                "protocolVersion": PROTOCOL_VERSION,
                "agentCapabilities": {
                    "loadSession": False,  # --no-trace: nothing to load a session from
                    "promptCapabilities": {"image": False, "audio": False, "embeddedContext": True},
                    "mcpCapabilities": {"http": False, "sse": False, "acp": False},
                    "sessionCapabilities": {},
                    "auth": {},
                },
                "authMethods": [],
                "agentInfo": {"name": "punie", "title": "punie", "version": package_version()},
            }

    asyncio.run(main())
