"""The case schema: what one evaluation case says, as frozen pydantic models.

Suites are TOML files (``evals/suites/<suite>/*.toml``), each an array of ``[[case]]`` tables and an
optional ``[defaults]`` table whose keys every case of the file inherits (a case's own key wins).
The JSON Schema of ``CaseFile`` is exported to ``evals/suites/schema.json`` and pinned by a test.

This module checks each case *on its own* (types, allowed values, which fields go together).
Whatever needs the bridges' records (bridge names, argument names, result fields, pinned results
against the result model) or runs code (the reference answer against the answer check) is checked
when the suite loads, in ``evals._load``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from runtime.profiles import PROFILES as RUNTIME_PROFILES, Profile

__all__ = [
    "CATEGORIES",
    "EVAL_PROFILES",
    "PROFILES",
    "PROFILE_ALIASES",
    "AnswerCheck",
    "ArgumentRule",
    "Case",
    "CaseFile",
    "Category",
    "ExpectedCall",
    "Pin",
    "Reference",
]

Category = Literal[
    "direct_answer",
    "single_bridge",
    "bridge_identity",
    "field_access",
    "cross_bridge",
    "multi_turn",
    "irrelevance",
    "error_recovery",
    "edge_case",
]
"""What a case exercises. ``direct_answer`` and ``irrelevance`` expect no bridge call."""

CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]

EVAL_PROFILES: Mapping[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            name="quality",
            bridges=("typecheck", "ruff_check", "ruff_format", "pytest_run"),
            description="type checking, lint, formatting and tests",
        ),
        Profile(
            name="files",
            bridges=("read_file", "list_files", "grep"),
            description="reading, listing and searching files",
        ),
        Profile(name="git", bridges=("git_*",), description="the git bridges"),
        Profile(name="cst", bridges=("cst_*",), description="the LibCST bridges"),
        Profile(
            name="navigation",
            bridges=(
                "goto_definition",
                "find_references",
                "hover",
                "document_symbols",
                "workspace_symbols",
            ),
            description="the language server's navigation bridges",
        ),
        Profile(
            name="validators",
            bridges=("validate_*", "check_render_tree", "check_dependency_graph", "check_layers"),
            description="the domain validators",
        ),
    )
}
"""Bridge selections only evaluation cases name, as ``runtime.profiles.Profile`` records (the
runtime's own profiles, ``full``, ``compact`` and ``core``, are not repeated here)."""

PROFILE_ALIASES: Mapping[str, str] = {"all": "full"}
"""Case-file names for a runtime profile: ``all`` (the default) is ``full``, every bridge."""

PROFILES: Mapping[str, Profile] = {
    **RUNTIME_PROFILES,
    **{alias: RUNTIME_PROFILES[target] for alias, target in PROFILE_ALIASES.items()},
    **EVAL_PROFILES,
}
"""Every profile name a case may give (``bridges = "quality"``): the runtime's profiles
(``runtime.profiles.PROFILES``), their aliases and ``EVAL_PROFILES``. A case uses a profile's
bridge selection only; its stubs are always rendered in the full style."""

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ArgumentRule(_Model):
    """A constraint on one argument of an expected call: exactly one of the three keys.

    An argument the snippet leaves out is judged by the bridge's default for it, so
    ``typecheck()`` satisfies ``path = { exact = "." }``. In a case file a bare value is short
    for ``exact``: ``arguments = { path = "shop" }``.
    """

    exact: JsonValue = None
    """The value must equal this (after the bridge's argument model has validated it)."""
    one_of: list[JsonValue] | None = None
    """The value must equal one of these."""
    pattern: str | None = None
    """A regular expression the value (as text) must match in full."""

    def holds(self, value: Any) -> bool:
        """Whether a call's argument ``value`` satisfies this rule (L3's value check)."""
        if "exact" in self.model_fields_set:
            return value == self.exact
        if self.one_of is not None:
            return value in self.one_of
        assert self.pattern is not None
        return re.fullmatch(self.pattern, "" if value is None else str(value)) is not None

    @model_validator(mode="before")
    @classmethod
    def _bare_value_is_exact(cls, data: Any) -> Any:
        if isinstance(data, dict) and set(data) <= {"exact", "one_of", "pattern"} and data:
            return data
        return {"exact": data}

    @model_validator(mode="after")
    def _exactly_one(self) -> ArgumentRule:
        given = [key for key in ("exact", "one_of", "pattern") if key in self.model_fields_set]
        if len(given) != 1:
            raise ValueError(
                "an argument rule has exactly one of exact, one_of, pattern; got "
                f"{', '.join(given) or 'none'}"
            )
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValueError(
                    f"pattern {self.pattern!r} is not a regular expression: {error}"
                ) from None
        if self.one_of is not None and not self.one_of:
            raise ValueError("one_of needs at least one value")
        return self


class ExpectedCall(_Model):
    """A bridge the model should call, with what it should pass and which result fields it
    should read."""

    bridge: str = Field(min_length=1)
    """The bridge's name (``typecheck``); it must be in the case's bridge selection."""
    arguments: dict[str, ArgumentRule] = Field(default_factory=dict)
    """Rules per argument name; arguments without a rule may take any valid value."""
    fields: tuple[str, ...] = ()
    """Result fields the snippet must read, as dotted paths from the result
    (``error_count``, ``errors.file``: the ``file`` of an item of ``errors``)."""


class Pin(_Model):
    """A pinned bridge result: the case does not drift with the workspace.

    The n-th call of ``bridge`` in a run gets the n-th pin for that bridge (the last pin repeats);
    the pinned bridge keeps its name, stub and argument model, and its arguments are still
    validated. Exactly one of ``result`` (contract JSON, validated against the bridge's result
    model when the suite loads) and ``error`` (the message of a failed call, as a bridge error).
    """

    bridge: str = Field(min_length=1)
    """The bridge whose call returns this."""
    result: dict[str, JsonValue] | None = None
    """The result as contract JSON (``model_dump(mode="json")`` of the result model): a TOML
    table, or a string of JSON when it holds ``null`` (TOML has no null)."""
    error: str | None = None
    """The call fails with this message instead (a bridge error the model must read)."""
    next: str | None = None
    """The expected next step after the model sees this result: a bridge name it must call in
    its next turn, or ``"answer"`` when it must then answer (checked by L5)."""

    @field_validator("result", mode="before")
    @classmethod
    def _json_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"result is a string but not JSON: {error}") from None
        return value

    @model_validator(mode="after")
    def _result_or_error(self) -> Pin:
        if (self.result is None) == (self.error is None):
            raise ValueError("a pin has exactly one of result (contract JSON) or error (a message)")
        return self


class AnswerCheck(_Model):
    """Checks of the final answer; every key given must pass (at least one key)."""

    contains: tuple[str, ...] = ()
    """Texts the answer must contain (case-insensitive)."""
    pattern: str | None = None
    """A regular expression searched in the answer (case-insensitive)."""
    number: float | None = None
    """A number that must appear in the answer (within ``tolerance``)."""
    tolerance: float = Field(default=0.0, ge=0)
    """Allowed absolute difference for ``number`` and numeric ``equals``."""
    equals: bool | int | float | str | None = None
    """A typed value the answer must state: a bool is read from the answer's first yes/no/true/
    false word, a number from its first number, a string must equal the whole answer (case and
    surrounding space and final period ignored)."""

    @model_validator(mode="after")
    def _something(self) -> AnswerCheck:
        if (
            not self.contains
            and self.pattern is None
            and self.number is None
            and (self.equals is None)
        ):
            raise ValueError("an answer check needs contains, pattern, number or equals")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as error:
                raise ValueError(
                    f"pattern {self.pattern!r} is not a regular expression: {error}"
                ) from None
        return self


class Reference(_Model):
    """What a correct model writes: the snippets, turn by turn, and the final answer.

    The ``oracle`` model replays them, and must score 100% on every layer.
    """

    snippets: tuple[str, ...] = ()
    """One snippet per tool turn, in order (empty for a direct answer)."""
    answer: str = Field(min_length=1)
    """The final answer; it must pass the case's answer check."""


class Case(_Model):
    """One evaluation case: a query, where it runs, what a correct model does, how to judge it."""

    id: str
    """Unique in the suite: lower case letters, digits, ``_ . -`` (at most 80)."""
    category: Category
    """What the case exercises (see ``CATEGORIES``)."""
    query: str = Field(min_length=1)
    """The user's question, as they would type it."""
    workspace: str = "shop"
    """``shop`` (the sample, ``bridges.sample_workspace``) or a folder under
    ``evals/workspaces/``; every case runs against a fresh copy."""
    bridges: tuple[str, ...] | str = "all"
    """The bridge selection offered: names or globs (``["typecheck", "git_*"]``) or the name of a
    profile in ``PROFILES`` (``"quality"``)."""
    expect: Literal["tool", "direct"]
    """``tool``: the query needs bridges; ``direct``: answer without any tool call."""
    calls: tuple[ExpectedCall, ...] = ()
    """The bridges a correct run calls (L2), their argument rules (L3) and fields (L4)."""
    order: Literal["set", "sequence"] = "set"
    """``sequence``: the calls must happen in this order (a subsequence of the run's calls, L5)."""
    allow: tuple[str, ...] = ()
    """Other bridges the model may also call without failing L2 (e.g. a ``read_file`` to look
    around)."""
    pinned: tuple[Pin, ...] = ()
    """Pinned bridge results (multi-turn cases), consumed in call order per bridge."""
    allow_write: bool = False
    """Offer the writing bridges (``write_file``) too; the case then runs on its own full copy
    of the workspace instead of hard links to the shared template."""
    recovery: bool = False
    """The first snippet fails (by the case's design) and the model must read the error and
    succeed in a later turn (L5)."""
    answer: AnswerCheck | None = None
    """The check of the final answer (L6); None: L6 does not apply."""
    reference: Reference
    """The turns of a correct model, replayed by the ``oracle``."""
    notes: str = ""
    """Why the case exists, what fact of the workspace it relies on (for the next author)."""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                "an id is 1-80 lower-case letters, digits, '_', '.' or '-', starting with a "
                "letter or digit"
            )
        return value

    @field_validator("bridges")
    @classmethod
    def _known_profile(cls, value: tuple[str, ...] | str) -> tuple[str, ...] | str:
        if isinstance(value, str) and value not in PROFILES:
            raise ValueError(
                f"unknown profile {value!r}; the profiles are {', '.join(PROFILES)} "
                "(or give a list of bridge names)"
            )
        if not isinstance(value, str) and not value:
            raise ValueError("the bridge list is empty; name at least one bridge or a profile")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        if self.category in ("direct_answer", "irrelevance") and self.expect != "direct":
            raise ValueError(f"a {self.category} case must have expect = 'direct'")
        if self.expect == "direct":
            if self.calls or self.pinned or self.reference.snippets:
                raise ValueError(
                    "expect = 'direct' takes no calls, pinned results or reference snippets"
                )
        else:
            if not self.calls:
                raise ValueError("expect = 'tool' needs at least one [[case.calls]] entry")
            if not self.reference.snippets:
                raise ValueError("expect = 'tool' needs reference.snippets (the oracle's turns)")
        if self.recovery and len(self.reference.snippets) < 2:
            raise ValueError(
                "recovery = true needs at least two reference snippets: the one that fails, "
                "then the fix"
            )
        if self.category == "error_recovery" and not self.recovery:
            raise ValueError("an error_recovery case must set recovery = true")
        return self

    @property
    def selection(self) -> tuple[str, ...]:
        """The bridge names or globs offered (a profile resolved)."""
        return PROFILES[self.bridges].bridges if isinstance(self.bridges, str) else self.bridges

    @property
    def multi_turn(self) -> bool:
        """Whether L5 applies: ordered calls, pinned results, a recovery or an expected next."""
        return (
            self.order == "sequence"
            or bool(self.pinned)
            or self.recovery
            or self.category == "multi_turn"
        )


class CaseFile(_Model):
    """One TOML suite file: optional defaults and the cases."""

    defaults: dict[str, Any] = Field(default_factory=dict)
    """Keys every case of the file inherits unless it sets them (``workspace``, ``bridges``,
    ``category``...)."""
    case: tuple[Case, ...] = Field(min_length=1)
    """The cases (``[[case]]`` tables)."""
