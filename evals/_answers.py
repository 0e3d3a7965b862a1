"""Checking a final answer (layer L6): contains, pattern, number, or a typed value."""

from __future__ import annotations

import re

from evals._schema import AnswerCheck

__all__ = ["check_answer"]

_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)?(?![\w])")
_BOOL_WORD = re.compile(r"\b(yes|no|true|false)\b", re.IGNORECASE)
_BOOLS = {"yes": True, "true": True, "no": False, "false": False}


def _numbers(text: str) -> list[float]:
    found = []
    for match in _NUMBER.finditer(text[:20_000]):
        try:
            found.append(float(match.group().replace(",", ".")))
        except ValueError:
            continue
    return found


def _plain(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def check_answer(check: AnswerCheck, answer: str | None) -> str | None:
    """None when ``answer`` passes every key of ``check``, else what failed (the first)."""
    if answer is None:
        return "no final answer"
    text = answer.casefold()
    for needle in check.contains:
        if needle.casefold() not in text:
            return f"does not contain {needle!r}"
    if check.pattern is not None and not re.search(check.pattern, answer[:20_000], re.IGNORECASE):
        return f"does not match {check.pattern!r}"
    numbers = _numbers(answer)
    if check.number is not None and not any(
        abs(n - check.number) <= check.tolerance for n in numbers
    ):
        return f"does not state the number {check.number:g}"
    value = check.equals
    if value is None:
        return None
    if isinstance(value, bool):
        word = _BOOL_WORD.search(answer[:20_000])
        if word is None or _BOOLS[word.group(1).lower()] is not value:
            return f"does not say {'yes' if value else 'no'} first"
    elif isinstance(value, int | float):
        if not numbers or abs(numbers[0] - value) > check.tolerance:
            return f"its first number is not {value:g}"
    elif _plain(answer) != _plain(value):
        return f"is not {value!r}"
    return None
