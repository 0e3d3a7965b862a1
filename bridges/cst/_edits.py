"""One-file LibCST edits (``cst_rename``, ``cst_add_import``) computed in a parser child.

LibCST's native parser segfaults on deeply nested source, and scope analysis of a hostile file
can take long or much memory, so the host never parses the file it edits: it reads the bytes,
checks they are UTF-8 (the patch is written back as UTF-8), and sends them with the edit to a
parser child (``bridges.cst._children``). The child parses, plans, transforms and answers with
the new text, or with the model-facing error the plan raised (its class name and message, re-raised
in the host). A child that dies on the file, or a file that runs past the call's time limit, is
a ``SourceError`` naming the file; the host carries on.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bridges._bridge import BridgeContext
from bridges.cst._cache import MODULE_CACHE, content_digest
from bridges.cst._child_main import Source
from bridges.cst._children import Job
from bridges.cst._errors import CstBridgeError, NameArgumentError, SourceError

__all__ = ["edit_file", "edit_in_child"]

_ERRORS: dict[str, type[CstBridgeError]] = {
    "NameArgumentError": NameArgumentError,
    "SourceError": SourceError,
}
"""The errors a child may report by name; anything else is reported as a ``SourceError``."""

_FIX = {
    "syntax_error": "fix it (read_file shows the line) before running LibCST tools on it",
    "crashed": "the file is too deeply nested or too large for the parser; simplify it, or "
    "edit it with write_file",
    "timeout": "try again with a longer bridge timeout, or edit the file with write_file",
}


def edit_file(
    context: BridgeContext, *, file: Path, relative: str, task: tuple[Any, ...]
) -> tuple[str, str]:
    """``(old_text, new_text)`` of ``file`` after the edit ``task`` (run in a parser child).

    ``task`` is ``("rename", parts, new_name)`` or ``("add_import", module, name, alias,
    settings)``; the file's relative path is appended for the child's messages.
    """
    try:
        data = file.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read {relative}: {error.strerror}") from error
    try:
        old = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{relative} is not UTF-8 text (byte {error.start}); cst_rename and cst_add_import "
            "only edit UTF-8 Python (re-save the file as UTF-8 first)"
        ) from error
    deadline = time.monotonic() + context.timeout_s
    job = Job(task=(*task, relative), digest=content_digest(data), data=data)
    (outcome,) = MODULE_CACHE.pool.run([job], deadline=deadline)
    if outcome.parsed:
        MODULE_CACHE.parses += 1
    if outcome.skip is not None:
        reason, detail = outcome.skip
        if reason == "syntax_error":
            message = f"{relative} has a syntax error at {detail}"
        else:
            message = f"{relative} could not be parsed ({reason}): {detail}"
        fix = _FIX.get(reason, "save it as UTF-8 Python source")
        raise SourceError(f"{message}; {fix}")
    value = outcome.value
    if not isinstance(value, dict):
        raise SourceError(f"the parser process gave no answer for {relative}; try again")
    if "error" in value:
        kind, message = value["error"]
        raise _ERRORS.get(kind, SourceError)(message)
    new = value["text"]
    if old.startswith("\ufeff") and not new.startswith("\ufeff"):
        new = "\ufeff" + new  # the child decodes as Python does, which drops the BOM
    return old, new


def edit_in_child(task: tuple[Any, ...], source: Source) -> dict[str, Any]:
    """The child's side: ``{"text": new_text}`` or ``{"error": [class name, message]}``."""
    try:
        if task[0] == "rename":
            from bridges.cst._rename import renamed_text

            _, parts, new_name, relative = task
            return {"text": renamed_text(source, parts, new_name, relative=relative)}
        from bridges.cst._add_import import text_with_import

        _, module, name, alias, settings, _relative = task
        return {"text": text_with_import(source, module, name, alias, settings=settings)}
    except CstBridgeError as error:
        return {"error": [type(error).__name__, str(error)]}
