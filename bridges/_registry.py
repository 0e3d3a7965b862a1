"""All bridge records in one place, and the standard set bound to a workspace.

The families (core tools here, ``bridges.cst``, ``bridges.validators``,
``bridges.navigation``) each expose a ``BRIDGES`` tuple. They are imported lazily, inside
``registry()``, so that a family may itself import from ``bridges`` (the runner, the confinement
helper) without an import cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bridges._bridge import Bridge, BridgeContext
from bridges._environment import find_project_python
from bridges._jail import check_jail_setting
from sandbox import HostFunction

if TYPE_CHECKING:  # binding bridges must not load the language-server client (pygls)
    from bridges.navigation._session import SessionRegistry

__all__ = ["bridge_context", "default_bridges", "registry"]


def registry() -> tuple[Bridge, ...]:
    """Every bridge record: core tools, LibCST, validators, navigation, then installed plugins.

    Plugins come from the ``punie.validators`` entry point group; a broken plugin, or one whose
    name clashes with a bridge, is logged and left out rather than breaking every bridge.
    Raises ``ValueError`` when two built-in records share a name (a programming mistake).
    """
    from bridges import cst, navigation, validators
    from bridges._core import CORE_BRIDGES

    builtin = (*CORE_BRIDGES, *cst.BRIDGES, *validators.BRIDGES, *navigation.BRIDGES)
    plugins = validators.discover_plugins(reserved={record.name for record in builtin})
    records = (*builtin, *plugins)
    seen: set[str] = set()
    for record in records:
        if record.name in seen:
            raise ValueError(f"two bridges are named {record.name!r}; bridge names must be unique")
        seen.add(record.name)
    return records


def default_bridges(
    workspace: Path | str,
    *,
    allow_write: bool = False,
    timeout_s: float = 60.0,
    python: str | None = None,
    jail: str = "auto",
    jail_network: bool = False,
    navigation: SessionRegistry | None = None,
) -> list[HostFunction]:
    """The standard host functions for one workspace.

    Writing bridges (``write_file`` and the like) are left out unless ``allow_write`` is True;
    bridges that can write only when allowed (``ruff_format``, the LibCST patches) are present
    either way and refuse to write in a read-only session. ``timeout_s`` bounds every tool
    process a bridge starts. ``python`` is the project's Python (a virtual environment folder or
    an interpreter, relative to the workspace or absolute); None lets ``find_project_python``
    find it (the workspace's ``.venv``, the active environment, punie's own interpreter).
    ``jail`` confines the tools that run the project's code (``pytest_run``): 'auto' finds
    bubblewrap (Linux) or sandbox-exec (macOS), a path names the program, 'off' opts out; with
    no jail, a session that allows writes refuses to run them. ``jail_network`` lets jailed
    tools use the network. ``navigation`` is the owner of the language servers the navigation
    bridges start: pass your own ``bridges.navigation.SessionRegistry`` and close it when you are
    done with these bridges (that shuts down their servers and no others), or leave it None to
    share the process-wide warm server per workspace.

    Raises ``ProjectPythonError`` at once when ``python`` names nothing usable, and
    ``JailUnavailable`` when ``jail`` names a program that is not there, rather than at the
    first bridge call; ``ValueError`` when ``timeout_s`` is not positive.
    """
    context = bridge_context(
        workspace,
        allow_write=allow_write,
        timeout_s=timeout_s,
        python=python,
        jail=jail,
        jail_network=jail_network,
        navigation=navigation,
    )
    return [record.bind(context) for record in registry() if allow_write or not record.writes]


def bridge_context(
    workspace: Path | str,
    *,
    allow_write: bool = False,
    timeout_s: float = 60.0,
    python: str | None = None,
    jail: str = "auto",
    jail_network: bool = False,
    navigation: SessionRegistry | None = None,
) -> BridgeContext:
    """The checked context ``default_bridges`` binds every record to, without binding any.

    Raises what ``default_bridges`` raises for bad settings (``NotADirectoryError``,
    ``ValueError``, ``ProjectPythonError``, ``JailUnavailable``). It builds no record, so it
    is what a caller needs who must refuse bad settings before it knows whether a bridge will be
    called at all (``punie run`` with a snippet that names none).
    """
    root = Path(workspace).resolve()
    if not root.is_dir():
        raise NotADirectoryError(
            f"workspace {str(workspace)!r} is not a folder; pass a project root"
        )
    if not timeout_s > 0:
        raise ValueError(f"timeout_s={timeout_s!r}: a bridge time limit must be above 0 seconds")
    if python is not None:
        find_project_python(root, python)
    check_jail_setting(jail)
    return BridgeContext(
        workspace=root,
        allow_write=allow_write,
        timeout_s=timeout_s,
        python=python,
        jail=jail,
        jail_network=jail_network,
        navigation=navigation,
    )
