"""The loop a parser child runs (see ``_children``): decode, parse, compute, answer in JSON.

Everything here runs in the child, never in the host. Parsed sources are kept by content hash
(bounded by the total size of their text) so that the next call on unchanged files skips the
parse. A file is decoded as Python decodes it (a BOM or a PEP 263 declaration, else UTF-8).
"""

from __future__ import annotations

import ast
import importlib
import io
import json
import os
import pickle
import struct
import sys
import threading
import time
import tokenize
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

__all__ = ["SkipFile", "Source", "decode_source", "main"]

_HEADER = struct.Struct("!I")
_CACHE_TEXT_BYTES = 48 * 1024 * 1024


class SkipFile(Exception):
    """This file cannot be worked on; ``reason`` as in ``parsers.contracts.SkippedFile``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def decode_source(data: bytes) -> str:
    """The text of a Python file, decoded as Python would decode it."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SkipFile("binary", f"contains NUL bytes (the first at byte {nul})")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown declared encoding, or bad UTF-8 in the first lines
        encoding = "utf-8"
        detail = str(error)
        if b"coding" in data[:200]:
            raise SkipFile("undecodable", detail) from error
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        where = f" (byte {error.start})" if isinstance(error, UnicodeDecodeError) else ""
        declared = "declared " if encoding not in {"utf-8", "utf-8-sig"} else ""
        raise SkipFile("undecodable", f"not valid {declared}{encoding}{where}") from error


class Source:
    """One file's text and, on demand, its LibCST module, positions and ``ast`` tree.

    The ``ast`` tree is kept with the source, as the LibCST module is: the validators' prefilters
    (``bridges.validators._prefilter``) of several calls on the same file share one parse.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self._module: cst.Module | None = None
        self._positions: Mapping[cst.CSTNode, CodeRange] | None = None
        self._tree: ast.Module | bool | None = False
        self.parsed = False
        """Set when ``module`` was parsed by this call (a cache miss)."""

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def module(self) -> cst.Module:
        if self._module is None:
            try:
                self._module = cst.parse_module(self.text)
            except cst.ParserSyntaxError as error:
                raise SkipFile(
                    "syntax_error",
                    f"line {error.editor_line}, column {error.editor_column}: {error.message}",
                ) from error
            self.parsed = True
        return self._module

    def tree(self) -> ast.Module | None:
        """The ``ast`` tree, or None when ``ast`` cannot parse the text (LibCST then decides)."""
        if self._tree is False:
            try:
                self._tree = ast.parse(self.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._tree = None
        return self._tree if isinstance(self._tree, ast.Module) else None

    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._positions is None:
            wrapper = MetadataWrapper(self.module(), unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        return self._positions

    def line_of(self, node: cst.CSTNode) -> int:
        return self.positions()[node].start.line


class _Cache:
    def __init__(self) -> None:
        self.sources: OrderedDict[str, Source] = OrderedDict()
        self.size = 0

    def get(self, digest: str, data: bytes) -> Source:
        source = self.sources.get(digest)
        if source is not None:
            self.sources.move_to_end(digest)
            source.parsed = False
            return source
        source = Source(decode_source(data))
        self.sources[digest] = source
        self.size += len(source.text)
        while self.size > _CACHE_TEXT_BYTES and len(self.sources) > 1:
            _, old = self.sources.popitem(last=False)
            self.size -= len(old.text)
        return source

    def clear(self) -> None:
        self.sources.clear()
        self.size = 0


def _compute(task: tuple[Any, ...], source: Source) -> Any:
    if task[0] == "find":
        from bridges.cst._find import matches_in_source

        return matches_in_source(source, kind=task[1], glob=task[2], strict=task[4])
    if task[0] in ("rename", "add_import"):
        from bridges.cst._edits import edit_in_child

        return edit_in_child(task, source)
    from bridges.validators._runner import run_task

    return run_task(task, source)


def _answer(message: tuple[Any, ...], cache: _Cache) -> dict[str, Any]:
    _, task_bytes, digest, data, path = message
    if path != sys.path:
        sys.path[:] = path
        importlib.invalidate_caches()
    try:
        task = pickle.loads(task_bytes)
        source = cache.get(digest, data)
        value = _compute(task, source)
    except SkipFile as skip:
        return {"skip": [skip.reason, skip.detail]}
    except RecursionError:
        return {"skip": ["crashed", "nested too deeply for the parser"]}
    except (ImportError, AttributeError, pickle.UnpicklingError) as error:
        return {"skip": ["crashed", f"the parser process could not load the task: {error}"]}
    except MemoryError:
        cache.clear()
        return {"skip": ["crashed", "the parser ran out of memory on this file"]}
    return {"value": value, "parsed": source.parsed}


def _limit(memory: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Die with the host even in the middle of a long parse. (PR_SET_PDEATHSIG would fire when
    # the host *thread* that started the child ends, so watch the parent id instead.)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def main(memory: int) -> None:
    """Serve requests from stdin until it closes."""
    _limit(memory)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    cache = _Cache()
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        message = pickle.loads(stdin.read(size))
        if message[0] == "clear":
            cache.clear()
            continue
        body = json.dumps(_answer(message, cache), separators=(",", ":")).encode()
        stdout.write(_HEADER.pack(len(body)) + body)
        stdout.flush()
