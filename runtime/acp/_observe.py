"""Host functions as the editor sees them: each call streamed, each write asked for, and files
read from the editor's buffers.

``observed(function, observer)`` wraps a bridge's host function so that a call becomes its own
tool call in the editor while the snippet runs (arguments when it starts, a short result when it
ends), and so that a call that writes waits for the person's answer to a permission request: a
rejection raises ``WriteRejected``, which the snippet sees as any other bridge error.

``read_through_editor(read_file, workspace, read)`` makes ``read_file`` return the text the editor
holds, unsaved changes included, when the client offers ``fs/read_text_file``. The disk read runs
first, so every check of the bridge (the path stays in the workspace, the file is text, the line
range makes sense) still applies; the editor's text replaces it only when it differs.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from bridges import BridgeArgumentError, FileText, resolve_in_workspace
from runtime.acp._errors import WriteRejected
from sandbox import HostFunction

__all__ = ["EDITOR_NOTE", "BridgeObserver", "is_write", "observed", "read_through_editor"]

_WRITING = frozenset({"write_file"})
"""Bridges that always write (``Bridge.writes``); others write when called with ``apply=True``."""

MAX_LINES = 2000
"""Lines per ``read_file`` call, as the bridge reads them from disk (a test keeps them equal)."""

EDITOR_NOTE = "the editor's text of this file, with changes not yet saved to disk"


class BridgeObserver(Protocol):
    """What a session does around every bridge call (``runtime.acp._session.AcpSession``)."""

    def started(self, name: str, arguments: Mapping[str, Any], *, writes: bool) -> str:
        """Show the call; returns its tool call id."""
        ...

    def finished(
        self, call_id: str, *, ok: bool, result: Any = None, error: str | None = None
    ) -> None: ...

    def permit(self, call_id: str, name: str, arguments: Mapping[str, Any]) -> bool:
        """Ask the person whether this write may happen (blocks until they answer)."""
        ...


def is_write(name: str, arguments: Mapping[str, Any]) -> bool:
    """Whether this call changes files: a writing bridge, or ``apply=True`` (ruff_format, the
    LibCST refactorings)."""
    return name in _WRITING or arguments.get("apply") is True


def observed(function: HostFunction, observer: BridgeObserver) -> HostFunction:
    """``function`` with every call shown to the editor and every write asked for first."""
    inner = function.function
    name = function.name

    def call(**arguments: Any) -> Any:
        writes = is_write(name, arguments)
        call_id = observer.started(name, arguments, writes=writes)
        try:
            if writes and not observer.permit(call_id, name, arguments):
                raise WriteRejected(
                    f"the user rejected this {name} call in the editor, so nothing was written; "
                    "do not try it again: show the change (the new text or a diff) in your answer"
                )
            result = inner(**arguments)
        except Exception as error:
            observer.finished(call_id, ok=False, error=str(error) or type(error).__name__)
            raise
        observer.finished(call_id, ok=True, result=result)
        return result

    call.__name__ = name
    return HostFunction(
        name=name,
        function=call,
        argument_model=function.argument_model,
        result_type=function.result_type,
        docstring=function.docstring,
    )


def read_through_editor(
    read_file: HostFunction, workspace: Path, read: Callable[[Path], str | None]
) -> HostFunction:
    """``read_file`` that prefers the editor's text; ``read(path)`` returns it, or None when the
    editor cannot give it (then the disk's text stands)."""
    inner = read_file.function

    def call(**arguments: Any) -> FileText:
        disk: FileText = inner(**arguments)
        path = resolve_in_workspace(workspace, arguments["path"], kind="file")
        text = read(path)
        if text is None:
            return disk
        lines = io.StringIO(text, newline="").readlines()  # as the bridge counts lines
        count = len(lines)
        start = arguments.get("start_line") or 1  # the disk read refused a bad range already
        if count and start > count:
            raise BridgeArgumentError(
                f"start_line={start} is past the end of {disk.path}, which has {count} lines "
                "in the editor"
            )
        wanted = arguments.get("end_line")
        end = min(count if wanted is None else min(wanted, count), start + MAX_LINES - 1)
        if count == 0:
            start, end = 1, 0
        shown = "".join(lines[start - 1 : end])
        if shown == disk.text and count == disk.line_count:
            return disk  # nothing unsaved here
        return FileText(
            path=disk.path,
            text=shown,
            start_line=start,
            end_line=end,
            line_count=count,
            note=EDITOR_NOTE,
        )

    call.__name__ = read_file.name
    return HostFunction(
        name=read_file.name,
        function=call,
        argument_model=read_file.argument_model,
        result_type=read_file.result_type,
        docstring=read_file.docstring,
    )
