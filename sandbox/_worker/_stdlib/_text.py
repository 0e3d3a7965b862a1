"""Stand-ins for text and bytes: string, textwrap, difflib, fnmatch, base64, hashlib, csv, io, uuid.

The doors, and what each table does about them:

- ``string.Formatter().get_field`` walks attributes outside the guards (CVE-2026-76825): left
  out; ``str.format`` and f-strings are guarded and do the same job.
- ``csv.register_dialect`` and ``field_size_limit`` change settings every later run in the
  worker shares: left out (pass the options to ``reader``/``writer``).
- ``hashlib.algorithms_guaranteed``/``available`` are mutable sets the module shares: offered
  as frozen copies.
- ``io`` offers the in-memory files only (``StringIO``, ``BytesIO``): what ``csv`` needs.
- ``uuid.uuid1``/``getnode`` look for the machine's network address (other programs, files
  the worker cannot read): left out; ``uuid4`` is the usual choice.
"""

from __future__ import annotations

import importlib
import sys
import types

from ._table import IMPORTED, Table, left

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


def _load_uuid(name: str) -> ModuleType:
    """Import ``uuid``: on Linux it asks ``platform.system()`` at import time, whose ``uname``
    the worker's seccomp filter refuses. The answer only steers ``uuid1``/``getnode`` (left
    out), so the import is given a ``platform`` that answers without the system call."""
    try:
        return importlib.import_module(name)
    except PermissionError:
        pass
    saved = sys.modules.get("platform")
    stub = types.ModuleType("platform")
    stub.system = lambda: "Linux"  # ty: ignore[missing-attribute]
    sys.modules["platform"] = stub
    try:
        return importlib.import_module(name)
    finally:
        if saved is None:
            del sys.modules["platform"]
        else:
            sys.modules["platform"] = saved


__all__ = ["TABLES"]

_FILES = "there is no file access in the sandbox; use io.StringIO or io.BytesIO for text in memory"


def _hashlib(real: ModuleType) -> dict[str, Any]:
    return {
        "algorithms_available": frozenset(real.algorithms_available),
        "algorithms_guaranteed": frozenset(real.algorithms_guaranteed),
    }


TABLES = {
    "string": Table(
        "string",
        (
            "Template",
            "ascii_letters",
            "ascii_lowercase",
            "ascii_uppercase",
            "capwords",
            "digits",
            "hexdigits",
            "octdigits",
            "printable",
            "punctuation",
            "whitespace",
        ),
        {
            "Formatter": "its get_field walks attributes outside the sandbox's guards "
            "(CVE-2026-76825); use str.format() or an f-string",
        },
    ),
    "textwrap": Table(
        "textwrap",
        ("TextWrapper", "dedent", "fill", "indent", "shorten", "wrap"),
        {"re": IMPORTED},
    ),
    "difflib": Table(
        "difflib",
        (
            "Differ",
            "HtmlDiff",
            "IS_CHARACTER_JUNK",
            "IS_LINE_JUNK",
            "Match",
            "SequenceMatcher",
            "context_diff",
            "diff_bytes",
            "get_close_matches",
            "ndiff",
            "restore",
            "unified_diff",
        ),
        {"GenericAlias": IMPORTED},
    ),
    "fnmatch": Table(
        "fnmatch",
        ("filter", "fnmatch", "fnmatchcase", "translate"),
        left(IMPORTED, "functools", "os", "posixpath", "re"),
    ),
    "base64": Table(
        "base64",
        (
            "MAXBINSIZE",
            "MAXLINESIZE",
            "a85decode",
            "a85encode",
            "b16decode",
            "b16encode",
            "b32decode",
            "b32encode",
            "b32hexdecode",
            "b32hexencode",
            "b64decode",
            "b64encode",
            "b85decode",
            "b85encode",
            "decodebytes",
            "encodebytes",
            "standard_b64decode",
            "standard_b64encode",
            "urlsafe_b64decode",
            "urlsafe_b64encode",
        ),
        {
            **left(
                "it reads and writes file objects; use b64encode()/b64decode() on bytes",
                "encode",
                "decode",
            ),
            **left("it is the command line interface", "main", "test"),
            **left(IMPORTED, "binascii", "bytes_types", "re", "struct"),
        },
    ),
    "hashlib": Table(
        "hashlib",
        (
            "algorithms_available",
            "algorithms_guaranteed",
            "blake2b",
            "blake2s",
            "md5",
            "new",
            "pbkdf2_hmac",
            "sha1",
            "sha224",
            "sha256",
            "sha384",
            "sha3_224",
            "sha3_256",
            "sha3_384",
            "sha3_512",
            "sha512",
            "shake_128",
            "shake_256",
        ),
        {
            "file_digest": "it reads a file object; hash the bytes: hashlib.sha256(data)",
            "scrypt": "it asks for more memory than a snippet has; use pbkdf2_hmac()",
        },
        _hashlib,
    ),
    "csv": Table(
        "csv",
        (
            "Dialect",
            "DictReader",
            "DictWriter",
            "Error",
            "QUOTE_ALL",
            "QUOTE_MINIMAL",
            "QUOTE_NONE",
            "QUOTE_NONNUMERIC",
            "Sniffer",
            "excel",
            "excel_tab",
            "get_dialect",
            "list_dialects",
            "reader",
            "unix_dialect",
            "writer",
        ),
        {
            **left(
                "it changes a setting every later run shares; pass the options to "
                "csv.reader()/csv.writer() instead (delimiter=';', quotechar=\"'\")",
                "register_dialect",
                "unregister_dialect",
                "field_size_limit",
            ),
            "StringIO": IMPORTED + " (io.StringIO)",
            "re": IMPORTED,
        },
    ),
    "io": Table(
        "io",
        (
            "BytesIO",
            "DEFAULT_BUFFER_SIZE",
            "SEEK_CUR",
            "SEEK_END",
            "SEEK_SET",
            "StringIO",
            "UnsupportedOperation",
        ),
        left(
            _FILES,
            "open",
            "open_code",
            "FileIO",
            "BufferedIOBase",
            "BufferedRWPair",
            "BufferedRandom",
            "BufferedReader",
            "BufferedWriter",
            "IOBase",
            "RawIOBase",
            "TextIOBase",
            "TextIOWrapper",
            "IncrementalNewlineDecoder",
            "BlockingIOError",
            "text_encoding",
            "abc",
        ),
    ),
    "uuid": Table(
        "uuid",
        (
            "NAMESPACE_DNS",
            "NAMESPACE_OID",
            "NAMESPACE_URL",
            "NAMESPACE_X500",
            "RESERVED_FUTURE",
            "RESERVED_MICROSOFT",
            "RESERVED_NCS",
            "RFC_4122",
            "SafeUUID",
            "UUID",
            "uuid3",
            "uuid4",
            "uuid5",
        ),
        {
            **left(
                "it needs the machine's network address, which the sandbox cannot see; use "
                "uuid.uuid4()",
                "uuid1",
                "getnode",
            ),
            **left(IMPORTED, "Enum", "bytes_", "int_", "os", "platform", "sys"),
        },
        load=_load_uuid,
    ),
}
"""The decision tables of this module's stand-ins, by module name."""
