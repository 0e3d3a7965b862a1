"""The parser error family (one class): the output was not in the format the parser knows.

A parser never returns a silently empty result for output it does not understand. It raises
``ParseError`` naming the tool, the tool's version and the offending fragment, so that format
drift after a tool upgrade is noticed the first time it happens.
"""

from __future__ import annotations

__all__ = ["ParseError"]

_FRAGMENT_LIMIT = 300


class ParseError(ValueError):
    """Raw tool output could not be read into a contract."""

    def __init__(self, *, tool: str, version: str, fragment: str, reason: str) -> None:
        self.tool = tool
        self.version = version
        self.fragment = fragment[:_FRAGMENT_LIMIT]
        self.reason = reason
        super().__init__(
            f"cannot read the output of {tool} ({version}): {reason}; "
            f"offending fragment: {self.fragment!r}. The output format may have changed: "
            "recapture the parser fixtures with this tool version and update the parser"
        )
