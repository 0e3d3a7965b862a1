"""The jail: tools that execute workspace code run confined, not as the host user at large.

``pytest_run`` imports the workspace's ``conftest.py`` files and runs its tests: with writes
allowed, a snippet can write a ``conftest.py`` and run it, which is arbitrary code on the host
unless the process is confined. ``jail_command`` wraps such a tool's command line:

- Linux, bubblewrap (``bwrap``): the whole filesystem read-only, the workspace read-only too
  unless writes are allowed (then read-write, except its ``.git``, whose hooks and
  ``core.fsmonitor`` the host's git would run); a private ``/tmp`` (``TMPDIR``) and an empty
  ``/run`` (no host sockets such as docker's); a minimal ``/dev`` and a ``/proc`` of its own PID
  namespace (no other process, so no host environment to read); no network unless allowed; an
  environment of exactly the variables given (``--clearenv``); killed with its parent; a session
  of its own (no terminal to inject input into).
- macOS, ``sandbox-exec`` with a small profile of the same intent: writes only to the workspace
  (when allowed) and the scratch folders, no network unless allowed, no look at other processes.
  It has no PID namespace; the environment is the scrubbed one ``run_tool`` always builds. It is
  not exercised by the tests (they run on Linux).

What the jail does not do: hide files the host user can read (they can be read, not sent
anywhere while the network is off; a test can still print them into its own output), or limit
memory and CPU beyond the bridge's time limit.

A jail that is set (``jail="auto"``, the default, or the path of the program) but cannot run is
``JailUnavailable`` for a session that allows writes; a read-only session runs unjailed and its
result says so (``describe_confinement``). ``jail="off"`` is the explicit, informed opt-out.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bridges._bridge import BridgeContext
from bridges._errors import JailUnavailable

__all__ = [
    "JAIL_AUTO",
    "JAIL_OFF",
    "Jail",
    "JailChoice",
    "check_jail_setting",
    "choose_jail",
    "confine",
    "jail_command",
    "require_jail",
]

JAIL_AUTO = "auto"
"""Find the platform's jail (``bwrap`` on ``PATH`` on Linux, ``sandbox-exec`` on macOS)."""
JAIL_OFF = "off"
"""The explicit opt-out: tools that run workspace code run as the host user."""

JailKind = Literal["bubblewrap", "sandbox-exec"]

_MASKED = (Path("/tmp"), Path("/run"))
"""Host folders replaced by empty ones inside the bubblewrap jail: other processes' temporary
files and sockets (ssh-agent, docker, D-Bus) live there. ``/var/run`` is a link to ``/run``."""

INSTALL_HINT = (
    "install bubblewrap (apt install bubblewrap; on Ubuntu 24.04 and later unprivileged user "
    "namespaces must also be allowed for it)"
    if sys.platform != "darwin"
    else "sandbox-exec ships with macOS at /usr/bin/sandbox-exec"
)


@dataclass(frozen=True)
class Jail:
    """A jail program that was found and works here."""

    kind: JailKind
    program: Path

    def describe(self) -> str:
        """'bubblewrap (/usr/bin/bwrap)'."""
        return f"{self.kind} ({self.program})"


@dataclass(frozen=True)
class JailChoice:
    """What a jail setting comes to on this machine: a working jail, or why there is none."""

    jail: Jail | None
    reason: str = ""
    """Why there is no jail (empty when there is one)."""
    opted_out: bool = False
    """True for ``jail="off"``: no jail by the user's explicit choice."""


def check_jail_setting(setting: str) -> None:
    """Raise ``JailUnavailable`` when ``setting`` names a program that is not there.

    ``default_bridges`` calls it so that a wrong path fails at once, like a wrong ``python``,
    rather than at the first ``pytest_run``.
    """
    if setting in (JAIL_AUTO, JAIL_OFF):
        return
    if _program(setting) is None:
        raise JailUnavailable(
            f"jail = {setting!r} is not an executable program; set it to the path of bwrap "
            f"(or sandbox-exec on macOS), to {JAIL_AUTO!r} to find it on PATH, or to "
            f"{JAIL_OFF!r} to run tests unjailed"
        )


def choose_jail(setting: str = JAIL_AUTO) -> JailChoice:
    """The jail for ``setting``: 'auto', 'off', or the path (or name on PATH) of the program.

    The program is tried once (cached per path) with the options a real run uses, so that a
    ``bwrap`` that cannot create namespaces here counts as no jail, with its own words as the
    reason.
    """
    if setting == JAIL_OFF:
        return JailChoice(jail=None, reason=f"jail = {JAIL_OFF!r}", opted_out=True)
    kind: JailKind = "sandbox-exec" if sys.platform == "darwin" else "bubblewrap"
    name = (
        setting if setting != JAIL_AUTO else ("sandbox-exec" if kind == "sandbox-exec" else "bwrap")
    )
    program = _program(name)
    if program is None:
        where = "on PATH" if setting == JAIL_AUTO else f"at {setting!r}"
        return JailChoice(jail=None, reason=f"no {kind} program ({name}) {where}")
    problem = _probe(str(program), kind)
    if problem:
        return JailChoice(jail=None, reason=f"{program} cannot confine here: {problem}")
    return JailChoice(jail=Jail(kind=kind, program=program))


def require_jail(setting: str, *, allow_write: bool, what: str) -> tuple[Jail | None, str]:
    """The jail to run ``what`` in, and the line a result shows about it.

    Raises ``JailUnavailable`` when there is none and the session allows writes (or the setting
    named a program explicitly); a read-only session runs unjailed and the line says so.
    """
    choice = choose_jail(setting)
    if choice.jail is not None:
        return choice.jail, f"{choice.jail.kind}: {_scope(allow_write)}"
    if choice.opted_out:
        return None, f"none ({choice.reason}): the tests ran as the host user"
    opt_out = f"opt out explicitly with jail = {JAIL_OFF!r} in [tool.punie] (punie --no-jail)"
    if setting != JAIL_AUTO:
        raise JailUnavailable(
            f"{what} runs the project's own code only in the jail the settings name "
            f"(jail = {setting!r}), and there is none: {choice.reason}. Tell the user: set "
            f"jail = {JAIL_AUTO!r} to use bwrap from PATH, {INSTALL_HINT}, or {opt_out}"
        )
    if allow_write:
        raise JailUnavailable(
            f"{what} runs the project's own code, and this session allows writes, so it runs only "
            f"in a jail; there is none: {choice.reason}. Tell the user: {INSTALL_HINT}, or "
            f"{opt_out}"
        )
    return None, (
        f"none ({choice.reason}): the tests ran as the host user; this session is read-only; "
        f"{INSTALL_HINT}"
    )


def jail_command(
    jail: Jail,
    argv: Sequence[str],
    *,
    workspace: Path,
    cwd: Path,
    env: Mapping[str, str],
    workspace_writable: bool = False,
    writable: Sequence[Path] = (),
    readable: Sequence[Path] = (),
    network: bool = False,
) -> list[str]:
    """``argv`` (an absolute program first) wrapped in ``jail``: the full command line.

    ``env`` is the whole environment inside (bubblewrap starts from an empty one; ``TMPDIR``
    is set to the private ``/tmp``). ``writable`` are extra folders the command may write (a
    scratch folder for a report), ``readable`` folders it must be able to read that may lie
    under a folder the jail hides (``/tmp``): the project's environment, a plugin folder.
    Every path must be absolute. The result is meant for ``run_tool(command[0], command[1:])``.
    """
    if jail.kind == "sandbox-exec":
        return _seatbelt(jail, argv, workspace, workspace_writable, writable, network)
    args = [
        str(jail.program),
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        *([] if network else ["--unshare-net"]),
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
    ]  # fmt: skip
    for folder in _MASKED:
        args += ["--tmpfs", str(folder)]
    for path in _unique(readable):
        if _under_masked(path) and not path.is_relative_to(workspace) and path.exists():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--bind" if workspace_writable else "--ro-bind", str(workspace), str(workspace)]
    git = workspace / ".git"
    if workspace_writable and (git.is_dir() or git.is_file()):
        args += ["--ro-bind", str(git), str(git)]
    for path in _unique(writable):
        args += ["--bind", str(path), str(path)]
    args += ["--chdir", str(cwd), "--clearenv"]
    for key, value in {**env, "TMPDIR": "/tmp"}.items():
        args += ["--setenv", key, value]
    return [*args, "--", *argv]


def confine(
    context: BridgeContext,
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    writable: Sequence[Path] = (),
    readable: Sequence[Path] = (),
) -> list[str]:
    """``argv`` in the session's jail when one works here, else ``argv`` unchanged.

    For tools that only *read* untrusted workspace content (ripgrep, LibCST children): the jail
    is defence in depth for them, so its absence is no refusal. The workspace is read-only
    inside, whatever the session allows; ``env`` is the whole environment inside (e.g.
    ``tool_environment()``). Use ``run_tool(command[0], command[1:], ...)`` with the result.
    """
    choice = choose_jail(context.jail)
    if choice.jail is None:
        return list(argv)
    return jail_command(
        choice.jail,
        argv,
        workspace=context.workspace,
        cwd=context.workspace,
        env=env,
        writable=writable,
        readable=readable,
        network=False,
    )


def _scope(allow_write: bool) -> str:
    workspace = "read-write workspace (.git read-only)" if allow_write else "read-only workspace"
    return f"{workspace}, read-only system, private /tmp, own PID namespace, scrubbed environment"


def _program(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found is not None else None


def _unique(paths: Sequence[Path]) -> list[Path]:
    return list(dict.fromkeys(path for path in paths))


def _under_masked(path: Path) -> bool:
    return any(path == folder or path.is_relative_to(folder) for folder in _MASKED)


@functools.cache
def _probe(program: str, kind: JailKind) -> str:
    """'' when ``program`` confines a trivial command here; else what went wrong (its stderr).

    Remembered for the process (``functools.cache``): whether bubblewrap or sandbox-exec works
    is a fact about this machine and kernel, not about a workspace or session."""
    true = shutil.which("true") or "/bin/true"
    if kind == "sandbox-exec":
        argv = [program, "-p", "(version 1)(allow default)", true]
    else:
        argv = [
            program,
            "--die-with-parent", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--", true,
        ]  # fmt: skip
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=15, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if done.returncode != 0:
        return (done.stderr.strip() or f"exit status {done.returncode}")[-300:]
    return ""


def _seatbelt(
    jail: Jail,
    argv: Sequence[str],
    workspace: Path,
    workspace_writable: bool,
    writable: Sequence[Path],
    network: bool,
) -> list[str]:
    """The macOS profile: everything allowed but writes outside the given folders, the
    network, and looking at or signalling other processes. Paths go in as parameters, never
    spliced into the profile text."""
    folders = [*writable, Path(os.environ.get("TMPDIR", "/tmp")).resolve(), Path("/private/tmp")]
    if workspace_writable:
        folders.insert(0, workspace)
    params: list[str] = []
    allowed = ['(literal "/dev/null")']
    for index, folder in enumerate(_unique(folders)):
        params += ["-D", f"W{index}={folder}"]
        allowed.append(f'(subpath (param "W{index}"))')
    profile = [
        "(version 1)",
        "(allow default)",
        "(deny file-write*)",
        f"(allow file-write* {' '.join(allowed)})",
        "(deny process-info* (target others))",
        "(deny signal (target others))",
    ]
    if workspace_writable:
        profile.append('(deny file-write* (subpath (param "GIT")))')
        params += ["-D", f"GIT={workspace / '.git'}"]
    if not network:
        profile.append("(deny network*)")
    return [str(jail.program), "-p", "".join(profile), *params, "--", *argv]
