"""Confidence intervals for statistics estimated from confusion counts.

Pure functions, vectorized over classes: each takes count tensors of shape ``(C,)`` (or any
shape) and returns ``(lo, hi)`` float64 tensors of the same shape. An interval is NaN where the
statistic is undefined (no trials) or where the counts are not whole numbers (sample weights:
the binomial model behind these intervals needs integer counts).

==========================  ====================================================================
Wilson score (default)      Wilson (1927); Newcombe (1998), Stat Med 17:857, method 3
Clopper-Pearson ("exact")   Clopper & Pearson (1934), from beta quantiles
LR+ and LR- ("log method")  Simel, Samsa & Matchar (1991), J Clin Epidemiol 44:763
Cohen's kappa               Fleiss, Cohen & Everitt (1969), Psychol Bull 72:323 (large-sample SE)
==========================  ====================================================================

Examples:
    >>> lo, hi = clopper_pearson(90, 100)
    >>> round(lo, 4), round(hi, 4)
    (0.8238, 0.951)
    >>> lo, hi = wilson(torch.tensor([81.0, 0.0]), torch.tensor([263.0, 20.0]))
    >>> [round(v, 4) for v in lo.tolist()], [round(v, 4) for v in hi.tolist()]
    ([0.2553, 0.0], [0.3662, 0.1611])
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from confmat._internal.core import sparse
from confmat._internal.core.types import ClassCounts, IntervalMethod
from confmat._internal.stats import distributions, measures
from confmat.exceptions import OptionError

Method = IntervalMethod
"""How a binomial proportion's interval is computed."""

METHODS: tuple[str, ...] = ("wilson", "clopper-pearson")

Interval = tuple[torch.Tensor, torch.Tensor]

_EPSILON = float(np.finfo(np.float64).eps)


def check_level(level: float) -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise OptionError(
            f"level must be a number strictly between 0 and 1, got {level!r}", argument="level"
        )
    return float(level)


def check_method(method: str) -> Method:
    """One of :data:`METHODS`."""
    if method == "wilson":
        return "wilson"
    if method == "clopper-pearson":
        return "clopper-pearson"
    raise OptionError(
        f'method must be "wilson" or "clopper-pearson", got {method!r}', argument="method"
    )


def normal_quantile(level: float) -> float:
    """The two-sided standard normal quantile z of ``level`` (1.959964 for 0.95).

    Examples:
        >>> round(normal_quantile(0.95), 6)
        1.959964
    """
    return distributions.normal_ppf(0.5 + check_level(level) / 2)


def clopper_pearson(successes: float, trials: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson 1934) interval of a binomial proportion from beta quantiles.

    ``lo = B(a/2; x, n - x + 1)`` and ``hi = B(1 - a/2; x + 1, n - x)`` with ``a = 1 - level``;
    ``lo = 0`` when ``x = 0`` and ``hi = 1`` when ``x = n``. NaN for no trials or for counts that
    are not whole numbers (weighted samples).

    Examples:
        >>> clopper_pearson(0, 0)
        (nan, nan)
    """
    level = check_level(level)
    if trials <= 0 or successes != math.floor(successes) or trials != math.floor(trials):
        return (math.nan, math.nan)
    lo, hi = clopper_pearson_tensor(torch.tensor(float(successes)), torch.tensor(trials), level)
    return (float(lo), float(hi))


def _as_float(x: torch.Tensor | float) -> torch.Tensor:
    return torch.as_tensor(x, dtype=torch.float64)


def _broadcast(
    successes: torch.Tensor | float, trials: torch.Tensor | float
) -> tuple[torch.Tensor, torch.Tensor]:
    x, n = _as_float(successes), _as_float(trials)
    shape = np.broadcast_shapes(tuple(x.shape), tuple(n.shape))
    return x.expand(shape), n.expand(shape)


def _invalid(successes: torch.Tensor, trials: torch.Tensor) -> torch.Tensor:
    """Where a binomial interval is undefined: no trials, or counts that are not integers."""
    return (
        (trials <= 0)
        | (successes != successes.floor())
        | (trials != trials.floor())
        | (successes > trials)
        | (successes < 0)
    )


def _with_nan(lo: torch.Tensor, hi: torch.Tensor, invalid: torch.Tensor) -> Interval:
    nan = torch.tensor(math.nan, dtype=torch.float64)
    return torch.where(invalid, nan, lo), torch.where(invalid, nan, hi)


def wilson(
    successes: torch.Tensor | float, trials: torch.Tensor | float, level: float = 0.95
) -> Interval:
    """Wilson score interval of binomial proportions ``successes / trials``, elementwise.

    ``(p + z^2/2n +- z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)`` with ``p = x / n``
    and ``z`` the normal quantile of ``level`` (Wilson 1927; Newcombe 1998, method 3). Unlike the
    Wald interval it stays inside [0, 1] and keeps its coverage close to the nominal level for
    small n and extreme p.

    Args:
        successes: counts ``x``, any shape.
        trials: counts ``n``, broadcastable with ``successes``.
        level: the confidence level.

    Returns:
        ``(lo, hi)``, float64; NaN where ``n = 0`` or the counts are not whole numbers.

    Examples:
        >>> lo, hi = wilson(torch.tensor([15.0, 1.0]), torch.tensor([148.0, 29.0]))
        >>> [round(v, 4) for v in lo.tolist()], [round(v, 4) for v in hi.tolist()]
        ([0.0624, 0.0061], [0.1605, 0.1718])
    """
    z = normal_quantile(level)
    x, n = _broadcast(successes, trials)
    invalid = _invalid(x, n)
    n_safe = torch.where(invalid, torch.ones_like(n), n)
    p = x / n_safe
    z2n = z * z / n_safe
    denominator = 1 + z2n
    center = (p + z2n / 2) / denominator
    half = z * torch.sqrt(p * (1 - p) / n_safe + z2n / (4 * n_safe)) / denominator
    lo = (center - half).clamp(0.0, 1.0)
    hi = (center + half).clamp(0.0, 1.0)
    lo = torch.where(x == 0, torch.zeros_like(lo), lo)
    hi = torch.where(x == n, torch.ones_like(hi), hi)
    return _with_nan(lo, hi, invalid)


def clopper_pearson_tensor(
    successes: torch.Tensor | float, trials: torch.Tensor | float, level: float = 0.95
) -> Interval:
    """Exact Clopper-Pearson intervals, elementwise (see :func:`clopper_pearson`).

    Examples:
        >>> lo, hi = clopper_pearson_tensor(torch.tensor([0.0, 81.0]), torch.tensor([20.0, 263.0]))
        >>> [round(v, 4) for v in lo.tolist()], [round(v, 4) for v in hi.tolist()]
        ([0.0, 0.2527], [0.1684, 0.3676])
    """
    alpha = 1 - check_level(level)
    x, n = _broadcast(successes, trials)
    invalid = _invalid(x, n)
    xa, na = x.cpu().numpy(), n.cpu().numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        lo_np = np.where(xa > 0, distributions.beta_ppf(alpha / 2, xa, na - xa + 1), 0.0)
        hi_np = np.where(xa < na, distributions.beta_ppf(1 - alpha / 2, xa + 1, na - xa), 1.0)
    lo = torch.as_tensor(np.asarray(lo_np, dtype=np.float64), device=x.device)
    hi = torch.as_tensor(np.asarray(hi_np, dtype=np.float64), device=x.device)
    return _with_nan(lo, hi, invalid)


def proportion(
    successes: torch.Tensor | float,
    trials: torch.Tensor | float,
    level: float = 0.95,
    method: Method = "wilson",
) -> Interval:
    """Interval of ``successes / trials`` by ``method`` ("wilson" or "clopper-pearson").

    Examples:
        >>> lo, hi = proportion(torch.tensor([3.0]), torch.tensor([3.0]))
        >>> round(float(lo[0]), 4), float(hi[0])
        (0.4385, 1.0)
    """
    if check_method(method) == "wilson":
        return wilson(successes, trials, level)
    return clopper_pearson_tensor(successes, trials, level)


def _proportions() -> dict[str, Callable[[ClassCounts], tuple[torch.Tensor, torch.Tensor]]]:
    return {
        "recall": lambda c: (c.tp, c.tp + c.fn),
        "specificity": lambda c: (c.tn, c.tn + c.fp),
        "precision": lambda c: (c.tp, c.tp + c.fp),
        "npv": lambda c: (c.tn, c.tn + c.fn),
        "fpr": lambda c: (c.fp, c.fp + c.tn),
        "fnr": lambda c: (c.fn, c.fn + c.tp),
        "fdr": lambda c: (c.fp, c.fp + c.tp),
        "false_omission_rate": lambda c: (c.fn, c.fn + c.tn),
        "prevalence": lambda c: (c.support, c.n.unsqueeze(-1).expand_as(c.tp)),
        "accuracy": lambda c: (c.tp + c.tn, c.n.unsqueeze(-1).expand_as(c.tp)),
    }


PROPORTIONS = _proportions()
"""Per-class statistics that are binomial proportions: name -> (successes, trials) of the counts.

"accuracy" here is the one-vs-rest accuracy of each class, ``(tp + tn) / n``.
"""


def per_class(
    c: ClassCounts, name: str, level: float = 0.95, method: Method = "wilson"
) -> Interval:
    """Per-class interval ``(C,)`` of the proportion ``name`` (a key of :data:`PROPORTIONS`).

    Args:
        c: one-vs-rest counts of every class.
        name: "recall", "specificity", "precision", "npv", "accuracy", ... (see
            :data:`PROPORTIONS`).
        level: the confidence level.
        method: "wilson" or "clopper-pearson".

    Returns:
        ``(lo, hi)``, float64 ``(C,)`` each.

    Examples:
        >>> from confmat._internal.stats.measures import class_counts
        >>> lo, hi = per_class(class_counts(torch.tensor([[5, 0], [1, 4]])), "recall")
        >>> [round(v, 3) for v in lo.tolist()]
        [0.566, 0.376]
    """
    if name not in PROPORTIONS:
        known = ", ".join(PROPORTIONS)
        raise OptionError(f"no binomial interval for {name!r}; intervals exist for: {known}")
    successes, trials = PROPORTIONS[name](c)
    return proportion(successes, trials, level, method)


def _log_ratio(
    numerator: tuple[torch.Tensor, torch.Tensor],
    denominator: tuple[torch.Tensor, torch.Tensor],
    level: float,
) -> Interval:
    """``exp(ln(r) +- z se)`` of a ratio ``r = (x1 / n1) / (x2 / n2)`` of two proportions.

    ``se = sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)`` (the delta method on the log scale). Undefined
    (NaN) when a count in a ``1/x`` term is 0 (the ratio is 0 or infinite) or an ``n`` is 0.
    """
    z = normal_quantile(level)
    (x1, n1), (x2, n2) = numerator, denominator
    invalid = _invalid(x1, n1) | _invalid(x2, n2) | (x1 == 0) | (x2 == 0)
    one = torch.ones_like(x1)
    x1s, n1s, x2s, n2s = (torch.where(invalid, one, v) for v in (x1, n1, x2, n2))
    log_ratio = torch.log((x1s / n1s) / (x2s / n2s))
    se = torch.sqrt((1 / x1s - 1 / n1s + 1 / x2s - 1 / n2s).clamp(min=0.0))
    return _with_nan(torch.exp(log_ratio - z * se), torch.exp(log_ratio + z * se), invalid)


def lr_plus(c: ClassCounts, level: float = 0.95) -> Interval:
    """Log-method interval (Simel et al. 1991) of LR+ = sensitivity / (1 - specificity).

    ``exp(ln(LR+) +- z sqrt(1/tp - 1/(tp + fn) + 1/fp - 1/(fp + tn)))``; NaN where tp or fp is 0.

    Examples:
        >>> from confmat._internal.stats.measures import class_counts
        >>> lo, hi = lr_plus(class_counts(torch.tensor([[54, 32], [27, 231]])))
        >>> round(float(lo[1]), 3), round(float(hi[1]), 3)
        (1.823, 3.176)
    """
    return _log_ratio((c.tp, c.tp + c.fn), (c.fp, c.fp + c.tn), level)


def lr_minus(c: ClassCounts, level: float = 0.95) -> Interval:
    """Log-method interval (Simel et al. 1991) of LR- = (1 - sensitivity) / specificity.

    ``exp(ln(LR-) +- z sqrt(1/fn - 1/(tp + fn) + 1/tn - 1/(fp + tn)))``; NaN where fn or tn is 0.

    Examples:
        >>> from confmat._internal.stats.measures import class_counts
        >>> lo, hi = lr_minus(class_counts(torch.tensor([[54, 32], [27, 231]])))
        >>> round(float(lo[1]), 3), round(float(hi[1]), 3)
        (0.113, 0.247)
    """
    return _log_ratio((c.fn, c.tp + c.fn), (c.tn, c.fp + c.tn), level)


RATIOS: dict[str, Callable[[ClassCounts, float], Interval]] = {
    "lr_plus": lr_plus,
    "lr_minus": lr_minus,
}
"""Per-class ratio statistics with log-method intervals."""


def cohen_kappa_se(matrix: torch.Tensor | sparse.Cells) -> float:
    """Large-sample standard error of Cohen's kappa (Fleiss, Cohen & Everitt 1969).

    With cell shares ``p_ij``, row (true) shares ``r_i``, column (predicted) shares ``q_j``,
    observed agreement ``p_o``, chance agreement ``p_e = sum r_i q_i`` and kappa ``k``:

    ``var = (A + B - D) / (n (1 - p_e)^2)`` where
    ``A = sum_i p_ii (1 - (r_i + q_i)(1 - k))^2``,
    ``B = (1 - k)^2 sum_{i != j} p_ij (q_i + r_j)^2`` and ``D = (k - p_e (1 - k))^2``.

    This is the non-null asymptotic variance used for intervals by SAS PROC FREQ, statsmodels'
    ``cohens_kappa`` and R's ``psych::cohen.kappa`` (not the null variance used for testing
    ``k = 0``). NaN for an empty matrix or when ``p_e = 1``.

    Examples:
        >>> round(cohen_kappa_se(torch.tensor([[54, 32], [27, 231]])), 4)
        0.0533
    """
    n = float(sparse.total(matrix))
    if n <= 0:
        return math.nan
    rows = sparse.sums(matrix, dim=1).to(torch.float64) / n
    cols = sparse.sums(matrix, dim=0).to(torch.float64) / n
    # The non-zero off-diagonal cells in row-major order, the only ones in B, summed alike in
    # both stores: the dense and the sparse matrix give the same bits.
    c = sparse.cells(matrix)
    diagonal = c.diagonal.to(torch.float64) / n
    off = c.values.to(torch.float64) / n
    every_off = (off * (cols[c.rows] + rows[c.cols]) ** 2).sum()
    observed, expected = diagonal.sum(), (rows * cols).sum()
    if float(expected) >= 1:
        return math.nan
    kappa = (observed - expected) / (1 - expected)
    a = (diagonal * (1 - (rows + cols) * (1 - kappa)) ** 2).sum()
    b = (1 - kappa) ** 2 * every_off
    d = (kappa - expected * (1 - kappa)) ** 2
    # A + B - D cancels to exactly 0 on degenerate tables (e.g. [[0, 0], [1, 2]]): what is left
    # below the rounding error of A + B is rounding, not variance.
    numerator = a + b - d
    numerator = torch.where(numerator.abs() <= 64 * _EPSILON * (a + b), 0.0, numerator)
    variance = numerator / (n * (1 - expected) ** 2)
    return float(variance.clamp(min=0.0).sqrt())


def cohen_kappa(matrix: torch.Tensor | sparse.Cells, level: float = 0.95) -> tuple[float, float]:
    """Wald interval ``kappa +- z se`` of Cohen's kappa, clipped to [-1, 1].

    The standard error is :func:`cohen_kappa_se` (Fleiss, Cohen & Everitt 1969). NaN where
    kappa is undefined or the matrix is float (sums of sample weights are not counts).

    Examples:
        >>> [round(v, 4) for v in cohen_kappa(torch.tensor([[54, 32], [27, 231]]))]
        [0.4292, 0.638]
    """
    z = normal_quantile(level)
    if not measures.holds_counts(matrix):
        return (math.nan, math.nan)
    se = cohen_kappa_se(matrix)
    kappa = measures.cohen_kappa(measures.class_counts(matrix))
    if math.isnan(se) or math.isnan(kappa):
        return (math.nan, math.nan)
    return (max(-1.0, kappa - z * se), min(1.0, kappa + z * se))
