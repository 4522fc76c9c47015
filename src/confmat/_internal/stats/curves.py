"""Threshold analysis of binary scores: counts at every threshold, ROC and precision-recall.

A sample is predicted positive iff ``score >= threshold`` (as everywhere in confmat). Sorting the
scores once and summing the labels cumulatively gives the ``(tn, fp, fn, tp)`` counts at every
distinct score in O(N log N) (tied scores form one threshold). The curves and areas follow
scikit-learn's definitions exactly (``roc_curve`` with its dropping of collinear points and its
``inf`` first threshold, trapezoidal ROC AUC, ``precision_recall_curve``, step-wise
``average_precision_score``); undefined values are NaN rather than warnings.

Choosing a threshold (:func:`choose_threshold`) reuses the per-class statistics of
:mod:`stats.measures` on the ``(T,)`` count vectors.

Examples:
    >>> counts = threshold_counts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> counts.thresholds.tolist(), counts.tp.tolist(), counts.fp.tolist()
    ([0.8, 0.4, 0.35, 0.1], [1.0, 1.0, 2.0, 2.0], [0.0, 1.0, 1.0, 2.0])
    >>> roc_auc(counts), average_precision(counts)
    (0.75, 0.8333333333333333)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import torch

from confmat._internal.core import checks, codes, encode
from confmat._internal.core.types import BinaryCounts, ClassCounts, ThresholdCriterion
from confmat._internal.stats import criteria, measures
from confmat.exceptions import OptionError, ScoreError, ShapeError


class ThresholdCounts(NamedTuple):
    """Confusion counts at every distinct score, thresholds in decreasing order.

    At ``thresholds[k]`` the samples with ``score >= thresholds[k]`` are predicted positive.
    All count vectors are float64 ``(T,)`` (sums of sample weights when weighted).
    """

    thresholds: torch.Tensor
    tn: torch.Tensor
    fp: torch.Tensor
    fn: torch.Tensor
    tp: torch.Tensor

    def class_counts(self) -> ClassCounts:
        """The counts of the positive class at each threshold, for :mod:`stats.measures`."""
        return ClassCounts(self.tp, self.fp, self.fn, self.tn)


class Curve(NamedTuple):
    """A curve: ``x`` and ``y`` ``(K,)`` and the thresholds of its points.

    ROC: x = fpr, y = tpr, ``K`` thresholds, the first ``inf``. Precision-recall: x = recall,
    y = precision, ``K - 1`` thresholds (the last point, recall 0 and precision 1, has none).
    """

    x: torch.Tensor
    y: torch.Tensor
    thresholds: torch.Tensor


class ThresholdChoice(NamedTuple):
    """A chosen threshold, the criterion, its value there, and the counts there."""

    threshold: float
    criterion: str
    value: float
    counts: BinaryCounts


def threshold_counts(
    y_true: object,
    scores: object,
    *,
    sample_weight: object = None,
    classes: Sequence[Any] | None = None,
    score_of: object = None,
) -> ThresholdCounts:
    """Counts of a binary problem at every distinct score, by one sort and cumulative sums.

    Args:
        y_true: true labels ``(N,)``: 0/1, bools, or two class names (with ``classes``).
        scores: real scores ``(N,)`` or ``(N, 1)``, higher meaning more positive (probabilities,
            logits or any decision value).
        sample_weight: non-negative weights ``(N,)``.
        classes: the two classes (needed for string labels), as in
            :meth:`ConfusionMatrix.from_predictions`.
        score_of: the class the scores are the scores of (higher: more likely that class);
            default label 1 (``True``); required for string labels.

    Returns:
        :class:`ThresholdCounts` with ``T`` = number of distinct scores.

    Raises:
        ConfmatError: for labels, scores or weights that are not valid.

    Examples:
        >>> c = threshold_counts(["no", "yes", "yes"], [0.2, 0.9, 0.2], score_of="yes")
        >>> c.thresholds.tolist(), c.tp.tolist(), c.tn.tolist()
        ([0.9, 0.2], [1.0, 2.0], [1.0, 0.0])
    """
    is_positive, values, weight = _encode(y_true, scores, sample_weight, classes, score_of)
    ordered, order = torch.sort(values)  # ascending then flipped: faster than descending
    ordered, order = ordered.flip(0), order.flip(0)
    positives = is_positive[order].to(torch.float64)
    if weight is None:
        tp_all = torch.cumsum(positives, 0)
        fp_all = torch.arange(1, values.shape[0] + 1, dtype=torch.float64) - tp_all
    else:
        w = weight[order]
        tp_all = torch.cumsum(positives * w, 0)
        fp_all = torch.cumsum((1 - positives) * w, 0)
    last = torch.nonzero(ordered[1:] != ordered[:-1]).reshape(-1)
    ends = torch.cat([last, torch.tensor([values.shape[0] - 1])])
    tp, fp = tp_all[ends], fp_all[ends]
    fn, tn = tp_all[-1] - tp, fp_all[-1] - fp
    return ThresholdCounts(ordered[ends].to(torch.float64), tn, fp, fn, tp)


def _encode(
    y_true: object,
    scores: object,
    sample_weight: object,
    classes: Sequence[Any] | None,
    score_of: object,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """(is_positive (N,) bool, scores (N,) on the CPU, weights (N,) or None)."""
    true = checks.as_values(y_true, "y_true")
    values = check_real_scores(scores, "scores")
    checks.check_labels_shape(true, "y_true")
    checks.check_same_length(true.shape[0], values, "scores")
    checks.check_not_empty(true.shape[0])
    if classes is None and checks.is_strings(true):
        classes = check_two_string_classes(true)
    index, names = encode.encode_true(true, classes, 2, torch.device("cpu"))
    pos = codes.scored_class(score_of, names, checks.is_strings(true))
    weight = None
    if sample_weight is not None:
        weight = checks.check_weights(sample_weight, true.shape[0], torch.device("cpu"))
    return torch.eq(index.cpu(), pos), values.cpu(), weight


def roc_curve(counts: ThresholdCounts, drop_intermediate: bool = True) -> Curve:
    """The ROC curve (fpr, tpr), as scikit-learn's ``roc_curve``.

    The first point is (0, 0) at threshold ``inf``; with ``drop_intermediate`` the points
    collinear with their neighbours are left out (they change neither the plot nor the area).

    Examples:
        >>> curve = roc_curve(threshold_counts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
        >>> curve.x.tolist(), curve.y.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    thresholds, fp, tp = counts.thresholds, counts.fp, counts.tp
    if drop_intermediate and fp.shape[0] > 2:
        corner = (torch.diff(fp, 2) != 0) | (torch.diff(tp, 2) != 0)
        keep = torch.cat([torch.tensor([True]), corner, torch.tensor([True])])
        thresholds, fp, tp = thresholds[keep], fp[keep], tp[keep]
    zero = torch.zeros(1, dtype=torch.float64)
    fp, tp = torch.cat([zero, fp]), torch.cat([zero, tp])
    negatives, positives = counts.fp[-1] + counts.tn[-1], counts.tp[-1] + counts.fn[-1]
    fpr = fp / negatives if float(negatives) > 0 else torch.full_like(fp, math.nan)
    tpr = tp / positives if float(positives) > 0 else torch.full_like(tp, math.nan)
    inf = torch.tensor([math.inf], dtype=torch.float64)
    return Curve(fpr, tpr, torch.cat([inf, thresholds]))


def roc_auc(counts: ThresholdCounts) -> float:
    """Area under the ROC curve (trapezoidal, ties as diagonal segments); NaN with one class.

    Examples:
        >>> roc_auc(threshold_counts([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]))
        0.5
    """
    curve = roc_curve(counts, drop_intermediate=False)
    return float(torch.trapezoid(curve.y, curve.x))


def precision_recall_curve(counts: ThresholdCounts) -> Curve:
    """Precision against recall, as scikit-learn's ``precision_recall_curve``.

    Points in increasing threshold order, ending with recall 0 and precision 1 (no threshold).
    Recall is NaN when there are no positive samples.

    Examples:
        >>> curve = precision_recall_curve(threshold_counts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
        >>> [round(v, 3) for v in curve.y.tolist()], curve.x.tolist()
        ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0])
    """
    c = counts.class_counts()
    precision = measures.precision(c).flip(0)
    recall = measures.recall(c).flip(0)
    return Curve(
        torch.cat([recall, torch.zeros(1, dtype=torch.float64)]),
        torch.cat([precision, torch.ones(1, dtype=torch.float64)]),
        counts.thresholds.flip(0),
    )


def average_precision(counts: ThresholdCounts) -> float:
    """Average precision: ``sum_k (R_k - R_{k-1}) P_k`` over thresholds in decreasing order.

    The step-wise (not interpolated) area of scikit-learn's ``average_precision_score``; NaN
    without positive samples.

    Examples:
        >>> average_precision(threshold_counts([0, 1, 1], [0.9, 0.8, 0.1]))
        0.5833333333333333
    """
    c = counts.class_counts()
    recall = measures.recall(c)
    gains = torch.diff(recall, prepend=torch.zeros(1, dtype=torch.float64))
    area = float((gains * measures.precision(c)).sum())
    return area if math.isnan(area) else max(0.0, area)  # no -0.0 from rounding


def choose_threshold(
    counts: ThresholdCounts, criterion: str = "youden", *, prevalence: float | None = None
) -> ThresholdChoice:
    """The threshold that best meets ``criterion``, among the distinct scores.

    Args:
        counts: from :func:`threshold_counts`.
        criterion: ``"youden"`` (max sensitivity + specificity - 1); ``"f1"``, ``"fbeta=B"``
            (max F-beta); ``"sensitivity>=X"`` (the highest threshold reaching sensitivity X,
            so the best specificity among them); ``"specificity>=X"`` (the lowest threshold
            keeping specificity X); ``"precision>=X"`` (the largest sensitivity with precision
            at least X); ``"cost=FP:a,FN:b"`` (least expected cost ``a fp_rate (1 - p) +
            b fn_rate p`` per sample, with p the prevalence).
        prevalence: the population prevalence p of the positive class for ``cost``; default
            the test set's.

    Returns:
        The chosen :class:`ThresholdChoice`; ties go to the highest threshold.

    Raises:
        OptionError: for an unknown criterion, or when no threshold meets a target.

    Examples:
        >>> counts = threshold_counts([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.35, 0.8, 0.6, 0.7])
        >>> choice = choose_threshold(counts, "youden")
        >>> choice.threshold, round(choice.value, 4), choice.counts
        (0.7, 0.6667, BinaryCounts(tn=3, fp=0, fn=1, tp=2))
        >>> choose_threshold(counts, "sensitivity>=0.95").threshold
        0.35
        >>> choose_threshold(counts, "cost=FP:1,FN:10").threshold
        0.35
    """
    rule = criteria.parse_threshold_criterion(criterion)
    c = counts.class_counts()
    objective, feasible, reported = _objective(rule, c, prevalence)
    ranked = torch.where(feasible & ~torch.isnan(objective), objective, -math.inf)
    if not bool(feasible.any()) or float(ranked.max()) == -math.inf:
        raise OptionError(f"no threshold meets {criterion!r} on these scores")
    best = float(ranked.max())
    # values equal up to rounding are ties, and ties go to the highest threshold
    index = int(torch.nonzero(ranked >= best - 1e-12 * max(1.0, abs(best)))[0, 0])
    return ThresholdChoice(
        float(counts.thresholds[index]),
        criterion,
        float(reported[index]),
        _binary_counts(counts, index),
    )


def _objective(
    rule: ThresholdCriterion, c: ClassCounts, prevalence: float | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(objective to maximize, feasible thresholds, the criterion's value to report)."""
    everywhere = torch.ones_like(c.tp, dtype=torch.bool)
    if rule.kind == "youden":
        youden = measures.informedness(c)
        return youden, everywhere, youden
    if rule.kind == "fbeta":
        f = measures.fbeta(c, rule.value)
        return f, everywhere, f
    sensitivity, specificity = measures.recall(c), measures.specificity(c)
    if rule.kind == "sensitivity":
        return specificity, sensitivity >= rule.value, sensitivity
    if rule.kind == "specificity":
        return sensitivity, specificity >= rule.value, specificity
    if rule.kind == "precision":
        precision = measures.precision(c)
        return sensitivity, precision >= rule.value, precision
    if prevalence is None:  # the test set's: the mean cost per sample, from the counts
        cost = (rule.fp_cost * c.fp + rule.fn_cost * c.fn) / (c.tp + c.fp + c.fn + c.tn)
        return -cost, everywhere, cost
    p = float(checks.check_prevalence(prevalence, 1)[0])
    fpr, fnr = (torch.nan_to_num(r, nan=0.0) for r in (measures.fpr(c), measures.fnr(c)))
    cost = rule.fp_cost * (1 - p) * fpr + rule.fn_cost * p * fnr
    return -cost, everywhere, cost


def _binary_counts(counts: ThresholdCounts, index: int) -> BinaryCounts:
    values = [float(v[index]) for v in (counts.tn, counts.fp, counts.fn, counts.tp)]
    if all(v == math.floor(v) for v in values):
        return BinaryCounts(*(int(v) for v in values))
    return BinaryCounts(*values)


def check_real_scores(scores: object, name: str) -> torch.Tensor:
    """Real, finite scores ``(N,)`` (or ``(N, 1)``), as float64.

    Examples:
        >>> check_real_scores([[0.5], [2.0]], "scores")
        tensor([0.5000, 2.0000], dtype=torch.float64)
    """
    values = checks.as_values(scores, name)
    if checks.is_strings(values) or values.dtype == torch.bool:
        raise ScoreError(f"{name} must hold real numbers, got {values.dtype}", argument=name)
    assert isinstance(values, torch.Tensor)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values.reshape(-1)
    if values.ndim != 1:
        raise ShapeError(
            f"{name} must have shape (N,), got shape {tuple(values.shape)}", argument=name
        )
    values = values.to(torch.float64)
    checks.check_finite_scores(values, name)
    return values


def check_two_string_classes(labels: np.ndarray) -> list[str]:
    """The two classes of binary string labels, sorted.

    Examples:
        >>> check_two_string_classes(np.array(["yes", "no", "yes"]))
        ['no', 'yes']
    """
    classes = sorted(set(labels.tolist()))
    if len(classes) != 2:
        raise OptionError(
            f"binary string labels need two classes, y_true holds {classes[:5]}: pass "
            "classes= with the two classes",
            argument="y_true",
        )
    return classes
