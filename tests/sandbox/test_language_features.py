"""The Python a model writes (issue 16): inheritance with super(), custom exceptions, match,
type(x), generators with next(). Each runs on both compile paths with the same result (``# except``
sends a snippet to the full RestrictedPython path); what stays refused says what to do instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import Sandbox
from sandbox._worker._compiled import Compiled
from sandbox._worker._denials import SUPER_METHODS
from sandbox._worker._fast import compile_fast
from sandbox._worker._policy import compile_snippet

BENIGN: dict[str, tuple[str, Any]] = {
    "inheritance-with-super": (
        "class Base:\n    def __init__(self, name):\n        self.name = name\n"
        "    def describe(self):\n        return 'base ' + self.name\n"
        "class Child(Base):\n    def __init__(self, name, size):\n        super().__init__(name)\n"
        "        self.size = size\n    def describe(self):\n"
        "        return super().describe() + f' of size {self.size}'\n"
        "c = Child('box', 3)\n[c.name, c.size, c.describe(), isinstance(c, Base)]",
        ["box", 3, "base box of size 3", True],
    ),
    "super-eq": (
        "class A:\n    def __init__(self, v):\n        self.v = v\n"
        "    def __eq__(self, other):\n        return self.v == other.v\n"
        "class B(A):\n    def __eq__(self, other):\n        return super().__eq__(other)\n"
        "[B(1) == B(1), B(1) == B(2)]",
        [True, False],
    ),
    "custom-exception": (
        "class BridgeFailed(RuntimeError):\n    def __init__(self, tool, code):\n"
        "        super().__init__(f'{tool} exited with {code}')\n        self.tool = tool\n"
        "class Timeout(BridgeFailed):\n    pass\n"
        "try:\n    raise Timeout('ruff', 2)\nexcept BridgeFailed as e:\n"
        "    caught = [type(e).__name__, str(e), e.tool, isinstance(e, RuntimeError)]\ncaught",
        ["Timeout", "ruff exited with 2", "ruff", True],
    ),
    "raise-from": (
        "class ParseError(ValueError):\n    pass\n"
        "def parse(s):\n    try:\n        return int(s)\n    except ValueError as e:\n"
        "        raise ParseError(f'bad number {s!r}') from e\n"
        "try:\n    parse('x')\nexcept ParseError as e:\n    message = str(e)\nmessage",
        "bad number 'x'",
    ),
    "match-literals-sequences-mappings": (
        "def kind(v):\n    match v:\n"
        "        case {'severity': 'error', 'line': int(line)}:\n            return f'error on {line}'\n"
        "        case [x, y, *rest]:\n            return f'{x},{y} and {len(rest)} more'\n"
        "        case str() as s if s.startswith('#'):\n            return 'comment'\n"
        "        case None | 0 | False:\n            return 'empty'\n"
        "        case _:\n            return 'other'\n"
        "[kind({'severity': 'error', 'line': 7}), kind([1, 2, 3, 4]), kind('# x'), kind(None), kind(2.5)]",
        ["error on 7", "1,2 and 2 more", "comment", "empty", "other"],
    ),
    "match-class-patterns": (
        "class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n"
        "def where(p):\n    match p:\n"
        "        case Point(x=0, y=0):\n            return 'origin'\n"
        "        case Point(x=0, y=y):\n            return f'on the y axis at {y}'\n"
        "        case Point():\n            return 'elsewhere'\n"
        "[where(Point(0, 0)), where(Point(0, 5)), where(Point(1, 1))]",
        ["origin", "on the y axis at 5", "elsewhere"],
    ),
    "match-positional-dataclass-and-enum-values": (
        "from dataclasses import dataclass\nfrom enum import Enum\n"
        "class Sev(Enum):\n    ERROR = 1\n    WARN = 2\n"
        "@dataclass\nclass Diag:\n    line: int\n    sev: Sev\n"
        "def show(d):\n    match d:\n"
        "        case Diag(line, Sev.ERROR):\n            return f'E{line}'\n"
        "        case Diag(line, _):\n            return f'W{line}'\n"
        "[show(Diag(3, Sev.ERROR)), show(Diag(4, Sev.WARN))]",
        ["E3", "W4"],
    ),
    "type-for-inspection": (
        "class A:\n    pass\n"
        "[type(1).__name__, type('s') is str, type(A()).__name__, type([]) == list,"
        " type(len).__name__, repr(type(3.0))]",
        ["int", True, "A", True, "builtin_function_or_method", "<class 'float'>"],
    ),
    "function-name": ("def helper():\n    pass\nhelper.__name__", "helper"),
    "generators-with-next": (
        "def numbers():\n    n = 0\n    while True:\n        yield n\n        n += 2\n"
        "g = numbers()\nfirst = [next(g) for _ in range(3)]\n"
        "def inner():\n    yield 1\n    yield 2\n"
        "def outer():\n    yield from inner()\n    yield 3\n"
        "it = outer()\n[first, next(it), list(it), next(iter([]), 'empty'), next(x for x in 'ab')]",
        [[0, 2, 4], 1, [2, 3], "empty", "a"],
    ),
    "generator-send": (
        "def acc():\n    total = 0\n    while True:\n        got = yield total\n"
        "        total += got\n"
        "a = acc()\nnext(a)\n[a.send(2), a.send(3)]",
        [2, 5],
    ),
}


def _runs(sb: Sandbox, source: str) -> tuple[Any, Any]:
    return sb.run(source), sb.run(source + "\n# except")


@pytest.mark.parametrize(("source", "value"), list(BENIGN.values()), ids=list(BENIGN))
def test_the_language_a_model_writes_runs_on_both_paths(
    sb: Sandbox, source: str, value: Any
) -> None:
    for result in _runs(sb, source):
        assert result.ok, result.error
        assert result.value == value
    assert isinstance(compile_snippet(source, max_depth=64, full_only=True), Compiled)


# Each refused the same way on both paths: (source, kind, whole message).
REFUSED: dict[str, tuple[str, str, str]] = {
    "type-three-arguments": (
        "type('X', (), {'__getattr__': len})",
        "runtime",
        "line 1: TypeError: type() takes exactly one argument in the sandbox: type(x) gives "
        "the class of x; define classes with a class statement",
    ),
    "type-of-a-class-is-the-metaclass": (
        "class A:\n    pass\nmeta = type(A)",
        "runtime",
        "line 3: TypeError: type() of a class is not available in the sandbox; compare classes "
        "directly (x is int) or use issubclass(x, int)",
    ),
    "type-of-a-host-result": (
        "r = typecheck(path='a.py')\nkind = type(r)",
        "runtime",
        "line 2: TypeError: type() of a host function, its result or a module is not available "
        "in the sandbox; print the value, or test it with isinstance(x, dict)",
    ),
    "type-of-a-host-function": (
        "kind = type(typecheck)",
        "runtime",
        "line 1: TypeError: type() of a host function, its result or a module is not available "
        "in the sandbox; print the value, or test it with isinstance(x, dict)",
    ),
    "super-dunder-of-a-foreign-object": (  # super(cls, obj) bound to something not the snippet's
        "import json\nclass A:\n    def f(self):\n        return super(A, self).__init__\n"
        "A.f(json)",
        "runtime",
        "line 4: TypeError: super(type, obj): obj must be an instance or subtype of type",
    ),
    "super-dunder-outside-a-class-method": (
        "def f(x):\n    return super(int, x).__init__\nf(1)",
        "runtime",
        "line 2: AttributeError: the attribute '__init__' is not accessible in the sandbox; use "
        "the public API",
    ),
    "super-private-method": (
        "class A:\n    def f(self):\n        return super().__setattr__\nA().f()",
        "policy",
        'line 3: "__setattr__" is an invalid attribute name because it starts with "_": names '
        "and attributes starting with '_' are private to the sandbox; use the public API "
        "(len(x) instead of x.__len__(), isinstance(x, int) instead of x.__class__)",
    ),
    "dunder-other-than-name": (
        "def f():\n    pass\nf.__qualname__",
        "policy",
        'line 3: "__qualname__" is an invalid attribute name because it starts with "_": names '
        "and attributes starting with '_' are private to the sandbox; use the public API "
        "(len(x) instead of x.__len__(), isinstance(x, int) instead of x.__class__)",
    ),
    "match-class-pattern-private-keyword": (
        "match 1:\n    case int(__class__=c):\n        pass",
        "policy",
        "line 2: the attribute '__class__' is private: names and attributes starting with '_' "
        "are private to the sandbox; use the public API (len(x) instead of x.__len__(), "
        "isinstance(x, int) instead of x.__class__)",
    ),
    "match-class-pattern-format": (  # str.format natively would skip the format guard
        "match 'x':\n    case str(format=f):\n        f",
        "policy",
        "line 2: a match pattern cannot read the attribute 'format'; bind the whole value "
        "with 'case x:' and work with x in the case body",
    ),
    "match-class-pattern-exception-obj": (
        "try:\n    {}.x\nexcept AttributeError as e:\n    match e:\n"
        "        case AttributeError(obj=o):\n            pass",
        "policy",
        "line 5: a match pattern cannot read the attribute 'obj'; bind the whole value with "
        "'case x:' and work with x in the case body",
    ),
    "match-class-pattern-frame": (
        "def g():\n    yield 1\nmatch g():\n    case object(gi_frame=f):\n        pass",
        "policy",
        "line 4: 'object' is not available in the sandbox: define a class without a base class "
        "instead (and 1 more problem like it)",
    ),
    "match-value-pattern-private": (
        "import json\nmatch 1:\n    case json.__dict__:\n        pass",
        "policy",
        "line 3: the attribute '__dict__' is private: names and attributes starting with '_' "
        "are private to the sandbox; use the public API (len(x) instead of x.__len__(), "
        "isinstance(x, int) instead of x.__class__)",
    ),
    "match-capture-rebinds-a-guard": (
        "match 1:\n    case _getattr_:\n        pass",
        "policy",
        'line 2: "_getattr_" is an invalid variable name because it starts with "_": names and '
        "attributes starting with '_' are private to the sandbox; use the public API (len(x) "
        "instead of x.__len__(), isinstance(x, int) instead of x.__class__)",
    ),
    "match-star-rebinds-a-guard": (
        "match [1]:\n    case [*_write_]:\n        pass",
        "policy",
        'line 2: "_write_" is an invalid variable name because it starts with "_": names and '
        "attributes starting with '_' are private to the sandbox; use the public API (len(x) "
        "instead of x.__len__(), isinstance(x, int) instead of x.__class__)",
    ),
    "match-mapping-rest-denied-name": (
        "match {}:\n    case {**exec}:\n        pass",
        "policy",
        "line 2: 'exec' is not available in the sandbox: running generated code is not "
        "allowed; write the code directly",
    ),
    "class-from-a-host-result-type": (
        "class Fake(Exception):\n    pass\nr = typecheck(path='a.py')\nclass X(r):\n    pass",
        "runtime",
        "line 4: TypeError: class X: an instance of Record cannot be a base class; derive from "
        "a class defined in the snippet (or from nothing)",
    ),
}


@pytest.mark.parametrize(("source", "kind", "message"), list(REFUSED.values()), ids=list(REFUSED))
def test_what_stays_refused_is_refused_alike_on_both_paths(
    sb: Sandbox, source: str, kind: str, message: str
) -> None:
    for result in _runs(sb, source):
        assert result.error is not None, result
        assert (result.error.kind, result.error.message) == (kind, message)


@pytest.mark.parametrize(
    "source",
    [
        "match 1:\n    case 1:\n        pass",
        "class A:\n    def __init__(self):\n        super().__init__()",
        "class A:\n    def f(self):\n        return super().f()",
        "def f():\n    pass\nf.__name__",
    ],
)
def test_the_fast_path_leaves_match_super_and_dunders_to_the_full_path(source: str) -> None:
    assert compile_fast(source, 64) is None


def test_super_methods_are_the_methods_a_snippet_class_may_define() -> None:
    from RestrictedPython.transformer import ALLOWED_FUNC_NAMES

    assert frozenset(ALLOWED_FUNC_NAMES) == SUPER_METHODS
