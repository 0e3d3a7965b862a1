"""The schema of an example file, and the errors a broken one gets.

Imported only when an example file is read (``bridges.load_examples``), never at start-up:
building these models and their validators is work that most runs do not need.
``examples_schema()`` is the JSON Schema checked in at ``bridges/examples/schema.json``.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bridges._examples import BridgeExample, Category, ExampleStep

__all__ = ["ExampleFile", "StoredExample", "describe_errors", "examples_schema"]

FORMAT_HELP = "see 'Examples: the data format' in docs/bridges.md"


class StoredExample(BridgeExample):
    """An example as an example file holds it: ``id`` and ``categories`` are required, and the
    categories that follow from the steps must agree with them."""

    model_config = ConfigDict(title="BridgeExample", use_attribute_docstrings=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*-[0-9]+$")
    """Stable name, '<bridge>-<number>' (e.g. 'typecheck-3'), where <bridge> is the file's name.
    Never renumber: add new examples at the end with the next number."""
    categories: tuple[Category, ...] = Field(min_length=1)
    """Tags: 'single' or 'multi_turn', then any of 'field_access', 'cross_bridge', 'error',
    'error_recovery', 'edge_case', 'write' that apply (docs/bridges.md says when)."""

    @model_validator(mode="after")
    def _categories_follow_the_steps(self) -> StoredExample:
        failing = [not step.expect_ok for step in self.steps]
        derived: dict[Category, bool] = {
            "single": len(self.steps) == 1,
            "multi_turn": len(self.steps) > 1,
            "error": any(failing),
            "error_recovery": any(
                fails and not all(failing[index + 1 :]) for index, fails in enumerate(failing)
            ),
        }
        if len(set(self.categories)) != len(self.categories):
            raise ValueError("categories: list each category once")
        for category, holds in derived.items():
            if holds != (category in self.categories):
                raise ValueError(f"categories: {_why(category, holds)}")
        return self


def _why(category: Category, holds: bool) -> str:
    reasons: dict[Category, str] = {
        "single": "the example has one step",
        "multi_turn": "the example has several steps",
        "error": "a step has expect_ok = false",
        "error_recovery": "a failing step is followed by one that succeeds",
    }
    if holds:
        return f"add {category!r}: {reasons[category]}"
    return f"remove {category!r}: it applies only when {reasons[category]}"


class ExampleFile(BaseModel):
    """One example file, ``bridges/examples/<bridge>.toml``: the examples that bridge owns.

    A bridge owns its single-turn examples and the multi-turn ones it starts (or is the main
    subject of); a multi-turn example counts for every bridge its snippets call.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", title="ExampleFile", use_attribute_docstrings=True
    )

    examples: tuple[StoredExample, ...] = Field(min_length=1)
    """The examples, in id order; written as ``[[examples]]`` tables with ``[[examples.steps]]``."""


def examples_schema() -> str:
    """The JSON Schema of an example file, as checked in at ``bridges/examples/schema.json``."""
    return json.dumps(ExampleFile.model_json_schema(), indent=2, sort_keys=True) + "\n"


def describe_errors(path: Path, data: dict[str, Any], error: ValidationError) -> str:
    """One line per schema violation: example id (or position), field path, what is allowed."""
    raw = data.get("examples")
    problems = []
    errors = error.errors()
    for item in errors:
        location = item["loc"]
        if item["type"] == "too_short" and any(
            other["loc"][: len(location)] == location and len(other["loc"]) > len(location)
            for other in errors
        ):
            continue  # a tuple left empty by its own failing items: those are the problem
        if location[:1] != ("examples",) or len(location) < 2:
            field_path = ".".join(str(part) for part in location) or "(top level)"
            if item["type"] == "extra_forbidden":
                problems.append(
                    f"the file, key {field_path!r}: unknown; the file holds only [[examples]] "
                    "tables"
                )
            else:
                problems.append(f"the file, field {field_path!r}: {item['msg']}")
            continue
        index = location[1]
        example_id = None
        if isinstance(raw, list) and isinstance(index, int) and index < len(raw):
            entry = raw[index]
            example_id = entry.get("id") if isinstance(entry, dict) else None
        where = (
            f"example {example_id!r}"
            if isinstance(example_id, str)
            else f"example number {int(index) + 1}"
        )
        problems.append(f"{where}, field {_field_path(location[2:])!r}: {_allowed(item, location)}")
    return f"{path}: {len(problems)} problem(s) ({FORMAT_HELP}):\n" + "\n".join(
        f"  {problem}" for problem in problems
    )


def _field_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "(the example)"


def _allowed(item: Any, location: tuple[int | str, ...]) -> str:
    message = str(item["msg"])
    if item["type"] != "extra_forbidden":
        return message
    model: type[BaseModel] = ExampleStep if "steps" in location else StoredExample
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(str(location[-1]), allowed, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown field; {hint}allowed: {', '.join(allowed)}"
