"""Issue 11, findings 3 and 5: the hint for a module used without ``import``, and capped values.

A snippet's last value goes to a person's terminal and into the model's context, so every value
is capped (``Limits.value_chars``) with a note saying how much was cut, whatever its shape.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import Limits, Sandbox


@pytest.fixture(scope="module")
def small() -> Iterator[Sandbox]:
    """A sandbox whose values are capped at the smallest allowed size (64 characters)."""
    with Sandbox([], Limits(value_chars=64)) as sandbox:
        yield sandbox


@pytest.mark.parametrize(
    ("source", "module"),
    [("math.sqrt(2)", "math"), ("re.sub('a', 'b', 'a')", "re"), ("json.dumps(1)", "json")],
)
def test_module_used_without_import_says_to_import_it(
    small: Sandbox, source: str, module: str
) -> None:
    result = small.run(source)
    assert result.error is not None
    assert (result.error.kind, result.error.message) == (
        "runtime",
        f"line 1: NameError: name '{module}' is not defined; '{module}' is a module: "
        f"add `import {module}` first",
    )


def test_misspelt_module_still_gets_did_you_mean(small: Sandbox) -> None:
    result = small.run("mth.sqrt(2)")
    assert result.error is not None
    assert result.error.message == (
        "line 1: NameError: name 'mth' is not defined; did you mean 'math'?"
    )


def test_imported_module_works(small: Sandbox) -> None:
    assert small.run("import math\nmath.sqrt(4)").value == 2.0


def test_long_list_is_cut_with_a_note(small: Sandbox) -> None:
    # The brackets cost 2 characters, 0-9 cost 3 each, 10-17 cost 4: 64 are spent at 17.
    assert small.run("list(range(100))").value == [*range(18), "... (82 more items)"]


def test_million_item_list_stays_near_the_cap() -> None:
    with Sandbox([]) as box:
        value = box.run("list(range(10 ** 6))").value
    assert isinstance(value, list)
    kept = len(value) - 1
    assert value == [*range(kept), f"... ({10**6 - kept} more items)"]
    assert sum(len(repr(item)) + 2 for item in value[:-1]) <= box.limits.value_chars + 16


def test_long_dict_is_cut_with_a_note(small: Sandbox) -> None:
    value = small.run("{str(i): i for i in range(100)}").value
    assert value == {**{str(i): i for i in range(8)}, "...": "(92 more keys)"}


def test_nested_lists_are_cut_at_every_level(small: Sandbox) -> None:
    value = small.run("[[1] * 30] * 3").value
    assert value == [[*[1] * 20, "... (10 more items)"], "... (2 more items)"]


def test_string_inside_a_list_is_cut(small: Sandbox) -> None:
    assert small.run("[['x' * 100]]").value == [["x" * 60 + "... (40 more characters)"]]


def test_small_values_are_untouched(small: Sandbox) -> None:
    source = "{'a': [1, 2.5, None, True], 'b': (1, 'two')}"
    assert small.run(source).value == {"a": [1, 2.5, None, True], "b": [1, "two"]}
