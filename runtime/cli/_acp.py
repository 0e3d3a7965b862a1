"""``punie acp``: serve punie as an Agent Client Protocol agent on stdin/stdout.

An editor (Zed's ``agent_servers``, a JetBrains IDE's custom agent) starts this command and speaks
ACP to it; nothing else may be written to stdout, so logs go to stderr. The SDK takes seconds to
import, so it is imported only here, in the handler. Usage errors (an unknown profile, a --python
that is not there) end with exit status 2 before anything is served; a missing model is not one:
the agent says so in its first reply, where the person in the editor reads it. See docs/editor.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from runtime.cli._environment import add_environment_options

__all__ = ["register", "serve"]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds such as 10, got {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 3600 seconds, got {text!r}")
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "acp",
        help="serve punie as an Agent Client Protocol agent over stdio (Zed, JetBrains)",
        description=(
            "Serve punie as an ACP agent on stdin/stdout for editors that host agents (Zed, "
            "JetBrains IDEs). Each session works on the folder the editor opens, with that "
            "folder's [tool.punie] or punie.toml settings; the options here win over them."
        ),
        epilog=(
            "exit status: 0 the editor closed the connection, 2 usage error.  Example (Zed "
            'settings.json): "agent_servers": {"punie": {"command": "punie", "args": ["acp", '
            '"--model", "openai:http://127.0.0.1:8080/v1"]}}'
        ),
    )
    parser.add_argument(
        "--model",
        metavar="SPEC",
        help="mlx:PATH[@ADAPTER], openai:URL#MODEL or scripted:FILE.json (default: 'model' in "
        "the session folder's [tool.punie]; with neither, the agent says so in its reply)",
    )
    parser.add_argument(
        "--allow-write",
        action="store_true",
        help="offer the bridges that change files; each write still asks you in the editor "
        "(default: 'allow_write' in [tool.punie], else read-only)",
    )
    selection = parser.add_mutually_exclusive_group()
    selection.add_argument(
        "--profile",
        metavar="NAME",
        help="the bridge selection and stub style of this profile (full, compact, core)",
    )
    selection.add_argument(
        "--bridges",
        metavar="A,B,...",
        help="only these bridges (names or globs such as 'git_*', comma-separated)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="S",
        help="wall time of one snippet's own execution in seconds (default 5)",
    )
    parser.add_argument(
        "--no-trace",
        action="store_true",
        help="record no traces (then sessions cannot be loaded again)",
    )
    add_environment_options(parser)
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="level of the log messages written to stderr (default WARNING)",
    )
    parser.set_defaults(handler=serve)


def _usage(message: str) -> int:
    print(f"punie acp: {message}", file=sys.stderr)
    return 2


def serve(namespace: argparse.Namespace) -> int:
    """Handler of ``punie acp``: check the options, then serve until the editor disconnects."""
    logging.basicConfig(stream=sys.stderr, level=namespace.log_level)
    from runtime import ProfileError, get_profile
    from sandbox import Limits

    if namespace.profile is not None:
        try:
            get_profile(namespace.profile)
        except ProfileError as error:
            return _usage(f"--profile {namespace.profile}: {error}")
    bridges = None
    if namespace.bridges is not None:
        bridges = tuple(name.strip() for name in namespace.bridges.split(",") if name.strip())
        if not bridges:
            return _usage("--bridges: name at least one bridge, e.g. --bridges typecheck")
    python = namespace.python
    if python is not None:
        python = os.path.abspath(os.path.expanduser(python))
        if not os.path.exists(python):
            return _usage(
                f"--python {namespace.python}: {python} does not exist; pass the project's "
                "environment (e.g. --python .venv) or leave the flag out to let punie find it"
            )
    from runtime.acp import AgentSettings, serve_stdio

    settings = AgentSettings(
        model=namespace.model,
        allow_write=namespace.allow_write,
        bridges=bridges,
        profile=namespace.profile,
        python=python,
        jail="off" if namespace.no_jail else None,
        bridge_timeout_s=namespace.bridge_timeout_s,
        limits=Limits(timeout_s=namespace.timeout) if namespace.timeout is not None else Limits(),
        record_traces=not namespace.no_trace,
    )
    try:
        serve_stdio(settings)
    except KeyboardInterrupt:
        return 0
    return 0
