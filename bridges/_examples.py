"""Examples a bridge ships with, like it ships with tests.

They are plain data (pydantic, JSON-serialisable) because three consumers read them: the test
suite runs every example against the sample workspace and checks the stated outcome, the LoRA
pipeline renders them into training conversations through the runtime's one prompt template, and
the evaluation suite draws held-out items from them. A single-turn example has one step; a
multi-turn example has several, each a snippet the model writes after seeing the previous result.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BridgeExample", "ExampleStep"]


class ExampleStep(BaseModel):
    """One assistant turn: the snippet to write and what its result must show."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    snippet: str
    """Python the model should write; it calls bridges with keyword arguments."""
    expect_ok: bool = True
    """Whether the run succeeds (False for examples that teach recovering from an error)."""
    expect_contains: tuple[str, ...] = ()
    """Substrings the rendered result (printed output, then the last value) must contain."""


class BridgeExample(BaseModel):
    """A user request, the turns a model should take, and the final answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    request: str
    """What the user asks, in their words."""
    steps: tuple[ExampleStep, ...] = Field(min_length=1)
    """One step for a single-turn example, several for a multi-turn sequence."""
    answer: str
    """The final answer the model gives after the last result."""

    @property
    def multi_turn(self) -> bool:
        return len(self.steps) > 1
