"""The wire format between host and worker: length-prefixed frames over raw pipes.

Only data crosses: every frame is a 4-byte big-endian length and a body. Worker to host, the body
is ASCII JSON: the host parses it, a hostile worker controls those bytes, and ``json.loads``
cannot run code or crash the interpreter on crafted input. Host to worker, the body is
``marshal`` data (dicts, lists, str, numbers, None only): the worker trusts the host, and
``marshal`` is about four times cheaper to encode and decode, which matters on every host call.
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

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a worker ~10 ms

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "MAX_FRAME_BYTES",
    "FrameBuffer",
    "FrameError",
    "encode",
    "encode_body",
    "encode_for_worker",
    "frame",
    "read_message",
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
# The C scanner itself: 4x cheaper than json.loads (typeshed types its argument oddly).
_scan = make_scanner(json.JSONDecoder())  # ty: ignore[invalid-argument-type]


class FrameError(Exception):
    """A peer sent bytes that are not a valid frame (bad length or bad JSON)."""


def encode(message: dict[str, Any]) -> bytes:
    """One frame for the host: header + ASCII JSON body."""
    body = _dumps(message).encode("ascii")
    return _HEADER.pack(len(body)) + body


def encode_for_worker(message: dict[str, Any]) -> bytes:
    """One frame for the worker: header + ``marshal`` body (plain data only)."""
    body = marshal.dumps(message)
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
its CPU goes idle, and on an idle (virtual) machine waking it again costs 50-150 us per message:
1,000 host calls took 134 ms blocking and about 20 ms polling first. When every CPU is busy the
opposite holds (the poller takes the CPU the other end needs: 102 ms instead of 31 ms), so polling
is used only while no more tasks are runnable than there are CPUs (this reader and the peer it
has just woken count), as the kernel counts them right now (``procs_running`` in /proc/stat, read at most every ``_CHECK_EVERY_S``)."""

_CHECK_EVERY_S = 0.1
_CPUS = os.cpu_count() or 1
_checked_at = -1.0
_polling_pays = False


def _cpu_is_free() -> bool:
    global _checked_at, _polling_pays
    now = time.monotonic()
    if now - _checked_at >= _CHECK_EVERY_S:
        _checked_at = now
        # Counted right after sending: this reader and the peer it just woke are both runnable.
        _polling_pays = _runnable_tasks() <= _CPUS
    return _polling_pays


_stat_fd = -1


def _runnable_tasks() -> int:
    """``procs_running`` from /proc/stat. The file is opened once and re-read with ``pread``:
    the worker's first read (of ``init``) comes before its lockdown, after which Landlock lets
    it open nothing outside the interpreter's files."""
    global _stat_fd
    try:
        if _stat_fd < 0:
            _stat_fd = os.open("/proc/stat", os.O_RDONLY | os.O_CLOEXEC)
        text = b""
        while chunk := os.pread(_stat_fd, 1 << 16, len(text)):  # many CPUs: more than 64 KiB
            text += chunk
        start = text.index(b"procs_running ") + 14
        return int(text[start : text.index(b"\n", start)])
    except (OSError, ValueError):
        return 1 << 30  # cannot tell: never poll


def wait_briefly(poller: select.poll) -> None:
    """Poll for input for up to ``POLL_SECONDS`` when a CPU is free; never reads."""
    if not _cpu_is_free():
        return
    deadline = time.perf_counter() + POLL_SECONDS
    poll = poller.poll
    while not poll(0):
        if time.perf_counter() >= deadline:
            return


def poller_for(fd: int) -> select.poll:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return poller


def _read_exact(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 16))  # more: see below
        if not chunk:
            raise EOFError("the peer closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_pending = bytearray()
_pollers: dict[int, select.poll] = {}


def read_message(fd: int) -> dict[str, Any]:
    """Blocking read of one host frame (the worker's side: it has nothing else to do).

    Reads up to 64 KiB (a pipe's capacity; a larger ``os.read`` allocates its whole buffer with
    ``mmap``, ~20 us) and keeps what follows the frame for the next call, so that a small frame
    costs one ``read`` system call, not two.
    """
    buffer = _pending
    if not buffer:  # the usual case: one read brings exactly one whole frame
        poller = _pollers.get(fd)
        if poller is None:
            poller = _pollers[fd] = poller_for(fd)
        wait_briefly(poller)
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

    def take(self, data: bytes) -> dict[str, Any] | None:
        """``feed(data)`` then ``next_message()``, without copying when ``data`` is exactly one
        whole frame (the usual case: a small frame arrives in one ``read``)."""
        if not self._buffer and len(data) >= 4:
            (size,) = _HEADER.unpack_from(data)
            if size + 4 == len(data):
                return _parse(data.decode("ascii", "replace"), 4)
        self._buffer += data
        return self.next_message()

    def next_message(self) -> dict[str, Any] | None:
        """The next complete message, or ``None`` when more bytes are needed."""
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


def _parse(text: str, start: int) -> dict[str, Any]:
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
