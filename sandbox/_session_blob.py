"""Saved sessions on the host: the blob format, its validation, and what a blob holds.

``Session.dump()`` returns a blob; ``Sandbox.restore(blob)`` opens a session from one, in this
process or another. The host never unpickles anything: a blob is one header line and JSON::

    punie-session 1 <sha256 of the JSON, hex>\\n
    {"names": {name: value tree}, "definitions": [[name, source], ...], "skipped": {name: why}}

Value trees are plain data with tagged containers (``sandbox/_worker/_saved.py`` writes and
reads them in the worker); definitions are the source of the session's own top-level
functions and classes, replayed under the policy by the worker on restore. Everything is
checked before a worker sees it: the size first (``MAX_SESSION_BYTES``), then the header and
its version, the checksum (a truncated or corrupted blob), the JSON (no ``NaN``), and every
name, tag, nesting level and source size. A blob that fails any check raises
``SessionBlobError`` saying what is wrong and what to do; one that passes can still only do
what a snippet could.
"""

from __future__ import annotations

import hashlib
import json
import keyword
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from sandbox._errors import SandboxError
from sandbox._worker._denials import ALLOWED_MODULES, DENIED_NAMES

__all__ = [
    "FORMAT_VERSION",
    "MAX_SESSION_BYTES",
    "SavedSession",
    "SessionBlobError",
    "SessionContent",
    "decode_blob",
    "encode_blob",
    "read_session",
    "validate_content",
]

MAGIC = b"punie-session"
FORMAT_VERSION = 1
MAX_SESSION_BYTES = 16 * 1024 * 1024
"""Largest blob ``dump`` writes and ``restore`` reads (pass ``max_bytes`` to read a larger one)."""
_MAX_DEPTH = 60
"""Deepest nesting of a value (``_worker._saved.MAX_DEPTH``)."""
_NAME_CHARS = 200
_REASON_CHARS = 1000
_HEADER_CHARS = 100
_CONTAINERS = frozenset({"list", "tuple", "set", "frozenset"})
_NON_FINITE = frozenset({"inf", "-inf", "nan"})


class SessionBlobError(SandboxError):
    """A saved session that cannot be dumped or restored: truncated, corrupted, too large, of
    another format version, holding something a session cannot hold, or failing to replay.
    The message says which, and what to do."""


class SavedSession(BaseModel):
    """What a saved session holds (``read_session``), without restoring it."""

    model_config = ConfigDict(frozen=True)

    names: tuple[str, ...]
    """Names bound to data (and stand-in modules), restored as they were."""
    definitions: tuple[str, ...]
    """The session's own functions and classes, replayed from their source, in this order."""
    skipped: dict[str, str]
    """Names the session had but could not save, with the reason (an instance of a snippet's
    class, a generator, a lambda, ...)."""


@dataclass(frozen=True)
class SessionContent:
    """A validated saved session: value trees, definitions and skipped names."""

    names: dict[str, Any]
    definitions: list[list[str]]
    skipped: dict[str, str]


def _fail(message: str) -> SessionBlobError:
    return SessionBlobError(message)


def encode_blob(content: SessionContent) -> bytes:
    payload = json.dumps(
        {"names": content.names, "definitions": content.definitions, "skipped": content.skipped},
        ensure_ascii=True,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("ascii")
    digest = hashlib.sha256(payload).hexdigest()
    return MAGIC + f" {FORMAT_VERSION} {digest}\n".encode("ascii") + payload


def decode_blob(
    blob: bytes, *, max_bytes: int = MAX_SESSION_BYTES, source_bytes: int = 65536
) -> SessionContent:
    """Check and read a blob (``SessionBlobError`` when anything is wrong)."""
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"a saved session is bytes (from Session.dump()), not {type(blob).__name__}"
        )
    data = bytes(blob)
    if len(data) > max_bytes:
        raise _fail(
            f"the saved session is {len(data)} bytes, more than the {max_bytes} allowed; pass "
            "max_bytes=... to restore() if you trust it"
        )
    end = data.find(b"\n", 0, _HEADER_CHARS)
    header = data[:end].split(b" ") if end >= 0 else []
    if not header or header[0] != MAGIC:
        raise _fail(
            "this is not a punie saved session (it does not start with 'punie-session'); pass "
            "the bytes Session.dump() returned"
        )
    if len(header) != 3 or not header[1].isdigit():
        raise _fail("the saved session's header is damaged; save the session again")
    version = int(header[1])
    if version != FORMAT_VERSION:
        raise _fail(
            f"the saved session has format version {version}; this punie reads version "
            f"{FORMAT_VERSION}: restore it with the punie version that saved it"
        )
    payload = data[end + 1 :]
    if hashlib.sha256(payload).hexdigest().encode("ascii") != header[2]:
        raise _fail(
            "the saved session is truncated or corrupted (its checksum does not match its "
            "content); save the session again"
        )
    try:
        document = json.loads(payload.decode("ascii"), parse_constant=_no_constant)
    except (ValueError, RecursionError, UnicodeDecodeError) as error:
        raise _fail(f"the saved session is not valid JSON ({type(error).__name__})") from None
    return validate_content(document, source_bytes=source_bytes)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not data")


def read_session(blob: bytes, *, max_bytes: int = MAX_SESSION_BYTES) -> SavedSession:
    """What a saved session holds, checked as ``Sandbox.restore`` checks it."""
    content = decode_blob(blob, max_bytes=max_bytes, source_bytes=max_bytes)
    return SavedSession(
        names=tuple(content.names),
        definitions=tuple(name for name, _ in content.definitions),
        skipped=dict(content.skipped),
    )


def validate_content(document: Any, *, source_bytes: int) -> SessionContent:
    """Check a saved session's content (from a blob, or a worker's dump: neither is trusted)."""
    if type(document) is not dict or set(document) != {"names", "definitions", "skipped"}:
        raise _fail(
            "the saved session must hold exactly 'names', 'definitions' and 'skipped'; save "
            "the session again"
        )
    names = document["names"]
    definitions = document["definitions"]
    skipped = document["skipped"]
    if type(names) is not dict or type(definitions) is not list or type(skipped) is not dict:
        raise _fail("the saved session's 'names', 'definitions' or 'skipped' has the wrong type")
    for name, tree in names.items():
        _check_name(name)
        _check_tree(tree, 0, f"the value of {name!r}")
    seen: set[str] = set()
    for item in definitions:
        if type(item) is not list or len(item) != 2 or type(item[1]) is not str:
            raise _fail("each saved definition must be [name, source]")
        name, source = item
        _check_name(name)
        if name in seen or name in names:
            raise _fail(f"the saved session binds {name!r} twice; save the session again")
        seen.add(name)
        size = len(source.encode("utf-8", "surrogatepass"))
        if not source.strip() or size > source_bytes:
            raise _fail(
                f"the saved definition of {name!r} is {size} bytes; it must hold code and at "
                f"most {source_bytes} bytes (the sandbox's source_bytes limit)"
            )
    for name, reason in skipped.items():
        if type(reason) is not str or len(name) > _NAME_CHARS or len(reason) > _REASON_CHARS:
            raise _fail("the saved session's 'skipped' must map short names to short reasons")
    return SessionContent(names=names, definitions=definitions, skipped=skipped)


def _check_name(name: Any) -> None:
    if (
        type(name) is not str
        or not name.isidentifier()
        or len(name) > _NAME_CHARS
        or name.startswith("_")
        or keyword.iskeyword(name)
        or name in DENIED_NAMES
    ):
        shown = repr(name)[:_NAME_CHARS]
        raise _fail(
            f"the saved session binds {shown}, which a snippet could not bind (a private, "
            "reserved or refused name); it was not made by Session.dump()"
        )


def _check_tree(tree: Any, depth: int, where: str, *, hashable: bool = False) -> None:
    kind = type(tree)
    if tree is None or kind is bool or kind is int or kind is str:
        return
    if kind is float:
        return  # JSON has no NaN or infinity (refused when parsed): this one is finite
    if kind is not list or not tree or type(tree[0]) is not str:
        raise _fail(f"{where} is not a saved value (a value or a [tag, ...] list)")
    if depth >= _MAX_DEPTH:
        raise _fail(f"{where} is nested more than {_MAX_DEPTH} levels deep")
    tag = tree[0]
    inner = depth + 1
    if tag == "float" and len(tree) == 2 and tree[1] in _NON_FINITE:
        return
    if hashable and tag not in ("tuple", "frozenset", "float"):
        raise _fail(f"{where} holds a {tag} as a dict key or set item, which cannot be hashed")
    if tag == "module" and len(tree) == 2 and tree[1] in ALLOWED_MODULES:
        return
    if (
        tag == "from"
        and len(tree) == 3
        and tree[1] in ALLOWED_MODULES
        and type(tree[2]) is str
        and tree[2].isidentifier()
        and not tree[2].startswith("_")
    ):
        return
    if tag in _CONTAINERS and len(tree) == 2 and type(tree[1]) is list:
        items_hashable = hashable or tag in ("set", "frozenset")
        for item in tree[1]:
            _check_tree(item, inner, where, hashable=items_hashable)
        return
    if tag == "dict" and len(tree) == 2 and type(tree[1]) is list:
        for pair in tree[1]:
            if type(pair) is not list or len(pair) != 2:
                raise _fail(f"{where} holds a dict item that is not a [key, value] pair")
            _check_tree(pair[0], inner, where, hashable=True)
            _check_tree(pair[1], inner, where)
        return
    if (
        tag == "record"
        and len(tree) == 3
        and type(tree[1]) is str
        and tree[1].isidentifier()
        and len(tree[1]) <= _NAME_CHARS
        and type(tree[2]) is list
    ):
        for pair in tree[2]:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise _fail(f"{where} holds a record field that is not a [name, value] pair")
            _check_tree(pair[1], inner, where)
        return
    raise _fail(f"{where} has an unknown or malformed tag {tag[:40]!r}")
