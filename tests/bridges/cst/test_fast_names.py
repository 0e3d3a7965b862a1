"""``name`` and ``attribute`` patterns answered with ``ast`` give exactly LibCST's matches
(issue 10 finding 7: the 2x floor needs them off LibCST), and shapes ``ast`` cannot place go
to LibCST."""

from __future__ import annotations

from typing import cast

import pytest

from bridges.cst._child_main import Source
from bridges.cst._fast_find import fast_matches
from bridges.cst._find import _Collector, _match
from parsers.contracts.cst import PatternKind

SHAPES = '''"""Every place a name or an attribute can be spelt."""

import os.path as osp, a.b.c
from django.conf import settings as conf, other
from .pkg.mod import thing as settings


@decorate.settings(settings=settings)
class Settings((settings.Base), metaclass=settings):
    settings: int = (settings)

    async  def  settings(self, settings=None, *args, **kw) -> settings.T:
        x = not (settings)
        y = (settings).value // (settings.value)
        z = f"{settings} {settings!r} {(settings).a}"
        w = lambda settings: settings.a.b(settings=True)
        try:
            pass
        except (settings.Error, KeyError) as settings:
            del settings
        return f(
            settings
        ), [True, False, None]
'''

GLOBALS = "def f():\n    global settings\n    settings = 1\n"
MATCH = "match x:\n    case {'a': settings}:\n        pass\n"


def libcst_rows(text: str, kind_text: str, glob: str) -> list[tuple[int, int, str, str]]:
    source = Source(text)
    kind = cast(PatternKind, kind_text)
    collector = _Collector(kind, glob)
    source.module().visit(collector)
    rows = [_match(source, kind, node, name) for node, name in collector.found]
    return sorted(rows, key=lambda row: (row[0], row[1]))


@pytest.mark.parametrize(
    "pattern",
    [
        "name:settings",
        "name:*",
        "name:True",
        "name:None",
        "attribute:*",
        "attribute:settings.*",
        "attribute:a.b",
        "attribute:*.value",
        "attribute:django.*",
        "attribute:pkg.mod",
    ],
)
def test_ast_answers_exactly_as_libcst(pattern: str) -> None:
    kind, _, glob = pattern.partition(":")
    fast = fast_matches(SHAPES, SHAPES.splitlines(), kind, glob)
    assert fast is not None
    assert sorted(fast, key=lambda row: (row[0], row[1])) == libcst_rows(SHAPES, kind, glob)


def test_the_shapes_are_all_found() -> None:
    fast = fast_matches(SHAPES, SHAPES.splitlines(), "name", "settings")
    assert fast is not None
    # import alias, from alias, decorator argument, class bases, annotation and value, def name,
    # parameter, return annotation, not (x), (x).y, f-string (three), lambda, except, del, call.
    assert [(line, column) for line, column, _, _ in sorted(fast)] == [
        (4, 25),
        (5, 31),
        (8, 29),
        (9, 17),
        (9, 43),
        (10, 5),
        (10, 22),
        (12, 17),
        (12, 32),
        (12, 63),
        (13, 18),
        (14, 14),
        (14, 34),
        (15, 16),
        (15, 27),
        (15, 41),
        (16, 20),
        (16, 30),
        (19, 17),
        (19, 46),
        (20, 17),
        (22, 13),
    ]


@pytest.mark.parametrize("text", [GLOBALS, MATCH])
def test_names_ast_cannot_place_go_to_libcst(text: str) -> None:
    assert fast_matches(text, text.splitlines(), "name", "settings") is None
    assert fast_matches(text, text.splitlines(), "name", "nothing") == []


def test_a_file_ast_cannot_parse_goes_to_libcst() -> None:
    text = "x = " + "(" * 300 + "1" + ")" * 300 + "\n"
    assert fast_matches(text, text.splitlines(), "name", "x") is None
