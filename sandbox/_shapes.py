"""Result shapes: the field structure of a host function's result type, sent to the worker once.

The worker receives results as JSON data. To give a snippet read-only objects with attribute
access (``r.errors[0].message``) and "did you mean" hints naming the model's fields, it needs the
structure: model class names and field names, nested through lists and dicts. A shape is plain
data: ``{"m": name, "f": {field: shape}}`` for a model, ``{"l": shape}`` for a sequence,
``{"d": shape}`` for a dict's values, ``None`` for plain data.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel

__all__ = ["result_shape"]

_UNIONS: tuple[Any, ...] = (typing.Union, types.UnionType)
_SEQUENCES: tuple[Any, ...] = (list, tuple, set, frozenset, Sequence)
_MAPPINGS: tuple[Any, ...] = (dict, Mapping)


def result_shape(annotation: Any, _seen: tuple[type, ...] = ()) -> Any:
    """The shape of ``annotation`` (``None`` when it is plain data)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return result_shape(get_args(annotation)[0], _seen)
    if origin in _UNIONS:
        shapes = [result_shape(a, _seen) for a in get_args(annotation) if a is not type(None)]
        shapes = [s for s in shapes if s is not None]
        return shapes[0] if len(shapes) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in _seen or len(_seen) > 20:
            return None
        seen = (*_seen, annotation)
        return {
            "m": annotation.__name__,
            "f": {
                name: result_shape(field.annotation, seen)
                for name, field in annotation.model_fields.items()
            },
        }
    if origin in _SEQUENCES:
        arguments = [a for a in get_args(annotation) if a is not Ellipsis]
        inner = result_shape(arguments[0], _seen) if arguments else None
        return {"l": inner} if inner is not None else None
    if origin in _MAPPINGS:
        arguments = get_args(annotation)
        inner = result_shape(arguments[1], _seen) if len(arguments) == 2 else None
        return {"d": inner} if inner is not None else None
    return None
