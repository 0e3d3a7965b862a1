"""``Sandbox`` and ``Session``: run snippets in locked-down workers against typed host functions.

The host side of a run: bound the source size, hand the snippet to a worker, answer its host
function calls (validate arguments with the function's argument model, run it, validate the
result, send JSON data back), enforce the wall time by killing the worker, and build the
``RunResult``. Only data crosses from the worker; nothing it sends is unpickled or compared as a
live object.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any

from pydantic import ValidationError

from sandbox._calls import HostCaller
from sandbox._errors import SandboxClosedError
from sandbox._host import HostFunction, as_host_function
from sandbox._limits import Limits
from sandbox._pool import WorkerPool
from sandbox._process import WorkerDied, WorkerGone, WorkerProcess, WorkerTimeout
from sandbox._result import ErrorKind, RunResult, SnippetError
from sandbox._session_blob import (
    MAX_SESSION_BYTES,
    SessionBlobError,
    SessionContent,
    decode_blob,
    encode_blob,
    validate_content,
)
from sandbox._shapes import result_shape
from sandbox._worker._messages import CallAnswer, CallFailure, InitMessage, WorkerLimits

__all__ = ["Sandbox", "Session"]

_ATTEMPTS = 3
"""Workers a stateless run tries when the ones it gets turn out to be dead (killed while idle)."""


class Sandbox:
    """Runs model-written snippets in locked-down worker processes.

    ``host_functions`` are plain typed callables (keyword-only, annotated parameters) or
    ``HostFunction`` records; they are the snippet's only way out. ``run`` is stateless (a fresh
    namespace every time); ``session()`` keeps one namespace across runs. ``deterministic``
    freezes the clock at 2000-01-01 00:00:00 UTC and seeds ``random`` with 0 for every new
    namespace, for reproducible evaluation runs. Both are safe to use
    from several threads at once. Use it as a context manager so that workers are stopped.
    """

    def __init__(
        self,
        host_functions: Iterable[HostFunction | Callable[..., Any]] = (),
        limits: Limits | None = None,
        *,
        pool_size: int = 2,
        deterministic: bool = False,
        _unsafe_skip_policy: bool = False,
    ) -> None:
        functions: dict[str, HostFunction] = {}
        for item in host_functions:
            function = as_host_function(item)
            if function.name in functions:
                raise ValueError(f"two host functions are named {function.name!r}; rename one")
            functions[function.name] = function
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._functions = functions
        self._limits = limits if limits is not None else Limits()
        self._caller = HostCaller(functions, self._limits.host_calls)
        self._late_message: str = (
            f"the run took longer than {self._limits.run_timeout_s:g} s in all, host function "
            "calls included, and was stopped; make fewer or cheaper host calls per snippet"
        )
        self._late: CallFailure = {
            "ok": False,
            "kind": "run_timeout",
            "message": self._late_message,
        }
        init: InitMessage = {
            "op": "init",
            "limits": _worker_limits(self._limits),
            "functions": [
                {"name": name, "shape": result_shape(function.result_type)}
                for name, function in functions.items()
            ],
            "unsafe_skip_policy": _unsafe_skip_policy,
        }
        if deterministic:
            init["deterministic"] = True
        self._deterministic = deterministic
        self._pool = WorkerPool(init, pool_size)
        self._started = False
        self._closed = False
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker pool now instead of at the first run."""
        with self._lock:
            if self._closed:
                raise SandboxClosedError("the sandbox is closed; create a new Sandbox")
            if self._started:
                return
            self._started = True
        self._pool.start()

    def close(self) -> None:
        """Stop every idle worker; runs in progress finish, later runs raise."""
        with self._lock:
            self._closed = True
        self._pool.close()

    # -- public API -----------------------------------------------------------------------

    @property
    def limits(self) -> Limits:
        return self._limits

    @property
    def deterministic(self) -> bool:
        """Whether runs are reproducible: a frozen clock, ``random`` seeded for every new
        namespace, unsalted string hashing (``Sandbox(deterministic=True)``)."""
        return self._deterministic

    @property
    def host_functions(self) -> tuple[HostFunction, ...]:
        return tuple(self._functions.values())

    def run(self, source: str) -> RunResult:
        """Run a snippet in a fresh namespace and return its result (never raises for snippets)."""
        self._ensure_open()
        started = time.perf_counter()
        for _ in range(_ATTEMPTS):
            worker = self._pool.acquire()
            try:
                result = self._execute(worker, source, session=False)
            except WorkerGone:  # killed while idle, before this run reached it: use another
                self._pool.discard(worker)
                continue
            except BaseException:
                self._pool.discard(worker)
                raise
            self._pool.release(worker)
            return result
        return _failed("crash", "no sandbox worker could be reached; try again", started)

    def session(self) -> Session:
        """A namespace that persists across runs until the session ends (or is reset)."""
        self._ensure_open()
        return Session(self)

    def restore(self, blob: bytes, *, max_bytes: int = MAX_SESSION_BYTES) -> Session:
        """A session opened from ``Session.dump()``'s blob (made in this process or another).

        The blob is checked on the host (``SessionBlobError`` for a truncated, corrupted,
        oversized, wrong-version or hostile one); its data is bound and its functions and
        classes are replayed from their source under the policy, in a worker. Host functions
        cannot be called while that happens.
        """
        self._ensure_open()
        content = decode_blob(blob, max_bytes=max_bytes, source_bytes=self._limits.source_bytes)
        bound = [*content.names, *(name for name, _ in content.definitions)]
        hidden = sorted(set(bound) & set(self._functions))
        if hidden:
            raise SessionBlobError(
                f"the saved session binds {', '.join(hidden)}, which would hide the host "
                "function(s) of that name in this sandbox; restore it in a sandbox without them"
            )
        session = Session(self)
        try:
            session._restore(content)
        except BaseException:
            session.close()
            raise
        return session

    def lockdown_report(self) -> dict[str, Any]:
        """What the worker layer enforces here (e.g. ``{"seccomp": True, "landlock": True, "rlimits": True}``)."""
        self._ensure_open()
        worker = self._pool.acquire()
        try:
            report = dict(worker.wait_ready())
        finally:
            self._pool.release(worker)
        report.pop("op", None)
        report.pop("pid", None)
        return report

    # -- internals ------------------------------------------------------------------------

    def _ensure_open(self) -> None:
        if self._closed:
            raise SandboxClosedError("the sandbox is closed; create a new Sandbox")
        if not self._started:
            self.start()

    def _execute(self, worker: WorkerProcess, source: str, *, session: bool) -> RunResult:
        started = time.perf_counter()
        if not isinstance(source, str):
            raise TypeError(f"source must be str, got {type(source).__name__}")
        if source.startswith("\ufeff"):
            source = source[1:]  # a byte-order mark from a file read without utf-8-sig
        limits = self._limits
        size = len(source)  # at most 4 bytes of UTF-8 per character: count only when close
        if size * 4 > limits.source_bytes:
            size = len(source.encode("utf-8", "surrogatepass"))
        if size > limits.source_bytes:
            return _failed(
                "policy",
                f"the snippet is {size} bytes; the limit is {limits.source_bytes}: split the "
                "work into smaller snippets",
                started,
            )
        calls: list[Any] = []  # HostCall data, validated with the RunResult
        try:
            reply = worker.request(
                {"op": "run", "source": source, "session": session},
                timeout_s=limits.timeout_s,
                on_call=self._caller.answer,
                on_calls=self._caller.answer_batch,
                calls=calls,
                run_timeout_s=limits.run_timeout_s,
                late=self._late,
            )
        except WorkerTimeout as timeout:
            lost = "; the session's variables were lost" if session else ""
            if timeout.whole_run:
                return _failed("run_timeout", self._late_message + lost, started, calls)
            return _failed(
                "timeout",
                f"the snippet ran longer than {limits.timeout_s:g} s and was stopped{lost}; do "
                "less work per snippet (smaller inputs, fewer iterations, no endless loops)",
                started,
                calls,
            )
        except WorkerDied as died:
            if isinstance(died, WorkerGone) and not session:
                raise  # nothing ran: ``run`` retries on another worker
            lost = "; the session's variables were lost" if session else ""
            return _failed(
                "crash",
                "the worker process running the snippet died (it may have exhausted memory or "
                f"crashed the interpreter){lost}; simplify the snippet and work on less data",
                started,
                calls,
            )
        if reply.get("retire"):
            worker.kill()  # it hit the memory limit: its heap is no longer trustworthy
        result = _result_from_reply(reply, calls, started)
        if result is None:  # a worker that breaks the protocol is never used again
            worker.kill()
            return _failed("crash", "the worker sent a malformed reply", started, calls)
        return result


# pydantic-core's validators directly: ``model_validate`` adds work to every run.
_validate_result: Callable[[Any], RunResult] = RunResult.__pydantic_validator__.validate_python
_validate_error: Callable[[Any], SnippetError] = SnippetError.__pydantic_validator__.validate_python


def _failed(
    kind: ErrorKind, message: str, started: float, calls: list[Any] | None = None
) -> RunResult:
    return RunResult.model_validate(
        {
            "ok": False,
            "error": SnippetError(kind=kind, message=message),
            "calls": calls or [],
            "duration_s": time.perf_counter() - started,
        }
    )


def _worker_limits(limits: Limits) -> WorkerLimits:
    """The limits a worker enforces itself (the host enforces the rest)."""
    return {
        "timeout_s": limits.timeout_s,
        "memory_mb": limits.memory_mb,
        "output_bytes": limits.output_bytes,
        "argument_bytes": limits.argument_bytes,
        "nesting_depth": limits.nesting_depth,
        "recursion_depth": limits.recursion_depth,
        "value_chars": limits.value_chars,
    }


def _result_from_reply(
    reply: Mapping[str, Any], calls: list[Any], started: float
) -> RunResult | None:
    """The run's result, or ``None`` when the reply is not a well-formed ``done`` message
    (``DoneMessage``; the worker is not trusted, so every field is checked)."""
    if reply.get("op") != "done":
        return None
    try:
        error_data = reply.get("error")
        error = _validate_error(error_data) if error_data else None
        ok = bool(reply.get("ok")) and error is None
        stdout = reply.get("stdout") or ""
        if type(stdout) is not str:
            raise TypeError("stdout is not a string")
        return _validate_result(
            {
                "ok": ok,
                "value": reply.get("value") if ok else None,
                "stdout": stdout,
                "error": error,
                "calls": calls,
                "duration_s": time.perf_counter() - started,
            }
        )
    except (ValidationError, TypeError):
        return None


class Session:
    """A namespace kept across runs (REPL-style) in one dedicated worker.

    Thread-safe (runs are serialised). If a run times out or crashes the worker, the session's
    variables are lost and the next run starts from an empty namespace in a fresh worker.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._worker: WorkerProcess | None = None
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        """Whether the worker holding this session's names is alive: False before the first run
        and after a run that lost it (a timeout, a crash, the memory limit, ``interrupt()``), when
        the next run starts from an empty namespace. Callers that track the names a session's
        snippets bound (a pre-run check, completion) forget them when this turns False."""
        worker = self._worker
        return worker is not None and not worker.dead

    def run(self, source: str) -> RunResult:
        """Run a snippet in the session's namespace."""
        with self._lock:
            if self._closed:
                raise SandboxClosedError("the session is closed; open a new one with session()")
            worker = self._worker
            if worker is None or worker.dead:
                worker = self._worker = self._sandbox._pool.acquire(for_session=True)
            try:
                return self._sandbox._execute(worker, source, session=True)
            except BaseException:
                self._sandbox._pool.discard(worker)
                raise

    def dump(self) -> bytes:
        """The session's names as a blob for ``Sandbox.restore`` (here or in another process).

        Saved: names bound to data (str, numbers, lists, tuples, dicts, sets, host function
        results), imported stand-in modules, and the functions and classes the session's
        snippets defined at their top level (as source). Anything else is skipped and listed
        with the reason (``sandbox.read_session(blob).skipped``). Raises ``SessionBlobError``
        when the data is larger than ``MAX_SESSION_BYTES`` (16 MiB).
        """
        with self._lock:
            if self._closed:
                raise SandboxClosedError("the session is closed; open a new one with session()")
            worker = self._worker
            if worker is None or worker.dead:
                content = SessionContent(names={}, definitions=[], skipped={})
            else:
                content = self._dump(worker)
        blob = encode_blob(content)
        if len(blob) > MAX_SESSION_BYTES:
            raise SessionBlobError(
                f"the session holds {len(blob)} bytes of data, more than the "
                f"{MAX_SESSION_BYTES} a saved session may hold; delete large names (del name) "
                "and dump again"
            )
        return blob

    def _dump(self, worker: WorkerProcess) -> SessionContent:
        limits = self._sandbox.limits
        try:
            reply = worker.request(
                {"op": "dump"}, timeout_s=limits.timeout_s, on_call=_no_calls, calls=[]
            )
            if reply.get("op") != "done" or not reply.get("ok"):
                raise SessionBlobError("the session's worker could not describe its names")
            return validate_content(reply.get("value"), source_bytes=limits.source_bytes)
        except (WorkerTimeout, WorkerDied, SessionBlobError) as error:
            self._sandbox._pool.discard(worker)
            self._worker = None
            raise SessionBlobError(
                f"the session could not be dumped ({error}); its worker was stopped and its "
                "names are lost"
            ) from None

    def _restore(self, content: SessionContent) -> None:
        """Bind a validated saved session in a fresh worker (``Sandbox.restore``)."""
        with self._lock:
            worker = self._worker = self._sandbox._pool.acquire(for_session=True)
            limits = self._sandbox.limits
            try:
                reply = worker.request(
                    {
                        "op": "restore",
                        "names": content.names,
                        "definitions": content.definitions,
                    },
                    timeout_s=limits.timeout_s,
                    on_call=_no_restore_calls,
                    calls=[],
                )
            except (WorkerTimeout, WorkerDied) as error:
                self._worker = None
                raise SessionBlobError(
                    f"the saved session could not be restored: its replay took longer than "
                    f"{limits.timeout_s:g} s or stopped its worker ({type(error).__name__})"
                ) from None
            if reply.get("retire"):  # it hit the memory limit while replaying: not reusable
                self._sandbox._pool.discard(worker)
                self._worker = None
            if reply.get("op") != "done" or not reply.get("ok"):
                error_data = reply.get("error")
                message = error_data.get("message") if type(error_data) is dict else None
                raise SessionBlobError(
                    f"the saved session could not be restored: {message or 'its worker failed'}"
                )

    def reset(self) -> None:
        """Forget every variable, function and class defined in the session."""
        with self._lock:
            if self._closed:
                raise SandboxClosedError("the session is closed; open a new one with session()")
            worker = self._worker
            if worker is None or worker.dead:
                return
            try:
                reply = worker.request({"op": "reset"}, timeout_s=5.0, on_call=_no_calls, calls=[])
            except (WorkerTimeout, WorkerDied):
                self._worker = None
                return
            if reply.get("retire"):  # what the session left behind could not be cleaned up
                self._sandbox._pool.discard(worker)
                self._worker = None

    def interrupt(self) -> bool:
        """Stop the snippet this session is running now, from any thread (a user's Ctrl-C, an
        editor's cancel). Its worker is killed, so the run ends at once as a crashed snippet and
        the session's names are lost, as after a timeout; the next run starts a fresh worker.
        Returns whether there was a live worker to stop. Takes no lock: the lock is held by the
        run being stopped."""
        worker = self._worker
        if worker is None or worker.dead:
            return False
        worker.signal_kill()
        return True

    def close(self) -> None:
        """End the session: its namespace is dropped and its worker goes back to the pool.

        The worker is then in the same state as after a stateless run (a fresh namespace for
        the next run), so the next session does not pay for starting a process.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            worker, self._worker = self._worker, None
        if worker is None or worker.dead:
            return
        try:
            reply = worker.request({"op": "reset"}, timeout_s=2.0, on_call=_no_calls, calls=[])
        except (WorkerTimeout, WorkerDied):
            self._sandbox._pool.discard(worker)
            return
        if reply.get("op") == "done" and reply.get("ok") and not reply.get("retire"):
            self._sandbox._pool.release(worker)
        else:
            self._sandbox._pool.discard(worker)


def _no_calls(message: Mapping[str, Any], calls: list[Any]) -> CallAnswer:
    return {"ok": False, "kind": "host_function", "message": "no host calls during reset"}


def _no_restore_calls(message: Mapping[str, Any], calls: list[Any]) -> CallAnswer:
    return {
        "ok": False,
        "kind": "host_function",
        "message": "host functions cannot be called while a saved session is restored; "
        "call them in a snippet after the restore",
    }
