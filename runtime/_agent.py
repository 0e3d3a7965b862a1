"""``Agent``: the embedded API — ask a question about a workspace, get an ``AgentResult``.

::

    from runtime import Agent, ScriptedModel

    with Agent(model="openai:http://127.0.0.1:8080/v1", workspace="~/project") as agent:
        result = agent.ask("How many type errors are in src?")
        print(result.answer, result.trace_id)

One agent owns one sandbox (its worker pool) and opens a fresh sandbox *session* per question, so
names a snippet binds persist across the turns of that question and no further. Every run is
recorded as a trace unless ``record_traces=False``; ``subscribe`` adds your own event listener.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from opentelemetry.trace import TracerProvider

import sandbox
from runtime._errors import UsageError
from runtime._events import Event, Subscriber
from runtime._loop import RunLoop
from runtime._results import AgentLimits, AgentResult, CancelToken
from runtime._select import select_host_functions
from runtime._telemetry import get_tracer
from runtime.models import GenerationSettings, Model, model_from_spec
from runtime.profiles import Profile, ProfileMismatchError, resolve_profile
from runtime.template import USAGE_RULES, system_prompt_for
from runtime.traces import TraceRecorder
from sandbox import HostFunction, Limits, Sandbox, as_host_function

__all__ = ["Agent"]


class Agent:
    """Answers questions by letting a model write snippets against typed host functions.

    ``host_functions`` defaults to the workspace's bridges (``bridges.default_bridges``) when a
    workspace is given, and to none otherwise (the model can then only answer directly).
    ``sandbox_limits`` is a ``sandbox.Limits`` for every snippet. ``bridges`` keeps only the host
    functions with these names or globs (``["typecheck", "git_*"]``): a smaller system prompt for
    a small model (see ``select_host_functions``). ``python`` (the project's Python, see
    ``bridges.find_project_python``), ``bridge_timeout_s`` (the limit of one tool run), ``jail``
    ('auto', a bwrap path, or 'off': where ``pytest_run`` runs the project's code) and
    ``jail_network`` go to ``default_bridges``; they are ignored when ``host_functions`` is given.
    ``tracer_provider`` receives the run's OpenTelemetry spans (``punie.agent.ask`` and its
    children); by default the global provider, a no-op unless the application configured one.
    ``profile`` (a ``runtime.profiles.Profile`` or a built-in name such as ``"core"``) fixes the
    bridge selection and stub style of the system prompt; ``adapter`` (an adapter directory or its
    ``punie_manifest.json``) takes the profile an adapter was trained with, for a model served
    elsewhere (``mlx_lm.server --adapter-path``). An ``MLXModel`` with an adapter brings its own.
    A ``profile`` or ``bridges`` that disagrees with the adapter's is a ``ProfileMismatchError``.
    """

    def __init__(
        self,
        *,
        model: Model | str,
        workspace: str | Path | None = None,
        host_functions: Sequence[HostFunction | Callable[..., Any]] | None = None,
        allow_write: bool = False,
        limits: AgentLimits | None = None,
        settings: GenerationSettings | None = None,
        sandbox_limits: Limits | None = None,
        record_traces: bool = True,
        trace_dir: Path | None = None,
        rules: str = USAGE_RULES,
        bridges: Sequence[str] | None = None,
        python: str | None = None,
        bridge_timeout_s: float = 60.0,
        jail: str = "auto",
        jail_network: bool = False,
        tracer_provider: TracerProvider | None = None,
        profile: Profile | str | None = None,
        adapter: str | Path | None = None,
    ) -> None:
        self.workspace = Path(workspace).expanduser().resolve() if workspace is not None else None
        if isinstance(model, str):
            model = model_from_spec(model, base_dir=self.workspace)
        if not isinstance(model, Model):
            raise UsageError(
                "model must be a spec string or an object with name and complete(); got "
                f"{type(model).__name__}"
            )
        self.model = model
        if host_functions is None and self.workspace is not None:
            from bridges import BridgeError, default_bridges

            if not self.workspace.is_dir():
                raise UsageError(f"workspace {self.workspace} is not a folder")
            try:
                host_functions = default_bridges(
                    self.workspace,
                    allow_write=allow_write,
                    timeout_s=bridge_timeout_s,
                    python=python,
                    jail=jail,
                    jail_network=jail_network,
                )
            except (ValueError, BridgeError) as error:  # a wrong python or jail, a timeout <= 0
                raise UsageError(str(error)) from None
        self.host_functions = [as_host_function(f) for f in host_functions or ()]
        self.profile = resolve_profile(profile, model=model, adapter=adapter)
        """The profile the system prompt is rendered with (None: all host functions, full)."""
        if self.profile is not None:
            offered = self.host_functions
            self.host_functions = self.profile.select(offered)
            if bridges is not None:
                asked = [f.name for f in select_host_functions(offered, bridges)]
                if asked != [f.name for f in self.host_functions]:
                    raise ProfileMismatchError(
                        f"bridges={list(bridges)!r} selects {', '.join(asked)}, but "
                        f"{self.profile.describe()} selects "
                        f"{', '.join(f.name for f in self.host_functions)}; leave out bridges "
                        "to run with the profile's selection"
                    )
        elif bridges is not None:
            self.host_functions = select_host_functions(self.host_functions, bridges)
        self.limits = limits or AgentLimits()
        if tracer_provider is not None and not callable(
            getattr(tracer_provider, "get_tracer", None)
        ):
            raise UsageError(
                "tracer_provider must be an OpenTelemetry TracerProvider (for example "
                f"opentelemetry.sdk.trace.TracerProvider()); got {type(tracer_provider).__name__}"
            )
        self._tracer = get_tracer(tracer_provider)
        self.settings = settings or GenerationSettings()
        self.system_prompt = system_prompt_for(
            self.host_functions,
            rules=rules,
            style=self.profile.stub_style if self.profile is not None else "full",
        )
        self._sandbox_limits = sandbox_limits
        self._sandbox: Sandbox | None = None
        self._checker = sandbox.Prechecker(self.host_functions)
        self._subscribers: list[Subscriber] = []
        self.recorder: TraceRecorder | None = None
        if record_traces:
            self.recorder = TraceRecorder(trace_dir)
            self._subscribers.append(self.recorder)

    # -- events ----------------------------------------------------------------------------
    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber(event)`` for every event; returns a function that unsubscribes."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def _emit(self, event: Event) -> None:
        for subscriber in list(self._subscribers):
            subscriber(event)

    # -- running ---------------------------------------------------------------------------
    def _open_sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = Sandbox(self.host_functions, limits=self._sandbox_limits)
        return self._sandbox

    def ask(self, question: str, *, cancel: CancelToken | None = None) -> AgentResult:
        """Run the loop for one question until an answer or a limit; see ``AgentResult``.

        Raises ``ModelError`` when the model backend fails (after recording the trace).
        """
        if not question.strip():
            raise UsageError("the question is empty; ask something")
        session = self._open_sandbox().session()
        try:
            loop = RunLoop(
                question=question,
                model=self.model,
                system=self.system_prompt,
                functions=self.host_functions,
                session=session,
                check=self._checker.check,
                limits=self.limits,
                settings=self.settings,
                emit=self._emit,
                cancel=cancel or CancelToken(),
                workspace=str(self.workspace) if self.workspace is not None else None,
                tracer=self._tracer,
            )
            return loop.execute()
        finally:
            session.close()

    async def ask_async(self, question: str, *, cancel: CancelToken | None = None) -> AgentResult:
        """``ask`` in a worker thread; cancelling the awaiting task cancels the run cleanly."""
        token = cancel or CancelToken()
        task = asyncio.ensure_future(asyncio.to_thread(self.ask, question, cancel=token))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            token.cancel()
            await asyncio.wait([task])
            raise

    def close(self) -> None:
        """Stop the sandbox workers and close unfinished trace files."""
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
        if self.recorder is not None:
            self.recorder.close()
        model_close = getattr(self.model, "close", None)
        if callable(model_close):
            model_close()

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
