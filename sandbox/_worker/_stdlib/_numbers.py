"""Stand-ins for numbers: statistics, decimal, fractions, random.

The doors, and what each table does about them:

- ``statistics`` re-exports ``sys``, ``math``, ``random`` and a dozen helpers (``statistics.sys``
  leads to every module): only its own functions and classes are offered.
- ``decimal.getcontext``/``setcontext`` and the shared ``DefaultContext``/``BasicContext``/
  ``ExtendedContext`` would let one run change the arithmetic of every later run in the worker:
  left out; ``localcontext(prec=...)`` and ``Context(...)`` give the same control for one block
  or one object, and a ``Context`` a snippet holds may be changed (``ctx.prec = 50``).
- ``random``'s functions are bound to a generator of the stand-in's own, not the standard
  library's shared one; ``random.seed(n)`` seeds it, ``random.Random(n)`` makes another.
"""

from __future__ import annotations

from .._access import WRITABLE_TYPES
from ._table import IMPORTED, Table, left

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

__all__ = ["TABLES", "reseed"]

_RANDOM_METHODS = (
    "betavariate", "choice", "choices", "expovariate", "gammavariate", "gauss", "getrandbits",
    "getstate", "lognormvariate", "normalvariate", "paretovariate", "randbytes", "randint",
    "random", "randrange", "sample", "seed", "setstate", "shuffle", "triangular", "uniform",
    "vonmisesvariate", "weibullvariate",
)  # fmt: skip

_GENERATOR: list[Any] = []
"""The stand-in's own ``random.Random`` once built (the worker's, shared by its runs)."""


def _random(real: ModuleType) -> dict[str, Any]:
    if not _GENERATOR:
        _GENERATOR.append(real.Random())
    generator = _GENERATOR[0]
    return {name: getattr(generator, name) for name in _RANDOM_METHODS}


def reseed(seed: int | None) -> None:
    """Seed the ``random`` stand-in's generator (for reproducible runs); nothing to do if no
    snippet imported ``random`` yet: it is seeded from the system when first built, or from
    ``seed`` if this is called first."""
    if _GENERATOR:
        _GENERATOR[0].seed(seed)
    elif seed is not None:
        import random  # not at start: a worker that never uses random never loads it

        _GENERATOR.append(random.Random(seed))


def _decimal(real: ModuleType) -> dict[str, Any]:
    WRITABLE_TYPES.add(real.Context)  # every Context a snippet can reach is its own
    return {}


_DECIMAL_SIGNALS = (
    "Clamped", "ConversionSyntax", "DecimalException", "DivisionByZero", "DivisionImpossible",
    "DivisionUndefined", "FloatOperation", "Inexact", "InvalidContext", "InvalidOperation",
    "Overflow", "Rounded", "Subnormal", "Underflow",
)  # fmt: skip
_ROUNDING = (
    "ROUND_05UP", "ROUND_CEILING", "ROUND_DOWN", "ROUND_FLOOR", "ROUND_HALF_DOWN",
    "ROUND_HALF_EVEN", "ROUND_HALF_UP", "ROUND_UP",
)  # fmt: skip

TABLES = {
    "statistics": Table(
        "statistics",
        (
            "LinearRegression",
            "NormalDist",
            "StatisticsError",
            "correlation",
            "covariance",
            "fmean",
            "geometric_mean",
            "harmonic_mean",
            "linear_regression",
            "mean",
            "median",
            "median_grouped",
            "median_high",
            "median_low",
            "mode",
            "multimode",
            "pstdev",
            "pvariance",
            "quantiles",
            "stdev",
            "variance",
        ),
        left(
            IMPORTED,
            "Counter",
            "Decimal",
            "Fraction",
            "bisect_left",
            "bisect_right",
            "defaultdict",
            "erf",
            "exp",
            "fabs",
            "fsum",
            "groupby",
            "hypot",
            "log",
            "math",
            "mul",
            "namedtuple",
            "numbers",
            "random",
            "reduce",
            "repeat",
            "sqrt",
            "sys",
            "tau",
        ),
    ),
    "decimal": Table(
        "decimal",
        (
            "Context",
            "Decimal",
            "DecimalTuple",
            "HAVE_CONTEXTVAR",
            "HAVE_THREADS",
            "MAX_EMAX",
            "MAX_PREC",
            "MIN_EMIN",
            "MIN_ETINY",
            "localcontext",
            *_DECIMAL_SIGNALS,
            *_ROUNDING,
        ),
        left(
            "the current context would outlive the run; use 'with decimal.localcontext(prec=50):'"
            " for a block, or ctx = decimal.Context(prec=50) and ctx.divide(a, b)",
            "getcontext",
            "setcontext",
            "DefaultContext",
            "BasicContext",
            "ExtendedContext",
        ),
        _decimal,
    ),
    "fractions": Table(
        "fractions",
        ("Fraction",),
        left(IMPORTED, "Decimal", "math", "numbers", "operator", "re", "sys"),
    ),
    "random": Table(
        "random",
        ("Random", *_RANDOM_METHODS),
        {
            "SystemRandom": "it draws from the operating system and cannot be seeded; use "
            "random.Random(seed)",
            **left(
                "it is a constant of the generator's internals; use math.pi and friends",
                "BPF",
                "LOG4",
                "NV_MAGICCONST",
                "RECIP_BPF",
                "SG_MAGICCONST",
                "TWOPI",
            ),
        },
        _random,
    ),
}
"""The decision tables of this module's stand-ins, by module name."""
