"""Statistics of a confusion matrix as pure functions of per-class count vectors.

Every per-class statistic takes :class:`~core.types.ClassCounts` (one-vs-rest
``tp``, ``fp``, ``fn``, ``tn``, float64 vectors of shape ``(C,)``) and returns a ``(C,)``
tensor. Nothing here needs the dense matrix, so a sparse store of counts can feed the same
functions.

Undefined values follow one policy (:func:`safe_divide`): 0/0 is NaN unless ``zero_division``
asks for 0 or 1; x/0 with x > 0 is ``inf`` (only the likelihood ratios and the odds ratio can
diverge). Macro and weighted averages leave undefined classes out; micro averages pool counts.

Formulas (one-vs-rest; see e.g. Fawcett 2006, "An introduction to ROC analysis"):

=====================  =====================================
precision (PPV)        tp / (tp + fp)
recall (TPR)           tp / (tp + fn)
specificity (TNR)      tn / (tn + fp)
npv                    tn / (tn + fn)
fpr, fnr               fp / (fp + tn), fn / (fn + tp)
fdr, false omission    fp / (fp + tp), fn / (fn + tn)
f1                     2 tp / (2 tp + fp + fn)
jaccard                tp / (tp + fp + fn)
informedness           recall + specificity - 1 (Youden's J)
markedness             precision + npv - 1
lr_plus, lr_minus      recall / fpr, fnr / specificity
dor                    (tp tn) / (fp fn)
=====================  =====================================

Examples:
    >>> counts = class_counts(torch.tensor([[5, 1], [2, 8]]))
    >>> recall(counts)
    tensor([0.8333, 0.8000], dtype=torch.float64)
    >>> round(average(recall(counts), "macro", counts), 4)
    0.8167
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import torch

from confmat._internal.core import sparse
from confmat._internal.core.types import Average, ClassCounts, ZeroDivision
from confmat.exceptions import OptionError, UndefinedMetricWarning

Statistic = Callable[[ClassCounts, ZeroDivision], torch.Tensor]


def class_counts(matrix: torch.Tensor | sparse.Cells) -> ClassCounts:
    """One-vs-rest counts of each class of a dense ``(C, C)`` matrix (rows true, columns predicted).

    A batch of matrices ``(..., C, C)`` gives counts of shape ``(..., C)``; a sparse ``(C, C)``
    matrix is read through its cells, without a dense copy.

    Examples:
        >>> class_counts(torch.tensor([[5, 1], [2, 8]])).fp
        tensor([2., 1.], dtype=torch.float64)
    """
    if (
        isinstance(matrix, sparse.Cells)
        or matrix.is_sparse
        or (matrix.ndim == 2 and matrix.is_floating_point())
    ):
        # weighted sums are added in one order (the cells') in both stores: the same bits
        c = sparse.cells(matrix)
        tp = c.diagonal.to(torch.float64)
        fn = c.row_sums().to(torch.float64) - tp
        fp = c.col_sums().to(torch.float64) - tp
        return ClassCounts(tp, fp, fn, c.total().to(torch.float64) - tp - fn - fp)
    m = matrix.to(torch.float64)
    tp = m.diagonal(dim1=-2, dim2=-1)
    fn = m.sum(dim=-1) - tp
    fp = m.sum(dim=-2) - tp
    tn = m.sum(dim=(-2, -1)).unsqueeze(-1) - tp - fn - fp
    return ClassCounts(tp, fp, fn, tn)


def holds_counts(matrix: torch.Tensor | sparse.Cells) -> bool:
    """Whether a matrix holds counts of samples (integers), not sums of sample weights (floats).

    The exact tests and the intervals need counts; weighted sums are not counts, even when they
    happen to be whole numbers (as :meth:`confmat.ConfusionMatrix.accuracy_ci` has it).

    Examples:
        >>> holds_counts(torch.tensor([[2, 1]])), holds_counts(torch.tensor([[2.0, 1.0]]))
        (True, False)
    """
    return not matrix.is_floating_point()


def safe_divide(
    numerator: torch.Tensor,
    denominator: torch.Tensor,
    zero_division: ZeroDivision = "nan",
    name: str = "statistic",
) -> torch.Tensor:
    """Divide elementwise; 0/0 follows ``zero_division``, x/0 with x > 0 is ``inf``.

    Examples:
        >>> safe_divide(torch.tensor([1.0, 0.0, 2.0]), torch.tensor([2.0, 0.0, 0.0]))
        tensor([0.5000,    nan,    inf])
        >>> safe_divide(torch.tensor([0.0]), torch.tensor([0.0]), zero_division=0)
        tensor([0.])
    """
    result = numerator / denominator
    if zero_division == "nan":  # 0/0 is NaN already: no second pass over the values
        return result
    undefined = (numerator == 0) & (denominator == 0)
    return undefined_as(result, undefined, zero_division, name, stacklevel=4)


def undefined_as(
    result: torch.Tensor,
    undefined: torch.Tensor,
    zero_division: ZeroDivision,
    name: str,
    stacklevel: int = 3,
) -> torch.Tensor:
    """``result`` with its ``undefined`` entries (0/0) set by THE ``zero_division`` policy.

    NaN for ``"nan"``, NaN and an :class:`~confmat.UndefinedMetricWarning` for ``"warn"``,
    else the given value (0 or 1). Every undefined statistic goes through here.

    Examples:
        >>> undefined_as(torch.tensor([0.5, torch.nan]), torch.tensor([False, True]), 0, "mcc")
        tensor([0.5000, 0.0000])
    """
    if zero_division == "warn":
        if bool(undefined.any()):
            warnings.warn(
                f"{name} is undefined (0/0) for {int(undefined.sum())} value(s); they are NaN",
                UndefinedMetricWarning,
                stacklevel=stacklevel,
            )
        return torch.where(undefined, torch.nan, result)
    if zero_division == "nan":
        return torch.where(undefined, torch.nan, result)
    return torch.where(undefined, torch.full_like(result, float(zero_division)), result)


def prevalence(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Share of samples whose true class is the class: support / n."""
    return safe_divide(c.support, c.n.unsqueeze(-1).expand_as(c.tp), zero_division, "prevalence")


def precision(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Positive predictive value: tp / (tp + fp)."""
    return safe_divide(c.tp, c.tp + c.fp, zero_division, "precision")


def recall(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Sensitivity, true positive rate: tp / (tp + fn)."""
    return safe_divide(c.tp, c.tp + c.fn, zero_division, "recall")


def specificity(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """True negative rate: tn / (tn + fp)."""
    return safe_divide(c.tn, c.tn + c.fp, zero_division, "specificity")


def npv(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Negative predictive value: tn / (tn + fn)."""
    return safe_divide(c.tn, c.tn + c.fn, zero_division, "npv")


def fpr(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """False positive rate (fall-out): fp / (fp + tn)."""
    return safe_divide(c.fp, c.fp + c.tn, zero_division, "fpr")


def fnr(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """False negative rate (miss rate): fn / (fn + tp)."""
    return safe_divide(c.fn, c.fn + c.tp, zero_division, "fnr")


def fdr(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """False discovery rate: fp / (fp + tp)."""
    return safe_divide(c.fp, c.fp + c.tp, zero_division, "fdr")


def false_omission_rate(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """False omission rate: fn / (fn + tn)."""
    return safe_divide(c.fn, c.fn + c.tn, zero_division, "false_omission_rate")


def f1(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Harmonic mean of precision and recall: 2 tp / (2 tp + fp + fn)."""
    return fbeta(c, 1.0, zero_division)


def fbeta(c: ClassCounts, beta: float, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """F-beta: (1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp); recall weighs ``beta`` times more.

    Its limits are its ends: ``beta = 0`` is the precision, ``beta = inf`` the recall.

    Examples:
        >>> c = class_counts(torch.tensor([[5, 1], [3, 7]]))
        >>> fbeta(c, float("inf")).tolist() == recall(c).tolist()
        True
    """
    if math.isinf(beta):
        return recall(c, zero_division)
    b2 = beta * beta
    return safe_divide((1 + b2) * c.tp, (1 + b2) * c.tp + b2 * c.fn + c.fp, zero_division, "f")


def jaccard(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Jaccard index (intersection over union): tp / (tp + fp + fn)."""
    return safe_divide(c.tp, c.tp + c.fp + c.fn, zero_division, "jaccard")


def informedness(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Bookmaker informedness (Youden's J): recall + specificity - 1."""
    return recall(c, zero_division) + specificity(c, zero_division) - 1


def markedness(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Markedness: precision + npv - 1."""
    return precision(c, zero_division) + npv(c, zero_division) - 1


def lr_plus(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Positive likelihood ratio: recall / fpr (``inf`` when fpr is 0 and recall is not)."""
    return safe_divide(recall(c, zero_division), fpr(c, zero_division), zero_division, "lr_plus")


def lr_minus(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Negative likelihood ratio: fnr / specificity."""
    return safe_divide(
        fnr(c, zero_division), specificity(c, zero_division), zero_division, "lr_minus"
    )


def dor(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """Diagnostic odds ratio: (tp tn) / (fp fn) = lr_plus / lr_minus."""
    return safe_divide(c.tp * c.tn, c.fp * c.fn, zero_division, "dor")


PER_CLASS: dict[str, Statistic] = {
    "prevalence": prevalence,
    "precision": precision,
    "recall": recall,
    "specificity": specificity,
    "npv": npv,
    "f1": f1,
    "fpr": fpr,
    "fnr": fnr,
    "fdr": fdr,
    "false_omission_rate": false_omission_rate,
    "jaccard": jaccard,
    "informedness": informedness,
    "markedness": markedness,
    "lr_plus": lr_plus,
    "lr_minus": lr_minus,
    "dor": dor,
}
"""Per-class statistics by their name in the JSON document, in its order."""

ALIASES: dict[str, str] = {
    "sensitivity": "recall",
    "tpr": "recall",
    "hit_rate": "recall",
    "ppv": "precision",
    "tnr": "specificity",
    "selectivity": "specificity",
    "fallout": "fpr",
    "miss_rate": "fnr",
    "for": "false_omission_rate",
    "youden_j": "informedness",
    "bookmaker_informedness": "informedness",
    "iou": "jaccard",
}
"""Familiar other names of per-class statistics."""

AVERAGED = ("precision", "recall", "f1", "specificity", "npv", "jaccard")
"""Statistics whose macro, weighted and micro averages are reported."""


def statistic(name: str) -> Statistic:
    """The per-class statistic called ``name`` (or one of its aliases).

    Examples:
        >>> statistic("sensitivity") is recall
        True
    """
    key = ALIASES.get(name, name)
    if key not in PER_CLASS:
        known = ", ".join(sorted([*PER_CLASS, *ALIASES]))
        raise OptionError(f"unknown statistic {name!r}; known: {known}")
    return PER_CLASS[key]


def average(
    values: torch.Tensor,
    method: Average,
    counts: ClassCounts,
    name: str | None = None,
    zero_division: ZeroDivision = "nan",
) -> float:
    """Average per-class ``values`` over the classes where they are defined.

    ``macro`` is the plain mean, ``weighted`` weighs by support; both leave NaN classes out and
    are NaN when no class is left (or, weighted, when the remaining support is 0). ``micro``
    pools the counts and recomputes the statistic ``name`` (which it needs).
    """
    return float(average_batch(values, method, counts, name, zero_division))


def average_batch(
    values: torch.Tensor,
    method: Average,
    counts: ClassCounts,
    name: str | None = None,
    zero_division: ZeroDivision = "nan",
) -> torch.Tensor:
    """:func:`average` over the last dimension of ``(..., C)`` values: a ``(...)`` tensor.

    Examples:
        >>> c = class_counts(torch.tensor([[[5, 1], [2, 8]], [[3, 3], [0, 4]]]))
        >>> average_batch(recall(c), "macro", c)
        tensor([0.8167, 0.7500], dtype=torch.float64)
    """
    if method == "micro":
        if name is None:
            raise OptionError("a micro average needs the statistic's name")
        return statistic(name)(counts.pooled(), zero_division)[..., 0]
    defined = ~torch.isnan(values)
    if method == "macro":
        return torch.nanmean(values, dim=-1)
    if method == "weighted":
        weights = torch.where(defined, counts.support, 0.0)
        total = weights.sum(dim=-1)
        weighted = torch.where(defined, values * counts.support, 0.0).sum(dim=-1)
        return torch.where(total > 0, weighted / total, torch.nan)
    raise OptionError(
        f'average must be "macro", "weighted" or "micro", got {method!r}', argument="average"
    )


def accuracy(c: ClassCounts, zero_division: ZeroDivision = "nan") -> float:
    """Share of samples on the diagonal: sum(tp) / n (0/0 for an empty matrix)."""
    return float(accuracy_batch(c, zero_division))


def accuracy_batch(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """:func:`accuracy` of counts ``(..., C)``: a ``(...)`` tensor."""
    return safe_divide(c.tp.sum(dim=-1), c.n, zero_division, "accuracy")


def balanced_accuracy(c: ClassCounts) -> float:
    """Mean recall over the classes present in the true labels (as scikit-learn)."""
    return float(balanced_accuracy_batch(c))


def balanced_accuracy_batch(c: ClassCounts) -> torch.Tensor:
    """:func:`balanced_accuracy` of counts ``(..., C)``: a ``(...)`` tensor."""
    return average_batch(recall(c), "macro", c)


def no_information_rate(c: ClassCounts, zero_division: ZeroDivision = "nan") -> float:
    """Accuracy of always predicting the most frequent true class: max(support) / n."""
    return float(safe_divide(c.support.max(), c.n, zero_division, "no_information_rate"))


def cohen_kappa(c: ClassCounts, zero_division: ZeroDivision = "nan") -> float:
    """Cohen's kappa: (p_o - p_e) / (1 - p_e), p_e = sum(support * predicted) / n^2.

    Undefined (0/0, see ``zero_division``) when p_e = 1: one class only, in truth and
    prediction alike.

    Examples:
        >>> c = class_counts(torch.tensor([[5, 0], [0, 0]]))
        >>> cohen_kappa(c), cohen_kappa(c, zero_division=0)
        (nan, 0.0)
    """
    return float(cohen_kappa_batch(c, zero_division))


def cohen_kappa_batch(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """:func:`cohen_kappa` of counts ``(..., C)``: a ``(...)`` tensor."""
    n = c.n
    observed = c.tp.sum(dim=-1) / n
    expected = (c.support * c.predicted).sum(dim=-1) / (n * n)
    return safe_divide(observed - expected, 1 - expected, zero_division, "cohen_kappa")


def mcc(c: ClassCounts, zero_division: ZeroDivision = "nan") -> float:
    """Matthews correlation coefficient, multiclass (Gorodkin 2004, the R_K statistic).

    ``(c s - sum p_k t_k) / sqrt((s^2 - sum p_k^2) (s^2 - sum t_k^2))`` with c correct, s samples,
    p_k predicted and t_k true counts of class k. Equals the usual MCC for two classes. Undefined
    (0/0, see ``zero_division``; scikit-learn gives 0) when all predictions or all true labels
    fall in one class.

    Examples:
        >>> c = class_counts(torch.tensor([[3, 2], [0, 0]]))
        >>> mcc(c), mcc(c, zero_division=0)
        (nan, 0.0)
    """
    return float(mcc_batch(c, zero_division))


def mcc_batch(c: ClassCounts, zero_division: ZeroDivision = "nan") -> torch.Tensor:
    """:func:`mcc` of counts ``(..., C)``: a ``(...)`` tensor."""
    s = c.n
    covariance = c.tp.sum(dim=-1) * s - (c.predicted * c.support).sum(dim=-1)
    spread = (s * s - (c.predicted**2).sum(dim=-1)) * (s * s - (c.support**2).sum(dim=-1))
    # one class only: the covariance is 0 too, up to rounding of weights
    value = covariance / spread.clamp(min=0).sqrt()
    return undefined_as(value, ~(spread > 0), zero_division, "mcc")


def predictive_values_at_prevalence(
    c: ClassCounts, prevalence: torch.Tensor, zero_division: ZeroDivision = "nan"
) -> tuple[torch.Tensor, torch.Tensor]:
    """PPV and NPV ``(C,)`` at a population ``prevalence`` by Bayes' rule.

    ``ppv = sens p / (sens p + (1 - spec)(1 - p))`` and
    ``npv = spec (1 - p) / (spec (1 - p) + (1 - sens) p)`` with the sensitivity and specificity
    of the counts (which do not depend on the prevalence of the test set) and ``p`` the share of
    the class in the population the classifier will meet (a scalar or ``(C,)`` tensor).

    Examples:
        >>> c = class_counts(torch.tensor([[900, 100], [5, 95]]))
        >>> ppv, npv = predictive_values_at_prevalence(c, torch.tensor(0.001))
        >>> round(float(ppv[1]), 4), round(float(npv[1]), 6)
        (0.0094, 0.999944)
    """
    sens, spec = recall(c, zero_division), specificity(c, zero_division)
    p = prevalence.to(torch.float64)
    true_pos, false_pos = sens * p, (1 - spec) * (1 - p)
    true_neg, false_neg = spec * (1 - p), (1 - sens) * p
    ppv = safe_divide(true_pos, true_pos + false_pos, zero_division, "ppv")
    npv = safe_divide(true_neg, true_neg + false_neg, zero_division, "npv")
    return ppv, npv
