"""Security, layer 1, through the standard-library stand-ins (issue 16).

For every importable module, a snippet tries to reach a real module, a frame, ``eval``/``exec``
or a dunder through it, on both compile paths (``# except`` sends a snippet to the full
RestrictedPython path). Then the doors each table names: attribute walks in C
(``operator.attrgetter``), code generated from names (``namedtuple``, ``dataclass``, the enum
functional API), strings evaluated as code (``typing``), writes to what every later run shares
(``functools.total_ordering``, ``copy.dispatch_table``, ``random``'s generator).
"""

from __future__ import annotations

import pytest

from sandbox import Sandbox
from sandbox._worker._denials import ALLOWED_MODULES
from sandbox._worker._modules import STAND_INS
from sandbox._worker._readonly import missing_member

MODULES = [name for name in ALLOWED_MODULES if name != "asyncio"]  # asyncio: H2's tests
_PRIVATE = (
    "names and attributes starting with '_' are private to the sandbox; use the public API "
    "(len(x) instead of x.__len__(), isinstance(x, int) instead of x.__class__)"
)
_NOT_ACCESSIBLE = "the attribute '{}' is not accessible in the sandbox; use the public API"


def _both(sb: Sandbox, source: str) -> list[tuple[str, str]]:  # (kind, message)
    results = [sb.run(source), sb.run(source + "\n# except")]
    outcomes: list[tuple[str, str]] = []
    for result in results:
        assert result.error is not None, result
        outcomes.append((result.error.kind, result.error.message))
    assert outcomes[0] == outcomes[1]
    return outcomes[:1]


@pytest.mark.parametrize("name", MODULES)
def test_no_real_module_behind_a_stand_in(sb: Sandbox, name: str) -> None:
    for attribute in ("sys", "os", "builtins", "importlib"):
        message = missing_member(STAND_INS[name], attribute)
        assert _both(sb, f"import {name}\n{name}.{attribute}") == [
            ("runtime", f"line 2: AttributeError: {message}")
        ]


@pytest.mark.parametrize("name", MODULES)
def test_no_dunder_or_type_of_a_stand_in(sb: Sandbox, name: str) -> None:
    assert _both(sb, f"import {name}\n{name}.__dict__") == [
        (
            "policy",
            f'line 2: "__dict__" is an invalid attribute name because it starts with "_": {_PRIVATE}',
        )
    ]
    assert _both(sb, f"import {name}\n'{{0.__class__}}'.format({name})") == [
        ("runtime", "line 2: AttributeError: " + _NOT_ACCESSIBLE.format("__class__"))
    ]
    assert _both(sb, f"import {name}\ntype({name})") == [
        (
            "runtime",
            "line 2: TypeError: type() of a host function, its result or a module is not "
            "available in the sandbox; print the value, or test it with isinstance(x, dict)",
        )
    ]


# (source, kind, whole message): each door of issue 16's list, tried.
DOORS: dict[str, tuple[str, str, str]] = {
    "attrgetter-dunder": (
        "import operator\noperator.attrgetter('__class__')(1)",
        "runtime",
        "line 2: AttributeError: " + _NOT_ACCESSIBLE.format("__class__"),
    ),
    "attrgetter-dotted-walk": (
        "import operator\ndef f():\n    pass\noperator.attrgetter('real.__globals__')(1)",
        "runtime",
        "line 4: AttributeError: " + _NOT_ACCESSIBLE.format("__globals__"),
    ),
    "attrgetter-frame": (
        "import operator\ndef g():\n    yield 1\noperator.attrgetter('gi_frame')(g())",
        "runtime",
        "line 4: AttributeError: " + _NOT_ACCESSIBLE.format("gi_frame"),
    ),
    "attrgetter-format-of-a-string": (
        "import operator\noperator.attrgetter('format')('{0.__class__}')(1)",
        "runtime",
        "line 2: AttributeError: " + _NOT_ACCESSIBLE.format("__class__"),
    ),
    "methodcaller-dunder": (
        "import operator\noperator.methodcaller('__reduce_ex__', 4)(1)",
        "runtime",
        "line 2: AttributeError: " + _NOT_ACCESSIBLE.format("__reduce_ex__"),
    ),
    "setitem-into-a-module": (
        "import operator, json\noperator.setitem(json, 'loads', print)",
        "runtime",
        "line 2: TypeError: StandInModule objects cannot be changed in the sandbox; only dicts, "
        "lists and instances of classes defined in the snippet can",
    ),
    "string-formatter": (
        "import string\nstring.Formatter().get_field('0.__class__', [1], {})",
        "runtime",
        "line 2: AttributeError: module 'string' does not offer 'Formatter' in the sandbox: its "
        "get_field walks attributes outside the sandbox's guards (CVE-2026-76825); use "
        "str.format() or an f-string",
    ),
    "string-template-walks-nothing": (
        "import string\nstring.Template('${a.__class__}').substitute(a=1)",
        "runtime",
        "line 2: ValueError: Invalid placeholder in string: line 1, col 1",
    ),
    "typing-get_type_hints": (
        "from typing import get_type_hints",
        "runtime",
        "line 1: ImportError: cannot import name 'get_type_hints' from 'typing': module "
        "'typing' does not offer 'get_type_hints' in the sandbox: it evaluates strings as code, "
        "outside the sandbox's policy; read annotations as the objects they are",
    ),
    "typing-forwardref": (
        "import typing\ntyping.ForwardRef('().__class__')",
        "runtime",
        "line 2: AttributeError: module 'typing' does not offer 'ForwardRef' in the sandbox: it "
        "evaluates strings as code, outside the sandbox's policy; read annotations as the "
        "objects they are",
    ),
    "functools-singledispatch": (
        "import functools\nfunctools.singledispatch",
        "runtime",
        "line 2: AttributeError: module 'functools' does not offer 'singledispatch' in the "
        "sandbox: it reads type hints, which evaluates string annotations as code; test the "
        "type with isinstance() in one function instead",
    ),
    "statistics-sys": (
        "import statistics\nstatistics.sys.modules",
        "runtime",
        "line 2: AttributeError: module 'statistics' does not offer 'sys' in the sandbox: the "
        "real module imports it for its own use; import what you need directly",
    ),
    "datetime-sys": (
        "from datetime import datetime_CAPI",
        "runtime",
        "line 1: ImportError: cannot import name 'datetime_CAPI' from 'datetime': module "
        "'datetime' does not offer 'datetime_CAPI' in the sandbox: it is a capsule of C "
        "pointers for extension modules",
    ),
    "namedtuple-dunder-field": (
        "from collections import namedtuple\nnamedtuple('P', ['__class__'])",
        "runtime",
        "line 2: ValueError: namedtuple field name '__class__' is not allowed in the sandbox: "
        "use an identifier that does not start with '_'",
    ),
    "namedtuple-code-in-a-field": (
        "from collections import namedtuple\nnamedtuple('P', ['a=().__class__'])",
        "runtime",
        "line 2: ValueError: namedtuple field name 'a=().__class__' is not allowed in the "
        "sandbox: use an identifier that does not start with '_'",
    ),
    "namedtuple-private-type-name": (
        "from collections import namedtuple\nnamedtuple('_getattr_', 'a')",
        "runtime",
        "line 2: ValueError: namedtuple type name '_getattr_' is not allowed in the sandbox: use "
        "an identifier that does not start with '_'",
    ),
    "namedtuple-rename": (
        "from collections import namedtuple\nnamedtuple('P', ['def'], rename=True)",
        "runtime",
        "line 2: TypeError: _collections.<locals>.namedtuple() got an unexpected keyword "
        "argument 'rename'",
    ),
    "dataclass-on-a-shared-class": (
        "import collections, dataclasses\ndataclasses.dataclass(collections.Counter)",
        "runtime",
        "line 2: TypeError: dataclass() decorates classes defined in the snippet only",
    ),
    "make_dataclass": (
        "import dataclasses\ndataclasses.make_dataclass('X', ['a'])",
        "runtime",
        "line 2: AttributeError: module 'dataclasses' does not offer 'make_dataclass' in the "
        "sandbox: it builds a class and its code from strings; write a class statement "
        "decorated with @dataclass",
    ),
    "enum-functional-dunder-member": (
        "from enum import Enum\nEnum('E', [('__del__', print)])",
        "runtime",
        "line 2: ValueError: enum member name '__del__' is not allowed in the sandbox: use an "
        "identifier that does not start with '_'",
    ),
    "enum-functional-dunder-in-a-dict": (
        "from enum import Enum\nEnum('E', {'__getattr__': len})",
        "runtime",
        "line 2: ValueError: enum member name '__getattr__' is not allowed in the sandbox: use "
        "an identifier that does not start with '_'",
    ),
    "enum-functional-private-in-a-string": (
        "from enum import IntEnum\nIntEnum('E', 'A _missing_')",
        "runtime",
        "line 2: ValueError: enum member name '_missing_' is not allowed in the sandbox: use an "
        "identifier that does not start with '_'",
    ),
    "total_ordering-on-a-shared-class": (
        "import functools, fractions\nfunctools.total_ordering(fractions.Fraction)",
        "runtime",
        "line 2: TypeError: total_ordering() decorates classes defined in the snippet only",
    ),
    "wraps-a-shared-function": (
        "import functools, json\ndef f():\n    pass\nfunctools.wraps(f)(json.loads)",
        "runtime",
        "line 4: TypeError: update_wrapper() and wraps() change functions defined in the "
        "snippet only",
    ),
    "copy-dispatch-table": (
        "import copy\ncopy.dispatch_table",
        "runtime",
        "line 2: AttributeError: module 'copy' does not offer 'dispatch_table' in the sandbox: "
        "it is the table copy consults for every type, shared by every later run; copy.copy() "
        "and copy.deepcopy() work without it",
    ),
    "deepcopy-of-a-module-is-the-module-and-read-only": (
        "import copy, json\nj = copy.deepcopy(json)\nj.loads = print",
        "runtime",
        "line 3: TypeError: StandInModule objects cannot be changed in the sandbox; only dicts, "
        "lists and instances of classes defined in the snippet can",
    ),
    "subclass-a-module-to-reinitialise-it": (
        "import json\nclass M(type(json)):\n    pass",
        "runtime",
        "line 2: TypeError: type() of a host function, its result or a module is not available "
        "in the sandbox; print the value, or test it with isinstance(x, dict)",
    ),
    "eval-through-a-callback": (
        "import functools\nfunctools.reduce(eval, ['1'])",
        "policy",
        "line 2: 'eval' is not available in the sandbox: evaluating strings is not allowed; "
        "write the expression directly",
    ),
    "exec-through-partial": (
        "import functools\nfunctools.partial(exec, 'x = 1')()",
        "policy",
        "line 2: 'exec' is not available in the sandbox: running generated code is not allowed; "
        "write the code directly",
    ),
    "frame-of-a-tee": (
        "import itertools\ng = (i for i in range(3))\nitertools.tee(g)[0].gi_frame",
        "policy",
        'line 3: "gi_frame" is a restricted name, that is forbidden to access in '
        "RestrictedPython: frames, generators, tracebacks and code objects are private",
    ),
    "pathlib-path": (
        "import pathlib\npathlib.Path('/etc/passwd').read_text()",
        "runtime",
        "line 2: AttributeError: module 'pathlib' does not offer 'Path' in the sandbox: it "
        "reads the file system, which the sandbox cannot; use PurePath for path arithmetic and "
        "the host functions to read files",
    ),
    "decimal-shared-context": (
        "import decimal\ndecimal.DefaultContext.prec = 3",
        "runtime",
        "line 2: AttributeError: module 'decimal' does not offer 'DefaultContext' in the "
        "sandbox: the current context would outlive the run; use 'with "
        "decimal.localcontext(prec=50):' for a block, or ctx = decimal.Context(prec=50) and "
        "ctx.divide(a, b)",
    ),
}


@pytest.mark.parametrize(("source", "kind", "message"), list(DOORS.values()), ids=list(DOORS))
def test_door_is_closed(sb: Sandbox, source: str, kind: str, message: str) -> None:
    assert _both(sb, source) == [(kind, message)]
    assert sb.run("[i * i for i in range(4)]").value == [0, 1, 4, 9]


def test_runs_do_not_share_a_changed_stand_in(sb: Sandbox) -> None:
    """What one run does to a stand-in's objects is invisible to the next (same worker)."""
    first = sb.run(
        "import decimal, hashlib\n"
        "with decimal.localcontext(prec=3):\n    x = decimal.Decimal(1) / 3\nstr(x)"
    )
    second = sb.run("import decimal\nstr(decimal.Decimal(1) / 3)")
    assert (first.value, second.value) == ("0.333", "0.3333333333333333333333333333")


def test_the_random_stand_in_has_a_generator_of_its_own(sb: Sandbox) -> None:
    import random

    generator = STAND_INS["random"].seed.__self__
    assert isinstance(generator, random.Random)
    assert generator is not random.random.__self__  # not the standard library's shared one
    again = sb.run(
        "import random\nrandom.seed(5)\na = random.random()\nrandom.seed(5)\n"
        "[a == random.random(), random.Random(5).random() == a]"
    )
    assert again.value == [True, True]
