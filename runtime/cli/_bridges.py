"""``punie bridges``: print the bridge stubs exactly as the model sees them.

The text is ``sandbox.render_stubs(bridges.default_bridges(workspace))``: the same function the
runtime uses to build the prompt, so what this prints is what the model reads. ``--json`` prints
JSON Lines instead: one compact object per line and per bridge (name, whether it writes, its own
stub, argument and result JSON schemas), so tools and editors can read it a line at a time. A first line on stderr names the project's Python the bridges
use and why (``--python``, ``python`` in ``[tool.punie]``, the workspace's ``.venv``...), a
second where ``pytest_run`` runs the project's code (the jail, or why there is none). Exit
status: 0 success, 2 usage error (no such folder, a wrong ``--python`` or settings file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from runtime.cli._environment import add_environment_options, bridge_settings

__all__ = ["register", "show_bridges"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bridges",
        help="print the bridge stubs exactly as the model sees them",
        description=(
            "Print the typed bridge functions a snippet may call, as Python stubs with their "
            "docstrings and result classes: exactly the text the model reads."
        ),
        epilog="exit status: 0 success, 2 usage error.  Example: punie bridges --workspace .",
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="bind the bridges to this folder (default: the current folder)",
    )
    parser.add_argument(
        "--allow-write",
        action="store_true",
        help="include the bridges that change files (write_file, ...)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print JSON Lines instead of stubs: one JSON object per line, one line per bridge",
    )
    add_environment_options(parser, timeout=False)
    parser.set_defaults(handler=show_bridges)


def show_bridges(namespace: argparse.Namespace) -> int:
    from bridges import default_bridges, registry
    from runtime import UsageError, load_config
    from sandbox import render_stub, render_stubs

    workspace: Path = namespace.workspace
    if not workspace.is_dir():
        print(f"punie bridges: {workspace} is not a folder; pass --workspace DIR", file=sys.stderr)
        return 2
    try:
        config = load_config(workspace.resolve())
        chosen = bridge_settings(namespace, config, workspace)
    except UsageError as error:
        print(f"punie bridges: {error}", file=sys.stderr)
        return 2
    # stdout is exactly what the model reads; which Python the bridges use is for people.
    print(f"# {chosen.describe()}", file=sys.stderr)
    print(f"# {chosen.describe_jail()}", file=sys.stderr)
    functions = default_bridges(
        workspace,
        allow_write=namespace.allow_write,
        timeout_s=chosen.timeout_s,
        python=chosen.python,
        **chosen.bridge_options(),
    )
    if not namespace.json:
        sys.stdout.write(render_stubs(functions))
        return 0
    writing = {record.name for record in registry() if record.writes}
    for function in functions:
        document = {
            "name": function.name,
            "writes": function.name in writing,
            "stub": render_stub(function),
            "arguments": function.argument_model.model_json_schema(),
            "result": _schema(function.result_type),
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    return 0


def _schema(result_type: Any) -> dict[str, Any]:
    from pydantic import TypeAdapter

    return TypeAdapter(result_type).json_schema()
