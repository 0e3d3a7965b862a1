"""Security, layer 3: the host boundary holds against a worker that lies.

With the language layer off (test-only switch), a snippet can write whatever it likes to the
pipe the host reads. The host must treat every such frame as data: malformed, oversized or
deeply nested frames and replies with the wrong shape end the run as a ``crash`` (never an
exception in the host, never a hang), and the sandbox carries on with a fresh worker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sandbox import Limits, Sandbox
from sandbox._worker._frames import FrameBuffer, FrameError


def _frame(body: bytes) -> str:
    return repr(len(body).to_bytes(4, "big") + body)


def _lie(payload: str) -> str:
    return (
        f"import os, sys\nfd = int(sys.argv[-1])\nos.write(fd, {payload})\nwhile True:\n    pass\n"
    )


@pytest.fixture(scope="module")
def raw() -> Iterator[Sandbox]:
    def double(*, x: int) -> int:
        return 2 * x

    with Sandbox([double], Limits(timeout_s=2.0), _unsafe_skip_policy=True) as sandbox:
        yield sandbox


@pytest.mark.parametrize(
    "payload",
    [
        _frame(b"not json at all"),
        repr(b"\xff\xff\xff\xff"),
        "(200000).to_bytes(4, 'big') + b'[' * 100000 + b']' * 100000",
        _frame(b'{"op": "done"} trailing'),
        _frame(b"[1, 2, 3]"),
        _frame(json.dumps({"op": "done", "ok": True, "stdout": 5}).encode()),
        _frame(json.dumps({"op": "done", "ok": False, "error": {"kind": "pwned"}}).encode()),
        _frame(json.dumps({"op": "done", "ok": False, "error": "text"}).encode()),
    ],
    ids=[
        "garbage",
        "oversized-length",
        "deep-nesting",
        "trailing-bytes",
        "not-an-object",
        "stdout-not-text",
        "unknown-error-kind",
        "error-not-an-object",
    ],
)
def test_lying_worker_ends_the_run_as_a_crash(raw: Sandbox, payload: str) -> None:
    result = raw.run(_lie(payload))
    assert not result.ok
    assert result.error is not None and result.error.kind == "crash", result.error
    assert raw.run("1 + 1").value == 2


def test_forged_host_calls_are_validated_like_real_ones(raw: Sandbox) -> None:
    forged = [
        {"op": "call", "name": "double", "args": {"x": "not a number"}},
        {"op": "call", "name": "no_such_function", "args": {}},
        {"op": "call", "name": 3, "args": []},
    ]
    frames = " + ".join(_frame(json.dumps(message).encode()) for message in forged)
    source = (
        "import os, sys\n"
        "fd, inbox = int(sys.argv[-1]), int(sys.argv[-2])\n"
        f"os.write(fd, {frames})\n"
        "import time\n"
        "time.sleep(0.5)\n"
        "os.read(inbox, 1 << 16)\n"
    )
    result = raw.run(source)
    assert [call.ok for call in result.calls] == [False, False]
    assert "argument 'x' expects int" in (result.calls[0].error or "")
    assert "no host function named 'no_such_function'" in (result.calls[1].error or "")
    assert raw.run("1 + 1").value == 2


def test_a_worker_cannot_make_the_host_wait_forever(raw: Sandbox) -> None:
    result = raw.run(_lie(repr(b"\x00\x00\x10\x00" + b"{" * 10)))
    assert result.error is not None and result.error.kind == "timeout"
    assert result.duration_s < raw.limits.timeout_s + 1.0


@pytest.mark.parametrize(
    "data",
    [b"\x00\x00\x00\x02{}", b"\x00\x00\x00\x0b" + b'{"a": [1]}x'],
)
def test_frame_buffer_accepts_only_whole_objects(data: bytes) -> None:
    buffer = FrameBuffer()
    buffer.feed(data)
    if data.endswith(b"x"):
        with pytest.raises(FrameError):
            buffer.next_message()
    else:
        assert buffer.next_message() == {}
        assert buffer.next_message() is None
