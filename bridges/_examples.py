"""Examples a bridge ships with, like it ships with tests: the models of one example.

They are plain data because three consumers read them: the test suite runs every example against
the sample workspace and checks the stated outcome, the LoRA pipeline renders them into training
conversations through the runtime's one prompt template, and the evaluation suite draws held-out
items from them (naming each by its ``id``). A single-turn example has one step; a multi-turn
example has several, each a snippet the model writes after seeing the previous result.

The built-in examples live in data files, one per bridge (``bridges/examples/<bridge>.toml``,
read by ``bridges.load_examples``; their schema is ``bridges._example_schema``). Examples built
in Python (a validator plugin's ``examples``) use these models; ``id`` and ``categories`` may stay
empty there.

What a step's *output* is, for its expectations: the printed output, then ``str()`` of the value
of the last expression (when it is not None), then the error message (when the run failed),
joined by newlines. ``ExampleStep.unmet`` checks an output against the step.

Fields are described with ``Field(description=...)`` rather than docstrings under the fields:
this module is imported at every start (``bridges`` exports these models), and pydantic reads
field docstrings from the source, which costs more than every other model here together.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = ["CATEGORIES", "BridgeExample", "Category", "ExampleStep"]

Category = Literal[
    "single",
    "multi_turn",
    "field_access",
    "cross_bridge",
    "error",
    "error_recovery",
    "edge_case",
    "write",
]
"""Tags that let evaluation and training pick examples without reading snippets.

``single``/``multi_turn``: one step or several (exactly one of the two). ``field_access``: a
snippet reads fields of a result rather than printing it whole. ``cross_bridge``: two or more
different bridges are called. ``error``: a step fails on purpose. ``error_recovery``: a failing
step is followed by one that succeeds. ``edge_case``: the answer is "nothing" (an empty result, a
clean file, a zero count) or the request names something that is not there. ``write``: a bridge
that changes files is called.
"""

CATEGORIES: tuple[Category, ...] = get_args(Category)
"""Every category, in the order above."""

_Line = Annotated[str, StringConstraints(min_length=1, pattern=r"^[^\n\r]*$")]
_Fragment = Annotated[str, StringConstraints(min_length=4)]


class ExampleStep(BaseModel):
    """One assistant turn: the snippet to write and what its output must show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    snippet: str = Field(
        description="Python the model should write; it calls bridges with keyword arguments."
    )
    expect_ok: bool = Field(
        default=True,
        description="Whether the run succeeds (false for a step that teaches recovering from an "
        "error).",
    )
    expect_lines: tuple[_Line, ...] = Field(
        default=(),
        description="Whole lines the output must contain, each equal to one line of it (no "
        "newline inside).",
    )
    expect_contains: tuple[_Fragment, ...] = Field(
        default=(),
        description="Substrings (4 characters or more) the output must contain. Prefer "
        "expect_lines: use this only for a line that holds something that changes between runs "
        "(a path, a duration).",
    )

    def unmet(self, output: str) -> tuple[str, ...]:
        """The expectations ``output`` does not meet, each quoted as written (empty: all met).

        ``output`` is the step's output as the module docstring defines it.
        """
        lines = set(output.splitlines())
        missing = [f"line {line!r}" for line in self.expect_lines if line not in lines]
        missing += [f"text {text!r}" for text in self.expect_contains if text not in output]
        return tuple(missing)


class BridgeExample(BaseModel):
    """A user request, the turns a model should take, and the final answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(
        default="",
        description="Stable name, '<bridge>-<number>' (e.g. 'typecheck-3'); required in example "
        "files, where evaluation and training name examples by it. Never renumber: add new "
        "examples at the end.",
    )
    request: str = Field(description="What the user asks, in their words.")
    steps: tuple[ExampleStep, ...] = Field(
        min_length=1,
        description="One step for a single-turn example, several for a multi-turn sequence.",
    )
    answer: str = Field(description="The final answer the model gives after the last result.")
    categories: tuple[Category, ...] = Field(
        default=(), description="Tags (see Category); required in example files."
    )

    @property
    def multi_turn(self) -> bool:
        return len(self.steps) > 1
