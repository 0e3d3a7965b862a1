"""Ordinary model-style code must run correctly: a sandbox that refuses normal code is broken too."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import Sandbox

# (id, source, expected value, expected stdout or None)
CASES: list[tuple[str, str, Any, str | None]] = [
    ("arithmetic", "(2 ** 10 + 7 // 2 - 3 % 2) * 1.5", 1539.0, None),
    ("list-comprehension", "[x * x for x in range(5) if x % 2 == 0]", [0, 4, 16], None),
    ("dict-comprehension", "{k: len(k) for k in ['a', 'bb', 'ccc']}", {"a": 1, "bb": 2, "ccc": 3}, None),
    ("set-comprehension", "sorted({c for c in 'banana'})", ["a", "b", "n"], None),
    ("generator-expression", "sum(x for x in range(101))", 5050, None),
    ("nested-comprehension", "[[i * j for j in range(3)] for i in range(2)]", [[0, 0, 0], [0, 1, 2]], None),
    ("fstrings", "name = 'ty'\ncount = 3\nf'{name}: {count:03d} errors, {count / 4:.2f} ratio, {name!r}'", "ty: 003 errors, 0.75 ratio, 'ty'", None),
    ("str-format", "'{} has {n} items; {0[1]}'.format(['a', 'b'], n=3)", "['a', 'b'] has 3 items; b", None),
    ("percent-format", "'%s=%d' % ('x', 4)", "x=4", None),
    ("string-methods", "s = '  Hello, World  '\n[s.strip().lower(), s.split(','), s.replace('l', 'L').strip(), 'a-b'.join(['x', 'y']), 'abc'.startswith('ab'), 'x'.upper().center(5, '*')]", ["hello, world", ["  Hello", " World  "], "HeLLo, WorLd", "xa-by", True, "**X**"], None),
    ("sorting-key-lambda", "people = [{'name': 'b', 'age': 3}, {'name': 'a', 'age': 9}]\n[p['name'] for p in sorted(people, key=lambda p: p['age'], reverse=True)]", ["a", "b"], None),
    ("sort-in-place", "xs = [3, 1, 2]\nxs.sort()\nxs", [1, 2, 3], None),
    ("min-max-key", "words = ['aaa', 'b', 'cc']\n[min(words, key=len), max(words, key=len), max(3, 7)]", ["b", "aaa", 7], None),
    ("zip-enumerate", "names = ['a', 'b']\nages = [1, 2]\n[(i, n, a) for i, (n, a) in enumerate(zip(names, ages), start=1)]", [[1, "a", 1], [2, "b", 2]], None),
    ("dict-items-unpack", "d = {'x': 1, 'y': 2}\ntotal = 0\nfor key, value in d.items():\n    total += value\ntotal", 3, None),
    ("tuple-unpacking", "a, (b, c), *rest = 1, (2, 3), 4, 5\n[a, b, c, rest]", [1, 2, 3, [4, 5]], None),
    ("swap", "a, b = 1, 2\na, b = b, a\n(a, b)", [2, 1], None),
    ("tuple-reversed", "[tuple([1, 2]), list(reversed([1, 2, 3])), list(reversed(range(3)))]", [[1, 2], [3, 2, 1], [2, 1, 0]], None),
    ("try-except", "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    msg = str(e)\nelse:\n    msg = 'no'\nfinally:\n    done = True\n[msg, done]", ["division by zero", True], None),
    ("bare-except", "try:\n    {}['x']\nexcept:\n    caught = 'yes'\ncaught", "yes", None),
    ("raise-custom", "class NotFound(Exception):\n    pass\ntry:\n    raise NotFound('gone')\nexcept NotFound as e:\n    r = 'caught ' + str(e)\nr", "caught gone", None),
    ("functions-defaults-kwargs", "def f(a, b=2, *args, c=3, **kw):\n    return [a, b, args, c, kw]\nf(1, 5, 6, c=7, d=8)", [1, 5, [6], 7, {"d": 8}], None),
    ("star-call", "def add(a, b):\n    return a + b\nargs = [1, 2]\nkw = {'b': 5}\n[add(*args), add(1, **kw)]", [3, 6], None),
    ("closures", "def counter():\n    count = [0]\n    def inc():\n        count[0] += 1\n        return count[0]\n    return inc\nc = counter()\nc()\nc()", 2, None),
    ("classes", "class Stack:\n    def __init__(self):\n        self.items = []\n    def push(self, x):\n        self.items.append(x)\n        return self\n    def size(self):\n        return len(self.items)\ns = Stack().push(1).push(2)\ns.size()", 2, None),
    ("class-attribute-augment", "class C:\n    def __init__(self):\n        self.n = 0\n    def bump(self):\n        self.n += 2\nc = C()\nc.bump()\nc.bump()\nc.n", 4, None),
    ("inheritance", "class Base:\n    kind = 'base'\n    def describe(self):\n        return self.kind + '!'\nclass Child(Base):\n    kind = 'child'\nChild().describe()", "child!", None),
    ("dunder-eq-allowed", "class P:\n    def __init__(self, v):\n        self.v = v\n    def __eq__(self, other):\n        return self.v == other.v\nP(1) == P(1)", True, None),
    ("isinstance", "[isinstance(1, int), isinstance('x', (int, str)), isinstance([], dict)]", [True, True, False], None),
    ("counting-dict", "counts = {}\nfor w in 'a b a c a'.split():\n    counts[w] = counts.get(w, 0) + 1\ncounts", {"a": 3, "b": 1, "c": 1}, None),
    ("counting-augmented-item", "counts = {'a': 0}\nfor _ in range(3):\n    counts['a'] += 1\ncounts", {"a": 3}, None),
    ("list-slicing", "xs = list(range(10))\n[xs[2:5], xs[::-3], xs[-1]]", [[2, 3, 4], [9, 6, 3, 0], 9], None),
    ("slice-assignment", "xs = [1, 2, 3]\nxs[1:] = [9]\ndel xs[0]\nxs", [9], None),
    ("while-break-continue", "i = 0\nout = []\nwhile True:\n    i += 1\n    if i % 2:\n        continue\n    if i > 6:\n        break\n    out.append(i)\nout", [2, 4, 6], None),
    ("print-output", "for i in range(3):\n    print('line', i, sep='-')\nprint('a', end='')\nprint('b')", None, "line-0\nline-1\nline-2\nab\n"),
    ("print-in-function", "def show(x):\n    print('got', x)\n    return x\nshow(5)", 5, "got 5\n"),
    ("json", "import json\ndata = json.loads('{\"a\": [1, 2, {\"b\": null}]}')\n[data['a'][2], json.dumps({'k': 1}, sort_keys=True), json.dumps([1], indent=2)]", [{"b": None}, '{"k": 1}', "[\n  1\n]"], None),
    ("json-error", "import json\ntry:\n    json.loads('{bad')\nexcept json.JSONDecodeError as e:\n    r = e.msg\nr", "Expecting property name enclosed in double quotes", None),
    ("re", "import re\nm = re.search(r'(\\w+)@(\\w+)', 'mail bob@example now')\n[m.group(1), m.groups(), re.findall(r'\\d+', 'a1b22c333'), re.sub('a', 'o', 'banana')]", ["bob", ["bob", "example"], ["1", "22", "333"], "bonono"], None),
    ("re-compile-flags", "import re\np = re.compile('^error', re.IGNORECASE | re.MULTILINE)\n[bool(p.search('x\\nERROR: y')), p.pattern, re.split(r',\\s*', 'a, b,c')]", [True, "^error", ["a", "b", "c"]], None),
    ("from-import", "from math import sqrt, pi\nfrom json import dumps\nfrom re import findall as fa\n[sqrt(16), round(pi, 2), dumps([1]), fa('a', 'aba')]", [4.0, 3.14, "[1]", ["a", "a"]], None),
    ("math", "import math\n[math.floor(2.7), math.ceil(2.1), math.gcd(12, 18), math.isclose(0.1 + 0.2, 0.3), math.inf > 1]", [2, 3, 6, True, True], None),
    ("builtins-mix", "[abs(-3), divmod(7, 2), pow(2, 5), round(2.567, 1), chr(65), ord('A'), hex(255), bin(5), any([0, 1]), all([]), len({1: 2})]", [3, [3, 1], 32, 2.6, "A", 65, "0xff", "0b101", True, True, 1], None),
    ("map-filter", "[list(map(str, [1, 2])), list(filter(None, [0, 1, 2]))]", [["1", "2"], [1, 2]], None),
    ("iter-next", "it = iter([1, 2])\n[next(it), next(it), next(it, 'end')]", [1, 2, "end"], None),
    ("generators", "def evens(n):\n    for i in range(n):\n        if i % 2 == 0:\n            yield i\nlist(evens(7))", [0, 2, 4, 6], None),
    ("yield-from", "def inner():\n    yield 1\n    yield 2\ndef outer():\n    yield from inner()\n    yield 3\nlist(outer())", [1, 2, 3], None),
    ("walrus", "data = [1, 5, 9]\n[y for x in data if (y := x * 2) > 5]", [10, 18], None),
    ("global-statement", "total = 0\ndef add(n):\n    global total\n    total += n\nadd(2)\nadd(3)\ntotal", 5, None),
    ("with-block-free", "lines = 'a\\nb\\n'.splitlines()\n{'count': len(lines), 'first': lines[0]}", {"count": 2, "first": "a"}, None),
    ("set-operations", "a = {1, 2, 3}\nb = {2, 3, 4}\n[sorted(a & b), sorted(a | b), sorted(a - b)]", [[2, 3], [1, 2, 3, 4], [1]], None),
    ("conditional-expression", "x = 5\n'big' if x > 3 else 'small'", "big", None),
    ("assert", "assert 1 + 1 == 2, 'math broke'\n'fine'", "fine", None),
    ("host-function-loop", "results = [typecheck(path=p) for p in ['a.py', 'b.py']]\nsum(len(r.errors) for r in results)", 4, None),
    ("host-record-fields", "r = typecheck(path='a.py')\nbad = [e for e in r.errors if e.line > 5]\n[e.message for e in bad]", ["x"], None),
    ("host-record-fstring", "r = typecheck(path='a.py')\nf'{len(r.errors)} errors, first on line {r.errors[0].line}'", "2 errors, first on line 3", None),
    ("none-last-statement", "x = 1\nif x:\n    y = 2", None, None),
    ("unicode", "s = 'naïve café ✓'\n[len(s), s.upper()]", [12, "NAÏVE CAFÉ ✓"], None),
    ("big-int", "2 ** 200", 2**200, None),
    ("float-special", "float('inf')", "inf", None),
    ("tuple-value", "(1, 'a')", [1, "a"], None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "value", "stdout"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_ordinary_code_runs(sb: Sandbox, source: str, value: Any, stdout: str | None) -> None:
    result = sb.run(source)
    assert result.ok, result.error
    assert result.value == value
    if stdout is not None:
        assert result.stdout == stdout


def test_session_carries_functions_classes_and_imports(sb: Sandbox) -> None:
    with sb.session() as session:
        assert session.run(
            "import json\nclass Box:\n    def __init__(self, v):\n        self.v = v"
        ).ok
        assert session.run("def wrap(v):\n    return Box(v)").ok
        result = session.run("b = wrap(3)\nb.v += 1\njson.dumps({'v': b.v})")
        assert result.value == '{"v": 4}'
