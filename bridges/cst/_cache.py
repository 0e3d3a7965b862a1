"""Parsed modules and derived results, cached by the content hash of the source.

LibCST is slow next to ``ast``, and position metadata costs about as much again as the parse
(benchmarks/README.md, "Figures moved from comments"). A snippet often asks several validators
about the same files, and a session asks again after each edit, so three things are cached, all
keyed by a hash of the file's bytes (never by path or mtime, so an edit is always seen and a
rename costs nothing):

- the parsed ``libcst.Module``;
- its position metadata, computed lazily the first time a line number is needed;
- whatever a caller derives from a module (validator findings), under a caller-chosen key.

The cache is bounded (least recently used entries go first) and safe to share between threads.
It also owns the pool of parser children (``pool``) that the multi-file bridges parse in
(``bridges.cst._scan``); ``close()`` stops them and runs at interpreter exit.
"""

from __future__ import annotations

import atexit
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from bridges.cst._children import ChildPool
from bridges.cst._errors import SourceError

__all__ = ["MODULE_CACHE", "ModuleCache", "ParsedSource", "content_digest"]


def content_digest(data: bytes) -> str:
    """The cache key of a file's content."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(eq=False)
class ParsedSource:
    """One parsed source text; positions are resolved on first use and then kept."""

    digest: str
    text: str
    module: cst.Module
    _positions: Mapping[cst.CSTNode, CodeRange] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        """Start and end of every node of ``module`` (the same node objects, not copies)."""
        with self._lock:
            if self._positions is None:
                wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
                self._positions = wrapper.resolve(PositionProvider)
            return self._positions

    def line_of(self, node: cst.CSTNode) -> int:
        """1-based line where ``node`` starts."""
        return self.positions()[node].start.line

    def lines(self) -> list[str]:
        """The source split into lines (without line endings)."""
        return self.text.splitlines()


class ModuleCache:
    """LRU caches of parsed sources and of results derived from them."""

    def __init__(self, *, max_modules: int = 128, max_results: int = 65536) -> None:
        self._max_modules = max_modules
        self._max_results = max_results
        self._modules: OrderedDict[str, ParsedSource] = OrderedDict()
        self._results: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.parses = 0
        """How many times a source was actually parsed by LibCST (a miss), here or in a child;
        tests and benchmarks read it."""
        self._pool: ChildPool | None = None

    @property
    def pool(self) -> ChildPool:
        """The parser children, started on first use."""
        with self._lock:
            if self._pool is None:
                self._pool = ChildPool()
            return self._pool

    def lookup(self, key: Hashable) -> Any | None:
        """A stored result, or None."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        return None

    def store(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key`` (include the content digest in the key)."""
        with self._lock:
            self._results[key] = value
            self._results.move_to_end(key)
            while len(self._results) > self._max_results:
                self._results.popitem(last=False)

    def read(self, path: Path, *, display: str) -> tuple[str, bytes]:
        """The digest and bytes of a file; ``display`` names it in errors."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SourceError(f"cannot read {display}: {error.strerror}") from error
        return content_digest(data), data

    def parse(self, digest: str, data: bytes, *, display: str) -> ParsedSource:
        """The parsed module for ``data`` (whose digest is ``digest``), from cache when possible."""
        with self._lock:
            cached = self._modules.get(digest)
            if cached is not None:
                self._modules.move_to_end(digest)
                return cached
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SourceError(
                f"{display} is not UTF-8 text (byte {error.start}); only UTF-8 Python is supported"
            ) from error
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            raise SourceError(
                f"{display} has a syntax error at line {error.editor_line}, column "
                f"{error.editor_column}: {error.message}; fix it (read_file shows the line) "
                "before running LibCST tools on it"
            ) from error
        parsed = ParsedSource(digest=digest, text=text, module=module)
        with self._lock:
            self.parses += 1
            self._modules[digest] = parsed
            self._modules.move_to_end(digest)
            while len(self._modules) > self._max_modules:
                self._modules.popitem(last=False)
        return parsed

    def parse_file(self, path: Path, *, display: str) -> ParsedSource:
        """Read and parse a file, using the cache when its content was seen before."""
        digest, data = self.read(path, display=display)
        return self.parse(digest, data, display=display)

    def derived(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per ``key``; include the content digest in the key."""
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        value = compute()
        with self._lock:
            self._results[key] = value
            while len(self._results) > self._max_results:
                self._results.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything, in the children too (benchmarks use it to measure cold calls)."""
        with self._lock:
            self._modules.clear()
            self._results.clear()
            pool = self._pool
        if pool is not None:
            pool.clear_caches()

    def close(self) -> None:
        """Stop the parser children (a later call starts new ones)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


MODULE_CACHE = ModuleCache()
"""The process-wide cache every LibCST bridge and validator shares. Process-wide on purpose: every
entry is keyed by a hash of the file's bytes, so sharing it between workspaces and sessions can
never answer for another file, and one pool of parser children serves them all; it owns those
children and closes them at exit (``close()``), and ``clear()`` forgets every entry."""
atexit.register(MODULE_CACHE.close)
