"""The two compile paths agree: plain snippets take the fast path, and it changes nothing.

These tests call the worker's compiler directly, in the test process, on the benign suite's
ordinary code only (never on escapes: those run in workers, see test_security_*.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from RestrictedPython.transformer import INSPECT_ATTRIBUTES as RESTRICTED_INSPECT_ATTRIBUTES

from sandbox._worker import _guards
from sandbox._worker._compiled import VALUE_NAME, Compiled
from sandbox._worker._denials import DENIED_ATTRIBUTES, INSPECT_ATTRIBUTES
from sandbox._worker._fast import compile_fast as _compile_fast
from sandbox._worker._policy import compile_snippet
from tests.sandbox.test_benign import CASES

PLAIN = [case for case in CASES if "typecheck(" not in case[1]]


def _run(compiled: Any) -> tuple[Any, str]:
    assert isinstance(compiled, Compiled), compiled
    code, tail = compiled.code, compiled.tail
    namespace = _guards.make_globals_template({})
    _guards.STATE.begin(output_limit=1 << 20)
    exec(code, namespace)
    value = eval(tail, namespace) if tail is not None else namespace.pop(VALUE_NAME, None)
    return value, "".join(_guards.STATE.output)


def test_inspect_attributes_cover_restrictedpython() -> None:
    assert frozenset(RESTRICTED_INSPECT_ATTRIBUTES) <= INSPECT_ATTRIBUTES <= DENIED_ATTRIBUTES


@pytest.mark.parametrize("source", [case[1] for case in PLAIN], ids=[case[0] for case in PLAIN])
def test_fast_and_full_paths_agree(source: str) -> None:
    full = compile_snippet(source, max_depth=64, full_only=True)
    assert isinstance(full, Compiled), full
    either = compile_snippet(source, max_depth=64)
    assert isinstance(either, Compiled), either
    assert repr(_run(either)) == repr(_run(full))


@pytest.mark.parametrize(
    "source",
    [
        "1 + 1",
        "x = [i * i for i in range(10)]\nsum(x)",
        "def f(a, b=2):\n    return a + b\nf(1)",
        "d = {'a': 1}\nd.update(b=2)\nd",
        "for i in range(3):\n    print(i)",
        "x = 1",
        "print(\n    1,\n    2,\n)",
        "import json\njson.dumps([1])",
        "import json, re as regex\nfrom math import sqrt, pi as p  # constants\nsqrt(p)",
    ],
)
def test_plain_snippets_take_the_fast_path(source: str) -> None:
    assert _compile_fast(source, 64) is not None


@pytest.mark.parametrize(
    "source",
    [
        "import os",
        "from . import x",
        "import json; import os",
        "import json.decoder",
        "from json import *",
        "from json import (\n    loads,\n)",
        "x = 'import os'",
        "x.__class__",
        "'{}'.format(1)",
        "class A:\n    def __init__(self):\n        self.x = 1",
        "len.leak = 1",
        "try:\n    pass\nexcept:\n    pass",
        "e.obj",
        "getattr(1, 'real')",
        "super().__init__()",
        "async def f():\n    pass",
        "g().gi_frame",
        "x: int = 1",
        "match x:\n    case [a]:\n        pass",
        "d = {'a': 1}\nd['b'] = 2\nd",  # item writes need the _write_ guard (issue 12)
    ],
)
def test_anything_unusual_takes_the_full_path(source: str) -> None:
    assert _compile_fast(source, 64) is None


def test_last_value_is_found_for_multiline_expressions() -> None:
    compiled = compile_snippet("x = 2\n{\n    'a': x,\n}", max_depth=64)
    assert _run(compiled)[0] == {"a": 2}
    compiled = compile_snippet("sum(\n[1, 2]\n)", max_depth=64)
    assert _run(compiled)[0] == 3
    compiled = compile_snippet("'''\nfor a in b'''", max_depth=64)
    assert _run(compiled)[0] == "\nfor a in b"
    compiled = compile_snippet("if True:\n    1\nelse:\n    2", max_depth=64)
    assert _run(compiled)[0] is None


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("x = 1; x + 1", 2),
        ("x = 1\r\ny = 2\r\nx + y\r\n", 3),
        ("1 +\\\n 2", 3),
        ("x = (\n1,\n2)\nx", (1, 2)),
        ("def f():\n    return 5\nf()\n# trailing comment", 5),
        ("1 + 1;", 2),
        ("x = 1", None),
        ("", None),
    ],
)
def test_last_value_edge_cases(source: str, value: Any) -> None:
    assert _run(compile_snippet(source, max_depth=64))[0] == value
    assert _run(compile_snippet(source, max_depth=64, full_only=True))[0] == value
