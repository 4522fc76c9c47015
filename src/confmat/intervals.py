"""Confidence intervals for proportions estimated from counts.

Examples:
    >>> lo, hi = clopper_pearson(90, 100)
    >>> round(lo, 4), round(hi, 4)
    (0.8238, 0.951)
"""

from __future__ import annotations

import math

from scipy import stats as _scipy_stats

from confmat.exceptions import OptionError


def check_level(level: float) -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise OptionError(f"level must be a number strictly between 0 and 1, got {level!r}")
    return float(level)


def clopper_pearson(successes: float, trials: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson 1934) interval of a binomial proportion from beta quantiles.

    ``lo = B(a/2; x, n - x + 1)`` and ``hi = B(1 - a/2; x + 1, n - x)`` with ``a = 1 - level``;
    ``lo = 0`` when ``x = 0`` and ``hi = 1`` when ``x = n``. NaN for no trials or for counts that
    are not whole numbers (weighted samples).
    """
    level = check_level(level)
    if trials <= 0 or successes != math.floor(successes) or trials != math.floor(trials):
        return (math.nan, math.nan)
    alpha = 1 - level
    x, n = successes, trials
    lo = 0.0 if x == 0 else float(_scipy_stats.beta.ppf(alpha / 2, x, n - x + 1))
    hi = 1.0 if x == n else float(_scipy_stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return (lo, hi)
