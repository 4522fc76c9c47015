"""The distribution functions from scipy.special give scipy.stats' numbers, bit for bit."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from confmat._internal.stats import distributions

RNG = np.random.default_rng(20261202)


def test_normal_ppf_is_scipy_stats_norm_ppf() -> None:
    for p in [*RNG.random(200), 0.975, 0.995, 0.5, 1e-12]:
        assert distributions.normal_ppf(p) == stats.norm.ppf(p)


def test_beta_ppf_is_scipy_stats_beta_ppf() -> None:
    a = RNG.integers(1, 500, 2000).astype(float)
    b = RNG.integers(1, 500, 2000).astype(float)
    for q in (0.025, 0.975, 0.005, 0.5):
        assert np.array_equal(distributions.beta_ppf(q, a, b), stats.beta.ppf(q, a, b))


def test_binomial_sf_is_scipy_stats_binom_sf() -> None:
    n = RNG.integers(1, 5000, 300)
    k = (RNG.random(300) * (n + 2)).astype(int) - 1  # -1 .. n + 1
    for p in (0.0, 1e-9, 0.3, 0.5, 0.999, 1.0):
        ours = [distributions.binomial_sf(int(i), int(m), p) for i, m in zip(k, n, strict=True)]
        assert ours == stats.binom.sf(k, n, p).tolist()


def test_binomial_cdf_at_one_half_is_the_exact_sum() -> None:
    """At p = 1/2 (exact McNemar) the cdf is sum_{j <= k} C(n, j) / 2^n, summed exactly."""
    for n in [*range(1, 40), 100, 333, 1000]:
        for k in range(-1, n + 1, max(1, n // 25)):
            exact = Fraction(sum(math.comb(n, j) for j in range(k + 1)), 2**n)
            assert distributions.binomial_cdf(k, n, 0.5) == pytest.approx(float(exact), rel=1e-13)


def test_binomial_cdf_agrees_with_scipy_stats() -> None:
    """``betainc`` is scipy's ``binom.sf`` of the mirrored count; ``binom.cdf`` differs from it
    by a few ulps (2e-13 relative at most, in tails below 1e-49)."""
    n = RNG.integers(1, 5000, 300)
    k = (RNG.random(300) * (n + 2)).astype(int) - 1
    for p in (0.0, 0.3, 0.5, 1.0):
        ours = [distributions.binomial_cdf(int(i), int(m), p) for i, m in zip(k, n, strict=True)]
        assert ours == pytest.approx(stats.binom.cdf(k, n, p).tolist(), rel=1e-12, abs=1e-300)


def test_chi2_sf_is_scipy_stats_chi2_sf() -> None:
    for df in (1, 2, 3, 45, 499_500):
        for x in RNG.random(50) * df * 3:
            assert distributions.chi2_sf(x, df) == stats.chi2.sf(x, df)
