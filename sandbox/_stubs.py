"""Stub text: how a model sees the host functions it may call.

The stub is rendered from the ``HostFunction`` records (argument model, result type, docstrings of
the function, the result models and their fields), never written by hand, so what the model reads
is always what the sandbox enforces. Result models are shown as plain classes with annotated
fields and the fields' docstrings, because that is how a model best learns attribute access.

Two styles: ``"full"`` (every docstring whole) and ``"compact"`` (each function's signature with
the first paragraph of its docstring; result models with their fields and the first paragraph of
the class docstring, no field docstrings). All 27 bridges in full style are ~10,500 tokens, too
long for a small model to train on or prefill every turn; compact keeps every name and type the
pre-run check enforces and drops the prose.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sandbox._host import HostFunction, as_host_function
from sandbox._types import annotation_text, referenced_models

__all__ = ["render_stub", "render_stubs"]

_INDENT = "    "

_StubStyle = Literal["full", "compact"]
"""How much of each docstring the stubs carry: all of it, or the first paragraph only."""
_STUB_STYLES: tuple[_StubStyle, ...] = ("full", "compact")


def render_stub(host_function: HostFunction, *, with_models: bool = True) -> str:
    """The stub of one host function, followed by the result models it returns."""
    parts = [_render_signature(host_function)]
    if with_models:
        parts.extend(_render_model(model) for model in referenced_models(host_function.result_type))
    return "\n\n".join(parts) + "\n"


def render_stubs(
    host_functions: Iterable[HostFunction | Any], *, style: _StubStyle = "full"
) -> str:
    """Stubs of several host functions: all signatures first, then each result model once.

    ``style`` is ``"full"`` or ``"compact"`` (first docstring paragraphs, no field docstrings).
    """
    if style not in _STUB_STYLES:
        raise ValueError(f"stub style {style!r} is unknown; use one of {', '.join(_STUB_STYLES)}")
    compact = style == "compact"
    functions = [as_host_function(item) for item in host_functions]
    models: list[type[BaseModel]] = []
    for function in functions:
        for model in referenced_models(function.result_type):
            if model not in models:
                models.append(model)
    parts = [_render_signature(function, compact=compact) for function in functions]
    parts.extend(_render_model(model, compact=compact) for model in models)
    return "\n\n".join(parts) + "\n"


def _first_paragraph(text: str) -> str:
    """The docstring up to its first blank line: what the thing is, without the details."""
    return textwrap.dedent(text).strip().split("\n\n", 1)[0]


def _render_signature(host_function: HostFunction, *, compact: bool = False) -> str:
    parameters = []
    for name, field in host_function.argument_model.model_fields.items():
        text = f"{name}: {annotation_text(field.annotation)}"
        if not field.is_required():
            default = field.get_default(call_default_factory=True)
            if default is not PydanticUndefined:
                text += f" = {_default_text(default)}"
        parameters.append(text)
    arguments = f"*, {', '.join(parameters)}" if parameters else ""
    result = annotation_text(host_function.result_type)
    header = f"def {host_function.name}({arguments}) -> {result}:"
    text = host_function.docstring
    docstring = _docstring_block(_first_paragraph(text) if compact else text)
    return f"{header}\n{docstring}\n{_INDENT}..." if docstring else f"{header}\n{_INDENT}..."


def _render_model(model: type[BaseModel], *, compact: bool = False) -> str:
    lines = [f"class {model.__name__}:"]
    text = model.__doc__ or ""
    docstring = _docstring_block(_first_paragraph(text) if compact else text)
    if docstring:
        lines += [docstring, ""]
    for name, field in model.model_fields.items():
        lines.append(f"{_INDENT}{name}: {annotation_text(field.annotation)}")
        if field.description and not compact:
            lines.append(_docstring_block(field.description))
    if len(lines) == 1:
        lines.append(f"{_INDENT}...")
    return "\n".join(lines).rstrip()


def _default_text(value: Any) -> str:
    """Defaults as ruff would format them (double quotes), so stubs read like project code."""
    if isinstance(value, str):
        return (
            '"' + repr(value)[1:-1].replace('"', '\\"') + '"' if "'" not in value else repr(value)
        )
    return repr(value)


def _docstring_block(text: str) -> str:
    text = textwrap.dedent(text).strip()
    if not text:
        return ""
    text = text.replace('"""', '\\"\\"\\"')
    if "\n" not in text:
        return f'{_INDENT}"""{text}"""'
    body = textwrap.indent(text, _INDENT)
    return f'{_INDENT}"""{body.lstrip()}\n{_INDENT}"""'
