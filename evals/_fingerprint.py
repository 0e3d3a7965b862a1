"""Fingerprints of evaluation cases, so that training never sees the held-out suite.

``fingerprint(query, snippet=None)`` hashes a normalised query (case folded, whitespace
collapsed) and, when given, a normalised snippet (``ast.unparse`` of its parse when it parses, so
formatting and comments do not matter; whitespace collapsed either way).

**The rule** (what the LoRA pipeline applies): a training example *matches* the suite when
``fingerprint(example.request)`` is in ``suite_fingerprints()`` — the same question, whatever the
snippets — or when ``fingerprint(example.request, step.snippet)`` is, for any of its steps. The
set holds, for every case, the fingerprint of its query alone and of its query with each
reference snippet, so both calls decide the same thing; a snippet alone is never a match (the same
short ``typecheck(path="src")`` legitimately appears in many questions).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib

from evals._load import Suite, load_suite

__all__ = ["fingerprint", "normalise_query", "normalise_snippet", "suite_fingerprints"]


def normalise_query(query: str) -> str:
    """Case folded, whitespace collapsed, surrounding space removed."""
    return " ".join(query.casefold().split())


def normalise_snippet(snippet: str) -> str:
    """``ast.unparse`` of the snippet when it parses (else the text), whitespace collapsed."""
    with contextlib.suppress(SyntaxError, ValueError, RecursionError):
        snippet = ast.unparse(ast.parse(snippet))
    return " ".join(snippet.split())


def fingerprint(query: str, snippet: str | None = None) -> str:
    """A hex digest of the normalised query, and of the normalised snippet when given."""
    text = normalise_query(query)
    if snippet is not None:
        text += "\x00" + normalise_snippet(snippet)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def suite_fingerprints(suite: str | Suite = "standard") -> frozenset[str]:
    """Every case's query fingerprint and query+reference-snippet fingerprints."""
    loaded = load_suite(suite) if isinstance(suite, str) else suite
    found: set[str] = set()
    for case in loaded.cases:
        found.add(fingerprint(case.query))
        found.update(fingerprint(case.query, s) for s in case.reference.snippets)
    return frozenset(found)
