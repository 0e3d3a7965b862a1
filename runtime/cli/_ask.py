"""``punie ask "QUESTION" --model SPEC``: one question to the agent, each turn shown as it happens.

Defaults come from ``[tool.punie]`` in the workspace's pyproject.toml or its punie.toml; options
on the command line win. ``--json`` prints only the ``AgentResult`` as JSON (for scripts). On a
terminal a progress line shows the model working (streamed tokens where the backend streams, a
spinner with elapsed seconds otherwise); with ``--json`` or piped output there is none.
Exit status: 0 when the model answered, 1 when a limit ended the run or the model failed, 2 for
usage errors, 130 when Ctrl-C interrupted it (one line on stderr, no traceback; the trace keeps the
run up to the interruption).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from runtime.cli._environment import add_environment_options, bridge_settings

__all__ = ["INTERRUPTED", "MAX_TIME_DEFAULT_S", "bridge_list", "register"]

MAX_TIME_DEFAULT_S = 300.0
"""``AgentLimits().max_time_s``, spelt out so ``--help`` does not import the runtime (a test
keeps the two equal)."""

INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT, as shells report it)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="ask the agent a question about a workspace",
        description="Ask the agent a question; it writes snippets that call the workspace's "
        "bridges until it can answer.",
    )
    parser.add_argument("question", help="the question, in your words")
    parser.add_argument(
        "--model",
        help="mlx:PATH[@ADAPTER], openai:URL#MODEL, scripted:FILE.json, or promoted (the model "
        "punie lora gate promoted last) "
        "(default: 'model' in [tool.punie])",
    )
    parser.add_argument(
        "--workspace", type=Path, default=Path("."), help="project root (default: .)"
    )
    parser.add_argument("--max-turns", type=int, help="model replies per question (default 8)")
    parser.add_argument(
        "--max-time",
        type=float,
        dest="max_time_s",
        help=f"seconds per question (default {MAX_TIME_DEFAULT_S:g})",
    )
    parser.add_argument("--max-tokens", type=int, help="tokens per question, prompts included")
    parser.add_argument("--temperature", type=float, help="0 = greedy (default)")
    parser.add_argument("--seed", type=int, help="sampling seed when temperature > 0")
    parser.add_argument(
        "--allow-write", action="store_true", help="offer bridges that change files"
    )
    parser.add_argument(
        "--bridges",
        type=bridge_list,
        help="only these bridges, comma-separated names or globs (e.g. typecheck,ruff_check,git_*)"
        ": a smaller prompt for small models (default: 'bridges' in [tool.punie], else all)",
    )
    add_environment_options(parser)
    parser.add_argument("--no-trace", action="store_true", help="do not record a trace")
    parser.add_argument("--json", action="store_true", help="print the AgentResult as JSON only")
    parser.epilog = (
        "exit status: 0 the model answered, 1 a limit ended the run or it failed, 2 usage error, "
        "130 interrupted with Ctrl-C."
    )
    parser.set_defaults(handler=run)


def bridge_list(text: str) -> list[str]:
    """``--bridges a,b,git_*`` as a list of names (empty items dropped)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one bridge, e.g. --bridges typecheck")
    return names


def run(arguments: argparse.Namespace) -> int:
    """Handler of ``punie ask``: Ctrl-C anywhere (loading the model, a turn) ends it in one line."""
    try:
        return _ask(arguments)
    except KeyboardInterrupt:
        sys.stderr.write("punie ask: interrupted (Ctrl-C)\n")
        return INTERRUPTED


def _ask(arguments: argparse.Namespace) -> int:
    from rich.text import Text

    from runtime import (
        Agent,
        AgentLimits,
        GenerationSettings,
        PunieRuntimeError,
        UsageError,
        load_config,
    )
    from runtime.cli._display import TurnPrinter, error_text, make_console
    from sandbox import SandboxError

    errors = make_console(stderr=True)
    workspace: Path = arguments.workspace.expanduser().resolve()
    if not workspace.is_dir():
        errors.print(error_text(f"workspace {workspace} is not a folder"))
        return 2
    try:
        config = load_config(workspace)
    except UsageError as error:
        errors.print(error_text(f"{error}"))
        return 2
    spec = arguments.model or config.model
    if not spec:
        errors.print(
            error_text(
                "no model: pass --model SPEC or set model in [tool.punie] "
                "(e.g. --model openai:http://127.0.0.1:8080/v1)"
            )
        )
        return 2

    def pick(option: Any, configured: Any, default: Any) -> Any:
        return option if option is not None else configured if configured is not None else default

    defaults = AgentLimits()
    try:
        limits = AgentLimits(
            max_turns=pick(arguments.max_turns, config.max_turns, defaults.max_turns),
            max_time_s=pick(arguments.max_time_s, config.max_time_s, defaults.max_time_s),
            max_tokens=pick(arguments.max_tokens, config.max_tokens, defaults.max_tokens),
            max_reply_tokens=config.max_reply_tokens or defaults.max_reply_tokens,
        )
        printer = TurnPrinter(make_console(), progress=not arguments.json)
        settings = GenerationSettings(
            temperature=pick(arguments.temperature, config.temperature, 0.0),
            seed=pick(arguments.seed, config.seed, None),
            on_token=printer.on_token if printer.progress else None,
        )
    except ValueError as error:
        errors.print(error_text(f"{error}"))
        return 2
    try:
        chosen = bridge_settings(arguments, config, workspace)
    except UsageError as error:
        errors.print(error_text(f"{error}"))
        return 2
    if not arguments.json:
        errors.print(Text(chosen.describe(), "dim"))
    try:
        agent = Agent(
            model=spec,
            workspace=workspace,
            allow_write=arguments.allow_write or config.allow_write,
            limits=limits,
            settings=settings,
            record_traces=not arguments.no_trace,
            bridges=arguments.bridges or config.bridges,
            python=chosen.python,
            bridge_timeout_s=chosen.timeout_s,
            **chosen.bridge_options(),
        )
    except UsageError as error:
        errors.print(error_text(f"{error}"))
        return 2
    with agent:
        if not arguments.json:
            agent.subscribe(printer)
        try:
            result = agent.ask(arguments.question)
        except UsageError as error:
            errors.print(error_text(f"{error}"))
            return 2
        except (PunieRuntimeError, SandboxError) as error:
            if not printer.ended:  # else the run's last line ("run ended: error: ...") said it
                errors.print(error_text(f"{type(error).__name__}: {error}"))
            for note in getattr(error, "__notes__", ()):  # the trace id of the failed run
                errors.print(Text(f"  {note} ('punie traces show' has the run up to the failure)"))
            return 1
        finally:
            printer.close()  # Ctrl-C or a failure mid-turn: no spinner left running
    if arguments.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    return 0 if result.outcome == "success" else 1
