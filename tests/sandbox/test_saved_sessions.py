"""Saved sessions (issue 16): ``Session.dump()`` and ``Sandbox.restore(blob)``.

A session's data, imported stand-ins and its own functions and classes survive a dump and a
restore, in this process or another; the host never unpickles, and a truncated, corrupted,
oversized, wrong-version or hostile blob is a ``SessionBlobError`` that says what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from sandbox import (
    MAX_SESSION_BYTES,
    Limits,
    Sandbox,
    SandboxError,
    SavedSession,
    Session,
    SessionBlobError,
    read_session,
)
from sandbox._worker._denials import IMPORT_HINT


class Report(BaseModel):
    """A host function result."""

    path: str
    errors: list[str]


def check(*, path: str) -> Report:
    """A canned check."""
    return Report(path=path, errors=["E1", "E2"])


def double(*, x: int) -> int:
    """Twice x."""
    return 2 * x


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox([check, double], Limits(timeout_s=10)) as sandbox:
        yield sandbox


SETUP = """\
import json, re
items = [1, "two", (3, 4.5), {"k": {5, 6}}, frozenset({7}), None, True]
table = {1: "one", (2, 3): "pair"}
odd = [float("inf"), float("-inf")]
big = 2 ** 200
report = check(path="src")
LIMIT = 3

def clip(values, limit=LIMIT):
    return [v for v in values if v <= limit]

async def twice(x):
    return await double(x=x)

class Counter:
    def __init__(self, start):
        self.value = start

    def bump(self):
        self.value += 1
        return self.value
"""

CHECK = """\
import asyncio
[
    items[:2],
    [items[2] == (3, 4.5), sorted(items[3]["k"]), items[4] == frozenset({7}), items[5:]],
    table[(2, 3)],
    [odd[0] == float("inf"), odd[1] == float("-inf")],
    big == 2 ** 200,
    report.errors,
    clip([1, 5, 2]),
    await asyncio.gather(twice(2), twice(3)),
    Counter(9).bump(),
    json.dumps({"n": LIMIT}),
    re.findall("[0-9]", "a1b2"),
]
"""

EXPECTED = [
    [1, "two"],
    [True, [5, 6], True, [None, True]],
    "pair",
    [True, True],
    True,
    ["E1", "E2"],
    [1, 2],
    [4, 6],
    10,
    '{"n": 3}',
    ["1", "2"],
]


def _value(session: Session, source: str) -> object:
    result = session.run(source)
    assert result.error is None, result.error
    return result.value


def test_a_session_round_trips_data_modules_functions_and_classes(sb: Sandbox) -> None:
    with sb.session() as session:
        assert session.run(SETUP).ok
        blob = session.dump()
    assert read_session(blob) == SavedSession(
        names=("json", "re", "items", "table", "odd", "big", "report", "LIMIT"),
        definitions=("clip", "twice", "Counter"),
        skipped={},
    )
    with sb.restore(blob) as restored:
        assert _value(restored, CHECK) == EXPECTED


def test_a_restored_session_can_be_dumped_again_to_the_same_blob(sb: Sandbox) -> None:
    with sb.session() as session:
        session.run(SETUP)
        blob = session.dump()
    with sb.restore(blob) as restored:
        assert restored.dump() == blob


def test_a_session_is_resumed_in_another_process(sb: Sandbox, tmp_path: Path) -> None:
    script = tmp_path / "save.py"
    script.write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(Path(__file__).parent)!r}]\n"
        "from test_saved_sessions import SETUP, check, double\n"
        "from sandbox import Sandbox\n"
        "with Sandbox([check, double]) as sb, sb.session() as session:\n"
        "    assert session.run(SETUP).ok\n"
        "    sys.stdout.buffer.write(session.dump())\n",
        encoding="utf-8",
    )
    blob = subprocess.run(
        [sys.executable, str(script)], capture_output=True, check=True, timeout=120
    ).stdout
    with sb.restore(blob) as restored:
        assert _value(restored, CHECK) == EXPECTED


def test_imported_names_and_decorated_classes_are_saved(sb: Sandbox) -> None:
    with sb.session() as session:
        assert session.run(
            "from dataclasses import dataclass\n"
            "from json import dumps as to_json\n"
            "@dataclass\n"
            "class Point:\n"
            "    x: int\n"
            "    y: int = 0\n"
            "helpers = [to_json]"
        ).ok
        blob = session.dump()
    assert read_session(blob) == SavedSession(
        names=("dataclass", "to_json", "helpers"), definitions=("Point",), skipped={}
    )
    with sb.restore(blob) as restored:
        assert _value(restored, "[Point(1).y, to_json(Point(2, 3).x), helpers[0]([1])]") == [
            0,
            "2",
            "[1]",
        ]


def test_what_cannot_be_saved_is_listed_with_the_reason(sb: Sandbox) -> None:
    with sb.session() as session:
        session.run(
            "def f():\n    return 1\n"
            "class Point:\n    pass\n"
            "p = Point()\n"
            "g = f\n"
            "h = lambda: 2\n"
            "gen = (i for i in [1])\n"
            "if True:\n    def inner():\n        return 3\n"
            "deep = []\nfor _ in range(70):\n    deep = [deep]\n"
        )
        saved = read_session(session.dump())
    assert saved.definitions == ("f", "Point")
    assert saved.names == ()
    block = (
        "not bound by a top-level 'def' or 'class' statement of that name (a lambda, an "
        "alias, or a definition inside a block)"
    )
    assert saved.skipped == {
        "p": "an instance of the session's class Point (the class is saved, its instances are "
        "not): make it again after the restore",
        "g": block,
        "h": block,
        "gen": "a generator is not data",
        "inner": block,
        "deep": "data nested more than 60 levels deep",
    }


def test_the_definition_that_is_bound_is_the_one_saved(sb: Sandbox) -> None:
    with sb.session() as session:
        session.run("def f():\n    return 'first'")
        failed = session.run("1 / 0\ndef f():\n    return 'never bound'")
        assert failed.error is not None
        session.run("def g():\n    return 'g1'")
        session.run("def g():\n    return 'g2'")
        blob = session.dump()
    with sb.restore(blob) as restored:
        assert _value(restored, "[f(), g()]") == ["first", "g2"]


def test_a_session_whose_worker_died_dumps_as_empty(sb: Sandbox) -> None:
    with Sandbox([], Limits(timeout_s=0.5)) as small, small.session() as session:
        session.run("x = 1")
        assert session.run("while True:\n    pass").error is not None
        assert read_session(session.dump()) == SavedSession(names=(), definitions=(), skipped={})


@pytest.mark.slow
def test_a_session_larger_than_a_blob_may_be_is_refused_with_what_to_do() -> None:
    with Sandbox([], Limits(memory_mb=512)) as big, big.session() as session:
        assert session.run(f"x = 'a' * {MAX_SESSION_BYTES}").ok
        with pytest.raises(SessionBlobError) as raised:
            session.dump()
    header = len("punie-session 1 ") + 64 + 1  # the version, the sha256 in hex, a new line
    size = MAX_SESSION_BYTES + len('{"names":{"x":""},"definitions":[],"skipped":{}}') + header
    assert str(raised.value) == (
        f"the session holds {size} bytes of data, more than the {MAX_SESSION_BYTES} a saved "
        "session may hold; delete large names (del name) and dump again"
    )


# -- bad blobs ---------------------------------------------------------------------------------


def _blob(document: object, *, version: int = 1) -> bytes:
    payload = json.dumps(document).encode("ascii")
    digest = hashlib.sha256(payload).hexdigest()
    return f"punie-session {version} {digest}\n".encode("ascii") + payload


def _content(**changes: object) -> dict[str, object]:
    return {"names": {}, "definitions": [], "skipped": {}, **changes}


@pytest.fixture(scope="module")
def good_blob(sb: Sandbox) -> bytes:
    with sb.session() as session:
        session.run("x = [1, 2]\ndef f():\n    return x")
        return session.dump()


def _refused(sb: Sandbox, blob: bytes, **options: int) -> str:
    with pytest.raises(SessionBlobError) as raised:
        sb.restore(blob, **options)
    return str(raised.value)


CORRUPTED = (
    "the saved session is truncated or corrupted (its checksum does not match its content); "
    "save the session again"
)


def test_a_truncated_blob_is_refused(sb: Sandbox, good_blob: bytes) -> None:
    assert _refused(sb, good_blob[:-3]) == CORRUPTED


def test_a_corrupted_blob_is_refused(sb: Sandbox, good_blob: bytes) -> None:
    flipped = good_blob.replace(b"[1,2]", b"[1,3]")
    assert flipped != good_blob
    assert _refused(sb, flipped) == CORRUPTED


def test_an_oversized_blob_is_refused_before_it_is_read(sb: Sandbox, good_blob: bytes) -> None:
    assert _refused(sb, good_blob, max_bytes=50) == (
        f"the saved session is {len(good_blob)} bytes, more than the 50 allowed; pass "
        "max_bytes=... to restore() if you trust it"
    )


def test_a_blob_of_another_version_is_refused(sb: Sandbox) -> None:
    assert _refused(sb, _blob(_content(), version=2)) == (
        "the saved session has format version 2; this punie reads version 1: restore it with "
        "the punie version that saved it"
    )


def test_something_else_is_not_a_blob(sb: Sandbox) -> None:
    assert _refused(sb, b'{"names": {}}') == (
        "this is not a punie saved session (it does not start with 'punie-session'); pass the "
        "bytes Session.dump() returned"
    )
    with pytest.raises(TypeError):
        sb.restore("punie-session")  # ty: ignore[invalid-argument-type]


def _nested(levels: int) -> list[object]:
    return ["list", []] if levels == 0 else ["list", [_nested(levels - 1)]]


HOSTILE = [
    (
        _content(names={"__builtins__": 1}),
        "the saved session binds '__builtins__', which a snippet could not bind (a private, "
        "reserved or refused name); it was not made by Session.dump()",
    ),
    (
        _content(names={"eval": 1}),
        "the saved session binds 'eval', which a snippet could not bind (a private, reserved "
        "or refused name); it was not made by Session.dump()",
    ),
    (
        _content(names={"x": ["pickle", "cos\nsystem\n"]}),
        "the value of 'x' has an unknown or malformed tag 'pickle'",
    ),
    (
        _content(names={"x": ["module", "os"]}),
        "the value of 'x' has an unknown or malformed tag 'module'",
    ),
    (
        _content(names={"x": ["from", "json", "_default_encoder"]}),
        "the value of 'x' has an unknown or malformed tag 'from'",
    ),
    (
        _content(names={"x": ["from", "json", "codecs"]}),
        "the saved session could not be restored: the value of 'x' could not be rebuilt "
        "(AttributeError: module 'json' has no attribute 'codecs' in the sandbox; it offers: "
        "JSONDecodeError, dumps, loads)",
    ),
    (
        _content(names={"x": ["dict", [[["list", []], 1]]]}),
        "the value of 'x' holds a list as a dict key or set item, which cannot be hashed",
    ),
    (
        _content(names={"x": _nested(61)}),
        "the value of 'x' is nested more than 60 levels deep",
    ),
    (
        {"names": {}, "definitions": [], "skipped": {}, "run": "import os"},
        "the saved session must hold exactly 'names', 'definitions' and 'skipped'; save the "
        "session again",
    ),
    (
        _content(names={"f": 1}, definitions=[["f", "def f():\n    pass"]]),
        "the saved session binds 'f' twice; save the session again",
    ),
    (
        _content(names={"check": 1}),
        "the saved session binds check, which would hide the host function(s) of that name in "
        "this sandbox; restore it in a sandbox without them",
    ),
    (
        _content(definitions=[["f", "def f():\n    pass\nprint('and more')"]]),
        "the saved session could not be restored: the definition saved for 'f' is not one "
        "'def' or 'class' statement of that name",
    ),
    (
        _content(definitions=[["f", "def f():\n    import os\n    return os"]]),
        f"the saved session could not be restored: replaying the definition of 'f' failed: "
        f"line 2: importing 'os' is refused: {IMPORT_HINT}",
    ),
    (
        _content(definitions=[["C", "class C:\n    x = double(x=1)"]]),
        "the saved session could not be restored: replaying the definition of 'C' failed: line "
        "2: host functions cannot be called while a saved session is restored; call them in a "
        "snippet after the restore",
    ),
]


@pytest.mark.parametrize(("document", "message"), HOSTILE)
def test_a_hostile_blob_is_refused_with_what_is_wrong(
    sb: Sandbox, document: object, message: str
) -> None:
    assert _refused(sb, _blob(document)) == message


def test_a_blob_with_nan_is_not_json_data(sb: Sandbox) -> None:
    payload = b'{"names": {"x": NaN}, "definitions": [], "skipped": {}}'
    blob = f"punie-session 1 {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
    assert _refused(sb, blob) == "the saved session is not valid JSON (ValueError)"


def test_a_refused_blob_leaves_the_sandbox_working(sb: Sandbox) -> None:
    _refused(sb, _blob(_content(definitions=[["f", "def f():\n    import os"]])))
    assert sb.run("double(x=4)").value == 8


def test_the_error_family() -> None:
    assert issubclass(SessionBlobError, SandboxError)
