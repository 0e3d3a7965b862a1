"""The public API: names, the issue's example, sessions, threads, host calls and typed errors."""

from __future__ import annotations

import json
import threading

import pytest

import sandbox
from sandbox import (
    HostFunction,
    Limits,
    RunResult,
    Sandbox,
    SandboxClosedError,
    SnippetError,
)
from tests.sandbox.sandbox_support import TypeCheckResult

EXPECTED_ALL = [
    "ErrorKind",
    "HostCall",
    "HostFunction",
    "HostFunctionError",
    "Limits",
    "MAX_SESSION_BYTES",
    "PrecheckIssue",
    "Prechecker",
    "RunResult",
    "Sandbox",
    "SandboxClosedError",
    "SandboxError",
    "SavedSession",
    "Session",
    "SessionBlobError",
    "SnippetError",
    "WorkerStartError",
    "as_host_function",
    "bound_names",
    "precheck",
    "read_session",
    "render_stub",
    "render_stubs",
]


def test_public_names_are_pinned() -> None:
    assert sorted(sandbox.__all__) == EXPECTED_ALL
    for name in sandbox.__all__:
        assert getattr(sandbox, name) is not None


def test_issue_example_verbatim() -> None:
    def double(*, x: int) -> int:
        return 2 * x

    with Sandbox(host_functions=[double], limits=Limits(timeout_s=2.0, memory_mb=256)) as sb:
        r = sb.run("y = double(x=20)\ny + 2")
        assert r.ok and r.value == 42
        with sb.session() as s:  # state persists between runs until the session ends
            s.run("a = 1")
            assert s.run("a + 1").value == 2


def test_limits_defaults_are_on() -> None:
    limits = Limits()
    assert limits.timeout_s == 5.0
    assert limits.memory_mb == 256
    assert limits.output_bytes == 64 * 1024
    assert limits.host_calls == 100
    assert limits.source_bytes == 64 * 1024
    assert limits.nesting_depth > 0


def test_limits_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        Limits(timeout_s=0)
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=1)


def test_stateless_runs_share_nothing(sb: Sandbox) -> None:
    assert sb.run("secret = 41\nsecret").value == 41
    r = sb.run("secret")
    assert not r.ok and r.error is not None
    assert r.error.kind == "runtime" and "NameError" in r.error.message


def test_session_keeps_state_and_reset_forgets(sb: Sandbox) -> None:
    with sb.session() as s:
        assert s.run("def f(v):\n    return v * 3\nitems = [1]").ok
        assert s.run("items.append(f(2))\nitems").value == [1, 6]
        s.reset()
        r = s.run("items")
        assert r.error is not None and r.error.kind == "runtime"
        assert s.run("1 + 1").value == 2


def test_sessions_are_independent(sb: Sandbox) -> None:
    with sb.session() as a, sb.session() as b:
        a.run("x = 'a'")
        b.run("x = 'b'")
        assert a.run("x").value == "a"
        assert b.run("x").value == "b"


def test_closed_session_and_sandbox_raise_typed_errors() -> None:
    box = Sandbox()
    with box.session() as s:
        assert s.run("1").value == 1
    with pytest.raises(SandboxClosedError, match="session"):
        s.run("1")
    box.close()
    with pytest.raises(SandboxClosedError, match="create a new Sandbox"):
        box.run("1")


def test_runs_from_many_threads_at_once(sb: Sandbox) -> None:
    results: dict[int, RunResult] = {}

    def work(n: int) -> None:
        with sb.session() as s:
            s.run(f"n = {n}")
            results[n] = s.run("double(x=n) + 1")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {n: r.value for n, r in results.items()} == {n: 2 * n + 1 for n in range(4)}


def test_run_result_is_json_serialisable(sb: Sandbox) -> None:
    r = sb.run("print('hello')\nd = double(x=2)\n{'d': d, 'items': [1, 2.5, None, True]}")
    data = json.loads(r.model_dump_json())
    assert data["ok"] is True
    assert data["value"] == {"d": 4, "items": [1, 2.5, None, True]}
    assert data["stdout"] == "hello\n"
    assert data["calls"][0]["name"] == "double"
    assert data["calls"][0]["arguments"] == {"x": 2}
    assert RunResult.model_validate_json(r.model_dump_json()) == r


def test_value_that_is_not_data_comes_back_as_bounded_repr(sb: Sandbox) -> None:
    r = sb.run("class Point:\n    pass\nPoint()")
    assert r.ok and isinstance(r.value, str) and "Point object" in r.value
    r = sb.run("'x' * 100000")
    assert r.ok and len(r.value) < 20_000
    assert sb.run("None").value is None
    assert sb.run("x = 1").value is None


def test_result_models_become_read_only_records(sb: Sandbox) -> None:
    r = sb.run("r = typecheck(path='a.py')\n[r.ok, r.errors[0].message, len(r.errors)]")
    assert r.value == [False, "int is not str", 2]
    r = sb.run("typecheck(path='a.py').errorz")
    assert r.error is not None and r.error.kind == "runtime"
    assert "TypeCheckResult has no field 'errorz'; did you mean 'errors'?" in r.error.message
    r = sb.run("r = typecheck(path='a.py')\nr.ok = True")
    assert r.error is not None and "read-only" in r.error.message
    r = sb.run("typecheck(path='a.py')")
    assert r.value == TypeCheckResult.model_validate(r.value).model_dump()


def test_records_convert_back_to_data(sb: Sandbox) -> None:
    r = sb.run("import json\njson.loads(json.dumps(typecheck(path='a.py').errors[0]))")
    assert r.value == {"line": 3, "message": "int is not str"}


def test_host_function_error_is_catchable(sb: Sandbox) -> None:
    source = (
        "try:\n"
        "    typecheck(path='missing.py')\n"
        "except HostFunctionError as e:\n"
        "    caught = str(e)\n"
        "caught"
    )
    r = sb.run(source)
    assert r.ok and "no file named 'missing.py'" in r.value
    assert r.calls[0].ok is False and r.calls[0].error is not None


def test_uncaught_host_function_error(sb: Sandbox) -> None:
    r = sb.run("typecheck(path='missing.py')")
    assert r.error is not None and r.error.kind == "host_function"
    assert "list the workspace files first" in r.error.message
    assert r.error.line == 1


def test_other_host_exceptions_report_type_and_message_only(sb: Sandbox) -> None:
    r = sb.run("x = 1\nexplode(reason='disk on fire')")
    assert r.error is not None and r.error.kind == "host_function"
    assert r.error.message == "line 2: explode() failed: RuntimeError: disk on fire"
    assert "Traceback" not in r.error.message and r.error.line == 2


def test_bad_result_type_is_reported_as_host_bug(sb: Sandbox) -> None:
    r = sb.run("wrong_result()")
    assert r.error is not None and r.error.kind == "host_function"
    assert "does not match its declared result type" in r.error.message


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("double(x='abc')", "argument 'x' expects int"),
        ("double(x='abc')", "got 'abc' (str)"),
        ("double()", "missing required argument 'x' (int)"),
        ("double(x=1, y=2)", "unexpected argument 'y'"),
        ("double(xx=1)", "did you mean 'x'?"),
    ],
)
def test_argument_errors_name_argument_type_and_value(
    sb: Sandbox, source: str, fragment: str
) -> None:
    r = sb.run(source)
    assert r.error is not None and r.error.kind == "host_function"
    assert fragment in r.error.message


def test_positional_call_and_non_data_argument(sb: Sandbox) -> None:
    r = sb.run("double(3)")
    assert r.error is not None and "keyword arguments only" in r.error.message
    r = sb.run("class A:\n    pass\ndouble(x=A())")
    assert r.error is not None and "must be plain data" in r.error.message
    assert r.calls == []


def test_calls_are_recorded(sb: Sandbox) -> None:
    r = sb.run("[double(x=i) for i in range(3)]")
    assert r.value == [0, 2, 4]
    assert [(c.name, c.arguments, c.ok) for c in r.calls] == [
        ("double", {"x": 0}, True),
        ("double", {"x": 1}, True),
        ("double", {"x": 2}, True),
    ]
    assert all(c.duration_s >= 0 for c in r.calls)


def test_host_function_records_are_accepted() -> None:
    from pydantic import create_model

    record = HostFunction(
        name="greet",
        function=lambda *, who: f"hello {who}",
        argument_model=create_model("greet_arguments", who=(str, ...)),
        result_type=str,
        docstring="Say hello.",
    )
    with Sandbox(host_functions=[record]) as box:
        assert box.run("greet(who='you')").value == "hello you"


def test_bad_configuration_raises_clear_errors() -> None:
    def positional(x: int) -> int:
        return x

    with pytest.raises(TypeError, match="keyword-only"):
        Sandbox(host_functions=[positional])

    def twice(*, x: int) -> int:
        return x

    with pytest.raises(ValueError, match="two host functions"):
        Sandbox(host_functions=[twice, twice])
    with pytest.raises(TypeError, match="source must be str"), Sandbox() as box:
        box.run(b"1")  # ty: ignore[invalid-argument-type]


def test_snippet_error_model() -> None:
    error = SnippetError(kind="policy", message="m", line=3)
    assert error.kind == "policy"
    with pytest.raises(ValueError):
        SnippetError(kind="nonsense", message="m")  # ty: ignore[invalid-argument-type]


def test_stateless_runs_from_many_threads(sb: Sandbox) -> None:
    results: list[RunResult] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(5):
            result = sb.run(f"total = 0\nfor k in range({n * 10 + i}):\n    total += k\ntotal")
            with lock:
                results.append(result)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20 and all(r.ok for r in results)
    assert sorted(r.value for r in results) == sorted(
        sum(range(n * 10 + i)) for n in range(4) for i in range(5)
    )


@pytest.mark.parametrize(
    "mutation",
    [
        "sorted.leak = 1",
        "HostFunctionError.leak = 1",
        "import json\njson.loads.leak = 1",
        "import re\nre.error.leak = 1",
        "double.name = 'typecheck'",
        "def f():\n    pass\nf.leak = 1",
    ],
)
def test_shared_objects_cannot_carry_state_between_runs(sb: Sandbox, mutation: str) -> None:
    result = sb.run(mutation)
    assert result.error is not None and result.error.kind == "runtime"
    assert "cannot be changed" in result.error.message
    assert sb.run("double(x=2)").value == 4


def test_a_worker_killed_while_idle_is_replaced() -> None:
    import os
    import signal

    with Sandbox(pool_size=1) as box:
        assert box.run("1").value == 1
        idle = box._pool._idle
        assert idle
        os.kill(idle[0].pid, signal.SIGKILL)
        idle[0]._process.wait()
        assert box.run("2").value == 2


def test_lone_surrogates_do_not_break_json(sb: Sandbox) -> None:
    result = sb.run("print('\\ud800 and \\U0001f600')\n['\\udcff', 'ok']")
    assert result.ok
    data = json.loads(result.model_dump_json())
    assert data["stdout"] == "? and \U0001f600\n"
    assert data["value"] == ["?", "ok"]


def test_a_closed_session_gives_its_worker_back_without_its_state() -> None:
    import time

    with Sandbox(pool_size=2) as box:
        assert box.run("0").value == 0  # the pool fills up to two workers in the background
        waited = 0.0
        while len(box._pool._idle) < 2 and waited < 30:
            time.sleep(0.05)
            waited += 0.05
        with box.session() as first:
            assert first.run("secret = 'kept'\nsecret").value == "kept"
            worker = first._worker
        assert worker is not None and not worker.dead
        assert worker in box._pool._idle
        with box.session() as second:
            assert second.run("1").value == 1
            assert second._worker is worker
            result = second.run("secret")
            assert result.error is not None and "NameError" in result.error.message
        assert box.run("secret").error is not None


def test_a_forgotten_sandbox_leaves_no_process_behind() -> None:
    import gc
    import os

    box = Sandbox()
    session = box.session()
    assert session.run("1").value == 1
    assert box.run("2").value == 2
    pids = [worker.pid for worker in box._pool._idle]
    assert session._worker is not None
    pids.append(session._worker.pid)
    del box, session
    gc.collect()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_bound_names_are_what_a_snippet_assigns_and_defines() -> None:
    code = "a = 1\nb, c = 2, 3\nfor d in []: pass\ndef f(x): y = x\nclass K: pass\nprint(a)\n"
    assert sandbox.bound_names(code) == {"a", "b", "c", "d", "f", "y", "K"}
    assert sandbox.bound_names("def (:") == set()


def test_interrupt_stops_a_running_snippet_from_another_thread() -> None:
    with Sandbox([], Limits(timeout_s=60.0)) as box, box.session() as session:
        assert session.interrupt() is False  # nothing started yet
        session.run("x = 1")
        timer = threading.Timer(0.5, session.interrupt)
        timer.start()
        result = session.run("while True:\n    pass")
        timer.join()
        assert (result.ok, result.error.kind if result.error else None) == (False, "crash")
        after = session.run("x = 2\nx")
        assert (after.ok, after.value) == (True, 2)
