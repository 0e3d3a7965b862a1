"""The standard-library stand-ins (issue 16): what a snippet gets, what it is told, what it costs.

Each stand-in is a decision table (``sandbox/_worker/_stdlib``): the names it offers, and for
every other public name of the real module the reason it is left out, which is what a snippet
asking for it reads. The tables are checked against the real modules of the running Python, so a
name a new version adds is refused until someone decides about it. Every benign case runs on both
compile paths (``# except`` sends a snippet to the full RestrictedPython path) with the same
result; a worker starts without loading any of the real modules.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

import pytest

from sandbox import Sandbox
from sandbox._process import _worker_path
from sandbox._worker._denials import ALLOWED_MODULES
from sandbox._worker._modules import STAND_INS
from sandbox._worker._stdlib import _GROUPS, tables

TABLES = tables()

# -- the tables ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_public_name_is_offered_or_left_out_with_a_reason(name: str) -> None:
    table = TABLES[name]
    real = importlib.import_module(name)
    public = {item for item in dir(real) if not item.startswith("_")}
    assert set(table.offered).isdisjoint(table.left_out)
    assert public - set(table.offered) - set(table.left_out) == set()
    assert all(reason.strip() for reason in table.left_out.values())
    module = STAND_INS[name]
    for item in table.offered:
        assert getattr(module, item) is not None


def test_every_allowed_module_has_a_table_or_is_built_at_start() -> None:
    assert sorted(ALLOWED_MODULES) == sorted({"json", "re", "math", "asyncio", *TABLES})
    assert len(ALLOWED_MODULES) == len(set(ALLOWED_MODULES))


def test_no_class_a_snippet_can_reach_matches_a_private_attribute() -> None:
    """``case C(a, b)`` reads the attributes named in ``C.__match_args__`` natively."""
    unsafe = {}
    for name in TABLES:
        for item in TABLES[name].offered:
            value = getattr(STAND_INS[name], item)
            args = getattr(value, "__match_args__", ()) if isinstance(value, type) else ()
            bad = [arg for arg in args if arg.startswith("_")]
            if bad:
                unsafe[f"{name}.{item}"] = bad
    assert unsafe == {}


# -- importing costs nothing until a snippet imports ---------------------------------------

_PROBE = """
import sys
sys.path[:0] = sys.argv[1].split("\\n")
import _worker._main
from _worker._modules import STAND_INS
heavy = ("statistics", "decimal", "fractions", "difflib", "csv", "uuid", "typing",
         "dataclasses", "pathlib", "hashlib", "random", "datetime", "textwrap", "fnmatch",
         "heapq", "bisect", "base64")
print(sorted(name for name in heavy if name in sys.modules))
print(sorted(name for name in heavy if STAND_INS.loaded(name)))
STAND_INS["statistics"]
print("statistics" in sys.modules, STAND_INS.loaded("statistics"), STAND_INS.loaded("decimal"))
"""


def test_a_worker_loads_no_stand_in_until_a_snippet_imports_it() -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", _PROBE, "\n".join(_worker_path())],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "[]\n[]\nTrue True False\n"


# -- what a model writes, and the value it expects ------------------------------------------

BENIGN: dict[str, tuple[str, Any]] = {
    "collections": (
        "from collections import Counter, defaultdict, OrderedDict, deque, namedtuple, ChainMap\n"
        "c = Counter('abracadabra').most_common(2)\n"
        "d = defaultdict(list)\nd['a'].append(1)\n"
        "q = deque([1, 2, 3], maxlen=2)\n"
        "P = namedtuple('P', 'x y')\n"
        "[c, dict(d), list(q), P(1, 2).y, list(OrderedDict(a=1)), ChainMap({'a': 1}, {'b': 2})['b']]",
        [[["a", 5], ["b", 2]], {"a": [1]}, [2, 3], 2, ["a"], 2],
    ),
    "itertools": (
        "import itertools\n"
        "[list(itertools.chain([1], [2])), list(itertools.islice(itertools.count(5), 3)),"
        " [k for k, _ in itertools.groupby('aabbc')], list(itertools.pairwise([1, 2, 3])),"
        " len(list(itertools.permutations(range(3))))]",
        [[1, 2], [5, 6, 7], ["a", "b", "c"], [[1, 2], [2, 3]], 6],
    ),
    "functools": (
        "import functools\n"
        "@functools.lru_cache(maxsize=None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
        "@functools.cache\ndef sq(n):\n    return n * n\n"
        "add3 = functools.partial(lambda a, b: a + b, 3)\n"
        "by_len = sorted(['ccc', 'a', 'bb'], key=functools.cmp_to_key(lambda a, b: len(a) - len(b)))\n"
        "[functools.reduce(lambda a, b: a * b, [1, 2, 3, 4]), fib(30), sq(4), add3(4), by_len]",
        [24, 832040, 16, 7, ["a", "bb", "ccc"]],
    ),
    "operator": (
        "import operator\n"
        "class P:\n    def __init__(self, x):\n        self.x = x\n"
        "items = [P(3), P(1)]\n"
        "d = {}\noperator.setitem(d, 'k', 1)\n"
        "[operator.itemgetter(1)([5, 6]), [p.x for p in sorted(items, key=operator.attrgetter('x'))],"
        " operator.methodcaller('upper')('a'), operator.add(2, 3), d]",
        [6, [1, 3], "A", 5, {"k": 1}],
    ),
    "statistics": (
        "import statistics\n"
        "xs = [1, 2, 3, 4, 10]\n"
        "[statistics.mean(xs), statistics.median(xs), statistics.mode([1, 1, 2]),"
        " round(statistics.stdev(xs), 3), statistics.quantiles(xs, n=4)]",
        [4, 3, 1, 3.536, [1.5, 3.0, 7.0]],
    ),
    "dataclasses": (
        "from dataclasses import dataclass, field, asdict, replace\n"
        "@dataclass(frozen=True)\nclass Finding:\n    line: int\n    tags: list = field(default_factory=list)\n"
        "f = Finding(3)\n"
        "[asdict(f), replace(f, line=4).line, f == Finding(3), repr(f)]",
        [{"line": 3, "tags": []}, 4, True, "Finding(line=3, tags=[])"],
    ),
    "datetime": (
        "from datetime import date, datetime, timedelta, timezone\n"
        "d = date(2026, 12, 4) + timedelta(days=30)\n"
        "t = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)\n"
        "[d.isoformat(), t.strftime('%Y-%m-%d %H:%M'), datetime.fromisoformat('2026-01-02').year,"
        " (date(2026, 3, 1) - date(2026, 2, 1)).days, datetime.strptime('2026-05-06', '%Y-%m-%d').day,"
        " d.timetuple().tm_yday, datetime.now().year > 2000]",
        ["2027-01-03", "2026-01-02 03:04", 2026, 28, 6, 3, True],
    ),
    "textwrap": (
        "import textwrap\n"
        "[textwrap.wrap('the quick brown fox', 10), textwrap.dedent('  a\\n  b'),"
        " textwrap.shorten('hello world again', 12), textwrap.indent('a\\nb', '> ')]",
        [["the quick", "brown fox"], "a\nb", "hello [...]", "> a\n> b"],
    ),
    "difflib": (
        "import difflib\n"
        "[difflib.get_close_matches('typchek', ['typecheck', 'ruff']),"
        " round(difflib.SequenceMatcher(None, 'abcd', 'abed').ratio(), 2),"
        " list(difflib.unified_diff(['a\\n'], ['b\\n'], 'x', 'y'))]",
        [["typecheck"], 0.75, ["--- x\n", "+++ y\n", "@@ -1 +1 @@\n", "-a\n", "+b\n"]],
    ),
    "fnmatch": (
        "import fnmatch\n[fnmatch.fnmatch('a.py', '*.py'), fnmatch.filter(['a.py', 'b.txt'], '*.py')]",
        [True, ["a.py"]],
    ),
    "string": (
        "import string\n"
        "[string.ascii_lowercase[:3], string.digits, string.capwords('hello world'),"
        " string.Template('$who likes $what').substitute(who='tim', what='tea')]",
        ["abc", "0123456789", "Hello World", "tim likes tea"],
    ),
    "heapq": (
        "import heapq\nh = [5, 1, 4]\nheapq.heapify(h)\nheapq.heappush(h, 0)\n"
        "[heapq.heappop(h), heapq.nlargest(2, [1, 9, 3]), heapq.nsmallest(1, [4, 2])]",
        [0, [9, 3], [2]],
    ),
    "bisect": (
        "import bisect\nxs = [1, 3, 5]\nbisect.insort(xs, 4)\n[bisect.bisect_left(xs, 3), xs]",
        [1, [1, 3, 4, 5]],
    ),
    "random": (
        "import random\nrandom.seed(7)\na = [random.randint(1, 100) for _ in range(3)]\n"
        "random.seed(7)\nb = [random.randint(1, 100) for _ in range(3)]\n"
        "r = random.Random(1)\n[a == b, r.choice('abc') in 'abc', len(random.sample(range(10), 3))]",
        [True, True, 3],
    ),
    "decimal": (
        "from decimal import Decimal, localcontext, Context, ROUND_HALF_UP\n"
        "with localcontext(prec=5) as ctx:\n    third = Decimal(1) / Decimal(3)\n"
        "ctx = Context(prec=3)\nctx.prec = 4\n"
        "[str(Decimal('0.1') + Decimal('0.2')), str(third), str(ctx.divide(Decimal(2), Decimal(3))),"
        " str(Decimal('2.675').quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))]",
        ["0.3", "0.33333", "0.6667", "2.68"],
    ),
    "fractions": (
        "from fractions import Fraction\n"
        "[str(Fraction(1, 3) + Fraction(1, 6)), Fraction('0.75').denominator]",
        ["1/2", 4],
    ),
    "enum": (
        "from enum import Enum, IntEnum, Flag, auto, unique\n"
        "@unique\nclass Color(Enum):\n    RED = 1\n    GREEN = 2\n"
        "class Level(IntEnum):\n    LOW = 1\n    HIGH = 2\n"
        "class Perm(Flag):\n    R = auto()\n    W = auto()\n"
        "Shape = Enum('Shape', 'CIRCLE SQUARE')\n"
        "[Color.RED.name, Color(2).name, [c.name for c in Color], Level.HIGH > Level.LOW,"
        " (Perm.R | Perm.W).value, Shape.SQUARE.value, Color['GREEN'] is Color.GREEN]",
        ["RED", "GREEN", ["RED", "GREEN"], True, 3, 2, True],
    ),
    "typing": (
        "from typing import Any, Optional, Union, List, Dict, NamedTuple, TypedDict, cast\n"
        "def f(xs: List[int], d: Optional[Dict[str, Any]] = None) -> Union[int, str]:\n"
        "    return sum(xs)\n"
        "class Pair(NamedTuple):\n    a: int\n    b: str = 'x'\n"
        "class Movie(TypedDict, total=False):\n    title: str\n"
        "[f([1, 2]), Pair(1).b, Movie(title='x'), cast(int, '3')]",
        [3, "x", {"title": "x"}, "3"],
    ),
    "pathlib": (
        "from pathlib import PurePosixPath\n"
        "p = PurePosixPath('/src/app/main.py')\n"
        "[p.name, p.suffix, p.parent.as_posix(), str(p.relative_to('/src')), p.match('*.py')]",
        ["main.py", ".py", "/src/app", "app/main.py", True],
    ),
    "copy": (
        "import copy\na = {'x': [1, 2]}\nb = copy.deepcopy(a)\nb['x'].append(3)\n"
        "c = copy.copy(a)\n[a, b, c['x'] is a['x']]",
        [{"x": [1, 2]}, {"x": [1, 2, 3]}, True],
    ),
    "base64": (
        "import base64\n"
        "e = base64.b64encode('punie'.encode())\n"
        "[e.decode(), base64.b64decode(e).decode(), base64.urlsafe_b64encode(b'\\xff').decode()]",
        ["cHVuaWU=", "punie", "_w=="],
    ),
    "hashlib": (
        "import hashlib\n"
        "[hashlib.sha256(b'abc').hexdigest()[:16], hashlib.md5('a'.encode()).hexdigest()[:8],"
        " 'sha256' in hashlib.algorithms_guaranteed]",
        ["ba7816bf8f01cfea", "0cc175b9", True],
    ),
    "uuid": (
        "import uuid\nu = uuid.uuid4()\n"
        "[u.version, len(str(u)), str(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))]",
        [4, 36, "886313e1-3b8a-5372-9b90-0c9aee199e5d"],
    ),
    "csv": (
        "import csv, io\n"
        "rows = list(csv.reader('a,b\\n1,\"x,y\"'.splitlines()))\n"
        "records = list(csv.DictReader(io.StringIO('name,n\\nx,1\\n')))\n"
        "out = io.StringIO()\nw = csv.writer(out)\nw.writerow(['a', 'b c', 'd,e'])\n"
        "[rows, records, out.getvalue()]",
        [[["a", "b"], ["1", "x,y"]], [{"name": "x", "n": "1"}], 'a,b c,"d,e"\r\n'],
    ),
    "io": (
        "import io\ns = io.StringIO()\ns.write('ab')\nb = io.BytesIO(b'xyz')\n[s.getvalue(), b.read(2)]",
        "['ab', b'xy']",  # bytes are not JSON data: the value is its repr
    ),
}


def _both_paths(sb: Sandbox, source: str) -> Any:
    native = sb.run(source)
    full = sb.run(source + "\n# except")  # the word sends the snippet to the full path
    assert native.ok, native.error
    assert full.ok, full.error
    assert native.value == full.value
    return native.value


@pytest.mark.parametrize(("source", "value"), list(BENIGN.values()), ids=list(BENIGN))
def test_a_stand_in_gives_the_value_a_model_expects(sb: Sandbox, source: str, value: Any) -> None:
    assert _both_paths(sb, source) == value


def test_every_stand_in_has_a_benign_case() -> None:
    assert set(TABLES) <= set(BENIGN)


# -- what stays out, and what the snippet is told -------------------------------------------

REFUSED: dict[str, tuple[str, str]] = {
    "statistics-sys": (
        "import statistics\nstatistics.sys",
        "line 2: AttributeError: module 'statistics' does not offer 'sys' in the sandbox: the "
        "real module imports it for its own use; import what you need directly",
    ),
    "from-datetime-import-sys": (
        "from datetime import sys",
        "line 1: ImportError: cannot import name 'sys' from 'datetime': module 'datetime' does "
        "not offer 'sys' in the sandbox: the real module imports it for its own use; import "
        "what you need directly",
    ),
    "decimal-getcontext": (
        "from decimal import getcontext\ngetcontext().prec = 50",
        "line 1: ImportError: cannot import name 'getcontext' from 'decimal': module 'decimal' "
        "does not offer 'getcontext' in the sandbox: the current context would outlive the "
        "run; use 'with decimal.localcontext(prec=50):' for a block, or ctx = "
        "decimal.Context(prec=50) and ctx.divide(a, b)",
    ),
    "typing-get_type_hints": (
        "import typing\ntyping.get_type_hints",
        "line 2: AttributeError: module 'typing' does not offer 'get_type_hints' in the "
        "sandbox: it evaluates strings as code, outside the sandbox's policy; read annotations "
        "as the objects they are",
    ),
    "pathlib-Path": (
        "from pathlib import Path",
        "line 1: ImportError: cannot import name 'Path' from 'pathlib': module 'pathlib' does "
        "not offer 'Path' in the sandbox: it reads the file system, which the sandbox cannot; "
        "use PurePath for path arithmetic and the host functions to read files",
    ),
    "io-open": (
        "import io\nio.open('/etc/passwd')",
        "line 2: AttributeError: module 'io' does not offer 'open' in the sandbox: there is no "
        "file access in the sandbox; use io.StringIO or io.BytesIO for text in memory",
    ),
    "unknown-name-gets-a-hint": (
        "import collections\ncollections.Countr",
        "line 2: AttributeError: module 'collections' has no attribute 'Countr' in the "
        "sandbox; did you mean 'Counter'? it offers: ChainMap, Counter, OrderedDict, UserDict, "
        "UserList, UserString, defaultdict, deque, namedtuple",
    ),
    "hashlib-shared-set": (
        "import hashlib\nhashlib.algorithms_guaranteed.add('x')",
        "line 2: AttributeError: 'frozenset' object has no attribute 'add'",
    ),
    "csv-register_dialect": (
        "import csv\ncsv.register_dialect('x', delimiter=';')",
        "line 2: AttributeError: module 'csv' does not offer 'register_dialect' in the sandbox: "
        "it changes a setting every later run shares; pass the options to "
        "csv.reader()/csv.writer() instead (delimiter=';', quotechar=\"'\")",
    ),
    "uuid1": (
        "import uuid\nuuid.uuid1()",
        "line 2: AttributeError: module 'uuid' does not offer 'uuid1' in the sandbox: it needs "
        "the machine's network address, which the sandbox cannot see; use uuid.uuid4()",
    ),
    "only-a-decimal-context-is-writable": (
        "import decimal\nd = decimal.Decimal(1)\nd.x = 1",
        "line 3: TypeError: Decimal objects cannot be changed in the sandbox; only dicts, lists "
        "and instances of classes defined in the snippet can",
    ),
}


@pytest.mark.parametrize(("source", "message"), list(REFUSED.values()), ids=list(REFUSED))
def test_what_stays_out_says_what_to_do_instead(sb: Sandbox, source: str, message: str) -> None:
    for result in (sb.run(source), sb.run(source + "\n# except")):
        assert result.error is not None, result
        assert (result.error.kind, result.error.message) == ("runtime", message)


def test_each_table_is_where_the_package_looks_for_it() -> None:
    for group, names in _GROUPS.items():
        module = importlib.import_module(f"sandbox._worker._stdlib.{group}")
        assert sorted(module.TABLES) == sorted(names)


def answer() -> int:
    """The answer."""
    return 42


def test_copying_a_value_that_holds_a_bridge_function_keeps_the_function() -> None:
    """``copy.deepcopy`` of a structure holding a host function must not walk the worker."""
    from sandbox import HostFunction, Sandbox

    with Sandbox([HostFunction.from_callable(answer)]) as sandbox:
        result = sandbox.run(
            "import copy\nholder = {'f': answer}\ncopied = copy.deepcopy(holder)\n"
            "[copied['f'] is answer, copied['f']()]"
        )
    assert result.error is None, result.error
    assert result.value == [True, 42]
