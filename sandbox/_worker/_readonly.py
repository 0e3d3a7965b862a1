"""The read-only objects a snippet is handed: host function results and module stand-ins.

Both refuse every write and answer an unknown attribute with an ``AttributeError`` that names
the nearest valid one (or lists them all), written for the model that asked for it.
"""

from __future__ import annotations

from ._denials import nearest

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from typing import Any

__all__ = ["Record", "StandInModule", "missing_member"]


class Record:
    """A read-only view of a host function's result model: attribute access, nearest-name hints."""

    __slots__ = ("_fields", "_name")

    def __init__(self, name: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, attribute: str) -> Any:
        fields = object.__getattribute__(self, "_fields")
        try:
            return fields[attribute]
        except KeyError:
            name = object.__getattribute__(self, "_name")
            guess = nearest(attribute, list(fields))
            hint = (
                f"; did you mean '{guess}'?" if guess else f"; its fields are: {', '.join(fields)}"
            )
            raise AttributeError(f"{name} has no field '{attribute}'{hint}") from None

    def __setattr__(self, attribute: str, value: Any) -> None:
        raise TypeError(f"{self._name} is read-only; build a dict with the values you need")

    def __delattr__(self, attribute: str) -> None:
        raise TypeError(f"{self._name} is read-only")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._name == other._name and self._fields == other._fields

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{key}={value!r}" for key, value in self._fields.items())
        return f"{self._name}({inner})"

    def __init_subclass__(cls, **keywords: Any) -> None:
        raise TypeError("host function results cannot be a base class; define your own class")

    def __copy__(self) -> Record:
        return self  # read-only: a copy would be the same record

    def __deepcopy__(self, memo: dict[int, Any]) -> Record:
        import copy  # not at start: only copy.deepcopy of a record needs it

        name = object.__getattribute__(self, "_name")
        return Record(name, copy.deepcopy(object.__getattribute__(self, "_fields"), memo))


class StandInModule:
    """A read-only namespace that looks like a module to a snippet.

    ``refused`` maps names the real module has but the stand-in leaves out to the reason, which
    the ``AttributeError`` (and ``from x import name``'s ``ImportError``) quotes: what to do
    instead.
    """

    __slots__ = ("_members", "_name", "_refused")

    def __init__(
        self, name: str, members: dict[str, Any], refused: dict[str, str] | None = None
    ) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_members", members)
        object.__setattr__(self, "_refused", refused or {})

    def __getattr__(self, attribute: str) -> Any:
        members = object.__getattribute__(self, "_members")
        try:
            return members[attribute]
        except KeyError:
            raise AttributeError(missing_member(self, attribute)) from None

    def __init_subclass__(cls, **keywords: Any) -> None:
        raise TypeError("a module cannot be a base class; define your own class")

    def __copy__(self) -> StandInModule:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> StandInModule:
        return self

    def __setattr__(self, attribute: str, value: Any) -> None:
        raise TypeError(f"module '{self._name}' is read-only in the sandbox")

    def __delattr__(self, attribute: str) -> None:
        raise TypeError(f"module '{self._name}' is read-only in the sandbox")

    def __repr__(self) -> str:
        return f"<module '{self._name}' (sandbox stand-in)>"


def missing_member(module: StandInModule, attribute: str) -> str | None:
    """Why ``module`` has no ``attribute`` (``None`` if it has): the reason it was left out,
    or the nearest name it offers, and the names it offers."""
    members = object.__getattribute__(module, "_members")
    if attribute in members:
        return None
    name = object.__getattribute__(module, "_name")
    reason = object.__getattribute__(module, "_refused").get(attribute)
    if reason is not None:
        return f"module '{name}' does not offer '{attribute}' in the sandbox: {reason}"
    guess = nearest(attribute, list(members))
    hint = f"did you mean '{guess}'? " if guess else ""
    return (
        f"module '{name}' has no attribute '{attribute}' in the sandbox; {hint}"
        f"it offers: {', '.join(sorted(members))}"
    )
