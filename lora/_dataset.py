"""``build_dataset``: bridge examples + traces -> train/valid chat JSONL and a dataset card.

The steps, in order (each refusal lands in the card's ``dropped`` list with its reason):

1. the profile fixes the system prompt of every row (``Profile.system_prompt``), the same prompt
   ``Agent(profile=...)`` renders at inference;
2. examples are gathered from ``bridges.registry()`` with normalised snippets; those calling a
   bridge the profile does not offer (``outside_profile``), matching an evaluation item
   (``evaluation``: ``evals.fingerprint`` of the request, alone or with a snippet, in
   ``evals.suite_fingerprints(suite)``) or repeating an earlier request or snippet sequence
   (``duplicate``) are left out before anything runs;
3. the rest run for real in the sandbox (``lora._run``); those whose run no longer meets their
   expectations are refused (``stale``);
4. traces (a trace folder, successful runs by default, or a ``punie traces export`` file) are
   added with the profile's system prompt, through the same filters;
5. balance: at most ``max_per_bridge`` rows per bridge and ``max_per_category`` per category
   (seeded sampling, ``balance``); split train/valid per bridge (seeded); bridges with fewer than
   ``min_per_bridge`` training rows have theirs repeated up to that floor;
6. no-tool questions (``lora/data/no_tool.toml``: direct answers and irrelevant requests) are
   mixed in so that they make up ``no_tool_fraction`` of the rows;
7. ``train.jsonl``/``valid.jsonl`` (mlx-lm's ``{"messages": [...]}`` rows, which TRL and axolotl
   read too) and ``card.json``/``card.md`` are written.
"""

from __future__ import annotations

import ast
import json
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lora._card import CARD_JSON, CARD_MARKDOWN, DatasetCard, Lengths, token_counter
from lora._dataset_errors import DatasetConfigError, DatasetError
from lora._run import run_examples
from lora._sources import (
    NO_TOOL_FILE,
    ExampleSource,
    Row,
    examples_from_registry,
    no_tool_rows,
    trace_rows,
)
from runtime.profiles import Profile, get_profile

__all__ = ["TRAIN_FILE", "VALID_FILE", "build_dataset"]

TRAIN_FILE = "train.jsonl"
VALID_FILE = "valid.jsonl"


def _check_parameters(
    out: Path, *, valid_fraction: float, no_tool_fraction: float, caps: dict[str, int | None]
) -> None:
    if not 0 < valid_fraction < 1:
        raise DatasetConfigError(
            f"valid_fraction={valid_fraction!r}: give a fraction above 0 and below 1, e.g. 0.1"
        )
    if not 0 <= no_tool_fraction < 1:
        raise DatasetConfigError(
            f"no_tool_fraction={no_tool_fraction!r}: give a fraction from 0 up to (not "
            "including) 1, e.g. 0.1"
        )
    for name, value in caps.items():
        if value is not None and value < 0:
            raise DatasetConfigError(f"{name}={value!r}: give a number of rows, 0 or more")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DatasetConfigError(
            f"the output folder {out} is not empty; give a new folder (--out), so that no earlier "
            "dataset is overwritten or mixed into this one"
        )


def _leakage(
    suite: str | None, fingerprints: frozenset[str] | None
) -> Callable[[str, Sequence[str]], bool] | None:
    """A test ``(request, snippets) -> matches the evaluation suite``, or None for no check."""
    if suite is None and fingerprints is None:
        return None
    from evals import EvalError, fingerprint, suite_fingerprints

    try:
        held_out = fingerprints if fingerprints is not None else suite_fingerprints(suite or "")
    except EvalError as error:
        raise DatasetError(
            f"cannot read the evaluation suite {suite!r}, whose items the dataset must refuse: "
            f"{error}. Fix the suite, or build without the leakage check (suite=None, "
            "--suite none)"
        ) from None

    def matches(request: str, snippets: Sequence[str]) -> bool:
        if fingerprint(request) in held_out:
            return True
        return any(fingerprint(request, snippet) in held_out for snippet in snippets)

    return matches


def _snippet_key(snippets: Sequence[str]) -> tuple[str, ...]:
    keys = []
    for snippet in snippets:
        try:
            keys.append(ast.dump(ast.parse(snippet)))
        except (SyntaxError, ValueError):
            keys.append(" ".join(snippet.split()))
    return tuple(keys)


class _Filter:
    """Refuses outside-profile, evaluation and duplicate items, remembering why."""

    def __init__(
        self,
        *,
        offered: set[str],
        profile: Profile,
        suite: str | None,
        leaks: Callable[[str, Sequence[str]], bool] | None,
    ) -> None:
        self.offered = offered
        self.profile = profile
        self.suite = suite or "the given fingerprints"
        self.leaks = leaks
        self.requests: dict[str, str] = {}
        self.snippets: dict[tuple[tuple[str, ...], str], str] = {}
        self.dropped: list[dict[str, str]] = []

    def drop(self, item_id: str, reason: str) -> None:
        self.dropped.append({"id": item_id, "reason": reason})

    def keep(
        self,
        item_id: str,
        request: str,
        snippets: Sequence[str],
        *,
        calls: frozenset[str],
        answer: str,
    ) -> bool:
        outside = sorted(calls - self.offered)
        if outside:
            self.drop(
                item_id,
                f"outside_profile: calls {', '.join(outside)}, which {self.profile.describe()} "
                "does not offer",
            )
            return False
        if self.leaks is not None and self.leaks(request, snippets):
            self.drop(
                item_id, f"evaluation: matches an item of the evaluation suite {self.suite!r}"
            )
            return False
        request_key = " ".join(request.casefold().split())
        if request_key in self.requests:
            self.drop(item_id, f"duplicate: same request as {self.requests[request_key]}")
            return False
        snippet_key = (_snippet_key(snippets), " ".join(answer.split()))
        if snippets and snippet_key in self.snippets:
            self.drop(
                item_id, f"duplicate: same snippets and answer as {self.snippets[snippet_key]}"
            )
            return False
        self.requests[request_key] = item_id
        if snippets:
            self.snippets[snippet_key] = item_id
        return True


def _cap(
    rows: list[Row],
    key: Callable[[Row], Sequence[str]],
    limit: int | None,
    rng: random.Random,
    what: str,
    dropped: list[dict[str, str]],
) -> tuple[list[Row], dict[str, int]]:
    """Keep at most ``limit`` rows per value of ``key`` (seeded choice); report what was cut."""
    if limit is None:
        return rows, {}
    cut: dict[str, int] = {}
    kept = list(rows)
    for value in sorted({v for row in rows for v in key(row)}):
        having = [row for row in kept if value in key(row)]
        if len(having) <= limit:
            continue
        remove = set(id(row) for row in rng.sample(having, len(having) - limit))
        for row in having:
            if id(row) in remove:
                dropped.append(
                    {
                        "id": row.id,
                        "reason": f"balance: over the cap of {limit} rows for {what} {value}",
                    }
                )
        kept = [row for row in kept if id(row) not in remove]
        cut[value] = len(remove)
    return kept, cut


def _split(rows: list[Row], fraction: float, rng: random.Random) -> tuple[list[Row], list[Row]]:
    """Per bridge: shuffle, then the first round(n * fraction) go to valid (seeded)."""
    by_bridge: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_bridge[row.bridge].append(row)
    train: list[Row] = []
    valid: list[Row] = []
    for bridge in sorted(by_bridge):
        group = by_bridge[bridge]
        rng.shuffle(group)
        take = round(len(group) * fraction)
        valid += group[:take]
        train += group[take:]
    if not valid and len(train) > 1:
        valid.append(train.pop(rng.randrange(len(train))))
    return train, valid


def _floor(train: list[Row], floor: int, rng: random.Random) -> tuple[list[Row], dict[str, int]]:
    """Repeat the training rows of bridges under ``floor`` until they reach it."""
    counts = Counter(row.bridge for row in train)
    added: dict[str, int] = {}
    extra: list[Row] = []
    for bridge in sorted(counts):
        if bridge == "none" or counts[bridge] >= floor:
            continue
        group = [row for row in train if row.bridge == bridge]
        rng.shuffle(group)
        need = floor - counts[bridge]
        extra += [group[i % len(group)] for i in range(need)]
        added[bridge] = need
    return train + extra, added


def _progress(enabled: bool, total: int) -> tuple[Any, Callable[[], None] | None]:
    if not enabled or total == 0:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "running bridge examples in the sandbox",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    task = progress.add_task("examples", total=total)
    return progress, lambda: progress.advance(task)


def build_dataset(
    out: str | Path,
    *,
    profile: Profile | str = "core",
    traces: str | Path | None = None,
    trace_outcome: str | None = "success",
    seed: int = 0,
    valid_fraction: float = 0.1,
    no_tool_fraction: float = 0.1,
    max_per_bridge: int | None = 60,
    min_per_bridge: int = 8,
    max_per_category: int | None = None,
    suite: str | None = "standard",
    fingerprints: frozenset[str] | None = None,
    records: Sequence[Any] | None = None,
    extra_examples: Sequence[tuple[str, Any]] = (),
    allow_write: bool = False,
    tokenizer: str | Path | None = None,
    max_tokens: int = 2048,
    no_tool_file: str | Path = NO_TOOL_FILE,
    workers: int = 2,
    progress: bool = False,
) -> DatasetCard:
    """Build train/valid JSONL and the dataset card in ``out`` (a new or empty folder).

    ``profile``: a ``runtime.profiles.Profile`` or a built-in name (default ``core``: fits the
    2048-token default sequence). ``traces``: a trace folder (runs with ``trace_outcome``,
    default successful ones) or a ``punie traces export`` file. ``suite``: the evaluation suite
    whose items are refused (None: no check); ``fingerprints`` replaces its fingerprints.
    ``records``: bridge records whose examples to use (default ``bridges.registry()``);
    ``extra_examples``: more ``(owner bridge, bridges.BridgeExample)`` pairs. ``allow_write``:
    render the prompt with the writing bridges and run their examples (each in its own workspace
    copy); otherwise those examples are left out. ``tokenizer``: a model folder whose tokenizer
    counts tokens for the card. ``progress`` shows a progress bar on stderr.

    Returns the card (also written as ``card.json`` and ``card.md``). Raises
    ``DatasetConfigError`` for unusable parameters, ``DatasetError`` when too few rows survive.
    """
    started = time.monotonic()
    out = Path(out).expanduser()
    _check_parameters(
        out,
        valid_fraction=valid_fraction,
        no_tool_fraction=no_tool_fraction,
        caps={
            "max_per_bridge": max_per_bridge,
            "min_per_bridge": min_per_bridge,
            "max_per_category": max_per_category,
        },
    )
    chosen = get_profile(profile)
    count_tokens, token_method = token_counter(Path(tokenizer) if tokenizer else None)
    from bridges import default_bridges, registry

    every = list(records) if records is not None else list(registry())
    every_names = {record.name for record in registry()} | {record.name for record in every}
    writing = frozenset(record.name for record in registry() if record.writes)
    with tempfile.TemporaryDirectory(prefix="punie-stubs-") as scratch:
        offered_functions = chosen.select(default_bridges(scratch, allow_write=allow_write))
    system = chosen.system_prompt(offered_functions)
    offered = {f.name for f in offered_functions}
    leaks = _leakage(suite, fingerprints)
    gate = _Filter(offered=offered, profile=chosen, suite=suite, leaks=leaks)

    sources: list[ExampleSource] = []
    for source in examples_from_registry(every, extra=extra_examples):
        if gate.keep(
            source.id, source.request, source.snippets, calls=source.calls, answer=source.answer
        ):
            sources.append(source)
    bar, advance = _progress(progress, len(sources))
    if bar is not None:
        bar.start()
    try:
        report = run_examples(
            sources,
            profile=chosen,
            system=system,
            writing=writing,
            workers=workers,
            on_done=advance,
        )
    finally:
        if bar is not None:
            bar.stop()
    rows = list(report.rows)
    gate.dropped += [{"id": item_id, "reason": reason} for item_id, reason in report.refused]

    if traces is not None:
        found, refused = trace_rows(
            Path(traces).expanduser(),
            system=system,
            offered=offered,
            every_bridge=every_names,
            outcome=trace_outcome,
        )
        gate.dropped += [{"id": i, "reason": f"trace: {reason}"} for i, reason in refused]
        rows += [
            row
            for row in found
            if gate.keep(
                row.id,
                row.request,
                row.snippets,
                calls=frozenset(),
                answer=row.messages[-1].content,
            )
        ]

    rng = random.Random(seed)
    rows, capped = _cap(rows, lambda r: (r.bridge,), max_per_bridge, rng, "bridge", gate.dropped)
    rows, capped_categories = _cap(
        rows, lambda r: r.categories, max_per_category, rng, "category", gate.dropped
    )
    if len(rows) < 2:
        raise DatasetError(
            f"only {len(rows)} tool-using row(s) survived ({len(gate.dropped)} dropped: see the "
            f"reasons in {out / CARD_MARKDOWN}); choose a profile that offers the bridges of the "
            "examples, or fix the stale examples"
        )
    train, valid = _split(rows, valid_fraction, rng)
    train, upsampled = _floor(train, min_per_bridge, rng)

    no_tool: list[Row] = []
    if no_tool_fraction > 0:
        candidates = [
            row
            for row in no_tool_rows(system=system, path=Path(no_tool_file))
            if gate.keep(row.id, row.request, (), calls=frozenset(), answer="")
        ]
        wanted = round(no_tool_fraction * len(rows) / (1 - no_tool_fraction))
        no_tool = rng.sample(candidates, min(wanted, len(candidates)))
        extra_train, extra_valid = _split(no_tool, valid_fraction, rng)
        train += extra_train
        valid += extra_valid
    rng.shuffle(train)
    rng.shuffle(valid)

    out.mkdir(parents=True, exist_ok=True)
    splits = {"train": train, "valid": valid}
    lengths: dict[str, Lengths] = {}
    for name, split in splits.items():
        records_text = [row.record() for row in split]
        (out / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records_text),
            encoding="utf-8",
        )
        lengths[name] = Lengths.of(
            [count_tokens(r["messages"]) for r in records_text], limit=max_tokens
        )

    def per(key: Callable[[Row], Sequence[str]]) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = defaultdict(lambda: {"train": 0, "valid": 0})
        for name, split in splits.items():
            for row in split:
                for value in key(row):
                    table[value][name] += 1
        return {value: table[value] for value in sorted(table)}

    reasons = Counter(item["reason"].split(":", 1)[0] for item in gate.dropped)
    card = DatasetCard(
        profile=chosen,
        seed=seed,
        valid_fraction=valid_fraction,
        no_tool_fraction=no_tool_fraction,
        suite=suite if fingerprints is None else (suite or "custom fingerprints"),
        counts={name: len(split) for name, split in splits.items()},
        sources=dict(sorted(Counter(r.origin for s in splits.values() for r in s).items())),
        bridges=per(lambda r: (r.bridge,)),
        categories=per(lambda r: r.categories),
        turns=dict(
            sorted(
                Counter(str(len(r.snippets)) for s in splits.values() for r in s).items(),
                key=lambda item: int(item[0]),
            )
        ),
        tokens=lengths,
        token_method=token_method,
        max_tokens=max_tokens,
        balance={
            "max_per_bridge": max_per_bridge,
            "min_per_bridge": min_per_bridge,
            "max_per_category": max_per_category,
            "capped_bridges": capped,
            "capped_categories": capped_categories,
            "repeated_to_floor": upsampled,
            "no_tool_rows": len(no_tool),
        },
        dropped=gate.dropped,
        dropped_by_reason=dict(sorted(reasons.items())),
        rows={name: [row.id for row in split] for name, split in splits.items()},
        timings={
            "sandbox": round(report.sandbox_s, 3),
            "total": round(time.monotonic() - started, 3),
        },
    )
    (out / CARD_JSON).write_text(card.model_dump_json(indent=2) + "\n", encoding="utf-8")
    (out / CARD_MARKDOWN).write_text(card.markdown(), encoding="utf-8")
    return card
