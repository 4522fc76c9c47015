"""The few distribution functions the statistics need, from ``scipy.special``.

``scipy.special`` imports in about a fifth of the time of ``scipy.stats`` (which a report would
otherwise pay on every run), and gives the same numbers: ``ndtri`` is ``scipy.stats.norm.ppf``,
``betaincinv`` is ``beta.ppf``, ``betainc`` is ``binom.sf`` and ``chdtrc`` is ``chi2.sf``, bit
for bit (tested). It is imported on first use.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _special() -> Any:
    import scipy.special

    return scipy.special


def normal_ppf(p: float) -> float:
    """The standard normal quantile of ``p``.

    Examples:
        >>> round(normal_ppf(0.975), 6)
        1.959964
    """
    return float(_special().ndtri(p))


def beta_ppf(q: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The ``q`` quantile of Beta(a, b), elementwise (NaN where ``a`` or ``b`` is not > 0).

    Examples:
        >>> beta_ppf(0.5, np.array([1.0, 2.0]), np.array([1.0, 2.0])).tolist()
        [0.5, 0.5]
    """
    result: np.ndarray = _special().betaincinv(a, b, q)
    return result


def binomial_sf(k: float, n: float, p: float) -> float:
    """``P(X > k)`` for ``X ~ Binomial(n, p)``, ``k`` and ``n`` whole numbers.

    Examples:
        >>> binomial_sf(-1, 5, 0.3), binomial_sf(5, 5, 0.3), round(binomial_sf(1, 2, 0.5), 4)
        (1.0, 0.0, 0.25)
    """
    if k < 0:
        return 1.0
    if k >= n:
        return 0.0
    return float(_special().betainc(k + 1, n - k, p))


def binomial_cdf(k: float, n: float, p: float) -> float:
    """``P(X <= k)`` for ``X ~ Binomial(n, p)``, ``k`` and ``n`` whole numbers.

    Examples:
        >>> binomial_cdf(-1, 5, 0.3), binomial_cdf(5, 5, 0.3), round(binomial_cdf(0, 2, 0.5), 4)
        (0.0, 1.0, 0.25)
    """
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    return float(_special().betainc(n - k, k + 1, 1 - p))


def chi2_sf(x: float, df: float) -> float:
    """``P(X > x)`` for ``X ~ chi-square(df)``.

    Examples:
        >>> round(chi2_sf(3.841458820694124, 1), 6)
        0.05
    """
    return float(_special().chdtrc(df, x))
