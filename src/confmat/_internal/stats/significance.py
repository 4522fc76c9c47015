"""Hypothesis tests on confusion counts.

=================================  ===============================================================
accuracy vs no-information rate    one-sided exact binomial test (as R's caret ``confusionMatrix``)
McNemar (2 x 2)                    chi-square with continuity correction (McNemar 1947; Edwards
                                   1948), and the exact binomial test on the discordant pairs
Bowker (C x C)                     symmetry chi-square, ``C (C - 1) / 2`` degrees of freedom
                                   (Bowker 1948), as SAS, statsmodels and R's ``mcnemar.test``
=================================  ===============================================================

Every test is NaN when it is undefined (no discordant pairs) or its input is not counts: a float
matrix holds sums of sample weights (even when they are whole numbers), and the scalar forms
refuse counts that are not whole numbers.

Examples:
    >>> round(binomial_p_value_greater(60, 100, 0.5), 5)
    0.02844
    >>> round(mcnemar_chi2(32, 27)[1], 4)
    0.6025
"""

from __future__ import annotations

import math

import torch

from confmat._internal.core import sparse
from confmat._internal.stats import distributions
from confmat._internal.stats.measures import holds_counts


def _integral(*values: float) -> bool:
    return all(v == math.floor(v) for v in values)


def binomial_p_value_greater(successes: float, trials: float, p: float) -> float:
    """One-sided exact binomial test of "the success rate exceeds ``p``": P(X >= x | n, p).

    Used for accuracy against the no-information rate (as R's caret ``confusionMatrix``).
    NaN for no trials or counts that are not whole numbers (weighted samples).

    Examples:
        >>> binomial_p_value_greater(0, 0, 0.5)
        nan
    """
    if trials <= 0 or not _integral(successes, trials):
        return math.nan
    return distributions.binomial_sf(successes - 1, trials, p)


def mcnemar_chi2(b: float, c: float, correction: bool = True) -> tuple[float, float]:
    """McNemar's chi-square test of ``b`` against ``c``, the two discordant cells of a 2 x 2 table.

    ``(|b - c| - 1)^2 / (b + c)`` with the continuity correction (without: ``(b - c)^2 /
    (b + c)``), one degree of freedom. The correction never makes the statistic negative: with
    ``|b - c| < 1`` it is 0.

    Returns:
        ``(statistic, p_value)``; NaN for ``b + c = 0`` or counts that are not whole numbers.

    Examples:
        >>> [round(v, 4) for v in mcnemar_chi2(10, 2)]
        [4.0833, 0.0433]
    """
    if b + c <= 0 or not _integral(b, c):
        return (math.nan, math.nan)
    difference = abs(b - c)
    if correction:
        difference = max(difference - 1, 0.0)
    statistic = difference**2 / (b + c)
    return (float(statistic), distributions.chi2_sf(statistic, 1))


def mcnemar_exact(b: float, c: float) -> float:
    """Exact McNemar test: two-sided binomial test of ``b`` successes in ``b + c`` at 1/2.

    ``min(1, 2 P(X <= min(b, c)))`` with ``X ~ Binomial(b + c, 1/2)``; NaN for ``b + c = 0``
    or counts that are not whole numbers.

    Examples:
        >>> round(mcnemar_exact(10, 2), 4)
        0.0386
    """
    if b + c <= 0 or not _integral(b, c):
        return math.nan
    return float(min(1.0, 2 * distributions.binomial_cdf(min(b, c), b + c, 0.5)))


def bowker(matrix: torch.Tensor | sparse.Cells) -> tuple[float, float, int]:
    """Bowker's test of symmetry of a square matrix: ``p_ij = p_ji`` for all ``i != j``.

    ``sum_{i < j} (n_ij - n_ji)^2 / (n_ij + n_ji)`` over the pairs with ``n_ij + n_ji > 0``,
    chi-square with ``C (C - 1) / 2`` degrees of freedom (the convention of SAS and statsmodels).
    For two classes it is McNemar's test without continuity correction.

    Returns:
        ``(statistic, p_value, df)``; NaN for fewer than two classes, no off-diagonal counts or
        a float matrix (sums of sample weights are not counts).

    Examples:
        >>> statistic, p, df = bowker(torch.tensor([[20, 5, 1], [2, 30, 4], [3, 6, 25]]))
        >>> round(statistic, 4), round(p, 4), df
        (2.6857, 0.4427, 3)
    """
    size = matrix.size if isinstance(matrix, sparse.Cells) else int(matrix.shape[0])
    df = size * (size - 1) // 2
    # Found from the cells in both stores, so the dense and the sparse matrix give the same bits.
    c = sparse.cells(matrix)
    if df == 0 or c.values.numel() == 0 or not holds_counts(matrix):
        return (math.nan, math.nan, df)
    # A pair with one empty cell adds (a - 0)^2 / a = a; a pair with both cells, looked up by
    # binary search among the row-major codes, adds (a - b)^2 / (a + b).
    values = c.values.to(torch.float64)
    codes = c.rows * c.size + c.cols
    upper = (c.rows < c.cols).nonzero().flatten()
    mirror = c.cols[upper] * c.size + c.rows[upper]
    where = torch.searchsorted(codes, mirror).clamp(max=codes.numel() - 1)
    both = codes[where] == mirror
    first, second = upper[both], where[both]
    alone = torch.ones_like(values, dtype=torch.bool)
    alone[first] = False
    alone[second] = False
    a, b = values[first], values[second]
    statistic = float(values[alone].sum() + ((a - b) ** 2 / (a + b)).sum())
    return (statistic, distributions.chi2_sf(statistic, df), df)


def _dense(c: sparse.Cells) -> torch.Tensor:
    """The dense matrix of (small) cells."""
    dense = torch.diag(c.diagonal)
    dense[c.rows, c.cols] = c.values
    return dense


def mcnemar_p_value(matrix: torch.Tensor | sparse.Cells) -> float:
    """The ``overall.mcnemar_p_value`` of a matrix: McNemar for 2 x 2, Bowker for more classes.

    McNemar's is the chi-square with continuity correction on the off-diagonal cells (as R's
    ``mcnemar.test`` and caret); Bowker's is :func:`bowker`. NaN where undefined or for a float
    (weighted) matrix.

    Examples:
        >>> round(mcnemar_p_value(torch.tensor([[54, 32], [27, 231]])), 4)
        0.6025
    """
    if isinstance(matrix, sparse.Cells):
        if matrix.size == 2:
            return mcnemar_p_value(_dense(matrix))
    elif matrix.shape[0] == 2:
        if not holds_counts(matrix):
            return math.nan
        dense = sparse.to_dense(matrix)
        return mcnemar_chi2(float(dense[0, 1]), float(dense[1, 0]))[1]
    return bowker(matrix)[1]
