"""``punie run [FILE | -c CODE]``: run one snippet in the sandbox and print what it did.

Without ``--workspace`` the snippet has no host functions (plain restricted Python). With
``--workspace DIR`` it gets the workspace's bridges (``bridges.default_bridges``), read-only
unless ``--allow-write``, in the project's Python (``--python``) with a time limit per tool run
(``--bridge-timeout``; both also read from ``[tool.punie]``), and the snippet is first compared with their stubs by
``sandbox.precheck``: what it finds (a misspelt bridge or field, a positional argument) is printed
to stderr as a warning, the way the agent would tell the model, and the snippet still runs. Output: the snippet's printed text, then the value of its last
expression (``repr``-like, JSON for data); or, with ``--json``, the whole ``RunResult``. An error
is printed as the model reads it, followed by a ``hint:`` line naming the flag that changes it
(``--timeout``, ``--memory``, ``--allow-write``): the model cannot pass flags, a person can. Exit
status: 0 the snippet succeeded, 1 it failed, 2 usage error, 130 interrupted with Ctrl-C.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import os
import sys
from pathlib import Path
from typing import Any

from runtime.cli._environment import add_environment_options, bridge_settings

__all__ = ["INTERRUPTED", "person_hint", "register", "run"]

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT, as shells report it)."""

_BUILTIN_NAMES = frozenset(dir(builtins))

_NEEDS_WRITING = "needs writing, which this session does not allow"
"""How a writing bridge refuses in a read-only session (bridges' ``_require_write``)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run a Python snippet in the sandbox (optionally with the workspace's bridges)",
        description=(
            "Run a Python snippet in punie's sandbox and print its output and the value of its "
            "last expression. The snippet is read from FILE, from -c CODE, or from stdin when "
            "FILE is '-' or missing."
        ),
        epilog=(
            "exit status: 0 the snippet succeeded, 1 it failed (the error is printed to stderr), "
            "2 usage error, 130 interrupted with Ctrl-C.  Example: punie run -c 'import math; math.sqrt(2)'"
        ),
    )
    parser.add_argument("file", nargs="?", help="snippet file, or '-' for stdin (the default)")
    parser.add_argument("-c", dest="code", metavar="CODE", help="the snippet as a string")
    parser.add_argument("--json", action="store_true", help="print the whole RunResult as JSON")
    parser.add_argument(
        "--timeout", type=float, metavar="S", help="wall time limit in seconds (default 5)"
    )
    parser.add_argument(
        "--memory", type=int, metavar="MB", help="memory limit in MiB (default 256)"
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        metavar="DIR",
        help="give the snippet the bridges of this workspace as host functions",
    )
    parser.add_argument(
        "--allow-write",
        action="store_true",
        help="with --workspace: also offer the bridges that change files",
    )
    add_environment_options(parser)
    parser.set_defaults(handler=run)


def _usage(message: str) -> int:
    print(f"punie run: {message}", file=sys.stderr)
    return 2


def _read_source(namespace: argparse.Namespace) -> str | None:
    if namespace.code is not None:
        if namespace.file is not None:
            return None
        return namespace.code
    if namespace.file in (None, "-"):
        if sys.stdin.isatty():  # else it looks like a hang
            print(
                "punie run: reading the snippet from stdin; end it with Ctrl-D "
                "(or pass -c CODE or FILE)",
                file=sys.stderr,
            )
        return sys.stdin.read()
    return Path(namespace.file).read_text(encoding="utf-8")


def run(namespace: argparse.Namespace) -> int:
    """Handler of ``punie run``: Ctrl-C stops the snippet and ends in one line, no traceback."""
    try:
        return _run(namespace)
    except KeyboardInterrupt:
        sys.stderr.write("punie run: interrupted (Ctrl-C); the snippet was stopped\n")
        return INTERRUPTED


def person_hint(kind: str, message: str, limits: Any, *, workspace: bool) -> str | None:
    """The flag a person can pass to change a failed run's error, or None.

    The sandbox's messages speak to the model ("do less work", "the sandbox's memory_mb"), which
    cannot change its limits; the person who typed ``punie run`` can.
    """
    if kind == "timeout":
        return f"this run's limit was {limits.timeout_s:g} s; pass --timeout S to allow more"
    if kind == "memory":
        return f"this run's limit was {limits.memory_mb} MiB; pass --memory MB to allow more"
    if kind == "host_function" and _NEEDS_WRITING in message and workspace:
        return "pass --allow-write to let the snippet change files in the workspace"
    return None


def _run(namespace: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from sandbox import Limits, Sandbox, precheck

    try:
        source = _read_source(namespace)
    except OSError as error:
        return _usage(f"cannot read {namespace.file}: {error.strerror or error}")
    except UnicodeDecodeError:
        return _usage(f"{namespace.file} is not UTF-8 text")
    if source is None:
        return _usage("give either FILE or -c CODE, not both")
    if namespace.workspace is None:
        for flag, value in (
            ("--allow-write", namespace.allow_write or None),
            ("--python", namespace.python),
            ("--bridge-timeout", namespace.bridge_timeout_s),
            ("--no-jail", namespace.no_jail or None),
        ):
            if value is not None:
                return _usage(f"{flag} needs --workspace DIR (it is about the workspace's bridges)")
    overrides: dict[str, Any] = {}
    if namespace.timeout is not None:
        overrides["timeout_s"] = namespace.timeout
    if namespace.memory is not None:
        overrides["memory_mb"] = namespace.memory
    try:
        limits = Limits(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"--{'timeout' if e['loc'][0] == 'timeout_s' else 'memory'}: {e['msg']}"
            for e in error.errors(include_url=False)
        )
        return _usage(problems)
    host_functions: list[Any] = []
    guided = namespace.workspace is not None and not namespace.json and sys.stdout.isatty()
    # A snippet that can reach no bridge runs without them: building every record costs more
    # than the run (see _names_no_bridge); the header must count them, so it builds them.
    deferred = namespace.workspace is not None and not guided and _names_no_bridge(source)
    if namespace.workspace is not None:
        loaded = _workspace_bridges(namespace, bind=not deferred)
        if isinstance(loaded, str):
            return _usage(loaded)
        host_functions = loaded
        for issue in precheck(source, host_functions):
            print(f"punie run: warning: {issue.message}", file=sys.stderr)
    if guided:
        print(_header(namespace, len(host_functions)))
    with Sandbox(host_functions=host_functions, limits=limits, pool_size=1) as sandbox:
        result = sandbox.run(source)
    if deferred and _missing_name(result):
        # only a name the sandbox lacks fails this way, and its "did you mean" hint names the
        # bridges: run once more with them, so that the error reads as it always would
        loaded = _workspace_bridges(namespace)
        if isinstance(loaded, str):
            return _usage(loaded)
        with Sandbox(host_functions=loaded, limits=limits, pool_size=1) as sandbox:
            result = sandbox.run(source)
    if namespace.json:
        print(result.model_dump_json(indent=2))
        return 0 if result.ok else 1
    status = _report(result, limits, workspace=namespace.workspace is not None)
    if guided:
        print(_next_step(namespace.workspace))
    return status


def _header(namespace: argparse.Namespace, bridge_count: int) -> str:
    """What runs against what: the first line a person sees on a terminal (not in pipes)."""
    what = namespace.file if namespace.file not in (None, "-") else None
    if what is None:
        what = "-c CODE" if namespace.code is not None else "the snippet from stdin"
    access = "may write" if namespace.allow_write else "read-only"
    return (
        f"punie run: {what} in the sandbox, against workspace {namespace.workspace} "
        f"({bridge_count} bridges, {access})"
    )


def _next_step(workspace: Path) -> str:
    """The step after a workspace run: a model writing such snippets (the shipped demo first).

    The demo is the scripted model file ``examples/demo/scripted.json`` of a source checkout; it
    is offered when the workspace is that checkout's sample, where its answers hold.
    """
    from bridges._sample import SAMPLE_SOURCE

    demo = SAMPLE_SOURCE.parent / "demo" / "scripted.json"
    if demo.is_file() and workspace.resolve() == SAMPLE_SOURCE.resolve():
        script = os.path.relpath(demo)
        return (
            f"next: watch the agent loop write snippets like this one (no model to download): "
            f"punie ask --model scripted:{script} 'What is wrong with the shop?' "
            f"--workspace {workspace}"
        )
    return (
        f'next: let a model write the snippets: punie ask "QUESTION" --workspace {workspace} '
        "--model SPEC (see docs/models.md)"
    )


def _report(result: Any, limits: Any, *, workspace: bool) -> int:
    """Print a finished run for a person: output, then the value or the error and a hint."""
    if result.stdout:
        sys.stdout.write(result.stdout)
        if not result.stdout.endswith("\n"):
            sys.stdout.write("\n")
    if result.ok:
        if result.value is not None:
            print(_show(result.value))
        return 0
    error = result.error
    assert error is not None
    print(f"error ({error.kind}): {error.message}", file=sys.stderr)
    if error.traceback:
        print(error.traceback, file=sys.stderr)
    hint = person_hint(error.kind, error.message, limits, workspace=workspace)
    if hint is not None:
        print(f"hint: {hint}", file=sys.stderr)
    return 1


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def _names_no_bridge(source: str) -> bool:
    """Whether ``source`` parses and every name it uses is a Python builtin it only reads.

    Such a snippet cannot call a bridge (a bridge is reachable only by its name; the sandbox
    allows no introspection), and the pre-run check finds the same in it with or without the
    bridges, so it may run without them. It can still fail to find a name (a builtin the sandbox
    leaves out): ``_missing_name`` catches that. Anything else, including a name it binds
    itself, counts as a possible bridge. The snippet is a person's own command line, already
    bounded by the parse ``precheck`` makes of it anyway.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return all(
        isinstance(node.ctx, ast.Load) and node.id in _BUILTIN_NAMES
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
    )


def _missing_name(result: Any) -> bool:
    """Whether a run failed on a name it could not find (whose hint may name a bridge)."""
    error = result.error
    return error is not None and error.kind == "runtime" and "NameError" in error.message


def _workspace_bridges(namespace: argparse.Namespace, *, bind: bool = True) -> list[Any] | str:
    """The workspace's bridges, or a usage message when they cannot be loaded.

    ``python`` and ``bridge_timeout_s`` of the workspace's ``[tool.punie]`` apply (the flags win
    over them); its other settings are the agent's and play no part in running one snippet.
    With ``bind=False`` the settings are checked the same way (a wrong ``--python`` is refused
    all the same) but no bridge is built: the answer is an empty list.
    """
    workspace: Path = namespace.workspace
    if not workspace.is_dir():
        return f"--workspace {workspace} is not a folder; pass a project root"
    try:
        from bridges import bridge_context, default_bridges
        from runtime import UsageError, load_config
    except ImportError as error:
        return f"--workspace needs the bridges package, which could not be loaded: {error}"
    try:
        chosen = bridge_settings(namespace, load_config(workspace.resolve()), workspace)
    except UsageError as error:
        return str(error)
    settings: dict[str, Any] = {
        "allow_write": namespace.allow_write,
        "timeout_s": chosen.timeout_s,
        "python": chosen.python,
        **chosen.bridge_options(),
    }
    try:
        if not bind:
            bridge_context(workspace, **settings)
            return []
        return list(default_bridges(workspace, **settings))
    except (OSError, ValueError) as error:
        return f"--workspace {workspace}: {error}"
