"""``punie mcp``: serve punie's sandbox and bridges to MCP clients (stdio, or HTTP on loopback).

The ``mcp`` SDK takes about two seconds to import, so it is imported only here, in the handler.
Usage errors (a workspace that is not a folder, an unknown profile or bridge, a non-loopback
``--http`` address without ``--allow-non-loopback``, a port in use) end with exit status 2 and a
message naming the flag, before anything is served. See docs/mcp.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from runtime.cli._environment import add_environment_options

__all__ = ["register", "serve"]


def _address(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``:PORT`` or ``PORT`` (host 127.0.0.1); port 0 picks a free one."""
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 <= int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT such as 127.0.0.1:8765, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


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
        "mcp",
        help="serve punie's sandbox and bridges as a Model Context Protocol code-mode tool",
        description=(
            "Serve punie as an MCP server: the tool run_python runs a Python snippet in punie's "
            "sandbox against the workspace's typed bridges (ty, ruff, pytest, git, files, "
            "navigation), keeping names between calls until the tool reset. Speaks MCP on "
            "stdin/stdout unless --http is given."
        ),
        epilog=(
            "exit status: 0 the client closed the connection, 2 usage error.  Example (Claude "
            "Code): claude mcp add punie -- punie mcp --workspace ."
        ),
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        metavar="DIR",
        help="the project the bridges work on (default: the client's first root, else the "
        "current folder)",
    )
    parser.add_argument(
        "--http",
        type=_address,
        metavar="HOST:PORT",
        help="serve streamable HTTP at http://HOST:PORT/mcp instead of stdio (HOST defaults "
        "to 127.0.0.1; port 0 picks a free one)",
    )
    parser.add_argument(
        "--allow-non-loopback",
        action="store_true",
        help="with --http: allow an address other than 127.0.0.1/::1/localhost (there is no "
        "authentication: anyone who can reach it can run code on your workspace)",
    )
    selection = parser.add_mutually_exclusive_group()
    selection.add_argument(
        "--profile",
        metavar="NAME",
        help="offer the bridge selection and stub style of this profile (full, compact, core)",
    )
    selection.add_argument(
        "--bridges",
        metavar="A,B,...",
        help="offer only these bridges (names or globs such as 'git_*', comma-separated)",
    )
    parser.add_argument(
        "--expose-bridges",
        action="store_true",
        help="also offer each bridge as a plain MCP tool with JSON Schemas from its contract",
    )
    parser.add_argument(
        "--allow-write",
        action="store_true",
        help="offer the bridges that change files (default: read-only, unless allow_write is "
        "set in the workspace's [tool.punie])",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="S",
        help="wall time of one snippet's own execution in seconds (default 5)",
    )
    parser.add_argument(
        "--memory",
        type=int,
        metavar="MB",
        help="memory limit of a sandbox worker in MiB (default 256)",
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
    print(f"punie mcp: {message}", file=sys.stderr)
    return 2


def serve(namespace: argparse.Namespace) -> int:
    """Handler of ``punie mcp``: build the settings, check them, then serve until closed."""
    # stdout carries the protocol on stdio: logs go to stderr only.
    logging.basicConfig(stream=sys.stderr, level=namespace.log_level)
    from pydantic import ValidationError

    from runtime import UsageError
    from sandbox import Limits

    if namespace.allow_non_loopback and namespace.http is None:
        return _usage("--allow-non-loopback is about --http HOST:PORT; stdio needs no address")
    if namespace.workspace is not None and not namespace.workspace.is_dir():
        return _usage(f"--workspace {namespace.workspace} is not a folder; pass a project root")
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
    bridges = None
    if namespace.bridges is not None:
        bridges = tuple(name.strip() for name in namespace.bridges.split(",") if name.strip())
    python = namespace.python
    try:
        from runtime.mcp import check_bind

        if namespace.http is not None:  # before the SDK is imported: a refusal is instant
            check_bind(namespace.http[0], allow_non_loopback=namespace.allow_non_loopback)
        from runtime.mcp import ServerSettings, serve_http, serve_stdio

        settings = ServerSettings(
            workspace=namespace.workspace.resolve() if namespace.workspace is not None else None,
            allow_write=namespace.allow_write,
            bridges=bridges,
            profile=namespace.profile,
            expose_bridges=namespace.expose_bridges,
            limits=limits,
            bridge_timeout_s=namespace.bridge_timeout_s,
            python=os.path.abspath(os.path.expanduser(python)) if python is not None else None,
            jail="off" if namespace.no_jail else None,
        )
        if namespace.http is None:
            serve_stdio(settings)
            return 0
        host, port = namespace.http
        serve_http(
            settings,
            host=host,
            port=port,
            allow_non_loopback=namespace.allow_non_loopback,
            ready=lambda url: print(f"punie mcp: serving {url}", file=sys.stderr, flush=True),
        )
    except UsageError as error:  # MCPServerError included
        return _usage(str(error))
    except KeyboardInterrupt:
        return 0
    return 0
