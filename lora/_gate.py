"""``gate``: a candidate replaces the current model only if the evaluation suite says it may.

Both models run the same cases of the suite through the real runtime (``evals.run_suite``), and
``evals.compare(current, candidate).verdict(margin)`` decides: the candidate is promoted — written
to the model registry, so that ``--model promoted`` runs it — only when no layer's rate fell by
more than ``margin``. The comparison is returned (and printed by ``punie lora gate``) either way.

A model is named by a spec string (``mlx:PATH``, ``openai:URL#MODEL``, ``scripted:FILE``, the test
doubles ``oracle`` and ``fault:NAME``), by a model folder (``mlx:`` is implied), or by
``promoted`` (the registry's current model).

Why some cases may be left out: a model trained with a profile must be run with that profile's
prompt (``runtime.profiles``), so the runtime refuses a case that does not offer every bridge of
the profile. Such cases cannot score either model fairly; the gate runs both models on the cases
that every profile involved can run, and lists the others in ``GateResult.skipped``.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lora._gate_errors import GateError
from lora._registry import RegisteredModel, promote, registry_file, snapshot

if TYPE_CHECKING:
    from evals import Comparison, LayerDelta, ProgressUpdate, Suite, Verdict
    from runtime.profiles import Profile

__all__ = ["DEFAULT_MARGIN", "GateResult", "gate", "model_spec"]

DEFAULT_MARGIN = 0.02
"""Two percentage points: what one case in fifty flipping by chance can cost a layer."""


@dataclass(frozen=True)
class GateResult:
    """What the gate compared, what it decided, and where it recorded a promotion."""

    candidate: str
    """The candidate's spec string."""
    current: str
    """The spec string of the model it was compared with."""
    suite: str
    cases: int
    """Cases both models ran."""
    skipped: tuple[str, ...]
    """Case ids left out: they do not offer every bridge of a model's profile."""
    margin: float
    comparison: Comparison
    """Per-layer rates of both models (baseline: the current model)."""
    verdict: Verdict
    """What decided: ``verdict.worse`` names the layers worse by more than the margin."""
    promoted: bool
    """True when the candidate was promoted (recorded in ``registry``)."""
    registry: Path | None
    """The registry file the promotion was written to (None: not promoted)."""
    promoted_spec: str | None = None
    """What ``--model promoted`` now runs: the candidate's spec, or its snapshot's for a local
    model folder (None: not promoted)."""

    def layers(self) -> dict[str, dict[str, float | None]]:
        """Per layer ``{"baseline", "candidate", "delta"}``: the ``--json`` and registry shape."""
        return {
            name: {"baseline": d.baseline, "candidate": d.candidate, "delta": d.delta}
            for name, d in self.comparison.layers.items()
        }

    def table(self) -> str:
        """The comparison for people: one line per layer, then the decision."""

        def rate(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.1%}"

        def delta(value: float | None) -> str:
            return "n/a" if value is None else f"{value * 100:+.1f}pt"

        def row(name: str, d: LayerDelta, note: str = "") -> str:
            cells = (rate(d.baseline), rate(d.candidate), delta(d.delta))
            return f"  {name:<6}  {cells[0]:>9}  {cells[1]:>9}  {cells[2]:>9}{note}"

        lines = [
            f"gate on {self.suite} ({self.cases} cases"
            + (f", {len(self.skipped)} skipped" if self.skipped else "")
            + f"), margin {self.margin * 100:.1f} points",
            f"  current:   {self.current}",
            f"  candidate: {self.candidate}",
            "",
            f"  {'layer':<6}  {'current':>9}  {'candidate':>9}  {'delta':>9}",
        ]
        for name, d in self.comparison.layers.items():
            lines.append(row(name, d, "  <- worse" if name in self.verdict.worse else ""))
        lines.append(row("strict", self.comparison.strict))
        lines.append("")
        decision = "promoted" if self.promoted else "refused"
        where = f" (registry {self.registry})" if self.registry is not None else ""
        lines.append(f"{decision}: {self.verdict.message}{where}")
        return "\n".join(lines) + "\n"


def model_spec(model: str | Path, *, registry: str | Path | None = None) -> str:
    """The spec string of ``model``: a folder becomes ``mlx:/abs/folder``, ``promoted`` the
    registry's current model, anything else is kept as it is (``run_suite`` checks it)."""
    from runtime.models._spec import PROMOTED, promoted_spec

    text = str(model)
    if text == PROMOTED:
        from runtime import ModelSpecError

        try:
            return promoted_spec(registry_file(registry))
        except ModelSpecError as error:
            raise GateError(str(error)) from None
    path = Path(text).expanduser()
    if ":" not in text and path.is_dir():
        return f"mlx:{path.resolve()}"
    if isinstance(model, Path):
        raise GateError(f"{model} is not a model folder; give a folder holding config.json")
    return text


def _checked(spec: str) -> Profile | None:
    """Refuse an unusable spec before anything runs; return the profile the model runs with
    (from an adapter's or model folder's manifest). No weights are loaded."""
    from evals import FAULTS, is_case_model_spec
    from runtime import UsageError, model_from_spec
    from runtime.profiles import Profile

    if is_case_model_spec(spec):
        if spec != "oracle" and spec.removeprefix("fault:") not in FAULTS:
            raise GateError(
                f"unknown fault model {spec!r}; the fault models are "
                + ", ".join(f"fault:{name}" for name in FAULTS)
            )
        return None
    try:
        found = getattr(model_from_spec(spec), "profile", None)
    except UsageError as error:  # a malformed spec, a missing replies file, a bad manifest
        raise GateError(
            f"{error} (the gate also takes a model folder, oracle or fault:NAME)"
        ) from None
    return found if isinstance(found, Profile) else None


def _runnable(suite: Suite, profiles: list[Profile]) -> tuple[Suite, tuple[str, ...]]:
    """The cases every profile can run (``Profile.select`` accepts the case's offer)."""
    if not profiles:
        return suite, ()
    from evals import offered_functions
    from runtime.profiles import ProfileMismatchError

    kept, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="punie-gate-") as scratch:
        for case in suite.cases:
            offered = offered_functions(case, Path(scratch))
            try:
                for profile in profiles:
                    profile.select(offered)
            except ProfileMismatchError:
                skipped.append(case.id)
            else:
                kept.append(case.id)
    if not kept:
        names = " and ".join(p.describe() for p in profiles)
        raise GateError(
            f"no case of the suite {suite.name!r} offers every bridge of {names}, so neither "
            "model can be scored; choose a suite (--suite) with cases that offer them "
            '(bridges = "all")'
        )
    return suite.select(kept), tuple(skipped)


def _label(spec: str) -> str:
    kind, _, rest = spec.partition(":")
    if kind == "mlx" and rest:
        return Path(rest.split("@", 1)[0]).name or spec
    return spec


def gate(
    candidate: str | Path,
    current: str | Path,
    *,
    suite: Suite | str | Path = "standard",
    margin: float = DEFAULT_MARGIN,
    workers: int = 1,
    max_turns: int = 8,
    max_time_s: float = 300.0,
    promote_on_pass: bool = True,
    registry: str | Path | None = None,
    progress: Callable[[ProgressUpdate], None] | None = None,
) -> GateResult:
    """Evaluate ``candidate`` and ``current`` on ``suite`` and promote the candidate if it is
    no worse than ``current`` by more than ``margin`` on any layer.

    ``suite``: an ``evals.Suite``, a suite name or a path. ``workers``: evaluation worker
    processes (each loads its own copy of an MLX model; 1 runs in this process). ``max_turns``
    and ``max_time_s`` bound each case's run (a tight time limit makes the scores depend on the
    machine's speed: use it for smoke runs of untrained models, never to decide a promotion).
    ``promote_on_pass=False`` only compares. ``registry``: the registry file (default
    ``$PUNIE_DATA_DIR/models.json``). ``progress`` is passed to ``evals.run_suite``.

    Raises ``GateError`` for an unusable model, suite or margin.
    """
    from evals import EvalError, compare, load_suite, run_suite

    if margin < 0:
        raise GateError(
            f"margin={margin!r}: give 0 or more (--margin 0.02 allows two points less per layer)"
        )
    candidate_spec = model_spec(candidate, registry=registry)
    current_spec = model_spec(current, registry=registry)
    candidate_profile, current_profile = _checked(candidate_spec), _checked(current_spec)
    profiles = [p for p in (candidate_profile, current_profile) if p is not None]
    try:
        loaded = load_suite(suite) if isinstance(suite, str | Path) else suite
        runnable, skipped = _runnable(loaded, profiles)
        reports = [
            run_suite(
                runnable,
                model=spec,
                workers=workers,
                progress=progress,
                max_turns=max_turns,
                max_time_s=max_time_s,
            )
            for spec in (current_spec, candidate_spec)
        ]
    except EvalError as error:
        raise GateError(f"cannot evaluate: {error}") from None
    comparison = compare(reports[0], reports[1])
    verdict = comparison.verdict(margin)
    result = GateResult(
        candidate=candidate_spec,
        current=current_spec,
        suite=loaded.name,
        cases=len(runnable.cases),
        skipped=skipped,
        margin=margin,
        comparison=comparison,
        verdict=verdict,
        promoted=False,
        registry=None,
    )
    if not (verdict.ok and promote_on_pass):
        return result
    path = registry_file(registry)
    name = f"{_label(candidate_spec)}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
    written = promote(
        RegisteredModel(
            name=name,
            spec=snapshot(candidate_spec, name=name, registry=path),
            source=candidate_spec,
            profile=candidate_profile.name if candidate_profile is not None else None,
            replaced=current_spec,
            suite=loaded.name,
            cases=result.cases,
            margin=margin,
            layers=result.layers(),
            message=verdict.message,
        ),
        registry=path,
    )
    return dataclasses.replace(result, promoted=True, registry=path, promoted_spec=written.promoted)
