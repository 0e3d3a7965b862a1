"""Small helpers shared by the parsers: JSON decoding with typed failures, workspace-relative
paths, and the one reading of "the tool could not read this file"."""

from __future__ import annotations

import json
import posixpath
from typing import Any

from pydantic_core import from_json

from parsers._errors import ParseError
from parsers.contracts import SkippedFile

__all__ = ["Reader", "relative_to_root", "skipped_file", "under_root"]

_NOT_UTF8 = "did not contain valid UTF-8"
"""How Rust's standard library says a file is not UTF-8; ruff (E902) and ty (``io``) both pass
it on as it is, e.g. 'Failed to read file: stream did not contain valid UTF-8'. Both read source
as UTF-8 only, whatever a PEP 263 line declares."""


def skipped_file(file: str, message: str) -> SkippedFile:
    """A file a tool could not read, from the tool's own message about it.

    'undecodable' when the bytes are not UTF-8 (a latin-1 file, with or without a
    ``# -*- coding: latin-1 -*-`` line), else 'unreadable' (permissions, a vanished file).
    """
    reason = "undecodable" if _NOT_UTF8 in message else "unreadable"
    detail = " ".join(message.split())  # one line, whatever the tool printed
    return SkippedFile(file=file, reason=reason, detail=detail)


def relative_to_root(path: str, root: str) -> str:
    """``path`` relative to ``root`` when it lies inside it, with '/' separators; else unchanged."""
    normal = path.replace("\\", "/")
    if not normal:
        return ""
    if not posixpath.isabs(normal):
        return posixpath.normpath(normal)
    base = root.replace("\\", "/").rstrip("/")
    if normal == base:
        return "."
    if base and normal.startswith(base + "/"):
        return normal[len(base) + 1 :]
    return normal


def under_root(root: str) -> str:
    """The prefix to strip from absolute paths under ``root`` ('' when there is no root)."""
    base = root.replace("\\", "/").rstrip("/")
    return base + "/" if base else ""


class Reader:
    """Typed access to decoded JSON that raises ``ParseError`` instead of ``KeyError``/``TypeError``."""

    def __init__(self, *, tool: str, version: str) -> None:
        self.tool = tool
        self.version = version

    def fail(self, fragment: Any, reason: str) -> ParseError:
        text = fragment if isinstance(fragment, str) else json.dumps(fragment, default=str)
        return ParseError(tool=self.tool, version=self.version, fragment=text, reason=reason)

    def loads(self, text: str) -> Any:
        """Decode JSON with pydantic-core's parser (about twice as fast as ``json`` here)."""
        try:
            return from_json(text)
        except ValueError as error:
            raise self.fail(text[:200] or "<empty output>", f"not JSON ({error})") from None

    def get(self, item: Any, key: str, kind: type | tuple[type, ...]) -> Any:
        if not isinstance(item, dict):
            raise self.fail(item, f"expected an object with key {key!r}")
        if key not in item:
            raise self.fail(item, f"missing key {key!r}")
        value = item[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
            raise self.fail(item, f"key {key!r} has an unexpected type {type(value).__name__}")
        return value

    def optional(self, item: Any, key: str, kind: type | tuple[type, ...]) -> Any:
        if isinstance(item, dict) and item.get(key) is None:
            return None
        return self.get(item, key, kind)


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
