r"""The speed-minded parts of the navigation client, held to the behaviour of the slow paths.

- ``_PipeWriter`` writes from any thread straight into the server's stdin, never blocks, and
  keeps messages whole and in order when the pipe is full.
- File texts are reused between calls only while the change tracker reports nothing new: an
  edit, a file swapped for a symlink out of the workspace, or a file the tracker does not watch
  must all be seen on the next call.
- The fast file read refuses what the slow one refuses (a FIFO must not hang it) and reads
  CRLF files the way ``read_text`` does.
- Answers are plain JSON; an answer of an unknown shape is a typed tool error.
- A flat symbol's name is found with ``str.find`` exactly where the regular expression
  ``(?<!\w)name(?!\w)`` finds it; URIs are remembered by the path's text.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bridges import BridgeContext, PathNotFound, PathOutsideWorkspace, ToolError
from bridges.navigation import LanguageServerSession, session_for
from bridges.navigation._bridges import (
    DocumentSymbolsArguments,
    PositionArguments,
    _converted,
    document_symbols,
    goto_definition,
)
from bridges.navigation._connection import _PipeWriter
from bridges.navigation._convert import (
    SourceLines,
    _find_name,
    flatten_symbols,
    hover_text,
    locations,
)
from bridges.navigation._event_loop import LoopThread
from bridges.navigation._session_cache import SessionCache


def test_pipe_writer_keeps_messages_whole_and_ordered_when_the_pipe_is_full() -> None:
    loop = LoopThread("test-pipe-writer")
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    with os.fdopen(write_end, "wb", buffering=0) as pipe:
        writer = _PipeWriter(pipe, loop.loop)
        big = b"B" * 300_000  # far more than a pipe holds: most of it must wait in the queue
        messages = [big] + [f"<{thread}:{n}>".encode() for thread in "xy" for n in range(200)]

        def send(tag: str) -> None:
            for n in range(200):
                writer.write(f"<{tag}:{n}>".encode())

        writer.write(big)  # returns at once although nobody reads yet
        threads = [threading.Thread(target=send, args=(tag,)) for tag in "xy"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
            assert not thread.is_alive(), "a writer blocked on the full pipe"
        received = bytearray()
        deadline = time.monotonic() + 20
        expected = sum(len(message) for message in messages)
        while len(received) < expected and time.monotonic() < deadline:
            received += os.read(read_end, 1 << 16)
        loop.loop.call_soon_threadsafe(writer.close)
    os.close(read_end)
    assert bytes(received[: len(big)]) == big
    rest = bytes(received[len(big) :]).decode()
    for tag in "xy":  # each thread's messages arrive whole and in its order
        mine = [part for part in rest.split(">") if part.startswith(f"<{tag}:")]
        assert mine == [f"<{tag}:{n}" for n in range(200)]
    assert len(received) == expected


def test_pipe_writer_drops_writes_to_a_server_that_is_gone() -> None:
    loop = LoopThread("test-pipe-writer-gone")
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "wb", buffering=0) as pipe:
        writer = _PipeWriter(pipe, loop.loop)
        writer.write(b"nobody reads this")  # EPIPE: dropped, the exit is noticed elsewhere
        writer.write(b"nor this")
        assert writer._closed
        loop.loop.call_soon_threadsafe(writer.close)


@pytest.fixture
def context(tmp_path: Path) -> Iterator[BridgeContext]:
    """A small workspace (pkg/m.py defines Box); its language server is shut down afterwards."""
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "m.py").write_text("class Box:\n    pass\n", encoding="utf-8")
    context = BridgeContext(workspace=root.resolve())
    yield context
    session_for(context.workspace).close()


def names(context: BridgeContext, file: str) -> list[str]:
    result = document_symbols(context, DocumentSymbolsArguments(file=file))
    return [symbol.name for symbol in result.symbols]


def test_a_reused_file_text_follows_edits(context: BridgeContext) -> None:
    assert names(context, "pkg/m.py") == ["Box"]
    assert names(context, "pkg/m.py") == ["Box"]  # now served from the kept text
    (context.workspace / "pkg" / "m.py").write_text("class Crate:\n    pass\n")
    assert names(context, "pkg/m.py") == ["Crate"]


def test_a_reused_file_swapped_for_a_symlink_out_is_refused(
    context: BridgeContext, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.py"
    outside.write_text("class Secret:\n    pass\n", encoding="utf-8")
    assert names(context, "pkg/m.py") == ["Box"]
    assert names(context, "pkg/m.py") == ["Box"]  # a warm server: the text is kept
    target = context.workspace / "pkg" / "m.py"
    target.unlink()
    target.symlink_to(outside)
    with pytest.raises(PathOutsideWorkspace):
        names(context, "pkg/m.py")


def test_a_file_the_tracker_does_not_watch_is_read_every_time(context: BridgeContext) -> None:
    hidden = context.workspace / ".cache_dir" / "gen.py"  # hidden folders are not tracked
    hidden.parent.mkdir()
    hidden.write_text("def one() -> int:\n    return 1\n", encoding="utf-8")
    assert names(context, ".cache_dir/gen.py") == ["one"]
    assert names(context, ".cache_dir/gen.py") == ["one"]  # a warm server: texts are kept
    hidden.write_text("def two() -> int:\n    return 2\n", encoding="utf-8")
    assert names(context, ".cache_dir/gen.py") == ["two"]


def test_a_fifo_is_refused_without_hanging(context: BridgeContext) -> None:
    os.mkfifo(context.workspace / "pipe.py")
    with pytest.raises(PathNotFound):
        names(context, "pipe.py")


def test_a_crlf_file_is_read_like_read_text(context: BridgeContext) -> None:
    (context.workspace / "dos.py").write_bytes(b"x = 1\r\n\r\nclass Win:\r\n    pass\r\n")
    result = goto_definition(context, PositionArguments(file="dos.py", symbol="Win"))
    assert (result.line, result.column) == (3, 7)
    assert [(d.line, d.context) for d in result.definitions] == [(3, "class Win:")]


@pytest.mark.parametrize(
    ("convert", "error"),
    [
        (lambda lines: locations([{"uri": "file:///x.py"}], lines), KeyError),
        (lambda lines: locations(7, lines), TypeError),
        (lambda lines: hover_text({"contents": {"kind": "plaintext", "value": 3}}), TypeError),
        (lambda lines: flatten_symbols([{"name": "x", "kind": 5}], lines), KeyError),
        (
            lambda lines: locations(
                [
                    {
                        "uri": "file:///x.py",
                        "range": {
                            "start": {"line": -5, "character": 0},
                            "end": {"line": -5, "character": 1},
                        },
                    }
                ],
                lines,
            ),
            ValueError,  # a contract refuses line -4
        ),
    ],
)
def test_an_answer_of_an_unknown_shape_is_a_typed_tool_error(
    tmp_path: Path, convert: Callable[[SourceLines], object], error: type[Exception]
) -> None:
    lines = SourceLines(tmp_path, "utf-32")
    with pytest.raises(error):
        convert(lines)
    session = LanguageServerSession(tmp_path)  # never started: only its name is used
    with pytest.raises(ToolError, match=r"'ty' answered textDocument/definition in a shape punie"):
        _converted(session, "textDocument/definition", lambda: convert(lines))


@pytest.mark.parametrize(
    ("text", "name", "start"),
    [
        ("class Cart:", "Cart", 0),
        ("class CartItem(Cart):", "Cart", 0),  # the whole word comes after a longer one
        ("x_Cart = Cart_x = Cart", "Cart", 0),
        ("def f(): return Cart", "Cart", 17),  # start inside the name: not found from there
        ("déjàCart = Cart", "Cart", 0),  # accented letters are word characters
        ("Cart", "Cart", 0),
        ("Cart", "Cart", 4),
        ("Cart1 Cart", "Cart", 0),
        ("Cart.total", "total", 0),
        ("async def total(self) -> int:", "total", 3),
        ("", "Cart", 0),
        ("CartCartCart Cart", "Cart", 1),
        ("a+b", "+", 0),  # not a name at all: found literally, like re.escape did
    ],
)
def test_find_name_agrees_with_the_regular_expression(text: str, name: str, start: int) -> None:
    match = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)").search(text, start)
    assert _find_name(text, name, start) == (match.start() if match else -1)


def test_file_uri_is_the_same_for_equal_paths_and_quotes_like_as_uri(tmp_path: Path) -> None:
    file_uri = SessionCache().file_uri
    odd = tmp_path / "with space" / "ü#.py"
    assert file_uri(odd) == odd.as_uri()
    assert file_uri(Path(str(odd))) == odd.as_uri()  # an equal, different Path object
    assert "%20" in file_uri(odd)
