"""From what a model knows (a file and a name) to what a language server wants (a position).

Models are bad at counting columns, so the navigation bridges accept a symbol name and find its
position themselves: a definition of that name in the file's outline first (``Cart`` or the dotted
``Cart.total``), else the first use of the name in code (never inside a string or a comment). A
line narrows the search to that line; a line and a column pin the position exactly.

Columns shown to models are 1-based characters. Language servers count in UTF-16 code units
(unless the client negotiates UTF-32, which punie asks for): ``to_server`` / ``from_server``
convert between the two for one line of text.
"""

from __future__ import annotations

import functools
import io
import keyword
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from bridges._errors import BridgeArgumentError

__all__ = ["Outline", "Target", "find_target", "from_server", "identifier_at", "to_server"]

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


@dataclass(frozen=True)
class Outline:
    """One definition from the file's outline: qualified name and the 1-based name position."""

    qualified: str
    line: int
    column: int


@dataclass(frozen=True)
class Target:
    """The resolved position to ask about (1-based line and character column) and its name."""

    line: int
    column: int
    name: str = ""
    """The name, when resolving the position found it; else read off ``line_text``."""
    line_text: str = ""
    fallback: str = ""
    """The name the caller gave, for a position that covers no identifier."""

    @property
    def symbol(self) -> str:
        """The name asked about. For a line and column it is read off the line only when a
        result needs it — after the request is on its way, while the server works."""
        return self.name or identifier_at(self.line_text, self.column) or self.fallback


def to_server(line_text: str, column: int, encoding: str) -> int:
    """0-based server character offset for a 1-based character ``column`` of ``line_text``."""
    prefix = line_text[: max(column - 1, 0)]
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    return len(prefix)


def from_server(line_text: str, character: int, encoding: str) -> int:
    """1-based character column for a 0-based server ``character`` offset in ``line_text``."""
    if encoding == "utf-32":
        return character + 1
    unit = 2 if encoding == "utf-16" else 1
    codec = "utf-16-le" if encoding == "utf-16" else "utf-8"
    data = line_text.encode(codec, errors="surrogatepass")
    prefix = data[: character * unit].decode(codec, errors="ignore")
    return len(prefix) + 1


def identifier_at(line_text: str, column: int) -> str:
    """The identifier covering (or starting right after) 1-based ``column``, '' if none."""
    for match in _IDENTIFIER.finditer(line_text):
        if match.start() <= column - 1 < match.end():
            return match.group()
    return ""


@functools.lru_cache(maxsize=128)
def _name_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """(1-based line, 1-based column, name) of every identifier token outside strings/comments.

    Cached by text: tokenizing costs milliseconds, and a snippet asks about the same file often.
    """
    found: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME and not keyword.iskeyword(token.string):
                found.append((token.start[0], token.start[1] + 1, token.string))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # Unfinished code: fall back to a plain scan of every line.
        found = [
            (number, match.start() + 1, match.group())
            for number, line in enumerate(text.splitlines(), start=1)
            for match in _IDENTIFIER.finditer(line)
            if not keyword.iskeyword(match.group())
        ]
    return tuple(found)


def find_target(
    *,
    file: str,
    text: str,
    symbol: str | None,
    line: int | None,
    column: int | None,
    outline: Sequence[Outline] = (),
    text_lines: Sequence[str] | None = None,
) -> Target:
    """Resolve the position a navigation bridge should ask about.

    ``text_lines`` is ``text.splitlines()`` when the caller has it already. Raises
    ``BridgeArgumentError`` with a message that tells the model what to pass instead.
    """
    if line is None:
        lines: Sequence[str] = []  # only a line needs them
    else:
        lines = (text.splitlines() if text_lines is None else text_lines) or [""]
    symbol = (symbol or "").strip() or None
    if line is not None and not 1 <= line <= len(lines):
        raise BridgeArgumentError(
            f"line={line} is outside {file}, which has {len(lines)} lines; pass a line between "
            f"1 and {len(lines)}, or only symbol='Name'"
        )
    if line is not None and column is not None:
        line_text = lines[line - 1]
        if not 1 <= column <= len(line_text) + 1:
            raise BridgeArgumentError(
                f"column={column} is outside line {line} of {file} ({len(line_text)} characters:"
                f" {line_text.strip()!r}); pass symbol='Name' instead of counting columns"
            )
        return Target(line=line, column=column, line_text=line_text, fallback=symbol or "")
    if symbol is None:
        raise BridgeArgumentError(
            f"say which name to look up in {file}: pass symbol='Name' (e.g. a class, function "
            "or variable name), optionally with line=N; or pass both line= and column="
        )
    last = symbol.split(".")[-1]
    if not last.isidentifier():
        raise BridgeArgumentError(
            f"symbol={symbol!r} is not a Python name; pass a name such as 'Cart' or 'Cart.total'"
        )
    if line is not None:
        line_text = lines[line - 1]
        for match in _IDENTIFIER.finditer(line_text):
            if match.group() == last:
                return Target(line=line, column=match.start() + 1, name=last)
        raise BridgeArgumentError(
            f"{last!r} does not appear on line {line} of {file} (the line reads "
            f"{line_text.strip()!r}); leave out line= to search the whole file"
        )
    for entry in outline:
        if entry.qualified == symbol:
            return Target(line=entry.line, column=entry.column, name=last)
    if "." not in symbol:
        for entry in outline:
            if entry.qualified.split(".")[-1] == symbol:
                return Target(line=entry.line, column=entry.column, name=last)
    for token_line, token_column, name in _name_tokens(text):
        if name == last:
            return Target(line=token_line, column=token_column, name=last)
    defined = sorted({entry.qualified for entry in outline})[:15]
    hint = f"; names defined there: {', '.join(defined)}" if defined else ""
    raise BridgeArgumentError(
        f"{symbol!r} does not appear in {file}{hint}. Call workspace_symbols(query="
        f"{last!r}) to find the file that defines it"
    )
