"""The ``punie`` command: the face of the house.

Each subcommand lives in its own module ``runtime/cli/_<name>.py`` exposing
``register(subparsers) -> None`` (adds its parser and sets ``handler`` via ``set_defaults``).
Modules are imported only when the command line names them, so ``punie --help`` stays fast and
heavy dependencies (mlx, pygls) load only for the subcommand that needs them. Handlers return the
process exit status: 0 success, 1 the work failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__all__ = ["SUBCOMMANDS", "build_full_parser", "build_parser", "main", "package_version"]

# name -> one-line help; the module runtime.cli._<name> supplies the details.
SUBCOMMANDS: dict[str, str] = {
    "run": "run a Python snippet in the sandbox (optionally with the workspace's bridges)",
    "bridges": "print the bridge stubs exactly as the model sees them",
    "ask": "ask the agent a question about a workspace",
    "repl": "interactive sandbox REPL with the workspace's bridges",
    "traces": "list, show and export recorded agent traces",
    "lsp": "start punie's language server (stdio or TCP) for editors",
    "completion": "print a shell completion script (bash, zsh or tcsh)",
    "eval": "score a model on an evaluation suite, layer by layer, through the real runtime",
    "lora": "build a dataset, train a LoRA adapter with mlx-lm, fuse, quantize and gate it",
    "acp": "serve punie as an Agent Client Protocol agent over stdio (Zed, JetBrains)",
    "mcp": "serve punie's sandbox and bridges as a Model Context Protocol code-mode tool",
}


def build_parser(selected: str | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """Build the parser; only the ``selected`` subcommand's module is imported (all of them
    when ``every``)."""
    parser = argparse.ArgumentParser(
        prog="punie",
        description=(
            "punie: a local coding assistant. A small model writes Python snippets that call "
            "typed tool bridges (ty, ruff, pytest, git, a language server, LibCST validators) "
            "inside a restricted sandbox."
        ),
        epilog="Run 'punie COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print punie's version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS.items():
        if every or name == selected:
            module = _load(name)
            if module is not None:
                module.register(subparsers)
                continue
        subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def build_full_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand's options (imports every subcommand module): what a
    shell completion script is generated from."""
    return build_parser(every=True)


class _VersionAction(argparse.Action):
    """``--version``, read from the installed package's metadata only when asked for.

    Importing ``importlib.metadata`` is not free, so it is not paid by every command.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"punie {package_version()}\n")
        parser.exit()


def package_version() -> str:
    """punie's version from its package metadata (the one number ``pyproject.toml`` sets)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("punie")
    except PackageNotFoundError:
        return "unknown (punie is not installed as a package; run it with uv run or uv tool)"


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"runtime.cli._{name}")
    except ModuleNotFoundError as error:
        if error.name == f"runtime.cli._{name}":
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    selected = next((a for a in arguments if not a.startswith("-")), None)
    if selected is not None and selected not in SUBCOMMANDS:
        selected = None
    parser = build_parser(selected)
    namespace = parser.parse_args(arguments)
    handler = getattr(namespace, "handler", None)
    if namespace.command is None:
        parser.print_help()
        return 2
    if handler is None:
        parser.error(f"'{namespace.command}' is not available in this version of punie")
    return int(handler(namespace))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
