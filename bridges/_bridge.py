"""The bridge record: everything about one bridge in one place.

A bridge is defined once — name, docstring for the model, argument model, result contract,
implementation, examples — and everything else is derived from that record: the ``HostFunction``
handed to the sandbox (bound to a workspace), the stub text the model reads, the docs, the
training examples. Nothing is written twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from bridges._examples import BridgeExample
from sandbox import HostFunction

if TYPE_CHECKING:  # listing bridges must not load the language-server client (pygls)
    from bridges.navigation._session import SessionRegistry

__all__ = ["Bridge", "BridgeContext", "lazy"]

ArgsT = TypeVar("ArgsT", bound=BaseModel)
"""A bridge's argument model."""
ResultT = TypeVar("ResultT", bound=BaseModel)
"""A bridge's result contract."""


@dataclass(frozen=True)
class BridgeContext:
    """What an implementation may know about the world: the workspace, the write switch, the
    project's Python and how tools that run its code are confined."""

    workspace: Path
    """Absolute, resolved workspace root; file-touching bridges stay inside it."""
    allow_write: bool = False
    """Whether bridges may change files (writing bridges are absent when False)."""
    timeout_s: float = 60.0
    """Upper bound for any tool process a bridge starts."""
    python: str | None = None
    """The explicit choice of the project's Python (a venv folder or an interpreter, relative to
    the workspace or absolute); None lets ``bridges.find_project_python`` find it."""
    jail: str = "auto"
    """Where tools that run workspace code (pytest) are confined: 'auto' (bubblewrap on Linux,
    sandbox-exec on macOS), the path of that program, or 'off' (the explicit opt-out). See
    ``bridges._jail``."""
    jail_network: bool = False
    """Whether jailed tools may use the network (off: tests cannot reach any host or port)."""
    navigation: SessionRegistry | None = field(default=None, compare=False, repr=False)
    """Who owns the language servers the navigation bridges start: a ``SessionRegistry`` the
    caller made (and closes, which shuts down this bridge set's servers and no others), or None
    for the process-wide one (``bridges.navigation.session_for``), shared with punie's editor
    server and closed at exit."""


@dataclass(frozen=True)
class lazy(Generic[ArgsT, ResultT]):  # lower case: it reads as a call, implementation=lazy("m:f")
    """An implementation named by ``"package.module:function"``, imported on its first call.

    Records are built whenever bridges are listed (every ``punie run --workspace``), but most
    runs call no bridge: importing each implementation (LibCST, the language-server client) up
    front would make every run pay for all of them. The target must accept
    ``(context, arguments)`` like any implementation. A type checker cannot follow the string;
    ``lazy[Args, Result]("m:f")`` states what the target takes and returns.
    """

    target: str
    _loaded: list[Callable[[BridgeContext, ArgsT], ResultT]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        module, _, name = self.target.partition(":")
        if not module or not name.isidentifier():
            raise ValueError(
                f"lazy({self.target!r}): name the implementation as 'package.module:function'"
            )

    def __call__(self, context: BridgeContext, arguments: ArgsT) -> ResultT:
        if not self._loaded:
            module, _, name = self.target.partition(":")
            self._loaded.append(getattr(importlib.import_module(module), name))
        return self._loaded[0](context, arguments)


@dataclass(frozen=True)
class Bridge(Generic[ArgsT, ResultT]):
    """One typed tool function, as a record, generic in its argument model and result contract.

    ``implementation(context, arguments)`` receives the validated argument model instance and
    returns an instance of ``result``; it raises ``bridges.BridgeError`` (a ``HostFunctionError``)
    with a model-facing message for every expected failure. A type checker matches them (as
    pydantic-ai's ``Tool``): an implementation that reads another argument model than
    ``arguments``, or returns something that is no model, is an error where the record is
    written; one returning another contract than ``result`` widens the record to
    ``Bridge[Args, A | B]``, an error where it is declared ``Bridge[Args, Result]``.
    """

    name: str
    docstring: str
    arguments: type[ArgsT]
    result: type[ResultT]
    implementation: Callable[[BridgeContext, ArgsT], ResultT]
    examples: Sequence[BridgeExample] = ()
    """Its examples: a tuple, or ``LazyExamples(name)`` for the built-ins, which reads the
    bridge's file (``bridges/examples/<name>.toml``) on first access, not when records are built."""
    writes: bool = False
    """True for bridges that change files; they are only offered when writing is allowed."""
    failures: tuple[str, ...] = ()
    """How it can fail, one line each ("PathNotFound: the path does not exist"), for the docs."""

    def bind(self, context: BridgeContext) -> HostFunction:
        """The host function for this bridge in one workspace."""
        arguments_model = self.arguments
        implementation = self.implementation

        def call(**kwargs: Any) -> ResultT:
            return implementation(context, arguments_model.model_validate(kwargs))

        call.__name__ = self.name
        return HostFunction(
            name=self.name,
            function=call,
            argument_model=arguments_model,
            result_type=self.result,
            docstring=self.docstring,
        )
