"""Scoring one run, layer by layer; every failure gets an error type.

The rules (docs/evals.md says the same for people):

- **L0 validity** (tool cases): the model made a tool call, and no tool turn failed at a stage
  before running: ``extract`` (unreadable reply), ``parse``, ``policy``, ``precheck``. The error
  type is the first failing stage, or ``no_call``.
- **L1 discrimination** (every case): a tool case tried a tool call (``answered_directly`` when
  it answered instead, ``no_call`` when no reply tried anything); a direct case tried none
  (``called_tool``; ``called_bridge`` when a bridge ran). A reply tried a tool call when the
  runtime extracted a snippet from it or rejected it as a broken tool call; a blank reply or
  prose cut off at the length limit tried nothing (noise must not score as routing).
- **L2 selection** (tool cases): every expected bridge was called and no other (the case's
  ``allow`` list excepted): ``missing_bridge``, ``extra_bridge``, ``wrong_bridge`` (both), or
  ``no_call``.
- **L3 arguments** (tool cases with argument rules), per expected call, in BFCL's fixed order:
  ``name`` (that bridge was never called), ``required`` (a required argument is missing),
  ``unexpected`` (an argument the bridge does not take), ``type`` (the argument model refuses a
  value), ``value`` (a rule is not met). One call of the bridge meeting every rule passes.
- **L4 field access** (tool cases with expected fields): every field read exists
  (``unknown_field``) and every expected field is read (``missing_field``).
- **L5 multi-turn** (ordered calls, pinned results, recovery or category ``multi_turn``): the
  expected calls form a subsequence of the run's calls (``sequence``); after each pinned result
  the model saw, its next turn is the pin's ``next`` (``next_step``); a failed tool turn is
  followed by a successful one and an answer (``no_recovery``).
- **L6 final answer** (cases with an answer check): ``no_answer`` or ``wrong_answer``.

A layer that does not apply is ``n/a``. When a tool case made no call at all, L2-L5 fail with
``no_call`` rather than becoming ``n/a``, so skipping the tools cannot raise a score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from evals._answers import check_answer
from evals._report import LAYERS, CallLog, LayerName, LayerResult, TurnLog
from evals._schema import ArgumentRule, Case, ExpectedCall
from runtime import extract

__all__ = ["PRE_RUN_STAGES", "score_case"]

PRE_RUN_STAGES = ("extract", "parse", "policy", "precheck")
"""Failures L0 counts: the snippet never ran."""

NA = LayerResult(status="n/a")
PASS = LayerResult(status="pass")
_UNSET = object()


def _fail(error: str, detail: str = "") -> LayerResult:
    return LayerResult(status="fail", error=error, detail=detail)


def score_case(
    case: Case,
    *,
    turns: Sequence[TurnLog],
    calls: Sequence[CallLog],
    reads: Mapping[str, set[str]],
    unknown: Mapping[str, set[str]],
    arguments: Mapping[str, type[BaseModel]],
    answer: str | None,
    error: str | None = None,
) -> dict[LayerName, LayerResult]:
    """Every layer for one run. ``arguments`` maps offered bridge names to argument models."""
    applies = _applicable(case)
    if error is not None:
        return {layer: _fail("model_error", error) if applies[layer] else NA for layer in LAYERS}
    attempted = any(t.kind != "answer" for t in turns)
    layers: dict[LayerName, LayerResult] = {
        "L0": _l0(turns, attempted) if applies["L0"] else NA,
        "L1": _l1(case, turns, calls),
        "L6": _l6(case, answer) if applies["L6"] else NA,
    }
    no_call = not calls
    for layer, rule in (("L2", _l2), ("L3", _l3), ("L4", _l4), ("L5", _l5)):
        if not applies[layer]:
            layers[layer] = NA
        elif no_call and case.expect == "tool":
            layers[layer] = _fail("no_call", "the model called no bridge")
        else:
            layers[layer] = rule(
                case=case, turns=turns, calls=calls, reads=reads, unknown=unknown, args=arguments
            )
    return {layer: layers[layer] for layer in LAYERS}


def _applicable(case: Case) -> dict[LayerName, bool]:
    tool = case.expect == "tool"
    return {
        "L0": tool,
        "L1": True,
        "L2": tool,
        "L3": tool and any(call.arguments for call in case.calls),
        "L4": tool and any(call.fields for call in case.calls),
        "L5": tool and case.multi_turn,
        "L6": case.answer is not None,
    }


def _l0(turns: Sequence[TurnLog], attempted: bool) -> LayerResult:
    if not attempted:
        return _fail("no_call", "a tool call was expected; the model answered directly")
    for turn in turns:
        if turn.stage in PRE_RUN_STAGES:
            return _fail(turn.stage, f"turn {turn.turn}: {(turn.result or '')[:300]}")
    return PASS


def _tried_a_tool_call(turn: TurnLog) -> bool:
    """A snippet the runtime extracted, or a reply it rejected as a broken tool call (not a
    blank reply, not prose cut off at the length limit)."""
    if turn.kind == "tool_call":
        return True
    if turn.kind != "rejected" or not turn.reply.strip():
        return False
    return extract(turn.reply).kind == "malformed"


def _l1(case: Case, turns: Sequence[TurnLog], calls: Sequence[CallLog]) -> LayerResult:
    tried = any(_tried_a_tool_call(turn) for turn in turns)
    if case.expect == "tool":
        if tried:
            return PASS
        if any(turn.kind == "answer" for turn in turns):
            return _fail("answered_directly", "expected a tool call")
        return _fail("no_call", "expected a tool call; no reply tried one")
    if calls:
        names = ", ".join(sorted({c.bridge for c in calls}))
        return _fail("called_bridge", f"no bridge fits; the model called {names}")
    if tried:
        return _fail("called_tool", "expected a direct answer; the model wrote a snippet")
    return PASS


def _l2(*, case: Case, calls: Sequence[CallLog], **_: Any) -> LayerResult:
    expected = {c.bridge for c in case.calls}
    called = {c.bridge for c in calls}
    missing = expected - called
    extra = called - expected - set(case.allow)
    detail = f"expected {sorted(expected)}, called {sorted(called)}"
    if missing and extra:
        return _fail("wrong_bridge", detail)
    if missing:
        return _fail("missing_bridge", detail)
    if extra:
        return _fail("extra_bridge", detail)
    return PASS


def _check_call(
    expected: ExpectedCall, call: CallLog, model: type[BaseModel] | None
) -> tuple[int, str, str] | None:
    """None when the call meets every rule, else (stage index, error type, detail)."""
    given = call.arguments
    if model is not None:
        fields = model.model_fields
        missing = [n for n, f in fields.items() if f.is_required() and n not in given]
        if missing:
            return 1, "required", f"{call.bridge}: missing {', '.join(missing)}"
        unexpected = [n for n in given if n not in fields]
        if unexpected:
            return 2, "unexpected", f"{call.bridge}: does not take {', '.join(unexpected)}"
        if any(v == "<expr>" for v in given.values()) and not call.executed:
            values = {n: v for n, v in given.items() if v != "<expr>"}
        else:
            values = dict(given)
        try:
            validated = model.model_validate(values).model_dump(mode="json")
        except ValidationError as error:
            if any(e["type"] == "missing" for e in error.errors()):
                validated = None
            else:
                first = error.errors(include_url=False)[0]
                return 3, "type", f"{call.bridge}: {first['loc']}: {first['msg']}"
    else:
        validated = None
    for name, rule in expected.arguments.items():
        if name in given:
            value = given[name] if validated is None else validated.get(name, given[name])
        elif model is not None and name in model.model_fields:
            default = model.model_fields[name].get_default(call_default_factory=True)
            value = validated.get(name, default) if validated is not None else default
        else:
            value = _UNSET
        if value == "<expr>" or value is _UNSET or not rule.holds(value):
            shown = "(not given)" if value is _UNSET else repr(value)
            return 4, "value", f"{call.bridge}: {name}={shown} does not meet {_describe(rule)}"
    return None


def _describe(rule: ArgumentRule) -> str:
    if "exact" in rule.model_fields_set:
        return f"exact {rule.exact!r}"
    if rule.one_of is not None:
        return f"one of {rule.one_of!r}"
    return f"pattern {rule.pattern!r}"


def _l3(
    *, case: Case, calls: Sequence[CallLog], args: Mapping[str, type[BaseModel]], **_: Any
) -> LayerResult:
    for expected in case.calls:
        if not expected.arguments:
            continue
        candidates = [c for c in calls if c.bridge == expected.bridge]
        if not candidates:
            return _fail("name", f"{expected.bridge} was never called")
        problems = [_check_call(expected, c, args.get(c.bridge)) for c in candidates]
        if all(p is not None for p in problems):
            worst = max((p for p in problems if p is not None), key=lambda p: p[0])
            return _fail(worst[1], worst[2])
    return PASS


def _l4(
    *,
    case: Case,
    reads: Mapping[str, set[str]],
    unknown: Mapping[str, set[str]],
    **_: Any,
) -> LayerResult:
    bad = sorted(f"{bridge}: {path}" for bridge, paths in unknown.items() for path in paths)
    if bad:
        return _fail("unknown_field", "; ".join(bad))
    missing = []
    for expected in case.calls:
        done = reads.get(expected.bridge, set())
        for path in expected.fields:
            if not any(r == path or r.startswith(path + ".") for r in done):
                missing.append(f"{expected.bridge}: {path}")
    if missing:
        return _fail("missing_field", "not read: " + "; ".join(missing))
    return PASS


def _is_subsequence(wanted: Sequence[str], seen: Sequence[str]) -> bool:
    position = iter(seen)
    return all(any(name == item for item in position) for name in wanted)


def _l5(*, case: Case, turns: Sequence[TurnLog], calls: Sequence[CallLog], **_: Any) -> LayerResult:
    if case.order == "sequence":
        wanted = [c.bridge for c in case.calls]
        seen = [c.bridge for c in calls]
        if not _is_subsequence(wanted, seen):
            return _fail("sequence", f"expected the order {wanted}, the calls were {seen}")
    by_bridge: dict[str, list[CallLog]] = {}
    for call in calls:
        if call.executed:
            by_bridge.setdefault(call.bridge, []).append(call)
    pin_count: dict[str, int] = {}
    turn_kinds = {t.turn: t for t in turns}
    for pin in case.pinned:
        index = pin_count.get(pin.bridge, 0)
        pin_count[pin.bridge] = index + 1
        delivered = by_bridge.get(pin.bridge, [])
        if pin.next is None or index >= len(delivered):
            continue  # a result the model never saw cannot be judged
        seen_at = delivered[index].turn
        following = turn_kinds.get(seen_at + 1)
        if pin.next == "answer":
            ok = following is not None and following.kind == "answer"
        else:
            ok = any(c.turn == seen_at + 1 and c.bridge == pin.next for c in calls)
        if not ok:
            what = "nothing" if following is None else following.kind
            if following is not None and following.kind != "answer":
                names = sorted({c.bridge for c in calls if c.turn == seen_at + 1})
                what = f"a call of {', '.join(names) or 'no bridge'}"
            return _fail(
                "next_step",
                f"after the pinned {pin.bridge} result (turn {seen_at}) expected {pin.next!r}, "
                f"got {what}",
            )
    tool_turns = [t for t in turns if t.kind != "answer"]
    failed = [t.turn for t in tool_turns if t.stage is not None]
    if failed:
        last_failed = failed[-1]
        later_ok = any(t.turn > last_failed and t.stage is None for t in tool_turns)
        answered = bool(turns) and turns[-1].kind == "answer"
        if not (later_ok and answered):
            return _fail("no_recovery", f"turn {last_failed} failed and no later snippet succeeded")
    return PASS


def _l6(case: Case, answer: str | None) -> LayerResult:
    assert case.answer is not None
    if answer is None:
        return _fail("no_answer", "the run ended without a final answer")
    problem = check_answer(case.answer, answer)
    return PASS if problem is None else _fail("wrong_answer", f"the answer {problem}")
