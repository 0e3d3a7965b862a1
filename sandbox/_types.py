"""Reading type annotations of host functions: names for stubs, element types for the precheck.

Both the stub renderer and the pre-run check need to look through ``list[X]``, ``X | None`` and
pydantic models the same way; keeping that in one module keeps the two in step.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = [
    "annotation_text",
    "element_type",
    "is_model",
    "referenced_models",
    "strip_optional",
]

_UNION_ORIGINS: tuple[Any, ...] = (Union, types.UnionType)
_SEQUENCE_ORIGINS: tuple[Any, ...] = (list, tuple, set, frozenset)


def is_model(annotation: Any) -> bool:
    """Whether the annotation is a pydantic model class."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged (a wider union stays a union)."""
    if get_origin(annotation) in _UNION_ORIGINS:
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def element_type(annotation: Any) -> Any | None:
    """What iterating over or indexing a value of this type yields (None when unknown)."""
    annotation = strip_optional(annotation)
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin in _SEQUENCE_ORIGINS and arguments:
        if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
            return arguments[0]
        if origin is tuple:
            return arguments[0] if len(set(arguments)) == 1 else None
        return arguments[0]
    if origin is dict and len(arguments) == 2:
        return arguments[1]
    return None


def annotation_text(annotation: Any) -> str:
    """Python source text for an annotation, with bare class names (as a model reads them)."""
    if annotation is None or annotation is type(None):
        return "None"
    if annotation is Any:
        return "Any"
    if annotation is Ellipsis:
        return "..."
    origin = get_origin(annotation)
    arguments = get_args(annotation)
    if origin in _UNION_ORIGINS:
        return " | ".join(annotation_text(a) for a in arguments)
    if origin is Literal:
        return f"Literal[{', '.join(repr(a) for a in arguments)}]"
    if origin is typing.Annotated:
        return annotation_text(arguments[0])
    if origin is not None:
        name = getattr(origin, "__name__", None) or str(origin).replace("typing.", "")
        if not arguments:
            return name
        return f"{name}[{', '.join(annotation_text(a) for a in arguments)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def referenced_models(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model reachable from an annotation, depth first, each once."""
    found: list[type[BaseModel]] = []

    def visit(item: Any) -> None:
        if is_model(item):
            if item in found:
                return
            found.append(item)
            for field in item.model_fields.values():
                visit(field.annotation)
            return
        for argument in get_args(item):
            visit(argument)

    visit(annotation)
    return found
