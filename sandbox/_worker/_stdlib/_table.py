"""One stand-in's decision table: the names it offers, and why each other name is left out.

A ``Table`` is data until ``build`` imports the real module (the first time a snippet imports
the stand-in). The test suite checks every table against its real module on the running Python:
every public name is either offered or left out with a reason, so a name a new Python version
adds is refused until someone decides about it.
"""

from __future__ import annotations

import importlib

from .._readonly import StandInModule

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

__all__ = ["IMPORTED", "Table", "check_name", "left"]

IMPORTED = "the real module imports it for its own use; import what you need directly"
"""The reason for a name that is another module (``statistics.sys``) or something the real
module imported from one (``statistics.sqrt``): such names are how sandboxes usually leak."""


def left(reason: str, *names: str) -> dict[str, str]:
    """``{name: reason}`` for names left out for the same reason."""
    return dict.fromkeys(names, reason)


def check_name(what: str, name: object) -> str:
    """A name that code will be generated from (a field, a type name): an identifier that does
    not start with '_' (the names a snippet could also write in a ``class`` statement)."""
    if not isinstance(name, str) or not name.isidentifier() or name[:1] == "_":
        raise ValueError(
            f"{what} {name!r} is not allowed in the sandbox: use an identifier that does not "
            "start with '_'"
        )
    return name


class Table:
    """What the stand-in for ``module`` offers (``offered``), what it leaves out and why
    (``left_out``), and the offered names it replaces with guarded versions (``wrap``: called
    with the real module, returns ``{name: replacement}``)."""

    __slots__ = ("left_out", "load", "module", "offered", "wrap")

    def __init__(
        self,
        module: str,
        offered: tuple[str, ...],
        left_out: dict[str, str],
        wrap: Callable[[ModuleType], dict[str, Any]] | None = None,
        *,
        load: Callable[[str], ModuleType] = importlib.import_module,
    ) -> None:
        self.module = module
        self.offered = offered
        self.left_out = left_out
        self.wrap = wrap
        self.load = load

    def build(self) -> StandInModule:
        real = self.load(self.module)
        replaced = self.wrap(real) if self.wrap is not None else {}
        unknown = set(replaced) - set(self.offered)
        if unknown:
            raise RuntimeError(f"{self.module}: replacements for names not offered: {unknown}")
        members: dict[str, Any] = {}
        for name in self.offered:  # a name this build lacks (pbkdf2_hmac without OpenSSL) is
            if name in replaced:  # simply not offered: "it offers: ..." lists the others
                members[name] = replaced[name]
            elif hasattr(real, name):
                members[name] = getattr(real, name)
        return StandInModule(self.module, members, self.left_out)
