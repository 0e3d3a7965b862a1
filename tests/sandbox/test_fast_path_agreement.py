"""The fast path and RestrictedPython decide alike (issue 12, section 5).

The fast path compiles plain snippets natively and checks the bytecode; it must never accept
what the full path refuses or would guard at run time, so that a future change to an allow-list
cannot turn a difference into an escape. Two properties: (1) whatever the fast path accepts, the
full path accepts too, and the cases the issue found are deferred to the full path; (2) a snippet
run natively and the same snippet forced through the full path give the same result.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import Sandbox
from sandbox._worker._compiled import Compiled
from sandbox._worker._fast import compile_fast as _compile_fast
from sandbox._worker._policy import compile_snippet
from tests.sandbox.sandbox_support import HOST_FUNCTIONS, LIMITS

MUST_DEFER = {
    "name-attribute": "def f():\n    return 1\nf.__name__",
    "module-attribute": "class A:\n    pass\nA.__module__",
    "qualname-attribute": "class A:\n    pass\nA.__qualname__",
    "name-global": "__name__",
    "name-in-a-class-body": "class A:\n    seen = __name__\nA.seen",
    "full-width-spelling": "def f():\n    return 1\nf.__\uff4e\uff41\uff4d\uff45__",
    "item-write": "d = {}\nd['a'] = 1\nd",
    "item-delete": "d = {'a': 1}\ndel d['a']\nd",
    "slice-write": "x = [1, 2, 3]\nx[0:2] = [9]\nx",
    "augmented-item": "d = {'a': 1}\nd['a'] += 1\nd",
    "code-attribute": "def f():\n    return 1\nf.co_name",
    "frame-attribute": "x = 1\nx.f_lineno",
    "traceback-attribute": "x = 1\nx.tb_lasti",
    "formatter-method": "x = 1\nx.vformat",
}

MAY_TAKE_EITHER = {
    "plain": "a = 1\nb = [a * k for k in range(5)]\nsorted(b)[0] + len(b)",
    "class": "class A:\n    size = 2\n    def twice(self):\n        return 2\nA().twice()",
    "class-in-a-function": "def make():\n    class B:\n        pass\n    return B\nmake()",
    "method-calls": "' a '.strip().upper().replace('A', 'b')",
    "dict-methods": "d = {'a': 1}\nd.update({'b': 2})\nd.clear()\nd",
    "last-value": "x = 1; x + 1",
}


@pytest.mark.parametrize("source", list(MUST_DEFER.values()), ids=list(MUST_DEFER))
def test_the_fast_path_defers_what_the_full_path_guards(source: str) -> None:
    assert _compile_fast(source, 64) is None


@pytest.mark.parametrize(
    "source",
    [*MUST_DEFER.values(), *MAY_TAKE_EITHER.values()],
    ids=[*MUST_DEFER, *MAY_TAKE_EITHER],
)
def test_whatever_the_fast_path_accepts_the_full_path_accepts(source: str) -> None:
    if _compile_fast(source, 64) is not None:
        assert isinstance(compile_snippet(source, max_depth=64, full_only=True), Compiled)


def test_plain_snippets_still_take_the_fast_path() -> None:
    accepted = [name for name, source in MAY_TAKE_EITHER.items() if _compile_fast(source, 64)]
    assert accepted == list(MAY_TAKE_EITHER)


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(HOST_FUNCTIONS, LIMITS) as sandbox:
        yield sandbox


_NOT_A_CLASS = (
    "TypeError: class X: an instance of {} cannot be a base class; derive from a class defined "
    "in the snippet (or from nothing)"
)
SAME_RESULT = {
    "str-instance-as-base": (
        "x = 'abc'\nclass X(x):\n    pass\nX",
        f"line 2: {_NOT_A_CLASS.format('str')}",
    ),
    "snippet-instance-as-base": (
        "class A:\n    pass\na = A()\nclass X(a):\n    pass\nX",
        f"line 4: {_NOT_A_CLASS.format('A')}",
    ),
    "host-result-as-base": (
        "r = typecheck(path='a.py')\nclass X(r):\n    pass\nX",
        f"line 2: {_NOT_A_CLASS.format('Record')}",
    ),
    "write-into-a-host-result": (
        "r = typecheck(path='a.py')\nr['ok'] = True",
        "line 2: TypeError: TypeCheckResult is read-only; build a dict with the values you need",
    ),
    "write-into-a-module": (
        "import json\njson['dumps'] = 1",
        "line 2: TypeError: StandInModule objects cannot be changed in the sandbox; only dicts, "
        "lists and instances of classes defined in the snippet can",
    ),
}


@pytest.mark.parametrize(("source", "message"), list(SAME_RESULT.values()), ids=list(SAME_RESULT))
def test_both_paths_give_the_same_result(sb: Sandbox, source: str, message: str) -> None:
    native = sb.run(source)
    full = sb.run(source + "\n# except")  # the word sends the snippet to the full path
    assert native.error is not None and full.error is not None
    assert native.error.message == full.error.message == message
    assert (native.ok, native.error.kind, native.error.line) == (
        full.ok,
        full.error.kind,
        full.error.line,
    )
