"""The sandbox REPL for people: the model's view of the workspace, typed by a human.

Snippets run in one sandbox session with the workspace's bridges, exactly as the model's would
(same policy, limits and pre-run check; a refused snippet shows the very text the model reads). ``Repl.handle(text)`` does the work and returns what to
print, so the behaviour is testable without a terminal; ``run_repl`` wraps it in prompt_toolkit
(multi-line input, persistent history, completion of bridge names, keyword arguments, result
fields and ``:commands``).
"""

from __future__ import annotations

import ast
import codeop
import json
import keyword
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.document import Document
from pydantic import BaseModel
from rich.console import Console, Group, RenderableType
from rich.pretty import Pretty
from rich.syntax import Syntax
from rich.text import Text

from runtime.template import outcome_from_precheck
from sandbox import (
    HostFunction,
    Prechecker,
    Sandbox,
    SandboxError,
    as_host_function,
    bound_names,
    read_session,
    render_stub,
)

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

__all__ = ["COMMANDS", "Repl", "ReplCompleter", "is_complete", "run_batch", "run_repl"]

COMMANDS: dict[str, str] = {
    ":help": "show this help",
    ":bridges": "list the bridges; ':bridges NAME' shows one stub in full",
    ":reset": "forget every name bound in this session",
    ":save": "':save FILE' saves the session: its data, imports, functions and classes",
    ":load": "':load FILE' replaces the session with one saved by :save",
    ":ask": "':ask QUESTION' hands a question to the agent (needs --model or [tool.punie])",
    ":quit": "leave (Ctrl-D works too)",
}

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def is_complete(text: str) -> bool:
    """Whether Enter should run the input (True) or start a new line (False), like Python's REPL.

    A block (``for``, ``def``, ...) ends with an empty line; pasted multi-statement code and code
    with syntax errors run at once (the sandbox reports the error).
    """
    if not text.strip() or text.lstrip().startswith(":"):
        return True
    if "\n" in text and not text.rsplit("\n", 1)[1].strip():
        return True
    try:
        return codeop.compile_command(text, "<repl>", "single") is not None
    except (SyntaxError, ValueError, OverflowError):
        pass
    try:
        return codeop.compile_command(text, "<repl>", "exec") is not None
    except (SyntaxError, ValueError, OverflowError):
        return True


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _fields(annotation: Any) -> dict[str, Any]:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {name: field.annotation for name, field in annotation.model_fields.items()}
    return {}


def _element(annotation: Any) -> Any:
    arguments = get_args(_strip_optional(annotation))
    return (
        arguments[0]
        if get_origin(_strip_optional(annotation)) in (list, tuple) and arguments
        else None
    )


def _summary(docstring: str) -> str:
    """The first sentence of a docstring's first paragraph, on one line (for ``:bridges``)."""
    paragraph = " ".join(docstring.strip().split("\n\n", 1)[0].split())
    sentence, end, _ = paragraph.partition(". ")
    return sentence + ("." if end else "")


class Repl:
    """One REPL session: a sandbox session plus the names and result types it has seen."""

    def __init__(
        self,
        host_functions: Sequence[HostFunction | Callable[..., Any]],
        *,
        sandbox: Sandbox | None = None,
        ask: Callable[[str], RenderableType] | None = None,
    ) -> None:
        functions = [as_host_function(f) for f in host_functions]
        self.functions = {f.name: f for f in functions}
        self._own_sandbox = sandbox is None
        self.sandbox = sandbox if sandbox is not None else Sandbox(functions)
        self.session = self.sandbox.session()
        self.names: dict[str, Any] = {}
        """Names bound by snippets; the value is the result type when it came from a bridge."""
        self._ask = ask
        self._checker = Prechecker(functions)
        self.failures = 0
        """How many snippets were refused or failed (the exit status of a batch run)."""

    def interrupted(self) -> Text:
        """After Ctrl-C stopped a snippet: its worker was killed, and the namespace with it.

        The sandbox discards a session's worker when a run is interrupted (there is no way to stop
        a snippet and keep the process it ran in), so the next snippet starts from an empty
        namespace; the bridges, history and the agent are kept. Say so once, in one line. A
        Ctrl-C that came before the snippet reached the worker (during the pre-run check) lost
        nothing, and says that instead.
        """
        if self.session.alive:  # stopped before the snippet reached the worker
            return Text("interrupted before the snippet ran; the session is intact", "yellow")
        self.names.clear()
        return Text(
            "interrupted: the snippet was stopped and its sandbox worker replaced; names bound "
            "in this session are lost (':load FILE' restores a ':save')",
            "yellow",
        )

    def close(self) -> None:
        self.session.close()
        if self._own_sandbox:
            self.sandbox.close()

    # -- commands ---------------------------------------------------------------------------
    def handle(self, text: str) -> RenderableType | None:
        """Run one input (snippet or :command); return what to print, None to quit."""
        stripped = text.strip()
        if not stripped:
            return Text("")
        if stripped.startswith(":"):
            command, _, argument = stripped.partition(" ")
            return self._command(command, argument.strip())
        return self._run(text)

    def _command(self, command: str, argument: str) -> RenderableType | None:
        if command in (":quit", ":exit", ":q"):
            return None
        if command == ":help":
            lines = [f"{name:<9} {text}" for name, text in COMMANDS.items()]
            lines.append(
                "Enter runs a complete snippet; an empty line ends a block. Tab completes."
            )
            return Text("\n".join(lines))
        if command == ":bridges":
            if argument:
                function = self.functions.get(argument)
                if function is None:
                    return Text(f"no bridge named {argument!r}; ':bridges' lists them", "red")
                return Syntax(render_stub(function), "python", theme="ansi_dark")
            width = max((len(name) for name in self.functions), default=0)
            lines = [
                f"{name:<{width}}  {_summary(f.docstring)}"
                for name, f in sorted(self.functions.items())
            ]
            return Text("\n".join(lines) or "no bridges in this session")
        if command == ":reset":
            self.session.reset()
            self.names.clear()
            return Text("session reset", "dim")
        if command == ":save":
            return (
                self._save(Path(argument).expanduser()) if argument else Text(":save FILE", "red")
            )
        if command == ":load":
            return (
                self._load(Path(argument).expanduser()) if argument else Text(":load FILE", "red")
            )
        if command == ":ask":
            if not argument:
                return Text(":ask QUESTION", "red")
            if self._ask is None:
                return Text("no model configured: start with --model SPEC", "red")
            return self._ask(argument)
        return Text(f"unknown command {command}; :help lists the commands", "red")

    def _run(self, source: str) -> RenderableType:
        issues = self._checker.check(source, known_names=self.names)
        if issues:  # refused exactly as the agent loop refuses it, with the same text
            self.failures += 1
            return Text(outcome_from_precheck(issues).error or "", "red")
        result = self.session.run(source)
        self.failures += not result.ok
        if self.session.alive:
            self._learn(source)
        else:  # a timeout or crash took the worker and its names with it
            self.names.clear()
        parts: list[RenderableType] = []
        if result.stdout:
            parts.append(Text(result.stdout.rstrip("\n")))
        if result.ok:
            if result.value is not None:
                parts.append(Pretty(result.value))
        else:
            error = result.error
            message = error.message if error is not None else "the snippet failed"
            parts.append(Text(f"{error.kind if error else 'error'}: {message}", "red"))
        return Group(*parts) if parts else Text("")

    def _learn(self, source: str) -> None:
        """Remember bound names (and bridge result types) for completion and :save."""
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                self.names[node.targets[0].id] = self.type_of(node.value)
        for name in bound_names(source):
            self.names.setdefault(name, None)

    def type_of(self, node: ast.expr) -> Any:
        """The result type of ``bridge(...)``, ``name``, ``x.field`` or ``x[0]`` when known."""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = self.functions.get(node.func.id)
            return function.result_type if function is not None else None
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            return _fields(self.type_of(node.value)).get(node.attr)
        if isinstance(node, ast.Subscript):
            return _element(self.type_of(node.value))
        return None

    def _save(self, path: Path) -> RenderableType:
        """Save the whole session (``Session.dump``): data, imports, functions and classes."""
        try:
            blob = self.session.dump()
            path.write_bytes(blob)
        except (SandboxError, OSError) as error:
            return Text(f"cannot save to {path}: {error}", "red")
        saved = read_session(blob)
        bound = {*saved.names, *saved.definitions, *saved.skipped}
        for name in [name for name in self.names if name not in bound]:
            del self.names[name]  # bound by a snippet that failed before binding it
        count = len(saved.names) + len(saved.definitions)
        skipped = "; ".join(f"{name}: {why}" for name, why in sorted(saved.skipped.items()))
        note = f" (not saved: {skipped})" if skipped else ""
        return Text(f"saved {count} names to {path}{note}")

    def _load(self, path: Path) -> RenderableType:
        """Replace the session with a saved one (``Sandbox.restore``); a JSON file written by
        an older punie's :save binds its plain names into the current session instead."""
        try:
            blob = path.read_bytes()
        except OSError as error:
            return Text(f"cannot load {path}: {error}", "red")
        if blob.lstrip()[:1] == b"{":
            return self._load_json(path)
        try:
            session = self.sandbox.restore(blob)
            saved = read_session(blob)
        except SandboxError as error:
            return Text(f"cannot load {path}: {error}", "red")
        self.session.close()
        self.session = session
        self.names = dict.fromkeys([*saved.names, *saved.definitions])
        return Text(f"loaded {len(self.names)} names from {path}: {', '.join(self.names)}")

    def _load_json(self, path: Path) -> RenderableType:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            names = document["names"]
            if not isinstance(names, dict):
                raise TypeError("names must be an object")
        except (OSError, ValueError, KeyError, TypeError) as error:
            return Text(f"cannot load {path}: {error}", "red")
        bad = [name for name in names if not _NAME.match(name) or keyword.iskeyword(name)]
        if bad:
            return Text(f"cannot load {path}: invalid names {bad}", "red")
        shadowing = sorted(set(names) & set(self.functions))
        if shadowing:
            return Text(
                f"cannot load {path}: {', '.join(shadowing)} would hide the bridge(s) of that "
                "name; rename them in the file",
                "red",
            )
        source = "\n".join(f"{name} = {value!r}" for name, value in names.items())
        result = self.session.run(source) if source else None
        if result is not None and not result.ok:
            return Text(f"cannot load {path}: {result.error}", "red")
        for name in names:
            self.names[name] = None
        return Text(f"loaded {len(names)} names from {path}: {', '.join(names)}")


_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\(([^()]*)$")
_CHAIN = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*(?:\([^()]*\))?(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)\.([A-Za-z_]*)$"
)
_WORD = re.compile(r"[A-Za-z_:][A-Za-z0-9_]*$")


@dataclass
class ReplCompleter(Completer):
    """Completes bridge names, their keyword arguments, result fields and :commands."""

    repl: Repl

    def get_completions(self, document: Document, complete_event: Any) -> Iterator[Completion]:
        for text, start in self.suggest(document.text_before_cursor):
            yield Completion(text, start_position=start)

    def suggest(self, before: str) -> Iterable[tuple[str, int]]:
        """(completion, negative start offset) pairs for the text before the cursor."""
        chain = _CHAIN.search(before)
        if chain is not None:
            target, prefix = chain.group(1), chain.group(2)
            try:
                node = ast.parse(target, mode="eval").body
            except SyntaxError:
                return []
            fields = _fields(self.repl.type_of(node))
            return [(name, -len(prefix)) for name in fields if name.startswith(prefix)]
        word_match = _WORD.search(before)
        word = word_match.group(0) if word_match else ""
        if word.startswith(":"):
            return [(c, -len(word)) for c in COMMANDS if c.startswith(word)]
        call = _CALL.search(before)
        if call is not None and call.group(1) in self.repl.functions:
            used = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", call.group(2)))
            fields = self.repl.functions[call.group(1)].argument_model.model_fields
            found = [
                (f"{name}=", -len(word))
                for name in fields
                if name.startswith(word) and name not in used
            ]
            if found or not word:
                return found
        if not word:
            return []
        names = [*self.repl.functions, *self.repl.names]
        return [(name, -len(word)) for name in sorted(set(names)) if name.startswith(word)]


def run_batch(repl: Repl, lines: Iterable[str], *, console: Console) -> int:
    """Input that is not a terminal (``punie repl < session.py``, a pipe): no banner, no prompts.

    Lines are gathered into inputs by the interactive Enter key's rule (``is_complete``: a block
    ends with an empty line, pasted statements run together, a ``:command`` is one line); each
    input runs in the same session and its output is printed as the REPL prints it. The exit
    status is 1 when any snippet was refused or failed, so a script can tell.
    """
    pending: list[str] = []
    for line in lines:
        pending.append(line.rstrip("\n"))
        text = "\n".join(pending)
        if not text.strip():
            pending.clear()
        elif is_complete(text):
            pending.clear()
            shown = _handle_one(repl, text)
            if shown is None:  # :quit
                break
            _show(console, shown)
    else:
        text = "\n".join(pending)
        if text.strip():
            shown = _handle_one(repl, text)
            if shown is not None:
                _show(console, shown)
    return 1 if repl.failures else 0


def _show(console: Console, shown: RenderableType) -> None:
    """Print an input's output; an input with none (``x = 1``) prints nothing in a batch."""
    if not (isinstance(shown, Text) and not shown.plain):
        console.print(shown)


def _handle_one(repl: Repl, text: str) -> RenderableType | None:
    try:
        return repl.handle(text)
    except Exception as error:  # one bad input must not lose the rest of the batch
        repl.failures += 1
        return Text(f"{type(error).__name__}: {error}", "red")


def _ctrl_c_typed_ahead(session: PromptSession[str]) -> bool:
    """Whether Ctrl-C was typed after the Enter that accepted the input, in the same read.

    A REPL that lags behind its input (a loaded machine) reads the Enter and the Ctrl-C that
    followed it at once, in raw mode: the Ctrl-C is then a key left over for the next prompt,
    not a SIGINT, so the input would run unstopped and the next prompt be cancelled instead.
    Like a terminal's Ctrl-C, it drops the keys typed before it; the keys after it are kept.
    """
    from prompt_toolkit.input.typeahead import get_typeahead, store_typeahead
    from prompt_toolkit.keys import Keys

    keys = get_typeahead(session.input)
    for index, key in enumerate(keys):
        if key.key == Keys.ControlC:
            store_typeahead(session.input, keys[index + 1 :])
            return True
    store_typeahead(session.input, keys)
    return False


def run_repl(repl: Repl, *, history: Path, console: Console | None = None) -> int:
    """The interactive loop on prompt_toolkit; returns the exit status."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.key_binding import KeyBindings

    console = console or Console()
    history.parent.mkdir(parents=True, exist_ok=True)
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            current = buffer.document.current_line
            indent = current[: len(current) - len(current.lstrip())]
            if current.rstrip().endswith(":"):
                indent += "    "
            buffer.insert_text("\n" + indent)

    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)),
        completer=ReplCompleter(repl),
        multiline=True,
        key_bindings=bindings,
        prompt_continuation=lambda width, line, soft: "... ",
    )
    console.print(f"punie sandbox REPL: {len(repl.functions)} bridges. :help for commands.")
    while True:
        try:
            text = session.prompt(">>> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if text.strip() and _ctrl_c_typed_ahead(session):
            console.print(
                Text(
                    "interrupted: Ctrl-C came before the input started; it was not run, the "
                    "session is intact",
                    "yellow",
                )
            )
            continue
        try:
            shown = repl.handle(text)
        except KeyboardInterrupt:  # Ctrl-C stops what runs, never the REPL
            snippet = not text.lstrip().startswith(":")
            shown = repl.interrupted() if snippet else Text("interrupted", "yellow")
        except Exception as error:  # a REPL must survive anything its user types
            shown = Text(f"{type(error).__name__}: {error}", "red")
        if shown is None:
            break
        console.print(shown)
    return 0
