"""Comparing two classifiers on the same samples.

Two models scored on one test set are paired: their errors are correlated, so comparing two
independent intervals is wrong (too conservative). This module tests and estimates on the pairs:

- McNemar's test on the discordant samples (one model right, the other wrong): the exact
  two-sided binomial test and the chi-square with continuity correction;
- differences ``b - a`` of accuracy, macro F1, balanced accuracy, MCC and Cohen's kappa, each with
  a paired percentile bootstrap interval: samples are resampled jointly, i.e. the distinct
  ``(true, pred_a, pred_b)`` triples are drawn from a multinomial with their frequencies, so one
  replicate gives both models' matrices;
- per-class differences ``b - a`` of recall, precision and F1.

:meth:`Comparison.from_paired_table` builds the test and the accuracy difference from the four
counts of a paired correctness table (both right, only a right, only b right, both wrong), as
:func:`confmat.evaluate` collects them.

Examples:
    >>> y = [0, 0, 1, 1, 1, 2, 2, 2, 0, 1]
    >>> a = [0, 1, 1, 1, 0, 2, 2, 1, 0, 1]
    >>> b = [0, 0, 1, 1, 1, 2, 2, 2, 0, 0]
    >>> result = compare(y, a, b, n_resamples=200)
    >>> result.table
    PairedTable(both_right=6, only_a=1, only_b=3, both_wrong=0)
    >>> round(result.mcnemar_exact_p_value, 4), round(result.differences["accuracy"].difference, 4)
    (0.625, 0.2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import torch

from confmat._internal.core import checks, codes, encode
from confmat._internal.core.types import ZeroDivision
from confmat._internal.results.document import json_number
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stats import significance
from confmat._internal.stats.bootstrap import (
    STATISTICS,
    CellLayout,
    check_resamples,
    percentile_interval,
    replicates_per_chunk,
    resample,
)
from confmat._internal.stats.intervals import check_level
from confmat.exceptions import OptionError, ShapeError

METRICS = ("accuracy", "macro_f1", "balanced_accuracy", "mcc", "cohen_kappa")
"""Whole-matrix statistics whose differences are estimated."""

PER_CLASS = ("recall", "precision", "f1")
"""Per-class statistics whose differences are reported."""


class PairedTable(NamedTuple):
    """Correctness of two models on the same samples (the table McNemar's test reads).

    Counts of samples, or sums of their weights (floats) for weighted samples.
    """

    both_right: int | float
    only_a: int | float
    only_b: int | float
    both_wrong: int | float


class MetricDifference(NamedTuple):
    """A statistic of both models, the difference ``b - a`` and its paired bootstrap interval."""

    a: float
    b: float
    difference: float
    lo: float
    hi: float


@dataclass(frozen=True)
class Comparison:
    """The paired comparison of model a with model b (differences are ``b - a``).

    Attributes:
        table: the paired correctness table.
        mcnemar_exact_p_value: exact binomial test on the discordant pairs (NaN without any).
        mcnemar_chi2: McNemar's chi-square with continuity correction.
        mcnemar_chi2_p_value: its p-value (1 degree of freedom).
        differences: per statistic of :data:`METRICS`, a :class:`MetricDifference`; from a
            paired table only "accuracy".
        per_class: per class name, per statistic of :data:`PER_CLASS`, the difference ``b - a``
            (empty from a paired table).
        matrix_a: model a's matrix (None from a paired table).
        matrix_b: model b's matrix (None from a paired table).
        level: the confidence level of the intervals.
        n_resamples: the number of paired bootstrap replicates.
    """

    table: PairedTable
    mcnemar_exact_p_value: float
    mcnemar_chi2: float
    mcnemar_chi2_p_value: float
    differences: dict[str, MetricDifference]
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    matrix_a: ConfusionMatrix | None = None
    matrix_b: ConfusionMatrix | None = None
    level: float = 0.95
    n_resamples: int = 2000

    @classmethod
    def from_paired_table(
        cls,
        both_right: int,
        only_a: int,
        only_b: int,
        both_wrong: int,
        *,
        n_resamples: int = 2000,
        level: float = 0.95,
        seed: int | None = 0,
    ) -> Comparison:
        """McNemar's tests and the accuracy difference from a paired correctness table.

        Args:
            both_right: samples both models classify correctly.
            only_a: samples only model a classifies correctly.
            only_b: samples only model b classifies correctly.
            both_wrong: samples both models get wrong.
            n_resamples: paired bootstrap replicates of the accuracy difference.
            level: the confidence level.
            seed: seed of the resampling.

        Examples:
            >>> c = Comparison.from_paired_table(90, 10, 2, 3)
            >>> round(c.mcnemar_exact_p_value, 4), round(c.mcnemar_chi2_p_value, 4)
            (0.0386, 0.0433)
            >>> d = c.differences["accuracy"]
            >>> round(d.difference, 4), d.lo < d.difference < d.hi
            (-0.0762, True)
        """
        cells = check_paired_table((both_right, only_a, only_b, both_wrong))
        table = PairedTable(*cells)
        check_resamples(n_resamples)
        check_level(level)
        n = sum(cells)
        right_a = np.array([1.0, 1.0, 0.0, 0.0])
        right_b = np.array([1.0, 0.0, 1.0, 0.0])
        replicates = [
            torch.from_numpy((chunk @ (right_b - right_a)) / n)
            for chunk in resample(np.array(cells), n_resamples, seed)
        ]
        a, b = (both_right + only_a) / n, (both_right + only_b) / n
        ci = percentile_interval(torch.cat(replicates), b - a, level)
        return cls(
            table,
            *_mcnemar(table),
            differences={"accuracy": MetricDifference(a, b, b - a, ci.lo, ci.hi)},
            level=level,
            n_resamples=n_resamples,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready document (NaN is None).

        Examples:
            >>> Comparison.from_paired_table(5, 0, 0, 1).to_dict()["mcnemar_exact_p_value"] is None
            True
        """
        return {
            "table": self.table._asdict(),
            "mcnemar_exact_p_value": json_number(self.mcnemar_exact_p_value),
            "mcnemar_chi2": json_number(self.mcnemar_chi2),
            "mcnemar_chi2_p_value": json_number(self.mcnemar_chi2_p_value),
            "level": self.level,
            "n_resamples": self.n_resamples,
            "differences": {
                name: {key: json_number(v) for key, v in d._asdict().items()}
                for name, d in self.differences.items()
            },
            "per_class": {
                name: {key: json_number(v) for key, v in values.items()}
                for name, values in self.per_class.items()
            },
        }


def _mcnemar(table: PairedTable) -> tuple[float, float, float]:
    exact = significance.mcnemar_exact(table.only_a, table.only_b)
    chi2, p = significance.mcnemar_chi2(table.only_a, table.only_b)
    return exact, chi2, p


def compare(
    y_true: object,
    y_pred_a: object,
    y_pred_b: object,
    *,
    classes: Sequence[Any] | None = None,
    num_classes: int | None = None,
    sample_weight: object = None,
    ignore_index: int | str | None = None,
    threshold: float | None = None,
    score_of: object = None,
    positive: object = None,
    from_logits: bool = False,
    zero_division: ZeroDivision = "nan",
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int | None = 0,
) -> Comparison:
    """Compare two models' predictions of the same samples.

    The options mean what they mean in :meth:`ConfusionMatrix.from_predictions`, for both
    models at once.

    Args:
        y_true: true labels ``(N,)``.
        y_pred_a: model a's predicted labels ``(N,)`` (or scores, as in
            :meth:`ConfusionMatrix.from_predictions`).
        y_pred_b: model b's predictions, of the same kind.
        classes: class order (default: sorted labels seen in truth and both predictions).
        num_classes: integer labels are indices ``0..num_classes-1``.
        sample_weight: non-negative weights ``(N,)``: the matrices, the table and the
            differences are weighted sums; McNemar's tests and the bootstrap intervals need
            counts and are NaN.
        ignore_index: samples with this true label are left out.
        threshold: one score column: the scored class iff ``score >= threshold`` (0.5).
        score_of: the class one score column is the probability of.
        positive: the class a binary report calls positive (it never changes the counts).
        from_logits: scores are logits.
        zero_division: the value of 0/0 statistics (default NaN).
        n_resamples: paired bootstrap replicates (default 2000).
        level: the confidence level (default 0.95).
        seed: seed of the resampling; equal seeds, equal intervals.

    Returns:
        The :class:`Comparison`; differences are ``b - a``.

    Raises:
        ConfmatError: for invalid or misaligned inputs.

    Examples:
        >>> r = compare(["x", "y", "y", "x"], ["x", "y", "x", "x"], ["x", "y", "y", "y"])
        >>> r.table, r.per_class["y"]["recall"]
        (PairedTable(both_right=2, only_a=1, only_b=1, both_wrong=0), 0.5)
    """
    check_resamples(n_resamples)
    check_level(level)
    zero_division = checks.check_zero_division(zero_division)
    options = _PairOptions(
        classes, num_classes, sample_weight, ignore_index, threshold, score_of, from_logits
    )
    pair = _encode_pair(y_true, y_pred_a, y_pred_b, options)
    names, size = pair.names, len(pair.names)
    triples, counts = _triples((pair.true * size + pair.a) * size + pair.b, pair.weight)
    t, a, b = triples // (size * size), (triples // size) % size, triples % size
    right_a, right_b = a == t, b == t
    masks = (right_a & right_b, right_a & ~right_b, ~right_a & right_b, ~right_a & ~right_b)
    table = PairedTable(*(counts[m].sum().item() for m in masks))
    positive = codes.reported_positive(positive, pair.scored)
    matrix_a = _matrix(counts, t, a, names, positive, zero_division)
    matrix_b = _matrix(counts, t, b, names, positive, zero_division)
    weighted = pair.weight is not None
    replicates = {} if weighted else _replicates(counts, t, a, b, size, n_resamples, seed)
    differences = {}
    for name in METRICS:
        value_a = _defined(STATISTICS[name](matrix_a.class_counts), zero_division)
        value_b = _defined(STATISTICS[name](matrix_b.class_counts), zero_division)
        lo = hi = math.nan
        if not weighted:
            ci = percentile_interval(torch.cat(replicates[name]), value_b - value_a, level)
            lo, hi = ci.lo, ci.hi
        differences[name] = MetricDifference(value_a, value_b, value_b - value_a, lo, hi)
    tests = (math.nan, math.nan, math.nan) if weighted else _mcnemar(table)
    return Comparison(
        table,
        *tests,
        differences=differences,
        per_class=_per_class_differences(matrix_a, matrix_b),
        matrix_a=matrix_a,
        matrix_b=matrix_b,
        level=level,
        n_resamples=n_resamples,
    )


def _triples(
    codes_: torch.Tensor, weight: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The distinct ``(true, a, b)`` codes and their counts (sums of weights when weighted)."""
    if weight is None:
        found, counts = torch.unique(codes_, return_counts=True)
        return found, counts
    triples, inverse = torch.unique(codes_, return_inverse=True)
    sums = torch.zeros(triples.shape[0], dtype=torch.float64).index_add_(0, inverse, weight)
    return triples, sums


def _replicates(
    counts: torch.Tensor,
    t: torch.Tensor,
    a: torch.Tensor,
    b: torch.Tensor,
    size: int,
    n_resamples: int,
    seed: int | None,
) -> dict[str, list[torch.Tensor]]:
    """Paired bootstrap replicates of each difference ``b - a``: the triples drawn jointly."""
    layout_a = CellLayout(t.numpy(), a.numpy(), size)
    layout_b = CellLayout(t.numpy(), b.numpy(), size)
    chunk = replicates_per_chunk(size, counts.numel())
    replicates: dict[str, list[torch.Tensor]] = {name: [] for name in METRICS}
    for cells in resample(counts.numpy(), n_resamples, seed, chunk):
        counts_a, counts_b = layout_a.class_counts(cells), layout_b.class_counts(cells)
        for name in METRICS:
            replicates[name].append(STATISTICS[name](counts_b) - STATISTICS[name](counts_a))
    return replicates


def _defined(value: torch.Tensor, zero_division: ZeroDivision) -> float:
    """A whole-matrix statistic, its 0/0 (NaN) replaced as ``zero_division`` says."""
    if math.isnan(float(value)) and zero_division not in ("nan", "warn"):
        return float(zero_division)
    return float(value)


@dataclass(frozen=True)
class _PairOptions:
    classes: Sequence[Any] | None
    num_classes: int | None
    sample_weight: object
    ignore_index: int | str | None
    threshold: float | None
    score_of: object
    from_logits: bool


class _Pair(NamedTuple):
    true: torch.Tensor
    a: torch.Tensor
    b: torch.Tensor
    weight: torch.Tensor | None
    names: list[str]
    scored: str | None  # the class one score column describes


def _encode_pair(
    y_true: object, y_pred_a: object, y_pred_b: object, options: _PairOptions
) -> _Pair:
    """Class indices of truth and both predictions in one class order, on the CPU."""
    true = checks.as_values(y_true, "y_true")
    a = checks.as_values(y_pred_a, "y_pred_a")
    b = checks.as_values(y_pred_b, "y_pred_b")
    checks.check_labels_shape(true, "y_true")
    checks.check_same_length(true.shape[0], a, "y_pred_a")
    checks.check_same_length(true.shape[0], b, "y_pred_b")
    check_same_kind(a, b, "y_pred_a", "y_pred_b")
    weight = None
    if options.sample_weight is not None:
        weight = checks.check_weights(options.sample_weight, true.shape[0], torch.device("cpu"))
    encoded = encode.encode(
        _twice(true, true),
        _twice(a, b),
        classes=options.classes,
        num_classes=options.num_classes,
        sample_weight=None if weight is None else torch.cat([weight, weight]),
        ignore_index=options.ignore_index,
        threshold=options.threshold,
        score_of=options.score_of,
        from_logits=options.from_logits,
    )
    true_idx, pred_idx, names = encoded.true.cpu(), encoded.pred.cpu(), encoded.classes
    if encoded.compact:
        size = len(names)
        seen = (
            torch.bincount(true_idx, minlength=size) + torch.bincount(pred_idx, minlength=size)
        ) > 0
        new_index = torch.cumsum(seen.long(), 0) - 1
        true_idx, pred_idx = new_index[true_idx], new_index[pred_idx]
        names = [name for name, kept in zip(names, seen.tolist(), strict=True) if kept]
    n = true_idx.shape[0] // 2  # after ignore_index
    kept = None if encoded.weight is None else encoded.weight[:n].cpu()
    scored = None if encoded.score_of is None else encoded.classes[encoded.score_of]
    return _Pair(true_idx[:n], pred_idx[:n], pred_idx[n:], kept, names, scored)


def _twice(first: checks.Values, second: checks.Values) -> checks.Values:
    if isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor):
        return torch.cat([first, second.to(first.device)])
    return np.concatenate([np.asarray(first), np.asarray(second)])


def _matrix(
    counts: torch.Tensor,
    rows: torch.Tensor,
    cols: torch.Tensor,
    names: list[str],
    positive: object,
    zero_division: ZeroDivision,
) -> ConfusionMatrix:
    size = len(names)
    dense = torch.zeros(size * size, dtype=counts.dtype).index_add_(0, rows * size + cols, counts)
    return ConfusionMatrix(
        dense.reshape(size, size), names, positive=positive, zero_division=zero_division
    )


def _per_class_differences(a: ConfusionMatrix, b: ConfusionMatrix) -> dict[str, dict[str, float]]:
    values = {name: (b.per_class(name) - a.per_class(name)).tolist() for name in PER_CLASS}
    return {cls: {name: values[name][i] for name in PER_CLASS} for i, cls in enumerate(a.classes)}


def check_same_kind(
    first: checks.Values, second: checks.Values, first_name: str, second_name: str
) -> None:
    """Two predictions of one kind: both labels (strings, or integers/bools) or both scores.

    Examples:
        >>> check_same_kind(torch.tensor([0.2]), torch.tensor([1]), "a", "b")
        Traceback (most recent call last):
        ...
        confmat.exceptions.ShapeError: a and b must be of one kind, got scores and labels
    """

    def kind(values: checks.Values) -> str:
        if checks.is_strings(values):
            return "strings"
        return "scores" if checks.is_float(values) else "labels"

    if kind(first) != kind(second) or first.ndim != second.ndim:
        described = (
            f"{kind(v)}" + (f" {tuple(v.shape)}" if kind(first) == kind(second) else "")
            for v in (first, second)
        )
        raise ShapeError(
            f"{first_name} and {second_name} must be of one kind, got " + " and ".join(described)
        )


def check_paired_table(cells: Sequence[object]) -> tuple[int, int, int, int]:
    """A paired correctness table: four non-negative whole counts, not all zero.

    Examples:
        >>> check_paired_table((90, 10, 2, 3))
        (90, 10, 2, 3)
    """
    names = ("both_right", "only_a", "only_b", "both_wrong")
    counts = []
    for name, value in zip(names, cells, strict=True):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.integer, np.floating))
            or value < 0
            or value != math.floor(value)
        ):
            raise OptionError(
                f"{name} must be a non-negative whole number, got {value!r}", argument=name
            )
        counts.append(int(value))
    if sum(counts) == 0:
        raise OptionError("a paired table needs at least one sample, got four zeros")
    return (counts[0], counts[1], counts[2], counts[3])
