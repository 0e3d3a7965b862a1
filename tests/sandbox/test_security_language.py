"""Security, layer 1: the language policy refuses every published escape, with the right kind.

Each case is one payload from the escape history of RestrictedPython and smolagents (CVE ids in
the test ids) or a classic sandbox-escape pattern. ``policy`` means refused before anything ran;
``runtime`` means the runtime guard stopped it (an exception the snippet sees). After each case,
the same sandbox must still run ordinary code.
"""

from __future__ import annotations

import pytest

from sandbox import Sandbox

GEN = "def g():\n    yield 1\n"

# (id, source, expected kind, fragment of the message)
CASES: list[tuple[str, str, str, str]] = [
    # --- published RestrictedPython CVEs ---
    ("CVE-2023-37271-gi_frame", GEN + "g().gi_frame.f_back.f_back.f_globals", "policy", "gi_frame"),
    ("CVE-2023-37271-gi_frame-via-format", GEN + "'{0.gi_frame}'.format(g())", "runtime", "gi_frame"),
    ("CVE-2023-41039-format-class", "'{0.__class__}'.format(1)", "runtime", "__class__"),
    ("CVE-2023-41039-str.format-unbound", "str.format('{0.__class__}', 1)", "runtime", "__class__"),
    ("CVE-2023-41039-format_map", "'{a.__class__}'.format_map({'a': 1})", "policy", "format_map"),
    (
        "CVE-2024-47532-AttributeError.obj",
        "import json\ntry:\n    json.nope\nexcept AttributeError as e:\n    leaked = e.obj\nleaked",
        "runtime",
        "'obj'",
    ),
    ("CVE-2025-22153-except-star", "try:\n    pass\nexcept* ValueError:\n    pass", "policy", "except*"),
    ("CVE-2026-55830-posonly-shadows-guard", "def f(_getattr_, /):\n    return _getattr_\nf(1)", "policy", "_getattr_"),
    ("CVE-2026-55830-posonly-lambda", "f = lambda _getiter_, /: _getiter_", "policy", "_getiter_"),
    ("CVE-2026-76825-string.Formatter", "import string\nstring.Formatter().get_field('0.__class__', [1], {})", "runtime", "does not offer 'Formatter'"),
    ("CVE-2026-76825-from-string", "from string import Formatter", "runtime", "cannot import name 'Formatter' from 'string'"),
    # --- smolagents CVEs: dunder calls and format leaks ---
    ("CVE-2025-5120-subclasses-walk", "().__class__.__bases__[0].__subclasses__()", "policy", "__class__"),
    ("CVE-2025-9959-dunder-call", "(1).__class__.__base__.__subclasses__()[0]", "policy", "__class__"),
    ("CVE-2025-9959-getattr-string", "getattr(getattr(1, '__class__'), '__mro__')", "policy", "'getattr' is not available"),
    ("CVE-2026-4963-format-mro", "'{0.__class__.__mro__}'.format(1)", "runtime", "__class__"),
    ("CVE-2026-4963-format-globals", "def f():\n    pass\n'{0.__globals__}'.format(f)", "runtime", "__globals__"),
    # --- private names ---
    ("builtins-name", "__builtins__['open']", "policy", "__builtins__"),
    ("dunder-import", "__import__('os')", "policy", "__import__"),
    ("guard-name-read", "_getattr_", "policy", "_getattr_"),
    ("guard-rebind-walrus", "(_getiter_ := list)", "policy", "_getiter_"),
    ("guard-delete", "del _write_", "policy", "_write_"),
    ("private-lambda-default", "f = lambda _print_=1: 1", "policy", "_print_"),
    ("private-class-name", "class _Hidden:\n    pass", "policy", "_Hidden"),
    ("private-import-alias", "import json as _j", "policy", "_j"),
    ("private-except-name", "try:\n    1/0\nexcept Exception as _e:\n    pass", "policy", "_e"),
    ("function-globals", "def f():\n    pass\nf.__globals__", "policy", "__globals__"),
    ("function-code", "def f():\n    pass\nf.__code__", "policy", "__code__"),
    ("dict-attribute", "class A:\n    pass\nA().__dict__", "policy", "__dict__"),
    ("getattribute-method", "class A:\n    def __getattribute__(self, n):\n        return 1", "policy", "__getattribute__"),
    ("metaclass-keyword", "class A(metaclass=list):\n    pass", "policy", "metaclass"),
    ("metaclass-name", "__metaclass__", "policy", "__metaclass__"),
    ("fstring-attribute-walk", "f'{(1).__class__}'", "policy", "__class__"),
    ("fullwidth-exec-normalised", "\uff45\uff58\uff45\uff43('1')", "policy", "exec"),
    # --- frames, generators, coroutines, tracebacks ---
    ("generator-gi_code", GEN + "g().gi_code", "policy", "gi_code"),
    ("generator-gi_yieldfrom", GEN + "g().gi_yieldfrom", "policy", "gi_yieldfrom"),
    ("generator-f_lineno", GEN + "g().f_lineno", "policy", "f_lineno"),
    ("coroutine-cr_frame", "async def c():\n    pass\nc().cr_frame", "policy", "cr_frame"),
    ("async-generator-ag_frame", "async def a():\n    yield 1\na().ag_frame", "policy", "ag_frame"),
    ("async-for", "async def f(x):\n    async for i in x:\n        pass", "policy", "AsyncFor"),
    ("traceback-frame", "try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "policy", "__traceback__"),
    ("traceback-tb_frame-attr", "try:\n    1/0\nexcept Exception as e:\n    t = e\nt.tb_frame", "policy", "tb_frame"),
    ("exception-context", "try:\n    1/0\nexcept Exception as e:\n    e.__context__", "policy", "__context__"),
    ("with-traceback-then-format", "try:\n    1/0\nexcept Exception as e:\n    '{0.__traceback__}'.format(e)", "runtime", "__traceback__"),
    ("frame-via-format-f_back", GEN + "'{0.gi_frame.f_back}'.format(g())", "runtime", "gi_frame"),
    # --- builtins that open doors ---
    ("exec", "exec('1')", "policy", "exec"),
    ("eval", "eval('1')", "policy", "eval"),
    ("compile", "compile('1', 'x', 'exec')", "policy", "compile"),
    ("open", "open('/etc/passwd').read()", "policy", "'open' is not available"),
    ("globals", "globals()", "policy", "'globals' is not available"),
    ("locals", "locals()", "policy", "'locals' is not available"),
    ("vars", "vars()", "policy", "'vars' is not available"),
    ("dir", "dir(1)", "policy", "'dir' is not available"),
    ("breakpoint", "breakpoint()", "policy", "breakpoint"),
    ("help", "help(1)", "policy", "'help' is not available"),
    ("input", "input()", "policy", "'input' is not available"),
    ("type-three-arg", "type('X', (), {})", "runtime", "type() takes exactly one argument"),
    ("type-of-a-class", "type(int)('X', (), {})", "runtime", "type() of a class"),
    ("object", "object.__subclasses__()", "policy", "object"),
    ("super-outside-a-method", "super().__init__()", "runtime", "super(): no arguments"),
    ("setattr", "setattr(1, 'x', 2)", "policy", "'setattr' is not available"),
    ("exit", "exit()", "policy", "'exit' is not available"),
    ("memoryview", "memoryview(b'x')", "policy", "memoryview"),
    ("getattr-alias-via-builtins-dict", "b = __builtins__\nb", "policy", "__builtins__"),
    ("hasattr-private-is-false", "hasattr(1, '__class__') or hasattr(len, '__self__')", "ok", ""),
    # --- BaseException family cannot be raised or caught by name ---
    ("raise-SystemExit", "raise SystemExit(0)", "policy", "SystemExit"),
    ("raise-KeyboardInterrupt", "raise KeyboardInterrupt", "policy", "KeyboardInterrupt"),
    ("raise-BaseException", "raise BaseException('x')", "policy", "BaseException"),
    ("catch-GeneratorExit", "try:\n    pass\nexcept GeneratorExit:\n    pass", "policy", "GeneratorExit"),
    # --- imports and curated modules ---
    ("import-os", "import os", "policy", "no modules can be imported except json, re, math"),
    ("import-subprocess", "import subprocess", "policy", "importing 'subprocess'"),
    ("from-os-import", "from os import system", "policy", "importing 'os'"),
    ("import-submodule", "import json.decoder", "policy", "importing 'json.decoder'"),
    ("relative-import", "from . import x", "policy", "importing '.'"),
    ("star-import", "from json import *", "policy", "*"),
    ("operator-attrgetter-private", "import operator\noperator.attrgetter('__class__')(1)", "runtime", "'__class__' is not accessible"),
    ("import-builtins", "import builtins", "policy", "importing 'builtins'"),
    ("json.codecs-reexport", "import json\njson.codecs.open('/etc/passwd')", "runtime", "has no attribute 'codecs'"),
    ("json.decoder-reexport", "import json\njson.decoder", "runtime", "has no attribute 'decoder'"),
    ("from-json-import-codecs", "from json import codecs", "runtime", "cannot import name 'codecs'"),
    ("re.enum-reexport", "import re\nre.enum", "runtime", "has no attribute 'enum'"),
    ("re.sre_compile", "import re\nre.sre_compile", "runtime", "has no attribute"),
    ("re.flag-is-plain-int", "import re\nre.IGNORECASE.__class__", "policy", "__class__"),
    ("re.flag-int", "import re\nnot isinstance(re.IGNORECASE, int)", "ok", ""),
    ("math.sys", "import math\nmath.sys", "runtime", "has no attribute 'sys'"),
    ("json-error-mro", "import json\njson.JSONDecodeError.mro()", "policy", "mro"),
    ("pattern-to-module", "import re\n'{0.__module__}'.format(re.compile('a'))", "runtime", "__module__"),
    ("builtin-self-module", "import math\n'{0.__self__}'.format(math.floor)", "runtime", "__self__"),
    # --- writes to things that are not the snippet's own ---
    ("write-stand-in-module", "import json\njson.loads = print", "runtime", "cannot be changed"),
    ("write-builtin-function", "len.x = 1", "runtime", "cannot be changed"),
    ("augmented-write-stand-in", "import math\nmath.pi += 1", "runtime", "cannot be changed"),
    ("write-record", "r = typecheck(path='a.py')\nr.ok = True", "runtime", "read-only"),
    # --- other refused syntax ---
    ("nonlocal", "def f():\n    x = 1\n    def g():\n        nonlocal x\n    return g", "policy", "Nonlocal"),
    ("match-class-pattern-dunder", "match 1:\n    case int(__class__=c):\n        pass", "policy", "'__class__' is private"),
    ("print-to-file", "print('x', file=None)\nprint('x', file=1)", "runtime", "file="),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "kind", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_escape_is_refused(sb: Sandbox, source: str, kind: str, fragment: str) -> None:
    result = sb.run(source)
    if kind == "ok":
        assert result.ok and result.value is False, result
    else:
        assert not result.ok, result
        assert result.error is not None
        assert result.error.kind == kind, result.error
        assert fragment in result.error.message, result.error.message
    assert sb.run("[i * i for i in range(4)]").value == [0, 1, 4, 9]


def test_policy_errors_name_the_line(sb: Sandbox) -> None:
    result = sb.run("x = 1\ny = 2\nimport os")
    assert result.error is not None and result.error.line == 3
    assert result.error.message.startswith("line 3: ")


def test_limit_aborts_cannot_be_swallowed(sb: Sandbox) -> None:
    flood = "try:\n    for i in range(100000):\n        print(i)\nexcept:\n    pass\n'done'"
    result = sb.run(flood)
    assert result.error is not None and result.error.kind == "output_limit"
    hidden = "def f():\n    try:\n        for i in range(1000):\n            noop()\n    finally:\n        return 1\nf()"
    result = sb.run(hidden)
    assert result.error is not None and result.error.kind == "call_limit"


def test_snippet_classes_cannot_override_guard_relevant_methods(sb: Sandbox) -> None:
    for method in ("__getattr__", "__setattr__", "__repr__", "__str__", "__format__", "__iter__"):
        source = f"class A:\n    def {method}(self, *a):\n        return 1"
        result = sb.run(source)
        assert result.error is not None and result.error.kind == "policy", method
