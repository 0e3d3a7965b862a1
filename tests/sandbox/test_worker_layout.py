"""The worker package's shape (issue 13): one place per policy concern, owned caches, typed values.

- the modules of ``sandbox/_worker`` import each other without a cycle, and never from inside a
  function (a function-level import is how the old cycles were hidden);
- there is one ``HostFunctionError``: the host's public one is the one snippets catch;
- ``compile_snippet`` returns ``Compiled`` or ``Refused``, never a bare tuple or dict;
- the worker's caches belong to a ``WorkerCaches`` object: two do not share, ``reset`` clears;
- a worker still starts without ``typing``, ``ast``, RestrictedPython or the message types.

These tests run the worker's modules in the test process on harmless input only.
"""

from __future__ import annotations

import ast
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import sandbox
from sandbox._process import _worker_path
from sandbox._worker import _errors, _frames, _guards, _main, _modules
from sandbox._worker._compiled import Compiled, Refused
from sandbox._worker._denials import ALLOWED_MODULES
from sandbox._worker._messages import InitMessage
from sandbox._worker._policy import compile_snippet
from sandbox._worker._state import WorkerCaches

WORKER = Path(_errors.__file__).parent
MODULES = sorted(path.stem for path in WORKER.glob("*.py"))


def _sibling(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The ``sandbox/_worker`` modules an import statement names (relative imports only: the
    worker is imported as the top-level package ``_worker``, so it has no other way)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith(("_worker", "sandbox"))]
    if node.level == 0:
        module = node.module or ""
        return [module] if module.startswith(("_worker", "sandbox")) else []
    if node.module:
        return [node.module.split(".")[0]]
    return [alias.name for alias in node.names]


def _imports(module: str, folder: Path = WORKER) -> tuple[set[str], list[str]]:
    """(siblings imported at module level, including ``if TYPE_CHECKING:`` blocks; imports of
    siblings found inside a function or class body, as ``"line N: ..."``)."""
    tree = ast.parse((folder / f"{module}.py").read_text(encoding="utf-8"))
    top: set[str] = set()
    nested: list[str] = []

    def walk(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                names = _sibling(child)
                if inside and names:
                    nested.append(f"line {child.lineno}: {ast.unparse(child)}")
                elif not inside:
                    top.update(names)
            elif isinstance(child, ast.Call):
                target = ast.unparse(child.func)
                if target.endswith(("import_module", "__import__")) and child.args:
                    first = child.args[0]
                    if not (isinstance(first, ast.Constant) and first.value in {"_string"}):
                        nested.append(f"line {child.lineno}: {ast.unparse(child)}")
            scoped = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            walk(child, inside or scoped)

    walk(tree, False)
    return top, nested


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph`` as a path (``[a, b, a]``), or ``None``."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_worker_modules_import_each_other_without_a_cycle() -> None:
    graph = {module: _imports(module)[0] & set(MODULES) for module in MODULES}
    assert _cycle(graph) is None
    # The split this test pins: the policy's parts sit below the front door, not beside it.
    assert graph["_denials"] == set()
    assert graph["_errors"] == set()
    assert graph["_messages"] == set()
    assert graph["_fast"] == {"_compiled", "_denials"}
    assert graph["_restricted"] == {"_compiled", "_denials"}
    assert graph["_policy"] == {"_compiled", "_fast", "_restricted"}


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_worker_module_imports_a_sibling_inside_a_function() -> None:
    found = {module: nested for module in MODULES if (nested := _imports(module)[1])}
    assert found == {}


def test_the_import_checker_sees_function_level_and_dynamic_imports(tmp_path: Path) -> None:
    source = (
        "import os\n"
        "def f():\n    from ._guards import STATE\n"
        "def g():\n    import importlib\n    return importlib.import_module('._x', 'w')\n"
        "class C:\n    from . import _main\n"
    )
    (tmp_path / "_probe.py").write_text(source, encoding="utf-8")
    top, nested = _imports("_probe", tmp_path)
    assert top == set()
    assert nested == [
        "line 3: from ._guards import STATE",
        "line 6: importlib.import_module('._x', 'w')",
        "line 8: from . import _main",
    ]


# -- one HostFunctionError ------------------------------------------------------------------


def test_there_is_one_host_function_error() -> None:
    builtins = _guards.make_globals_template({})["__builtins__"]
    assert sandbox.HostFunctionError is _errors.HostFunctionError
    assert builtins["HostFunctionError"] is sandbox.HostFunctionError
    root = Path(sandbox.__file__).parent
    definitions = [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*.py"))
        if "class HostFunctionError" in path.read_text(encoding="utf-8")
    ]
    assert definitions == ["_worker/_errors.py"]


# -- compile results ------------------------------------------------------------------------


def test_compile_snippet_says_which_path_compiled_it() -> None:
    fast = compile_snippet("1 + 1", max_depth=64)
    full = compile_snippet("try:\n    x = 1\nexcept:\n    pass", max_depth=64)
    unchecked = compile_snippet("import os", max_depth=64, skip_policy=True)
    assert isinstance(fast, Compiled) and isinstance(full, Compiled)
    assert isinstance(unchecked, Compiled)
    assert (full.path, full.tail) == ("restricted", None)
    assert (unchecked.path, unchecked.tail) == ("unchecked", None)
    assert fast.path == "fast" and fast.tail is not None
    assert eval(fast.tail, {}) == 2


def test_a_refusal_is_a_value_with_the_whole_error() -> None:
    assert compile_snippet("import os", max_depth=64) == Refused(
        {
            "kind": "policy",
            "message": "line 1: importing 'os' is refused: no modules can be imported except "
            f"{', '.join(ALLOWED_MODULES)}; host functions are already defined, call them "
            "directly",
            "line": 1,
        }
    )
    assert compile_snippet("1 +", max_depth=64) == Refused(
        {
            "kind": "syntax",
            "message": "line 1: SyntaxError: invalid syntax in '1 +'; fix the syntax (snippets "
            "are Python 3.11 statements, not a shell or a notebook)",
            "line": 1,
        }
    )


def test_compile_results_are_immutable() -> None:
    compiled = compile_snippet("1", max_depth=64)
    refused = compile_snippet("import os", max_depth=64)
    with pytest.raises(AttributeError) as raised:
        compiled.path = "restricted"  # ty: ignore[invalid-assignment]
    assert str(raised.value) == "Compiled is immutable"
    with pytest.raises(AttributeError) as raised:
        refused.error = {"kind": "policy", "message": "", "line": None}  # ty: ignore[invalid-assignment]
    assert str(raised.value) == "Refused is immutable"


def test_every_allowed_module_has_a_stand_in() -> None:
    assert sorted(_modules.STAND_INS) == sorted(ALLOWED_MODULES)


# -- owned caches ---------------------------------------------------------------------------


def _pipe_caches() -> tuple[WorkerCaches, int, int]:
    read_fd, write_fd = os.pipe()
    return WorkerCaches(read_fd), read_fd, write_fd


def test_two_workers_caches_do_not_share_proven_names() -> None:
    first, *fds_a = _pipe_caches()
    second, *fds_b = _pipe_caches()
    try:
        compiled = compile_snippet(
            "total = sum([1, 2])\ntotal", max_depth=64, plain_names=first.plain_names
        )
        assert isinstance(compiled, Compiled) and compiled.path == "fast"
        assert first.plain_names == {"sum", "total"}
        assert second.plain_names == set()
        assert first.reader is not second.reader
        assert first.reader.gauge is not second.reader.gauge
    finally:
        for fd in (*fds_a, *fds_b):
            os.close(fd)


def test_a_private_name_is_never_remembered_as_plain() -> None:
    caches, *fds = _pipe_caches()
    try:
        refused = compile_snippet(
            "x = 1\nx.__class__", max_depth=64, plain_names=caches.plain_names
        )
        assert isinstance(refused, Refused)
        assert caches.plain_names == {"x"}
    finally:
        for fd in fds:
            os.close(fd)


def _frame(message: dict[str, object]) -> bytes:
    import marshal

    body = marshal.dumps(message)
    return struct.pack(">I", len(body)) + body


def test_a_reader_keeps_the_next_frame_for_its_own_next_read() -> None:
    first, read_a, write_a = _pipe_caches()
    second, read_b, write_b = _pipe_caches()
    try:
        os.write(write_a, _frame({"op": "reset"}) + _frame({"op": "run", "source": "1"}))
        assert first.reader.read_request() == {"op": "reset"}
        assert first.reader.pending == bytearray(_frame({"op": "run", "source": "1"}))
        assert second.reader.pending == bytearray()
        first.reset()  # the next frame belongs to the conversation, not to the run
        assert first.reader.read_request() == {"op": "run", "source": "1"}
        assert first.reader.pending == bytearray()
        os.write(write_b, _frame({"op": "reset"}))
        assert second.reader.read_request() == {"op": "reset"}
    finally:
        for fd in (read_a, write_a, read_b, write_b):
            os.close(fd)


def test_reset_forgets_names_and_the_polling_decision() -> None:
    caches, *fds = _pipe_caches()
    try:
        compile_snippet("a = 1\na", max_depth=64, plain_names=caches.plain_names)
        gauge = caches.reader.gauge
        gauge.cpu_is_free()  # decides and remembers for a while
        decided_at = gauge._checked_at
        assert decided_at > 0 and caches.plain_names == {"a"}
        caches.reset()
        assert caches.plain_names == set()
        assert gauge._checked_at == -1.0  # the next read decides afresh
    finally:
        caches.reader.gauge.close()
        for fd in fds:
            os.close(fd)


def test_a_closed_gauge_never_polls() -> None:
    gauge = _frames.PollGauge()
    assert 1 <= gauge.runnable_tasks() < 1 << 30
    gauge.close()
    assert gauge.runnable_tasks() == 1 << 30
    assert gauge.cpu_is_free() is False


def _init() -> InitMessage:
    return {
        "op": "init",
        "limits": {
            "timeout_s": 5.0,
            "memory_mb": 256,
            "output_bytes": 1024,
            "argument_bytes": 1024,
            "nesting_depth": 64,
            "recursion_depth": 200,
            "value_chars": 1024,
        },
        "functions": [],
        "unsafe_skip_policy": False,
    }


def test_a_workers_session_reset_resets_its_caches() -> None:
    caches, read_fd, write_fd = _pipe_caches()
    limit = sys.getrecursionlimit()
    try:
        worker = _main.Worker(_init(), caches, write_fd)
        assert worker.run("n = 2\nn * 3", session=True) == {
            "op": "done",
            "ok": True,
            "value": 6,
            "stdout": "",
        }
        assert caches.plain_names == {"n"}
        assert worker.reset() == {"op": "done", "ok": True}
        assert caches.plain_names == set()
        assert worker.session is None
    finally:
        sys.setrecursionlimit(limit)
        for fd in (read_fd, write_fd):
            os.close(fd)


# -- start-up -------------------------------------------------------------------------------

_PROBE = """
import sys
sys.path[:0] = sys.argv[1].split("\\n")
import _worker._main
from _worker import _restricted
before = sorted(name for name in ("typing", "ast", "RestrictedPython", "_worker._messages",
                                  "dataclasses", "inspect") if name in sys.modules)
_restricted.preload()
after = "RestrictedPython" in sys.modules
print(before, after)
"""


def test_a_worker_starts_without_typing_ast_or_restrictedpython() -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", _PROBE, "\n".join(_worker_path())],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "[] True\n"
