"""``--python``, ``--bridge-timeout``, ``--no-jail``: which Python the project's bridges use, how
long they run, whether the project's code runs jailed.

Shared by ``punie run``, ``punie ask``, ``punie repl`` (all options) and ``punie bridges``
(``--python``, ``--no-jail``). ``--no-jail`` wins over ``jail``/``jail_network`` in the
settings, which default to 'auto' (bubblewrap, sandbox-exec) and no network. A flag wins over ``python``/``bridge_timeout_s`` in ``[tool.punie]`` or
``punie.toml``, which win over punie's own choice (the workspace's ``.venv``, else the active
virtual environment, else punie's interpreter; 60 s). A Python that does not exist is a usage
error that names the flag or the setting it came from, never a silent fallback to another
environment: a test run in the wrong environment can pass for code that is broken.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridges import ProjectPython
    from runtime import PunieConfig

__all__ = ["BridgeSettings", "add_environment_options", "bridge_settings", "positive_seconds"]

DEFAULT_BRIDGE_TIMEOUT_S = 60.0

PYTHON_HELP = (
    "the project's Python for pytest_run, typecheck and navigation: a virtual environment folder "
    "or an interpreter (relative to the current folder); default: 'python' in [tool.punie] "
    "(relative to the workspace), else the workspace's .venv, else the active virtual "
    "environment, else punie's own"
)
NO_JAIL_HELP = (
    "run the project's tests (pytest_run) without a jail, as you: needed to let a session that "
    "allows writes run them on a machine without bubblewrap (default: 'jail' in [tool.punie], "
    "else 'auto')"
)
TIMEOUT_HELP = (
    "seconds any one tool run behind a bridge may take, e.g. a whole pytest run "
    f"(default: 'bridge_timeout_s' in [tool.punie], else {DEFAULT_BRIDGE_TIMEOUT_S:g})"
)


def positive_seconds(text: str) -> float:
    """``--bridge-timeout S``: a number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds such as 120, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {text!r}")
    return value


def add_environment_options(parser: Any, *, timeout: bool = True) -> None:
    """Add ``--python PATH`` (and ``--bridge-timeout S`` unless ``timeout`` is False)."""
    parser.add_argument("--python", metavar="PATH", help=PYTHON_HELP)
    parser.add_argument("--no-jail", action="store_true", help=NO_JAIL_HELP)
    if timeout:
        parser.add_argument(
            "--bridge-timeout",
            type=positive_seconds,
            dest="bridge_timeout_s",
            metavar="S",
            help=TIMEOUT_HELP,
        )


@dataclass(frozen=True)
class BridgeSettings:
    """What ``default_bridges`` gets, and the Python it leads to (for people to see)."""

    python: str | None
    """The explicit choice (flag, then setting), None when punie finds it."""
    timeout_s: float
    project: ProjectPython
    """The Python the bridges will use and why."""
    jail: str = "auto"
    """'auto', a jail program, or 'off' (``--no-jail``)."""
    jail_network: bool = False

    def describe(self) -> str:
        """'project Python: /proj/.venv (the workspace's own environment)'."""
        return f"project Python: {self.project.describe()}"

    def describe_jail(self) -> str:
        """Where pytest_run runs the project's code: 'jail: bubblewrap (/usr/bin/bwrap) ...'."""
        from bridges import choose_jail

        choice = choose_jail(self.jail)
        if choice.jail is not None:
            network = "network allowed" if self.jail_network else "no network"
            return f"jail: {choice.jail.describe()} for pytest_run, {network}"
        if choice.opted_out:
            return (
                "jail: off (--no-jail or jail = 'off'): pytest_run runs the project's code as you"
            )
        return (
            f"jail: none ({choice.reason}): pytest_run refuses to run in a session that allows "
            "writes and runs unjailed otherwise; install bubblewrap (apt install bubblewrap) "
            "or pass --no-jail"
        )

    def bridge_options(self) -> dict[str, Any]:
        """The keyword arguments of ``default_bridges``/``Agent`` these settings stand for."""
        return {"jail": self.jail, "jail_network": self.jail_network}


def bridge_settings(
    namespace: argparse.Namespace, config: PunieConfig | None, workspace: Path
) -> BridgeSettings:
    """Flags over configuration over defaults; ``UsageError`` naming the flag or the setting
    when the chosen Python is not there."""
    from bridges import ProjectPythonError, choose_jail, find_project_python
    from runtime import UsageError

    flag = getattr(namespace, "python", None)
    configured = config.python if config is not None else None
    # A path on the command line means what the shell means: from the current folder. Not
    # resolved through symlinks: a venv's bin/python is one, and must stay in its venv.
    python = os.path.abspath(os.path.expanduser(flag)) if flag is not None else configured
    timeout = getattr(namespace, "bridge_timeout_s", None)
    if timeout is None and config is not None:
        timeout = config.bridge_timeout_s
    jail = "off" if getattr(namespace, "no_jail", False) else None
    if jail is None and config is not None:
        jail = config.jail
    jail_network = bool(config.jail_network) if config is not None else False
    if jail not in (None, "auto", "off") and (choice := choose_jail(jail)).jail is None:
        source = config.source if config is not None and config.source else "[tool.punie]"
        raise UsageError(
            f"{source}: jail = {jail!r}: {choice.reason}; set it to the path of bwrap, to "
            "'auto' to find it on PATH, or to 'off' (or pass --no-jail) to run tests unjailed"
        )
    try:
        project = find_project_python(workspace.resolve(), python)
    except ProjectPythonError as error:
        what = "neither a virtual environment folder nor a Python interpreter"
        if flag is not None:
            raise UsageError(
                f"--python {flag}: {error.looked_at} is {what}; pass the project's environment "
                "(e.g. --python .venv) or leave the flag out to let punie find it"
            ) from None
        source = config.source if config is not None and config.source else "[tool.punie]"
        raise UsageError(
            f"{source}: python = {configured!r}: {error.looked_at} is {what}; set it to the "
            "project's environment (e.g. python = '.venv'), remove it to let punie find one, "
            "or override it with --python PATH"
        ) from None
    return BridgeSettings(
        python=python,
        timeout_s=DEFAULT_BRIDGE_TIMEOUT_S if timeout is None else timeout,
        project=project,
        jail=jail or "auto",
        jail_network=jail_network,
    )
