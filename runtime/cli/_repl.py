"""``punie repl``: the sandbox REPL with the workspace's bridges (see docs/repl.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from runtime.cli._ask import bridge_list
from runtime.cli._environment import add_environment_options, bridge_settings

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "repl",
        help="interactive sandbox REPL with the workspace's bridges",
        description="Type snippets as the model would: same sandbox, same bridges, same checks.",
    )
    parser.add_argument("--workspace", type=Path, default=Path("."), help="project root")
    parser.add_argument("--model", help="model spec for :ask (default: [tool.punie] model)")
    parser.add_argument("--allow-write", action="store_true", help="offer writing bridges")
    parser.add_argument(
        "--bridges",
        type=bridge_list,
        help="only these bridges, comma-separated names or globs (default: [tool.punie], else all)",
    )
    add_environment_options(parser)
    parser.add_argument("--history", type=Path, help="history file (default: data dir)")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    """Handler of ``punie repl``; Ctrl-C while it starts ends it in one line (status 130)."""
    try:
        return _repl(arguments)
    except KeyboardInterrupt:
        sys.stderr.write("punie repl: interrupted (Ctrl-C)\n")
        return 130


def _repl(arguments: argparse.Namespace) -> int:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from bridges import default_bridges
    from runtime import (
        Agent,
        GenerationSettings,
        PunieRuntimeError,
        UsageError,
        data_dir,
        load_config,
        select_host_functions,
    )
    from runtime._repl import Repl, run_batch, run_repl
    from runtime.cli._display import TurnPrinter, error_text, make_console

    console = make_console()
    workspace: Path = arguments.workspace.expanduser().resolve()
    if not workspace.is_dir():
        Console(stderr=True).print(error_text(f"workspace {workspace} is not a folder"))
        return 2
    try:
        config = load_config(workspace)
        chosen = bridge_settings(arguments, config, workspace)
    except UsageError as error:
        Console(stderr=True).print(error_text(f"{error}"))
        return 2
    make_console(stderr=True).print(Text(chosen.describe(), "dim"))  # stdout: the session only
    allow_write = arguments.allow_write or config.allow_write
    selected = arguments.bridges or config.bridges
    functions = default_bridges(
        workspace,
        allow_write=allow_write,
        timeout_s=chosen.timeout_s,
        python=chosen.python,
        **chosen.bridge_options(),
    )
    try:
        if selected is not None:
            functions = select_host_functions(functions, selected)
    except UsageError as error:
        Console(stderr=True).print(error_text(f"{error}"))
        return 2
    spec = arguments.model or config.model
    agents: list[Agent] = []
    printer = TurnPrinter(console, progress=True)  # progress only shows on a terminal

    def ask(question: str) -> RenderableType:
        if spec is None:
            return Text("no model configured: start with --model SPEC", "red")
        if not agents:
            agent = Agent(
                model=spec,
                workspace=workspace,
                allow_write=allow_write,
                bridges=selected,
                python=chosen.python,
                bridge_timeout_s=chosen.timeout_s,
                settings=GenerationSettings(
                    on_token=printer.on_token if printer.progress else None
                ),
                **chosen.bridge_options(),
            )
            agent.subscribe(printer)
            agents.append(agent)
        try:
            result = agents[0].ask(question)
        except PunieRuntimeError as error:
            return Text(f"{type(error).__name__}: {error}", "red")
        finally:
            printer.close()  # Ctrl-C or a failure mid-turn: no spinner left running
        return Text(f"({result.outcome}, trace {result.trace_id})", "dim")

    repl = Repl(functions, ask=ask)
    history = arguments.history or data_dir() / "repl_history"
    try:
        if not sys.stdin.isatty():  # piped or redirected: the batch mode, no prompts
            return run_batch(repl, sys.stdin, console=console)
        return run_repl(repl, history=history, console=console)
    finally:
        repl.close()
        for agent in agents:
            agent.close()
