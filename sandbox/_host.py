"""Host functions: the only doors out of the sandbox.

A host function is a typed callable that runs in the host process. The sandbox hands a snippet a
proxy for each one; a call travels to the host as data (keyword arguments only), is validated
against ``argument_model`` before the callable runs, and the callable's return value is validated
against ``result_type`` and sent back as JSON-compatible data. Nothing else crosses.

Plain callables are accepted and turned into a ``HostFunction`` by ``HostFunction.from_callable``:
keyword-only, annotated parameters become the argument model, the return annotation the result
type, the docstring the text a model reads.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, TypeAdapter, create_model
from pydantic_core import SchemaSerializer, SchemaValidator

from sandbox._worker._errors import HostFunctionError

__all__ = ["HostFunction", "HostFunctionError", "as_host_function"]

_SELF_SERIALIZING = frozenset({"none", "int", "str", "bool", "any"})
"""Core schema types whose validated ``str``/``int``/``bool``/``None`` value is already its own
JSON form (not ``float``: JSON mode turns ``inf``/``nan`` into ``null``)."""
_PLAIN_VALUES = frozenset({str, int, bool, type(None)})


@dataclass(frozen=True)
class HostFunction:
    """A named, typed function the snippet may call with keyword arguments.

    ``argument_model`` has one field per keyword-only parameter (its defaults are the
    parameters' defaults); ``result_type`` is anything pydantic can validate (usually a frozen
    ``BaseModel``). ``function`` is called as ``function(**validated_arguments)``.
    """

    name: str
    function: Callable[..., Any]
    argument_model: type[BaseModel]
    result_type: Any
    docstring: str = ""
    _result_adapter: TypeAdapter[Any] = field(init=False, repr=False, compare=False)
    _result_plain: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name.startswith("_"):
            raise ValueError(
                f"host function name {self.name!r} must be a public Python identifier "
                "(letters, digits, underscores; not starting with '_')"
            )
        adapter = TypeAdapter(self.result_type)
        object.__setattr__(self, "_result_adapter", adapter)
        object.__setattr__(self, "_result_plain", _serializes_as_itself(adapter))

    @classmethod
    def from_callable(
        cls, function: Callable[..., Any], *, name: str | None = None
    ) -> HostFunction:
        """Build a host function from a plain callable with keyword-only, annotated parameters."""
        function_name = name or getattr(function, "__name__", "")
        signature = inspect.signature(function)
        try:
            hints = get_type_hints(function, include_extras=True)
        except Exception as error:  # unresolved forward references and the like
            raise TypeError(
                f"cannot resolve the annotations of {function_name!r}: {error}"
            ) from error
        fields: dict[str, Any] = {}
        for parameter in signature.parameters.values():
            if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
                raise TypeError(
                    f"host function {function_name!r}: parameter {parameter.name!r} must be "
                    "keyword-only (put '*, ' before it) so that snippets call it by name"
                )
            if parameter.name not in hints:
                raise TypeError(
                    f"host function {function_name!r}: parameter {parameter.name!r} needs a type "
                    "annotation so that its arguments can be validated"
                )
            default = ... if parameter.default is inspect.Parameter.empty else parameter.default
            fields[parameter.name] = (hints[parameter.name], default)
        argument_model = create_model(  # type: ignore[call-overload]
            f"{function_name}_arguments",
            __config__=ConfigDict(extra="forbid", strict=False),
            **fields,
        )
        return cls(
            name=function_name,
            function=function,
            argument_model=argument_model,
            result_type=hints.get("return", Any),
            docstring=inspect.getdoc(function) or "",
        )

    def validate_result(self, value: Any) -> Any:
        """Validate a return value and convert it to JSON-compatible data for the worker.

        Runs on every host call, so it talks to pydantic-core directly (the ``TypeAdapter``
        wrappers cost more than the work for small values) and skips serialising a validated
        ``str``/``int``/``bool``/``None`` whose schema has no custom serializer: its JSON form
        is the value itself. Validation itself is never skipped.
        """
        adapter = self._result_adapter
        validator = adapter.validator
        if not isinstance(validator, SchemaValidator):  # built lazily (``defer_build``)
            return adapter.dump_python(adapter.validate_python(value), mode="json")
        validated = validator.validate_python(value)
        if self._result_plain and type(validated) in _PLAIN_VALUES:
            return validated
        serializer = adapter.serializer
        if not isinstance(serializer, SchemaSerializer):
            return adapter.dump_python(validated, mode="json")
        return serializer.to_python(validated, mode="json")


def _serializes_as_itself(adapter: TypeAdapter[Any]) -> bool:
    """Whether a validated plain value of this type dumps to itself in JSON mode."""
    try:
        schema: Any = adapter.core_schema
        if schema.get("type") == "nullable" and "serialization" not in schema:
            schema = schema["schema"]
        return schema.get("type") in _SELF_SERIALIZING and "serialization" not in schema
    except Exception:  # a deferred or unusual schema: always serialise
        return False


def as_host_function(item: HostFunction | Callable[..., Any]) -> HostFunction:
    """Accept either form the ``Sandbox`` takes and return a ``HostFunction``."""
    if isinstance(item, HostFunction):
        return item
    if callable(item):
        return HostFunction.from_callable(item)
    raise TypeError(f"expected a HostFunction or a callable, got {type(item).__name__}")
