"""``compare(baseline, candidate) -> Comparison``: per-layer and per-category deltas, and the
verdict the LoRA promotion gate uses: *not worse than the baseline by more than a margin on any
layer*."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from evals._report import LAYERS, EvalReport, LayerName

__all__ = ["Comparison", "LayerDelta", "Verdict", "compare"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class LayerDelta(_Model):
    """One layer's rate in both reports; ``delta = candidate - baseline``."""

    baseline: float | None
    candidate: float | None
    delta: float | None
    """None when the layer applies to no case in one of the reports."""


class Verdict(_Model):
    """Whether the candidate may replace the baseline."""

    ok: bool
    """True when no layer is worse than the baseline by more than ``margin``."""
    margin: float
    worse: dict[LayerName, float]
    """Layers worse by more than the margin, with their deltas."""
    message: str
    """One line for a person (or a log) saying what decided."""


class Comparison(_Model):
    """Two reports side by side: ``candidate`` against ``baseline``."""

    baseline: str
    """The baseline's model (and suite)."""
    candidate: str
    layers: dict[LayerName, LayerDelta]
    categories: dict[str, dict[LayerName, LayerDelta]]
    """Category -> layer -> delta, for categories present in either report."""
    strict: LayerDelta
    """The share of cases passing every layer."""

    def verdict(self, margin: float = 0.02) -> Verdict:
        """OK unless some layer's rate fell by more than ``margin`` (0.02 = two points)."""
        if margin < 0:
            raise ValueError("margin must be 0 or more (0.02 means two percentage points)")
        worse = {
            layer: d.delta
            for layer, d in self.layers.items()
            if d.delta is not None and d.delta < -margin - 1e-12
        }
        if worse:
            listed = ", ".join(f"{layer} {delta:+.3f}" for layer, delta in worse.items())
            message = f"worse than the baseline by more than {margin:.3f} on {listed}"
        else:
            message = f"not worse than the baseline by more than {margin:.3f} on any layer"
        return Verdict(ok=not worse, margin=margin, worse=worse, message=message)


def _delta(a: float | None, b: float | None) -> LayerDelta:
    return LayerDelta(baseline=a, candidate=b, delta=None if a is None or b is None else b - a)


def compare(baseline: EvalReport, candidate: EvalReport) -> Comparison:
    """Deltas of ``candidate`` against ``baseline`` (positive: the candidate is better)."""
    categories: dict[str, dict[LayerName, LayerDelta]] = {}
    for category in sorted(set(baseline.categories) | set(candidate.categories)):
        a = baseline.categories.get(category, {})
        b = candidate.categories.get(category, {})
        categories[category] = {layer: _delta(a.get(layer), b.get(layer)) for layer in LAYERS}
    return Comparison(
        baseline=f"{baseline.model} on {baseline.suite}",
        candidate=f"{candidate.model} on {candidate.suite}",
        layers={layer: _delta(baseline.layers[layer], candidate.layers[layer]) for layer in LAYERS},
        categories=categories,
        strict=_delta(baseline.strict, candidate.strict),
    )
