"""The plugin API: validators that other installed packages register under an entry point group.

A plugin package declares, in its ``pyproject.toml``::

    [project.entry-points."punie.validators"]
    no_print = "punie_noprint:NoPrint"

The object an entry point names may be a ``Validator`` subclass (turned into a bridge with
``validator_bridge``), a ready ``bridges.Bridge`` whose result is ``ValidationResult``, a sequence
of those, or a function without arguments returning any of these. ``discover_plugins()`` loads
them all. A plugin that fails to import, names the wrong kind of object or reuses a taken bridge
name is skipped, and the reason is logged (logger ``bridges.validators.plugins``) as a
``PluginError`` naming the plugin, its distribution and what to do, so that one broken plugin
never takes the other bridges down. ``load_plugins()`` returns the errors too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from bridges._bridge import Bridge
from bridges.validators._records import validator_bridge
from parsers.contracts import ValidationResult

__all__ = ["ENTRY_POINT_GROUP", "PluginError", "PluginLoad", "discover_plugins", "load_plugins"]

ENTRY_POINT_GROUP = "punie.validators"
"""The entry point group plugins register validators under."""

_LOG = logging.getLogger("bridges.validators.plugins")


class PluginError(Exception):
    """A validator plugin could not be used; for the developer who installed or wrote it."""

    def __init__(self, message: str, *, plugin: str) -> None:
        super().__init__(message)
        self.plugin = plugin
        """The entry point name of the plugin."""


@dataclass(frozen=True)
class PluginLoad:
    """What ``load_plugins`` found: the usable bridges and one error per broken plugin."""

    bridges: tuple[Bridge, ...]
    errors: tuple[PluginError, ...]


def _describe(entry_point: EntryPoint) -> str:
    distribution = entry_point.dist.name if entry_point.dist is not None else "unknown"
    return f"validator plugin {entry_point.name!r} ({entry_point.value}, from {distribution})"


def _as_bridges(value: Any, where: str, *, call: bool = True) -> list[Bridge]:
    # Imported here, not at the top: the registry asks for plugins on every run, and a Validator
    # is a LibCST visitor; only an installed plugin makes the check worth LibCST's import.
    from bridges.validators._base import Validator

    if isinstance(value, Bridge):
        if value.result is not ValidationResult:
            raise TypeError(
                f"{where} is a Bridge returning {value.result.__name__}; validator plugins "
                "must return parsers.contracts.ValidationResult"
            )
        return [value]
    if isinstance(value, type) and issubclass(value, Validator):
        return [validator_bridge(value)]
    if isinstance(value, (list, tuple)):
        return [bridge for item in value for bridge in _as_bridges(item, where, call=False)]
    if call and callable(value) and not isinstance(value, type):
        return _as_bridges(value(), where, call=False)
    raise TypeError(
        f"{where} names a {type(value).__name__}; point the entry point at a Validator subclass, "
        "a Bridge, a list of them, or a function returning them"
    )


def load_plugins(*, group: str = ENTRY_POINT_GROUP, reserved: Iterable[str] = ()) -> PluginLoad:
    """Load every plugin of ``group``; bridge names in ``reserved`` (and built-ins) are taken."""
    from bridges.cst import BRIDGES as CST_BRIDGES
    from bridges.validators._records import BUILTIN_BRIDGES

    taken = {bridge.name for bridge in (*CST_BRIDGES, *BUILTIN_BRIDGES)} | set(reserved)
    found: list[Bridge] = []
    errors: list[PluginError] = []
    for entry_point in sorted(entry_points(group=group), key=lambda point: point.name):
        where = _describe(entry_point)
        try:
            bridges = _as_bridges(entry_point.load(), where)
        except Exception as error:  # a plugin's own bug must not break the registry
            errors.append(
                PluginError(
                    f"{where} failed to load: {type(error).__name__}: {error}. Fix the plugin "
                    "or uninstall its distribution; punie runs without it meanwhile.",
                    plugin=entry_point.name,
                )
            )
            continue
        clashes = [bridge.name for bridge in bridges if bridge.name in taken]
        if clashes:
            errors.append(
                PluginError(
                    f"{where} registers {', '.join(clashes)}, a bridge name already taken; "
                    "give its validator another `name`",
                    plugin=entry_point.name,
                )
            )
            continue
        taken.update(bridge.name for bridge in bridges)
        found.extend(bridges)
    return PluginLoad(bridges=tuple(found), errors=tuple(errors))


def discover_plugins(
    *, group: str = ENTRY_POINT_GROUP, reserved: Iterable[str] = ()
) -> tuple[Bridge, ...]:
    """The bridges of every working validator plugin; broken ones are logged and skipped.

    The bridge registry calls this with ``reserved`` = the names of all other bridges.
    """
    loaded = load_plugins(group=group, reserved=reserved)
    for error in loaded.errors:
        _LOG.error("%s", error)
    return loaded.bridges
