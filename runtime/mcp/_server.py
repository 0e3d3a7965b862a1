"""The MCP server: ``run_python`` and ``reset`` (and, optionally, each bridge) over one sandbox.

``build_server(settings)`` returns an ``mcp`` low-level ``Server`` whose handlers are methods of
``PunieMCP``. State per MCP session is one ``CodeSession`` (a sandbox namespace), opened at the
session's first ``run_python`` against the session's workspace: ``--workspace``, else the first
``file://`` root the client lists, else the current folder. Where it lives:

- stdio: one client per process, so one code session for the whole process (whichever protocol
  era the client speaks);
- streamable HTTP, handshake era: on the SDK's per-session ``Connection`` (``Mcp-Session-Id``),
  closed with it (client DELETE, idle timeout, shutdown);
- streamable HTTP, 2026-07-28 era (stateless, no session): a fresh namespace per call.

A snippet's mistakes, a limit hit, and bad tool arguments are tool results with ``isError``
(the text written for the model); only an unknown tool name is a protocol error. Handlers never
let an exception out: a bug becomes a tool error, and the server keeps serving.

A client's ``notifications/cancelled`` for a ``run_python`` in flight makes the SDK cancel its
handler, which stops the snippet (``runtime.mcp._cancel.StoppableRun``), waits for its thread,
and lets the SDK drop the request unanswered; the session's next result says what was lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

import anyio
import anyio.lowlevel
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from pydantic import TypeAdapter, ValidationError

from runtime._code_session import CodeRun, CodeSession, SnippetReport
from runtime._errors import UsageError
from runtime.mcp._cancel import StoppableRun
from runtime.mcp._settings import ServerSettings
from runtime.mcp._workspaces import Workspace, WorkspaceCache
from sandbox import HostFunction, HostFunctionError, render_stubs

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext

__all__ = [
    "RESET_TOOL",
    "RUN_TOOL",
    "STUBS_URI",
    "PunieMCP",
    "build_server",
    "run_result",
    "tool_failure",
    "tracing_configured",
]

RUN_TOOL = "run_python"
RESET_TOOL = "reset"
STUBS_URI = "punie://stubs"
BRIDGE_URI = "punie://bridges/"
_STATE_KEY = "punie.code_session"
_ROOTS_TIMEOUT_S = 10.0
_RESULT_CHARS = 64 * 1024
"""Longest JSON text of an exposed bridge's result; the structured content carries it whole."""

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

_RUN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {
            "type": "string",
            "description": "The Python snippet to run (calls the functions in the description).",
        }
    },
    "required": ["code"],
    "additionalProperties": False,
}
_EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
_RESET_DESCRIPTION = (
    "Forget every name the run_python snippets of this session defined, and look at the "
    "client's workspace roots again at the next run_python."
)


class _SessionState:
    """One MCP session's code session and workspace, opened at its first ``run_python``."""

    def __init__(self) -> None:
        self.workspace: Workspace | None = None
        self.code: CodeSession | None = None
        self.lock = anyio.Lock()
        self.protocol_version = ""
        """The protocol version of the last ``run_python`` the SDK served for this session."""

    def close(self) -> None:
        code, self.code, self.workspace = self.code, None, None
        if code is not None:
            code.close()


class PunieMCP:
    """The handlers of ``punie mcp`` and the state behind them; see ``build_server``."""

    def __init__(self, settings: ServerSettings, *, one_client: bool) -> None:
        self.settings = settings
        self.workspaces = WorkspaceCache(settings)
        self._default = settings.workspace or Path.cwd()
        self._shared = _SessionState() if one_client else None
        self._listing: Workspace | None = None
        # stdio: every sandbox call of the one client on one thread, in the order submitted, so
        # that a run the stdio fast path (``runtime.mcp._fast``) started and a ``reset`` the
        # SDK serves next keep their order; and handing work to a plain executor thread costs
        # less than ``anyio.to_thread`` (benchmarks/mcp.py).
        self._runs = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="punie-mcp-run")
            if one_client
            else None
        )

    # -- what the server offers ------------------------------------------------------------

    def listing(self) -> Workspace:
        """The workspace tools/list and resources describe: ``--workspace`` or the current folder."""
        if self._listing is None:
            self._listing = self.workspaces.get(self._default)
        return self._listing

    def tools(self) -> list[types.Tool]:
        workspace = self.listing()
        tools = [
            types.Tool(
                name=RUN_TOOL,
                title="Run Python against the workspace's typed tools",
                description=workspace.description,
                input_schema=_RUN_SCHEMA,
                output_schema=SnippetReport.model_json_schema(),
                annotations=types.ToolAnnotations(
                    read_only_hint=not any(_writes(f) for f in workspace.functions),
                    open_world_hint=False,
                ),
            ),
            types.Tool(
                name=RESET_TOOL,
                title="Reset the run_python session",
                description=_RESET_DESCRIPTION,
                input_schema=_EMPTY_SCHEMA,
                annotations=types.ToolAnnotations(
                    read_only_hint=True, idempotent_hint=True, open_world_hint=False
                ),
            ),
        ]
        if self.settings.expose_bridges:
            tools += [_bridge_tool(function) for function in workspace.functions]
        return tools

    # -- handlers --------------------------------------------------------------------------

    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=await anyio.to_thread.run_sync(self.tools))

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        name, arguments = params.name, params.arguments or {}
        try:
            if name == RUN_TOOL:
                return await self._run_python(ctx, arguments)
            if name == RESET_TOOL:
                return await self._reset(ctx, arguments)
            if self.settings.expose_bridges:
                function = (await anyio.to_thread.run_sync(self.listing)).function(name)
                if function is not None:
                    return await self._call_bridge(ctx, function, arguments)
        except Exception as error:  # a bug must not end the session or the server
            return tool_failure(name, error)
        known = ", ".join(tool.name for tool in self.tools())
        raise MCPError(
            code=types.INVALID_PARAMS, message=f"unknown tool {name!r}; the tools are: {known}"
        )

    async def list_resources(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        workspace = await anyio.to_thread.run_sync(self.listing)
        resources = [
            types.Resource(
                uri=STUBS_URI,
                name="stubs",
                title="Bridge stubs",
                description="The typed functions run_python snippets may call, as Python stubs",
                mime_type="text/x-python",
            )
        ]
        resources += [
            types.Resource(
                uri=BRIDGE_URI + function.name,
                name=function.name,
                title=f"{function.name} documentation",
                description=_first_line(function.docstring),
                mime_type="text/markdown",
            )
            for function in workspace.functions
        ]
        return types.ListResourcesResult(resources=resources)

    async def read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        workspace = await anyio.to_thread.run_sync(self.listing)
        uri = str(params.uri)
        if uri == STUBS_URI:
            text = render_stubs(workspace.functions)
            mime = "text/x-python"
        elif uri.startswith(BRIDGE_URI) and workspace.function(uri[len(BRIDGE_URI) :]):
            text = _bridge_document(uri[len(BRIDGE_URI) :])
            mime = "text/markdown"
        else:
            raise MCPError(
                code=types.INVALID_PARAMS,
                message=f"no resource {uri[:200]!r}; list them with resources/list "
                f"({STUBS_URI} and {BRIDGE_URI}NAME for each bridge)",
            )
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type=mime, text=text)]
        )

    # -- tools -----------------------------------------------------------------------------

    async def _run_python(
        self, ctx: ServerRequestContext[Any], arguments: dict[str, Any]
    ) -> types.CallToolResult:
        code = arguments.get("code")
        extra = sorted(set(arguments) - {"code"})
        if not isinstance(code, str) or extra:
            got = (
                f"unexpected argument(s) {', '.join(map(repr, extra))}"
                if extra
                else ("no 'code'" if code is None else f"'code' of type {type(code).__name__}")
            )
            return _tool_error(
                f"run_python takes one argument, 'code': the Python snippet as a string; got "
                f'{got}. Call it as run_python(code="print(1 + 1)")'
            )
        state, stateless = self._state(ctx)
        try:
            async with state.lock:
                if state.code is None:
                    workspace = await self._workspace_for(ctx)
                    state.workspace = workspace
                    state.code = workspace.open_session()
                session = state.code
                state.protocol_version = ctx.protocol_version
                run = await self._stoppable(StoppableRun(session, code))
        finally:
            if stateless:
                await anyio.to_thread.run_sync(state.close)
        return run_result(run)

    async def _reset(
        self, ctx: ServerRequestContext[Any], arguments: dict[str, Any]
    ) -> types.CallToolResult:
        if arguments:
            return _tool_error(
                f"reset takes no arguments; got {', '.join(map(repr, sorted(arguments)))}"
            )
        state, _ = self._state(ctx)
        async with state.lock:
            await self._in_thread(state.close)
        return types.CallToolResult(
            content=[types.TextContent(text="The session was reset: no names are defined.")]
        )

    async def _call_bridge(
        self, ctx: ServerRequestContext[Any], listed: HostFunction, arguments: dict[str, Any]
    ) -> types.CallToolResult:
        state, stateless = self._state(ctx)
        workspace = state.workspace
        if workspace is None or stateless:
            workspace = await self._workspace_for(ctx)
        function = workspace.function(listed.name) or listed
        try:
            validated = function.argument_model.model_validate(arguments)
        except ValidationError as invalid:
            return _tool_error(f"{function.name}: {_argument_problems(function, invalid)}")
        try:
            data = await anyio.to_thread.run_sync(
                lambda: function.validate_result(function.function(**validated.__dict__))
            )
        except HostFunctionError as failed:
            return _tool_error(str(failed) or f"{function.name}() failed")
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if len(text) > _RESULT_CHARS:
            text = text[:_RESULT_CHARS] + "\n... [cut; the structured content holds all of it]"
        return types.CallToolResult(
            content=[types.TextContent(text=text)],
            structured_content=data if isinstance(data, dict) else {"result": data},
        )

    # -- the stdio fast path ------------------------------------------------------------------

    def fast_session(self) -> CodeSession | None:
        """The stdio client's code session when a ``run_python`` may skip the SDK, else None.

        Only once the SDK has served a ``run_python`` that opened it (so the handshake is done
        and the workspace chosen) in a handshake-era protocol, and while nothing holds it.
        """
        state = self._shared
        if state is None or state.code is None or state.lock.locked():
            return None
        if state.protocol_version not in HANDSHAKE_PROTOCOL_VERSIONS:
            return None
        return state.code

    @property
    def protocol_version(self) -> str:
        """The stdio client's protocol version, as of its last ``run_python`` the SDK served."""
        return self._shared.protocol_version if self._shared is not None else ""

    def submit(self, function: Callable[..., _T], *arguments: object) -> Future[_T]:
        """Start ``function(*arguments)`` on the stdio client's sandbox thread."""
        if self._runs is None:
            raise RuntimeError("submit is for the stdio server (one_client=True)")
        return self._runs.submit(function, *arguments)

    async def _in_thread(self, function: Callable[..., _T], *arguments: object) -> _T:
        """``function(*arguments)`` off the event loop; it runs to its end even if cancelled
        (as ``anyio.to_thread.run_sync`` without ``abandon_on_cancel``)."""
        if self._runs is None or not _on_asyncio():
            return await anyio.to_thread.run_sync(function, *arguments)
        future = asyncio.wrap_future(self._runs.submit(function, *arguments))
        with anyio.CancelScope(shield=True):
            result = await future
        await anyio.lowlevel.checkpoint_if_cancelled()
        return result

    async def _stoppable(self, run: StoppableRun) -> CodeRun:
        """``run()`` off the event loop (on the stdio sandbox thread when there is one); when
        this handler is cancelled (the client's ``notifications/cancelled``, or shutdown), the
        snippet is stopped, its thread waited for (so the session's lock is free only after
        it), and the cancellation goes on."""
        if self._runs is not None and _on_asyncio():
            waiter = asyncio.wrap_future(self._runs.submit(run))
            try:
                result = await asyncio.shield(waiter)
            except anyio.get_cancelled_exc_class():
                run.stop()
                with anyio.CancelScope(shield=True):
                    await waiter
                raise
        else:
            finished: Future[CodeRun | None] = Future()

            def work() -> None:
                try:
                    finished.set_result(run())
                except BaseException as error:
                    finished.set_exception(error)

            try:
                await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
            except anyio.get_cancelled_exc_class():
                run.stop()
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(finished.exception)  # waits for the end
                raise
            result = finished.result()
        if result is None:  # only ``stop()`` makes it None, and only when cancelled above
            raise RuntimeError("run_python was stopped without being cancelled")
        return result

    # -- sessions and workspaces ------------------------------------------------------------

    def _state(self, ctx: ServerRequestContext[Any]) -> tuple[_SessionState, bool]:
        """The session's state, and whether it must be closed after this call (stateless)."""
        if self._shared is not None:
            return self._shared, False
        # The SDK keeps per-connection ``state`` and an ``exit_stack`` for exactly this, but
        # 2.3 hands low-level handlers only the per-request ``ServerSession`` in front of it.
        connection = getattr(ctx.session, "_connection", None)
        if connection is None or getattr(connection, "session_id", None) is None:
            return _SessionState(), True
        state = connection.state.get(_STATE_KEY)
        if state is None:
            state = connection.state[_STATE_KEY] = _SessionState()

            async def close() -> None:
                await anyio.to_thread.run_sync(state.close)

            connection.exit_stack.push_async_callback(close)
        return state, False

    async def _workspace_for(self, ctx: ServerRequestContext[Any]) -> Workspace:
        root = self.settings.workspace
        if root is None:
            root = await _root_from_client(ctx) or self._default
        return await anyio.to_thread.run_sync(self.workspaces.get, root)

    def close(self) -> None:
        if self._runs is not None:
            self._runs.shutdown(wait=True)  # runs in flight end first (their answers go out)
        if self._shared is not None:
            self._shared.close()
        self.workspaces.close()


def build_server(settings: ServerSettings, *, one_client: bool = False) -> Server[Any]:
    """The ``mcp`` server for ``settings``; ``one_client`` for stdio (one namespace per process).

    Loads the bridges of the default workspace now, so that a wrong ``--workspace``, profile or
    bridge name is a ``UsageError`` before serving, not an error in every tool call; sandbox
    workers start at the first ``run_python``.
    """
    return _build(settings, one_client=one_client)[0]


def _build(settings: ServerSettings, *, one_client: bool) -> tuple[Server[Any], PunieMCP]:
    """``build_server``'s server and the ``PunieMCP`` behind its handlers."""
    from runtime.cli import package_version

    punie = PunieMCP(settings, one_client=one_client)
    punie.listing()

    @asynccontextmanager
    async def lifespan(_server: Server[Any]) -> AsyncGenerator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await anyio.to_thread.run_sync(punie.close)

    server: Server[Any] = Server(
        "punie",
        version=package_version(),
        title="punie code mode",
        instructions=(
            "run_python runs a Python snippet in punie's local sandbox against typed tools over "
            "the user's workspace (type checker, linter, tests, git, files, navigation). Prefer "
            "one snippet that calls several tools and prints only what you need."
        ),
        lifespan=lifespan,
        on_list_tools=punie.list_tools,
        on_call_tool=punie.call_tool,
        on_list_resources=punie.list_resources,
        on_read_resource=punie.read_resource,
    )
    if not tracing_configured():
        # The SDK wraps every request in an OpenTelemetry span; with no tracer provider set up
        # the span records nothing, yet costs a tenth of a 1+1 round trip (benchmarks/mcp.py).
        from mcp.server._otel import OpenTelemetryMiddleware

        server.middleware = [
            each for each in server.middleware if not isinstance(each, OpenTelemetryMiddleware)
        ]
    return server, punie


def _on_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # anyio on trio: ``_in_thread`` uses anyio's threads
        return False
    return True


def tracing_configured() -> bool:
    """Whether an OpenTelemetry tracer provider is set (in code, by ``opentelemetry-instrument``
    or ``OTEL_PYTHON_TRACER_PROVIDER``): only then do the SDK's per-request spans go anywhere."""
    from opentelemetry import trace

    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def run_result(run: CodeRun) -> types.CallToolResult:
    """``run_python``'s result for a finished snippet."""
    return types.CallToolResult(
        content=[types.TextContent(text=run.text)],
        structured_content=run.report.model_dump(mode="json"),
        is_error=not run.report.ok,
    )


def tool_failure(name: str, error: Exception) -> types.CallToolResult:
    """The tool error for an exception a tool raised: never a protocol error, never fatal."""
    if isinstance(error, UsageError):  # a workspace that cannot be served: the person must act
        return _tool_error(f"punie cannot serve this workspace: {error}")
    logger.error("tool %s failed", name, exc_info=error)
    return _tool_error(f"{name} failed inside punie ({type(error).__name__}: {error})")


# -- helpers ------------------------------------------------------------------------------


def _tool_error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0] if text.strip() else ""


def _writes(function: HostFunction) -> bool:
    from bridges import registry

    return any(record.name == function.name and record.writes for record in registry())


def _bridge_tool(function: HostFunction) -> types.Tool:
    from sandbox import render_stub

    return types.Tool(
        name=function.name,
        description=render_stub(function),
        input_schema=function.argument_model.model_json_schema(),
        output_schema=TypeAdapter(function.result_type).json_schema(),
        annotations=types.ToolAnnotations(read_only_hint=not _writes(function)),
    )


def _bridge_document(name: str) -> str:
    from bridges import registry, render_section

    record = next(record for record in registry() if record.name == name)
    return render_section(record)


def _argument_problems(function: HostFunction, invalid: ValidationError) -> str:
    fields = list(function.argument_model.model_fields)
    problems = []
    for item in invalid.errors(include_url=False):
        where = ".".join(str(part) for part in item.get("loc", ())) or "arguments"
        if item.get("type") == "extra_forbidden":
            problems.append(f"unexpected argument {where!r}")
        elif item.get("type") == "missing":
            problems.append(f"missing required argument {where!r}")
        else:
            problems.append(f"argument {where!r}: {item.get('msg')}")
    return f"{'; '.join(problems)} (its arguments are: {', '.join(fields) or 'none'})"


async def _root_from_client(ctx: ServerRequestContext[Any]) -> Path | None:
    """The first ``file://`` folder among the client's roots, or None (no roots, not asked)."""
    capabilities = ctx.session.client_capabilities
    if capabilities is None or capabilities.roots is None:
        return None
    from mcp.shared.message import ServerMessageMetadata

    try:
        with anyio.fail_after(_ROOTS_TIMEOUT_S):
            # Related to this request, so that on HTTP it rides this call's response stream.
            listed = await ctx.session.send_request(
                types.ListRootsRequest(),
                types.ListRootsResult,
                metadata=ServerMessageMetadata(related_request_id=ctx.request_id),
            )
    except Exception as error:  # no back channel, a client error, a timeout: use the default
        logger.info("could not list the client's roots (%s); using the default workspace", error)
        return None
    for root in listed.roots:
        uri = urlparse(str(root.uri))
        if uri.scheme == "file":
            path = Path(unquote(uri.path))
            if path.is_dir():
                return path
    return None
