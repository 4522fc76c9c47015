"""Hypothesis tests on confusion counts.

Examples:
    >>> round(binomial_p_value_greater(60, 100, 0.5), 5)
    0.02844
"""

from __future__ import annotations

import math

from scipy import stats as _scipy_stats


def binomial_p_value_greater(successes: float, trials: float, p: float) -> float:
    """One-sided exact binomial test of "the success rate exceeds ``p``": P(X >= x | n, p).

    Used for accuracy against the no-information rate (as R's caret ``confusionMatrix``).
    NaN for no trials or counts that are not whole numbers (weighted samples).
    """
    if trials <= 0 or successes != math.floor(successes) or trials != math.floor(trials):
        return math.nan
    return float(_scipy_stats.binom.sf(successes - 1, trials, p))
