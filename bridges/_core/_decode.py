"""Bytes of a workspace file -> text, read the way Python reads source; used by read_file and grep.

Real trees hold files that are not UTF-8: a module that declares ``# -*- coding: latin-1 -*-``
(valid Python), an old cp1252 file without a declaration, a UTF-8 file with a BOM, a blob named
``.py``. Reading all of them strictly as UTF-8 refused the first two as "binary?" and made grep
miss their matches without a word. The rules here:

- **Binary** = a NUL byte in the first 8 KiB (what git and grep use). Not text: ``NotText('binary')``.
- **Python files** (``.py``, ``.pyi``, ``.pyw``) are decoded as the interpreter decodes them: a
  UTF-8 BOM, else a PEP 263 declaration in the first two lines (``tokenize.detect_encoding``),
  else UTF-8. A declaration Python cannot use (``# coding: nosuch``, ``# coding: hex``, a BOM
  with another declaration) is not trusted: the file is read as UTF-8 and the note says why.
- **Other files** are UTF-8 (a BOM is dropped).
- A file that is not valid in its encoding is still read, as UTF-8 with ``errors="replace"``:
  every undecodable byte becomes U+FFFD and ``Decoded.note`` says so. Why not latin-1, which never
  fails? The usual culprit is a file that is UTF-8 but for one stray byte, or cp1252 with a few
  accents in comments: with "replace" the ASCII (the code) and every valid UTF-8 character stay
  right and only the bad bytes are marked, where latin-1 would silently turn every non-ASCII
  character of the file into mojibake. Latin-1 would also turn byte 0x85 into NEL, a line break
  for ``str.splitlines``, and shift line numbers.
- Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only, as for Python, ruff and ty (``split_lines``);
  ``str.splitlines`` also splits at form feeds and other separators, which shifted line numbers.

grep matches with ripgrep, on bytes (``_search.py``), and takes the text of every matching line
from here, so that grep and read_file show a line the same way. This module imports only light
standard-library modules and nothing of punie.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import stat

__all__ = [
    "BINARY_PROBE_BYTES",
    "PYTHON_SUFFIXES",
    "Decoded",
    "NotText",
    "decode",
    "encode",
    "load",
    "read",
    "split_lines",
]

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: keeps this module free of typing's import
if TYPE_CHECKING:
    from parsers.contracts import SkipReason

BINARY_PROBE_BYTES = 8192
"""A NUL byte within this many leading bytes makes a file binary."""
PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")
_REPLACED = "undecodable bytes are shown as U+FFFD"
_BINARY = "a NUL byte in its first 8 KiB"


class Decoded:
    """The text of a file and how it was obtained.

    ``text``: the whole text, without a BOM. ``encoding``: the codec it was decoded with, by its
    Python name ('utf-8', 'utf-8-sig' for a BOM, 'iso8859-1' for a latin-1 declaration,
    'cp1252'...). ``note``: None when ``text`` is exactly the file in ``encoding``; else one
    sentence saying why not (not valid in its encoding, an unusable declaration) and how it was
    read.
    """

    __slots__ = ("encoding", "note", "text")

    def __init__(self, text: str, encoding: str, note: str | None) -> None:
        self.text = text
        self.encoding = encoding
        self.note = note


class NotText(Exception):
    """A file that cannot be read as text: ``reason`` is 'binary', 'too_large' or 'unreadable'
    (a ``SkippedFile`` reason), ``detail`` one line saying what exactly is wrong."""

    def __init__(self, reason: SkipReason, detail: str) -> None:
        super().__init__(detail)
        self.reason: SkipReason = reason
        self.detail = detail


def load(path: str | bytes | os.PathLike[str], *, max_bytes: int) -> Decoded:
    """Read and decode the file at ``path``, reading at most ``max_bytes`` + 1 bytes.

    The file is opened without blocking and checked to be a regular file first, so a named pipe
    swapped in after a listing cannot stall the caller. Raises ``NotText``.
    """
    return decode(
        read(path, max_bytes=max_bytes), python=os.fsdecode(path).endswith(PYTHON_SUFFIXES)
    )


def read(path: str | bytes | os.PathLike[str], *, max_bytes: int, head: int | None = None) -> bytes:
    """The bytes of the file at ``path`` (only the first ``head`` bytes when given), read as
    ``load`` reads them: without blocking, regular files only, at most ``max_bytes``.

    Raises ``NotText`` ('unreadable', 'too_large'; 'binary' only when ``head`` is given and the
    head has a NUL byte: grep's probe of the files it did not need to read whole).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise NotText("unreadable", _os_problem(path, error)) from None
    with open(descriptor, "rb") as handle:
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise NotText("unreadable", "not a regular file (a folder, pipe, socket or device)")
            if info.st_size > max_bytes:
                raise NotText("too_large", _too_large(info.st_size, max_bytes))
            data = handle.read(max_bytes + 1 if head is None else head)
        except OSError as error:
            raise NotText("unreadable", _os_problem(path, error)) from None
    if len(data) > max_bytes:  # it grew after fstat
        raise NotText("too_large", _too_large(len(data), max_bytes))
    if head is not None and b"\0" in data[:BINARY_PROBE_BYTES]:
        raise NotText("binary", _BINARY)
    return data


def decode(data: bytes, *, python: bool) -> Decoded:
    """``data`` as text by the rules of this module's docstring. Raises ``NotText('binary')``."""
    if b"\0" in data[:BINARY_PROBE_BYTES]:
        raise NotText("binary", _BINARY)
    bom = data.startswith(codecs.BOM_UTF8)
    default = "utf-8-sig" if bom else "utf-8"
    declared, problem = _declared(data, bom=bom) if python else (None, None)
    if declared is not None:
        try:
            return Decoded(data.decode(declared), _name(declared), None)
        except UnicodeDecodeError as error:
            problem = f"not valid {declared}, the encoding it declares ({_where(data, error)})"
        except LookupError:
            problem = f"declares {declared!r}, which is not a text encoding"
    try:
        text = data.decode(default)
    except UnicodeDecodeError as error:
        text = data.decode(default, errors="replace")
        if problem is None:
            return Decoded(
                text, _name(default), f"not valid UTF-8 ({_where(data, error)}); {_REPLACED}"
            )
        return Decoded(text, _name(default), f"{problem}; read as UTF-8, {_REPLACED}")
    return Decoded(text, _name(default), None if problem is None else f"{problem}; read as UTF-8")


def encode(text: str, *, python: bool) -> bytes:
    """``text`` as the bytes that ``decode`` reads back as ``text``: UTF-8, or for a Python file
    whose first two lines declare another encoding, that encoding (so a latin-1 module that was
    read, edited and written back stays latin-1, as its declaration says).

    Raises ``UnicodeEncodeError`` for a character the encoding cannot hold (``error.encoding``
    names it; 'utf-8' only for a lone surrogate).
    """
    data = text.encode("utf-8")
    if not python:
        return data
    declared, _ = _declared(data, bom=data.startswith(codecs.BOM_UTF8))
    if declared is None or _name(declared) in ("utf-8", "utf-8-sig"):
        return data
    try:
        return text.encode(declared)
    except LookupError:  # 'hex' and the like: Python cannot read it either way
        return data


def split_lines(text: str, *, keepends: bool = False) -> list[str]:
    """Lines of ``text``, ending only at '\\n', '\\r\\n' or '\\r' (as Python, ruff and ty count)."""
    lines = io.StringIO(text, newline="").readlines()
    if keepends:
        return lines
    return [line.rstrip("\r\n") for line in lines]


def _declared(data: bytes, *, bom: bool) -> tuple[str | None, str | None]:
    """The encoding a Python file declares (or its BOM implies), or a problem with its
    declaration; (None, None) when it declares nothing."""
    first = data.find(b"\n")
    second = -1 if first == -1 else data.find(b"\n", first + 1)
    head = data if second == -1 else data[:second]
    if not bom and b"coding" not in head:  # no declaration possible: skip tokenize (and its import)
        return None, None
    import tokenize  # only here: most files declare nothing

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if (error.msg or "").startswith("invalid or missing encoding declaration"):
            return None, None  # no declaration after all, and not UTF-8: decode() reports it
        return None, f"its encoding declaration is unusable ({error.msg})"
    return encoding, None


def _name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _where(data: bytes, error: UnicodeDecodeError) -> str:
    start = error.start
    line = 1 + data.count(b"\n", 0, start) + data.count(b"\r", 0, start)
    line -= data.count(b"\r\n", 0, start)
    return f"byte 0x{data[start]:02x} on line {line}"


def _too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes, over the limit of {limit:,} bytes"


def _os_problem(path: str | bytes | os.PathLike[str], error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symlinks"
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        return "a symlink to a file that does not exist"
    return f"cannot be read ({error.strerror or error})"
