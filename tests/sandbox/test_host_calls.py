"""The host call fast paths give the same answers as the slow ones: validated, recorded, typed.

``HostFunction.validate_result`` skips serialising a validated plain value only when its schema
has no custom serializer; arguments of a function without parameters skip validation only when
none are given. Each case here runs through a real sandbox (or the real ``HostFunction``), and
each compares with what pydantic's ``TypeAdapter`` itself produces.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, PlainSerializer, TypeAdapter, ValidationError

from sandbox import HostFunction, Limits, Sandbox
from sandbox._worker._frames import FrameBuffer, FrameError, encode


class Point(BaseModel):
    """A small result model."""

    x: int
    y: int


Shout = Annotated[str, PlainSerializer(lambda text: text.upper())]


def point(*, x: int) -> Point:
    """A model result."""
    return Point(x=x, y=-x)


def points(*, count: int) -> list[Point]:
    """A list of model results."""
    return [Point(x=i, y=i * i) for i in range(count)]


def number(*, text: str) -> int:
    """A plain int, validated from a numeric string the function returns."""
    return text  # ty: ignore[invalid-explicit-return]


def maybe(*, give: bool) -> int | None:
    """An optional plain value."""
    return 7 if give else None


def shout(*, text: str) -> Shout:
    """A str with a custom serializer: the fast path must not skip it."""
    return text


def anything(*, kind: str) -> Any:
    """``Any``: plain values pass as they are, others are serialised."""
    values: dict[str, Any] = {"int": 3, "model": Point(x=1, y=2), "inf": math.inf}
    return values[kind]


def bad_list() -> list[Point]:
    """Returns something that is not a list of points."""
    return [{"x": "one"}]  # ty: ignore[invalid-explicit-return]


def ping() -> str:
    """No parameters at all."""
    return "pong"


def _with_result_type(function: Any, result_type: Any) -> HostFunction:
    """``from_callable`` reads hints without ``Annotated`` extras: keep the serializer here."""
    plain = HostFunction.from_callable(function)
    return HostFunction(
        name=plain.name,
        function=function,
        argument_model=plain.argument_model,
        result_type=result_type,
        docstring=plain.docstring,
    )


SHOUT = _with_result_type(shout, Shout)
FUNCTIONS = [point, points, number, maybe, SHOUT, anything, bad_list, ping]


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(FUNCTIONS, Limits(timeout_s=2.0, host_calls=50)) as sandbox:
        yield sandbox


@pytest.mark.parametrize(
    ("function", "raw"),
    [
        (point, Point(x=1, y=2)),
        (point, {"x": "3", "y": 4}),
        (points, [Point(x=1, y=1), {"x": 2, "y": 4}]),
        (number, "12"),
        (number, True),
        (maybe, None),
        (maybe, 5),
        (SHOUT, "quiet"),
        (anything, Point(x=1, y=2)),
        (anything, math.inf),
        (anything, "text"),
        (ping, "pong"),
    ],
)
def test_validate_result_matches_pydantic(function: Any, raw: Any) -> None:
    host = function if isinstance(function, HostFunction) else HostFunction.from_callable(function)
    adapter = TypeAdapter(host.result_type)
    expected = adapter.dump_python(adapter.validate_python(raw), mode="json")
    got = host.validate_result(raw)
    assert got == expected or (got != got and expected != expected)
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("function", "raw"),
    [(number, "twelve"), (maybe, "x"), (points, [1]), (SHOUT, 5), (point, None)],
)
def test_validate_result_still_rejects_bad_values(function: Any, raw: Any) -> None:
    host = function if isinstance(function, HostFunction) else HostFunction.from_callable(function)
    with pytest.raises(ValidationError):
        host.validate_result(raw)


def test_model_and_list_results_become_records(box: Sandbox) -> None:
    result = box.run("p = point(x=4)\nps = points(count=3)\n[p.x, p.y, ps[2].y, len(ps)]")
    assert result.ok, result.error
    assert result.value == [4, -4, 4, 3]


def test_plain_results_arrive_as_data(box: Sandbox) -> None:
    result = box.run("[number(text='41') + 1, maybe(give=True), maybe(give=False), ping()]")
    assert result.ok, result.error
    assert result.value == [42, 7, None, "pong"]


def test_custom_serializer_and_any_are_not_skipped(box: Sandbox) -> None:
    result = box.run("[shout(text='hi'), anything(kind='model'), anything(kind='inf')]")
    assert result.ok, result.error
    assert result.value == ["HI", {"x": 1, "y": 2}, None]


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("number(text='twelve')", "number() returned a value that does not match"),
        ("bad_list()", "bad_list() returned a value that does not match"),
        ("ping(loud=True)", "unexpected argument 'loud'"),
        ("point()", "missing required argument 'x' (int)"),
        ("point(x='a')", "argument 'x' expects int"),
    ],
)
def test_bad_results_and_arguments_are_typed_errors(box: Sandbox, source: str, needle: str) -> None:
    result = box.run(source)
    assert result.error is not None and result.error.kind == "host_function"
    assert needle in result.error.message
    assert [call.ok for call in result.calls] == [False]
    assert needle in (result.calls[0].error or "")


def test_every_call_is_recorded_with_its_arguments(box: Sandbox) -> None:
    result = box.run("for i in range(3):\n    point(x=i)\nping()\n")
    assert result.ok, result.error
    assert [(call.name, call.arguments, call.ok) for call in result.calls] == [
        ("point", {"x": 0}, True),
        ("point", {"x": 1}, True),
        ("point", {"x": 2}, True),
        ("ping", {}, True),
    ]
    assert all(call.duration_s >= 0 for call in result.calls)


def test_a_long_host_call_in_a_loop_does_not_count_against_the_wall_time() -> None:
    import time

    def nap(*, seconds: float) -> float:
        time.sleep(seconds)
        return seconds

    with Sandbox([nap], Limits(timeout_s=0.3, host_calls=10)) as sandbox:
        result = sandbox.run("t = 0\nfor i in range(4):\n    t += nap(seconds=0.15)\nt")
        assert result.ok, result.error
        assert result.value == pytest.approx(0.6)
        spin = sandbox.run("nap(seconds=0.2)\nwhile True:\n    pass")
        assert spin.error is not None and spin.error.kind == "timeout"


def raw(message: dict[str, Any]) -> bytes:
    """A frame around any JSON object (the wire carries what a peer sends, typed or not)."""
    return encode(message)  # ty: ignore[invalid-argument-type]


@pytest.mark.parametrize(
    "chunks",
    [
        [raw({"op": "call", "args": {}})],
        [raw({"a": 1}) + raw({"b": 2})],
        [raw({"a": 1})[:3], raw({"a": 1})[3:]],
    ],
)
def test_frame_buffer_take_reassembles_frames(chunks: list[bytes]) -> None:
    buffer = FrameBuffer()
    messages = [message for chunk in chunks if (message := buffer.take(chunk)) is not None]
    while (message := buffer.next_message()) is not None:
        messages.append(message)
    assert messages and all(isinstance(message, dict) for message in messages)
    assert len(buffer) == 0


@pytest.mark.parametrize(
    "data", [b"\x00\x00\x00\x02[]", b"\x00\x00\x00\x03{}x", b"\x00\x00\x00\x02\xff\xff"]
)
def test_frame_buffer_take_refuses_what_is_not_one_object(data: bytes) -> None:
    with pytest.raises(FrameError):
        FrameBuffer().take(data)


def test_a_model_validator_on_an_empty_argument_model_still_runs() -> None:
    from pydantic import model_validator

    class Closed(BaseModel):
        """No fields, but refuses every call (e.g. a feature switched off)."""

        @model_validator(mode="before")
        @classmethod
        def refuse(cls, data: Any) -> Any:
            raise ValueError("switched off")

    closed = HostFunction(
        name="closed", function=ping, argument_model=Closed, result_type=str, docstring=""
    )
    with Sandbox([closed, ping]) as sandbox:
        refused = sandbox.run("closed()")
        assert refused.error is not None and refused.error.kind == "host_function"
        assert "switched off" in refused.error.message
        assert sandbox.run("ping()").value == "pong"


def test_a_worker_killed_while_idle_and_not_reaped_is_skipped() -> None:
    import os
    import signal
    import time

    with Sandbox(pool_size=1) as sandbox:
        assert sandbox.run("1").value == 1
        idle = sandbox._pool._idle[0]
        os.kill(idle.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{idle.pid}/fd/0") and time.monotonic() < deadline:
            time.sleep(0.01)  # a zombie (not reaped) has closed its pipes
        result = sandbox.run("2")
        assert result.ok and result.value == 2
        assert idle.dead
