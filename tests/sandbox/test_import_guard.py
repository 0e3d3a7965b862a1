"""The runtime import guard on its own (issue 12, section 6).

A snippet's ``import`` runs the ``__import__`` of its builtins, punie's guard. The compile-time
policy refuses every module but the curated stand-ins first, so no snippet reaches the guard with
another name, and an audit that made the guard import real modules for any name went unnoticed
by the whole suite. These tests call the guard exactly as a snippet's ``import`` does, from the
namespace every run starts with, so that the second line holds on its own.
"""

from __future__ import annotations

import types
from typing import Any

import pytest

from sandbox._worker._denials import IMPORT_REFUSED
from sandbox._worker._guards import make_globals_template
from sandbox._worker._modules import STAND_INS

_IMPORT: Any = make_globals_template({})["__builtins__"]["__import__"]
"""What ``import x`` calls inside a run (``IMPORT_NAME`` looks it up in the builtins)."""


@pytest.mark.parametrize(
    "name",
    ["os", "sys", "subprocess", "builtins", "importlib", "ctypes", "json.decoder", "os.path",
     "_string", "_worker._guards", "sandbox", "codecs", "gc"],
)  # fmt: skip
def test_real_modules_are_never_imported(name: str) -> None:
    with pytest.raises(ImportError) as raised:
        _IMPORT(name, {}, {}, (), 0)
    assert str(raised.value) == f"importing '{name}' is refused: {IMPORT_REFUSED}"


@pytest.mark.parametrize("name", ["json", "re", "math"])
def test_relative_imports_are_refused_even_of_allowed_names(name: str) -> None:
    with pytest.raises(ImportError) as raised:
        _IMPORT(name, {}, {}, ("loads",), 1)
    assert str(raised.value) == f"importing '{name}' is refused: {IMPORT_REFUSED}"


@pytest.mark.parametrize(
    ("name", "names"), [("json", ("loads", "dumps")), ("re", ("sub", "I")), ("math", ("pi", "e"))]
)
def test_allowed_names_give_the_stand_ins_not_the_modules(
    name: str, names: tuple[str, ...]
) -> None:
    module = _IMPORT(name, {}, {}, (), 0)
    assert module is STAND_INS[name]
    assert not isinstance(module, types.ModuleType)
    assert _IMPORT(name, {}, {}, names, 0) is STAND_INS[name]  # from x import a, b
