"""Bootstrap intervals of whole-matrix statistics, from the counts alone.

Resampling N samples with replacement from the evaluated samples and counting them again is the
same as drawing the matrix's cells from a multinomial distribution with N trials and the cells'
observed frequencies: the nonparametric bootstrap of any statistic of the matrix needs only the
counts (so it works for streamed and distributed results too). Only the non-zero cells are drawn;
the replicates are drawn many at a time (numpy's multinomial, chunks of ``b`` replicates), turned
into one-vs-rest counts of shape ``(b, C)`` and fed to the batched statistics of
:mod:`stats.measures`: no Python loop over replicates or classes. Intervals are percentile
intervals (Efron & Tibshirani 1993, ch. 13) over the replicates where the statistic is defined.

Examples:
    >>> result = bootstrap_counts(torch.tensor([[50, 3, 0], [4, 40, 6], [0, 2, 45]]), seed=0)
    >>> ci = result["macro_f1"]
    >>> round(ci.estimate, 3), ci.lo < ci.estimate < ci.hi
    (0.898, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
import torch

from confmat._internal.core.types import ClassCounts
from confmat._internal.stats import measures
from confmat._internal.stats.intervals import check_level
from confmat.exceptions import OptionError

BatchStatistic = Callable[[ClassCounts], torch.Tensor]

STATISTICS: dict[str, BatchStatistic] = {
    "accuracy": measures.accuracy_batch,
    "balanced_accuracy": measures.balanced_accuracy_batch,
    "macro_f1": lambda c: measures.average_batch(measures.f1(c), "macro", c),
    "weighted_f1": lambda c: measures.average_batch(measures.f1(c), "weighted", c),
    "mcc": measures.mcc_batch,
    "cohen_kappa": measures.cohen_kappa_batch,
}
"""Statistics with bootstrap intervals: name -> function of counts ``(B, C)`` -> ``(B,)``."""

DEFAULT_STATISTICS = ("macro_f1", "weighted_f1", "mcc", "balanced_accuracy", "cohen_kappa")

_CHUNK_CELLS = 4_000_000
"""Replicates are drawn in chunks of at most this many cells (bounds the memory)."""

_CHUNK_STATISTICS = 32_768
"""... and of at most this many per-class values: torch computes tensors this small on the
calling thread, which on a busy machine is far faster than waking its thread pool for each of
the many small operations of the statistics."""


class BootstrapInterval(NamedTuple):
    """A statistic, its percentile bootstrap interval and the replicates it rests on.

    ``defined`` counts the replicates where the statistic is defined (e.g. MCC is undefined
    when a resample predicts one class only); the interval uses those.
    """

    estimate: float
    lo: float
    hi: float
    defined: int


def check_resamples(n_resamples: int) -> int:
    """A positive number of bootstrap replicates."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 1:
        raise OptionError(
            f"n_resamples must be a positive integer, got {n_resamples!r}", argument="n_resamples"
        )
    return n_resamples


def check_statistics(names: Sequence[str]) -> list[str]:
    """Known statistic names (keys of :data:`STATISTICS`)."""
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in STATISTICS]
    if unknown or not names:
        raise OptionError(
            f"statistics must be among {', '.join(STATISTICS)}, got {unknown or names!r}",
            argument="statistics",
        )
    return names


def replicates_per_chunk(num_classes: int, num_cells: int) -> int:
    """How many replicates to draw and evaluate at once (see :data:`_CHUNK_STATISTICS`)."""
    return max(1, min(_CHUNK_CELLS // max(1, num_cells), _CHUNK_STATISTICS // num_classes))


def resample(
    cell_counts: np.ndarray, n_resamples: int, seed: int | None, chunk: int = 1024
) -> Iterator[np.ndarray]:
    """Multinomial replicates of integer ``cell_counts`` ``(K,)``, in chunks ``(b, K)`` int64.

    Each replicate draws ``sum(cell_counts)`` samples with probabilities ``cell_counts / sum``.

    Examples:
        >>> chunks = list(resample(np.array([3, 0, 7]), 4, seed=1))
        >>> chunks[0].shape, chunks[0].sum(axis=1).tolist(), int(chunks[0][:, 1].sum())
        ((4, 3), [10, 10, 10, 10], 0)
    """
    rng = np.random.default_rng(seed)
    total = int(cell_counts.sum())
    probabilities = cell_counts / total
    for start in range(0, n_resamples, chunk):
        yield rng.multinomial(total, probabilities, size=min(chunk, n_resamples - start))


class CellLayout:
    """Where the drawn cells lie in the matrix, to turn replicates into one-vs-rest counts.

    Several cells may share a (row, column) position (the paired bootstrap draws triples).

    Args:
        rows: the true class of each cell ``(K,)``.
        cols: the predicted class of each cell ``(K,)``.
        num_classes: C.

    Examples:
        >>> layout = CellLayout(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), 2)
        >>> c = layout.class_counts(np.array([[5, 1, 2, 8]]))
        >>> c.fp.tolist(), c.tn.tolist()
        ([[2.0, 1.0]], [[8.0, 5.0]])
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, num_classes: int) -> None:
        self.num_classes = num_classes
        self._rows = _Groups(rows)
        self._cols = _Groups(cols)
        self._diagonal = np.flatnonzero(rows == cols)
        self._correct = _Groups(rows[self._diagonal])

    def class_counts(self, cells: np.ndarray) -> ClassCounts:
        """One-vs-rest counts ``(b, C)``, float64, of replicates ``cells`` ``(b, K)``."""
        size = self.num_classes
        support = torch.from_numpy(self._rows.sums(cells, size))
        predicted = torch.from_numpy(self._cols.sums(cells, size))
        tp = torch.from_numpy(self._correct.sums(cells[:, self._diagonal], size))
        fn, fp = support - tp, predicted - tp
        tn = support.sum(dim=1, keepdim=True) - tp - fn - fp
        return ClassCounts(tp, fp, fn, tn)


class _Groups:
    """Sums of cells by class (numpy's ``add.reduceat`` over the cells sorted by class)."""

    def __init__(self, classes: np.ndarray) -> None:
        self.order = np.argsort(classes, kind="stable")
        ordered = classes[self.order]
        self.starts = np.flatnonzero(np.r_[classes.size > 0, ordered[1:] != ordered[:-1]])
        self.classes = ordered[self.starts]

    def sums(self, cells: np.ndarray, size: int) -> np.ndarray:
        out = np.zeros((cells.shape[0], size))
        if self.order.size:  # reduceat needs at least one cell
            out[:, self.classes] = np.add.reduceat(cells[:, self.order], self.starts, axis=1)
        return out


def percentile_interval(
    replicates: torch.Tensor, estimate: float, level: float
) -> BootstrapInterval:
    """The percentile interval of the defined (non-NaN) ``replicates`` ``(B,)``.

    Examples:
        >>> percentile_interval(torch.arange(101.0), 50.0, 0.9)
        BootstrapInterval(estimate=50.0, lo=5.0, hi=95.0, defined=101)
    """
    alpha = 1 - check_level(level)
    kept = replicates[~torch.isnan(replicates)]
    if kept.numel() == 0 or math.isnan(estimate):
        return BootstrapInterval(estimate, math.nan, math.nan, int(kept.numel()))
    bounds = torch.quantile(kept, torch.tensor([alpha / 2, 1 - alpha / 2], dtype=kept.dtype))
    return BootstrapInterval(estimate, float(bounds[0]), float(bounds[1]), int(kept.numel()))


def bootstrap_counts(
    matrix: torch.Tensor,
    statistics: Sequence[str] = DEFAULT_STATISTICS,
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int | None = 0,
) -> dict[str, BootstrapInterval]:
    """Percentile bootstrap intervals of whole-matrix statistics of a ``(C, C)`` count matrix.

    Args:
        matrix: integer counts, C[i, j] = samples of true class i predicted as j.
        statistics: names among :data:`STATISTICS` (default: macro and weighted F1, MCC,
            balanced accuracy, Cohen's kappa).
        n_resamples: B, the number of bootstrap replicates (default 2000).
        level: the confidence level (default 0.95).
        seed: seed of the random generator (None: fresh entropy); equal seeds, equal results.

    Returns:
        For each statistic, its :class:`BootstrapInterval`. NaN bounds for a float matrix (sums
        of sample weights are not counts to resample) or an empty one.

    Examples:
        >>> matrix = torch.tensor([[5, 1], [2, 8]])
        >>> result = bootstrap_counts(matrix, ["mcc"], n_resamples=500, seed=3)
        >>> round(result["mcc"].estimate, 4), result["mcc"].defined
        (0.6181, 500)
    """
    names = check_statistics(statistics)
    check_resamples(n_resamples)
    check_level(level)
    m = matrix.detach().to("cpu", torch.float64)
    estimates = {name: float(STATISTICS[name](measures.class_counts(m))) for name in names}
    if float(m.sum()) <= 0 or not measures.holds_counts(matrix):
        return {n: BootstrapInterval(e, math.nan, math.nan, 0) for n, e in estimates.items()}
    size = m.shape[0]
    flat = m.reshape(-1).numpy()
    nonzero = np.flatnonzero(flat)
    layout = CellLayout(nonzero // size, nonzero % size, size)
    chunk = replicates_per_chunk(size, nonzero.size)
    replicates: dict[str, list[torch.Tensor]] = {name: [] for name in names}
    for cells in resample(flat[nonzero].astype(np.int64), n_resamples, seed, chunk):
        counts = layout.class_counts(cells)
        for name in names:
            replicates[name].append(STATISTICS[name](counts))
    return {
        name: percentile_interval(torch.cat(replicates[name]), estimates[name], level)
        for name in names
    }
