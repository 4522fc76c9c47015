"""Multilabel statistics: pure functions of per-label 2x2 counts and per-sample sums.

Per label, the counts are a one-vs-rest binary problem, so every per-class statistic of
:mod:`stats.measures` applies to :func:`label_counts` unchanged; its macro, weighted
(by support) and micro averages are :func:`stats.measures.average`. The multilabel
extras (``n`` samples or total weight, L labels; ``t``/``p`` true/predicted indicators):

=======================  =====================================================================
samples average          mean over samples of the statistic of each sample's own label set,
                         weighted by the sample weights; samples where it is 0/0 are left out
                         (or count as ``zero_division`` when that is 0 or 1)
subset accuracy          share (weight) of samples whose predicted label set equals the true one
hamming loss             share of wrong (sample, label) cells: ``sum(fp + fn)`` over every
                         counted cell, ``L n`` of them unless cells were ignored
label cardinality        mean number of labels per sample: ``sum(support) / n`` (truth) and
                         ``sum(predicted) / n`` (prediction)
=======================  =====================================================================

Cells left out by ``ignore_index`` are in no count, so each label's counts may cover fewer
than ``n`` samples; every statistic above is then that of the counted cells.

These match scikit-learn's ``precision_recall_fscore_support(average=...)``, ``accuracy_score``
and ``hamming_loss`` on multilabel indicators when scikit-learn is given
``zero_division=np.nan``; with its default (``"warn"``: 0/0 is 0) use ``zero_division=0``.

Examples:
    >>> import torch
    >>> counts = torch.tensor([[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[0, 1], [1, 0]]])
    >>> round(hamming_loss(counts), 4)
    0.3333
    >>> cardinality(counts, 2)
    (1.5, 1.5)
"""

from __future__ import annotations

import torch

from confmat._internal.core.multilabel_kernels import SAMPLE_ROWS
from confmat._internal.core.types import ClassCounts, IntervalMethod, ZeroDivision
from confmat._internal.stats import intervals, measures
from confmat.exceptions import OptionError, UndefinedMetricWarning

AVERAGES = ("macro", "weighted", "micro", "samples")
"""How per-label statistics are averaged (``samples`` needs the per-sample sums)."""

SAMPLE_STATISTICS = SAMPLE_ROWS[1:]
"""The statistics with a samples average."""


def label_counts(counts: torch.Tensor) -> ClassCounts:
    """One-vs-rest counts of every label from ``(L, 2, 2)`` ``[[tn, fp], [fn, tp]]`` counts.

    Examples:
        >>> label_counts(torch.tensor([[[5, 1], [2, 3]]])).tp
        tensor([3.], dtype=torch.float64)
    """
    c = counts.to(torch.float64)
    return ClassCounts(tp=c[..., 1, 1], fp=c[..., 0, 1], fn=c[..., 1, 0], tn=c[..., 0, 0])


def hamming_loss(counts: torch.Tensor) -> float:
    """Share of counted (sample, label) cells predicted wrong; NaN without a counted cell.

    ``sum(fp + fn) / sum(tn + fp + fn + tp)``: ``sum(fp + fn) / (L n)`` when no cell is ignored.
    """
    c = label_counts(counts)
    cells = float(label_cells(c).sum())
    return float((c.fp + c.fn).sum()) / cells if cells > 0 else float("nan")


def label_cells(c: ClassCounts) -> torch.Tensor:
    """Each label's counted cells ``(L,)``: ``tn + fp + fn + tp`` (``n`` unless cells are ignored).

    A label's one-vs-rest problem has its own total, so its prevalence and its accuracy divide
    by it (``ClassCounts.n`` is the total of one multiclass matrix, not of a label).
    """
    return c.tp + c.fp + c.fn + c.tn


def cardinality(counts: torch.Tensor, n: float) -> tuple[float, float]:
    """Mean labels per sample of ``n`` samples, ``(true, predicted)``; NaN when ``n`` is 0."""
    c = label_counts(counts)
    if n <= 0:
        return (float("nan"), float("nan"))
    return (float(c.support.sum()) / n, float(c.predicted.sum()) / n)


def statistic(counts: torch.Tensor, name: str, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """A per-label statistic ``(L,)`` by name (any of :data:`stats.measures.PER_CLASS`).

    Each label is its own one-vs-rest problem: its prevalence is its support over its own
    counted cells.

    Examples:
        >>> statistic(torch.tensor([[[3, 0], [1, 0]], [[0, 0], [0, 0]]]), "prevalence").tolist()
        [0.25, nan]
    """
    c = label_counts(counts)
    if measures.ALIASES.get(name, name) == "prevalence":
        return measures.safe_divide(c.support, label_cells(c), zero_division, "prevalence")
    return measures.statistic(name)(c, zero_division)


def interval(
    counts: torch.Tensor, name: str, level: float = 0.95, method: IntervalMethod = "wilson"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-label interval ``(lo, hi)`` of a proportion (or likelihood ratio), as a matrix's.

    Prevalence and one-vs-rest accuracy are proportions of each label's own counted cells.

    Examples:
        >>> lo, hi = interval(torch.tensor([[[8, 0], [1, 9]]]), "sensitivity")
        >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
        (0.5958, 0.9821)
    """
    c = label_counts(counts)
    key = measures.ALIASES.get(name, name)
    if key in ("prevalence", "accuracy"):
        successes = c.support if key == "prevalence" else c.tp + c.tn
        return intervals.proportion(successes, label_cells(c), level, method)
    if key in intervals.RATIOS:
        return intervals.RATIOS[key](c, level)
    return intervals.per_class(c, key, level, method)


def subset_accuracy(sample_sums: torch.Tensor) -> float:
    """Share (weight) of samples whose whole label set is predicted exactly; NaN if n = 0.

    Examples:
        >>> subset_accuracy(torch.tensor([[1.0, 4.0], [0, 0], [0, 0], [0, 0], [0, 0]]))
        0.25
    """
    hits, n = (float(x) for x in sample_sums[0])
    return hits / n if n > 0 else float("nan")


def samples_average(
    sample_sums: torch.Tensor, name: str, zero_division: ZeroDivision = "nan"
) -> float:
    """The samples average of ``name`` (precision, recall, f1 or jaccard).

    Samples where the statistic is 0/0 (e.g. precision of a sample with no predicted label)
    are left out, or count as ``zero_division`` when that is 0 or 1 (scikit-learn's
    ``zero_division`` does the same for ``average="samples"``).

    Examples:
        >>> sums = torch.tensor([[0.0, 4.0], [1.5, 3.0], [0, 0], [0, 0], [0, 0]])
        >>> samples_average(sums, "precision"), samples_average(sums, "precision", 0.0)
        (0.5, 0.375)
    """
    key = measures.ALIASES.get(name, name)
    if key not in SAMPLE_STATISTICS:
        raise OptionError(
            f"a samples average exists for {', '.join(SAMPLE_STATISTICS)}; got {name!r}"
        )
    value, defined = (float(x) for x in sample_sums[SAMPLE_ROWS.index(key)])
    n = float(sample_sums[0, 1])
    if zero_division in ("nan", "warn"):
        if zero_division == "warn" and defined < n:
            import warnings

            warnings.warn(
                f"{key} is undefined (0/0) for some samples; the samples average leaves them out",
                UndefinedMetricWarning,
                stacklevel=2,
            )
        return value / defined if defined > 0 else float("nan")
    if n <= 0:
        return float("nan")
    return (value + float(zero_division) * (n - defined)) / n


def average(
    counts: torch.Tensor,
    sample_sums: torch.Tensor | None,
    name: str,
    method: str,
    zero_division: ZeroDivision = "nan",
) -> float:
    """A per-label statistic averaged by ``method`` (one of :data:`AVERAGES`).

    Examples:
        >>> counts = torch.tensor([[[1, 0], [0, 1]], [[0, 1], [1, 0]]])
        >>> average(counts, None, "recall", "macro"), average(counts, None, "recall", "micro")
        (0.5, 0.5)
    """
    if method == "samples":
        if sample_sums is None:
            raise OptionError(
                "the samples average needs per-sample sums: build the result with "
                "MultilabelConfusion.from_predictions or a MultilabelAccumulator"
            )
        return samples_average(sample_sums, name, zero_division)
    if method not in AVERAGES:
        raise OptionError(
            f"average must be one of {', '.join(AVERAGES)}; got {method!r}", argument="average"
        )
    c = label_counts(counts)
    values = statistic(counts, name, zero_division)
    return measures.average(values, method, c, name, zero_division)  # type: ignore[arg-type]
