"""``punie completion SHELL``: a completion script for bash, zsh or tcsh, made by shtab.

The script is generated from punie's own argparse parser with every subcommand loaded, so it
knows every command and option of the installed version and never drifts from ``--help``::

    punie completion bash > ~/.local/share/bash-completion/completions/punie
    punie completion zsh > "${fpath[1]}/_punie"
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["register"]

SHELLS = ("bash", "zsh", "tcsh")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or tcsh)",
        description=(
            "Print a completion script for SHELL on stdout. Install it once, e.g. "
            "'punie completion bash > ~/.local/share/bash-completion/completions/punie' or "
            "'punie completion zsh > \"${fpath[1]}/_punie\"', then start a new shell."
        ),
    )
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.set_defaults(handler=_run)


def _run(namespace: argparse.Namespace) -> int:
    import shtab

    from runtime.cli import build_full_parser

    sys.stdout.write(shtab.complete(build_full_parser(), shell=namespace.shell))
    return 0
