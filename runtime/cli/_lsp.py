"""``punie lsp``: serve punie's language server over stdio (default) or TCP."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

__all__ = ["register"]


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT such as 127.0.0.1:2087, got {text!r}")
    return host, int(port)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lsp",
        help="start punie's language server (stdio or TCP) for editors",
        description=(
            "Serve diagnostics (ty, ruff, domain validators), quick fixes and the commands "
            "punie.runSnippet / punie.ask to an LSP editor. Speaks LSP on stdin/stdout unless "
            "--tcp is given. Settings come from initializationOptions (see docs/editor.md)."
        ),
    )
    parser.add_argument(
        "--tcp", metavar="HOST:PORT", type=_address, help="listen on TCP instead of stdio"
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log level of messages written to stderr (default WARNING)",
    )
    parser.set_defaults(handler=_run)


def _run(namespace: argparse.Namespace) -> int:
    # stdout carries the protocol: logs must go to stderr only.
    logging.basicConfig(stream=sys.stderr, level=namespace.log_level)
    from runtime.lsp import create_server

    server = create_server()
    if namespace.tcp is not None:
        host, port = namespace.tcp
        try:
            server.start_tcp(host, port)
        except OSError as error:  # port taken, no permission, unknown host
            print(
                f"punie lsp: cannot listen on {host}:{port} ({error.strerror or error}); "
                "choose a free port, or check the host name",
                file=sys.stderr,
            )
            return 1
    else:
        server.start_io()
    return 0
