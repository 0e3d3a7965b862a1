"""The wire format between host and worker: length-prefixed frames over raw pipes.

Only data crosses: every frame is a 4-byte big-endian length and a body. Worker to host, the body
is ASCII JSON: the host parses it, a hostile worker controls those bytes, and ``json.loads``
cannot run code or crash the interpreter on crafted input. Host to worker, the body is
``marshal`` data (dicts, lists, str, numbers, None only): the worker trusts the host, and
``marshal`` is cheaper to encode and decode than JSON, which matters on every host call.
The messages themselves are typed in ``_messages``.
"""

from __future__ import annotations

import json
import marshal
import os
import select
import struct
import time
from json import encoder as _json_encoder
from json.scanner import make_scanner

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from typing import Any

    from ._messages import (
        CallAnswer,
        CallAnswers,
        HostMessage,
        InitMessage,
        WorkerMessage,
        WorkerRequest,
    )

__all__ = [
    "MAX_FRAME_BYTES",
    "POLL_SECONDS",
    "FrameBuffer",
    "FrameError",
    "FrameReader",
    "PollGauge",
    "encode",
    "encode_body",
    "encode_for_worker",
    "frame",
    "poller_for",
    "write_all",
]

_HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 64 * 1024 * 1024
"""Largest frame either side accepts; a larger length header means a broken or hostile peer."""


def _not_data(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON data")


_c_make_encoder = getattr(_json_encoder, "c_make_encoder", None)  # not in typeshed
if _c_make_encoder is not None:
    # The C encoder made once (``JSONEncoder.encode`` builds one per call). No circular check:
    # everything sent is a fresh tree of plain data (``_to_data`` bounds its depth).
    _c_encode = _c_make_encoder(
        None, _not_data, _json_encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )

    def _dumps(value: object) -> str:
        return "".join(_c_encode(value, 0))

else:  # pragma: no cover - CPython always has the C encoder
    _dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=True).encode
# The C scanner itself, without json.loads's checks around it (typeshed types its argument
# oddly).
_scan = make_scanner(json.JSONDecoder())  # ty: ignore[invalid-argument-type]


class FrameError(Exception):
    """A peer sent bytes that are not a valid frame (bad length or bad JSON)."""


def encode(message: WorkerMessage) -> bytes:
    """One frame for the host: header + ASCII JSON body."""
    body = _dumps(message).encode("ascii")
    return _HEADER.pack(len(body)) + body


def encode_for_worker(message: HostMessage) -> bytes:
    """One frame for the worker: header + ``marshal`` body (plain data only)."""
    data: Any = message  # a TypedDict is a plain dict at run time: marshal takes it
    body = marshal.dumps(data)
    return _HEADER.pack(len(body)) + body


def encode_body(value: object) -> bytes:
    """``value`` as ASCII JSON (the body of a frame for the host, without its header)."""
    return _dumps(value).encode("ascii")


def frame(body: bytes) -> bytes:
    """A frame for the host from a body built by the caller (e.g. a cached prefix + data)."""
    return _HEADER.pack(len(body)) + body


def write_all(fd: int, data: bytes) -> None:
    """Write every byte (pipes may accept a large frame in several pieces)."""
    written = os.write(fd, data)
    if written == len(data):
        return
    view = memoryview(data)[written:]
    while view:
        written = os.write(fd, view)
        view = view[written:]


POLL_SECONDS = 150e-6
"""How long a reader polls a pipe before blocking in ``read``, when a CPU is free.

A frame's answer usually comes back within tens of microseconds. When the reader blocks instead,
its CPU goes idle, and on an idle (virtual) machine waking it again costs more than the answer
took; when every CPU is busy the opposite holds (the poller takes the CPU the other end needs).
So polling is used only while no more tasks are runnable than there are CPUs (the figures are in
benchmarks/README.md, "sandbox figures moved from comments")."""

_CHECK_EVERY_S = 0.1
"""How long a decision of ``PollGauge`` holds before /proc/stat is read again."""
_CPUS = os.cpu_count() or 1
_CLOSED = -2


class PollGauge:
    """Whether polling before blocking pays right now, decided from the kernel's run queue.

    Owned by whoever reads pipes: a worker process has one (``WorkerCaches``), a host
    ``WorkerPool`` has one for all its workers. /proc/stat is opened on first use and re-read
    with ``pread``: a worker's first read (of ``init``) comes before its lockdown, after which
    Landlock lets it open nothing outside the interpreter's files. ``close()`` releases the
    file; a closed gauge never polls.
    """

    __slots__ = ("_checked_at", "_polling_pays", "_stat_fd")

    def __init__(self) -> None:
        self._checked_at = -1.0
        self._polling_pays = False
        self._stat_fd = -1

    def cpu_is_free(self) -> bool:
        now = time.monotonic()
        if now - self._checked_at >= _CHECK_EVERY_S:
            self._checked_at = now
            # Counted right after sending: this reader and the peer it just woke are runnable.
            self._polling_pays = self.runnable_tasks() <= _CPUS
        return self._polling_pays

    def forget(self) -> None:
        """Decide afresh at the next read (the file stays open)."""
        self._checked_at = -1.0
        self._polling_pays = False

    def runnable_tasks(self) -> int:
        """``procs_running`` from /proc/stat; a huge number when it cannot be read (never poll)."""
        try:
            if self._stat_fd == _CLOSED:
                raise OSError("the gauge is closed")
            if self._stat_fd < 0:
                self._stat_fd = os.open("/proc/stat", os.O_RDONLY | os.O_CLOEXEC)
            text = b""
            while chunk := os.pread(self._stat_fd, 1 << 16, len(text)):  # many CPUs: > 64 KiB
                text += chunk
            start = text.index(b"procs_running ") + 14
            return int(text[start : text.index(b"\n", start)])
        except (OSError, ValueError):
            return 1 << 30

    def wait_briefly(self, poller: select.poll) -> None:
        """Poll for input for up to ``POLL_SECONDS`` when a CPU is free; never reads."""
        if not self.cpu_is_free():
            return
        deadline = time.perf_counter() + POLL_SECONDS
        poll = poller.poll
        while not poll(0):
            if time.perf_counter() >= deadline:
                return

    def close(self) -> None:
        fd, self._stat_fd = self._stat_fd, _CLOSED
        self._polling_pays = False
        if fd >= 0:
            try:  # noqa: SIM105 - contextlib would cost the worker's start-up an import
                os.close(fd)
            except OSError:
                pass


def poller_for(fd: int) -> select.poll:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return poller


def _read_exact(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 16))  # more: see FrameReader.read
        if not chunk:
            raise EOFError("the peer closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class FrameReader:
    """The worker's blocking reader of host frames (it has nothing else to do while it waits).

    Reads up to 64 KiB (a pipe's capacity; a larger ``os.read`` allocates its whole buffer with
    ``mmap``) and keeps what follows a frame in ``pending`` for the next call, so that a small
    frame costs one ``read`` system call, not two. One per pipe; ``WorkerCaches`` owns the
    worker's.
    """

    __slots__ = ("fd", "gauge", "pending", "poller")

    def __init__(self, fd: int, gauge: PollGauge) -> None:
        self.fd = fd
        self.gauge = gauge
        self.pending = bytearray()
        """Bytes received after the last whole frame (the start of the next one)."""
        self.poller = poller_for(fd)

    def read_init(self) -> InitMessage:
        """The host's first message."""
        return self._read()

    def read_request(self) -> WorkerRequest:
        """The host's next request: ``run`` or ``reset``."""
        return self._read()

    def read_answer(self) -> CallAnswer:
        """The host's answer to the call just sent."""
        return self._read()

    def read_answers(self) -> CallAnswers:
        """The host's answers to the ``calls`` message just sent, in order."""
        return self._read()

    def _read(self) -> Any:
        fd = self.fd
        buffer = self.pending
        if not buffer:  # the usual case: one read brings exactly one whole frame
            self.gauge.wait_briefly(self.poller)
            chunk = os.read(fd, 1 << 16)
            if len(chunk) >= 4:
                (size,) = _HEADER.unpack_from(chunk)
                if size + 4 == len(chunk):
                    return marshal.loads(memoryview(chunk)[4:])
            elif not chunk:
                raise EOFError("the peer closed the pipe")
            buffer += chunk
        while len(buffer) < 4:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("the peer closed the pipe")
            buffer += chunk
        (size,) = _HEADER.unpack_from(buffer)
        if size > MAX_FRAME_BYTES:
            raise FrameError(f"frame of {size} bytes is larger than {MAX_FRAME_BYTES}")
        end = 4 + size
        if len(buffer) < end:
            buffer += _read_exact(fd, end - len(buffer))
        body = bytes(buffer[4:end])
        del buffer[:end]
        return marshal.loads(body)


class FrameBuffer:
    """Incremental decoder for the host, which reads with a deadline and may get partial frames."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = bytearray()

    def __len__(self) -> int:
        """Bytes received and not yet returned as a message."""
        return len(self._buffer)

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def take(self, data: bytes) -> WorkerMessage | None:
        """``feed(data)`` then ``next_message()``, without copying when ``data`` is exactly one
        whole frame (the usual case: a small frame arrives in one ``read``)."""
        if not self._buffer and len(data) >= 4:
            (size,) = _HEADER.unpack_from(data)
            if size + 4 == len(data):
                return _parse(data.decode("ascii", "replace"), 4)
        self._buffer += data
        return self.next_message()

    def next_message(self) -> WorkerMessage | None:
        """The next complete message, or ``None`` when more bytes are needed.

        A message is a JSON object, nothing more is checked here: the worker is not trusted, so
        its fields are read with ``.get`` and validated by whoever uses them."""
        buffer = self._buffer
        if len(buffer) < 4:
            return None
        (size,) = _HEADER.unpack_from(buffer)
        if size > MAX_FRAME_BYTES:
            raise FrameError(f"frame of {size} bytes is larger than {MAX_FRAME_BYTES}")
        end = 4 + size
        if len(buffer) < end:
            return None
        body = buffer[4:end].decode("ascii", "replace")
        del buffer[:end]
        return _parse(body, 0)


def _parse(text: str, start: int) -> Any:
    """The one JSON object that fills ``text`` from ``start`` to its end."""
    try:
        message, stop = _scan(text, start)
    except (StopIteration, ValueError, RecursionError) as error:
        raise FrameError(f"frame is not JSON: {error!r}") from error
    if stop != len(text) or type(message) is not dict:
        raise FrameError("frame is not exactly one JSON object")
    if "\\ud" in text or "\\uD" in text:  # maybe a lone surrogate: not valid UTF-8 later
        message = _scrub(message)
    return message


def _scrub(value: Any) -> Any:
    """Replace lone surrogates (which a snippet can print) so that results encode as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8") if not value.isascii() else value
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    return value
