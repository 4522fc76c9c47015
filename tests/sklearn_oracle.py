"""The one adapter around scikit-learn that every differential test goes through.

It owns what is easy to get wrong when calling scikit-learn:

- argument order ``(y_true, y_pred)``;
- ``labels=`` the full class list, in confmat's order, so absent classes keep their row and
  column (scikit-learn otherwise drops classes that occur in neither array);
- ``zero_division=np.nan``, confmat's 0/0 policy, so undefined values are NaN on both sides;
- ``sample_weight`` passed to every function that accepts it;
- scikit-learn's warnings (undefined metrics, classes missing from ``y_true``) are its own
  business here: the oracle silences them.

Two averages scikit-learn does not compute the way confmat documents are derived here from
scikit-learn's *per-class* values, and only where scikit-learn's own average would differ:
``jaccard_score`` does not leave NaN classes out of macro/weighted averages, and
``_nanaverage`` falls back to an unweighted mean when the defined classes have zero support
(confmat: NaN). Tests that pin these policy differences call scikit-learn directly and say so.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sklearn
from sklearn import metrics

AVERAGES = ("macro", "weighted", "micro")
PRF = ("precision", "recall", "f1", "jaccard")


@dataclass
class Reference:
    """scikit-learn's answers for one set of predictions, classes in the order given."""

    matrix: np.ndarray
    support: np.ndarray
    per_class: dict[str, np.ndarray]
    averages: dict[str, dict[str, float]] = field(default_factory=dict)
    accuracy: float = float("nan")
    balanced_accuracy: float = float("nan")
    cohen_kappa: float = float("nan")
    mcc: float = float("nan")


def _quiet(function: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings(), sklearn.config_context(skip_parameter_validation=True):
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def nan_average(values: np.ndarray, weights: np.ndarray | None) -> float:
    """confmat's documented average: NaN classes left out; NaN if nothing (or no weight) is left."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is None:
        return float(values[keep].mean())
    total = weights[keep].sum()
    return float((values[keep] * weights[keep]).sum() / total) if total > 0 else float("nan")


def confusion_matrix(
    y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any], sample_weight: Any = None
) -> np.ndarray:
    """scikit-learn's matrix, rows true and columns predicted, in the order of ``labels``."""
    return _quiet(
        metrics.confusion_matrix,
        np.asarray(y_true),
        np.asarray(y_pred),
        labels=list(labels),
        sample_weight=sample_weight,
    )


def reference(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    labels: Sequence[Any],
    sample_weight: Any = None,
) -> Reference:
    """Everything scikit-learn says about these predictions, for the classes ``labels``.

    ``labels`` are label *values* as they occur in ``y_true``/``y_pred``, in confmat's order.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    labels = list(labels)
    common = {"labels": labels, "sample_weight": sample_weight}
    precision, recall, f1, support = _quiet(
        metrics.precision_recall_fscore_support,
        y_true,
        y_pred,
        average=None,
        zero_division=np.nan,
        **common,
    )
    matrix = confusion_matrix(y_true, y_pred, labels, sample_weight)
    jaccard = _jaccard(y_true, y_pred, None, common, matrix)
    ref = Reference(
        matrix=matrix,
        support=np.asarray(support, dtype=np.float64),
        per_class={"precision": precision, "recall": recall, "f1": f1, "jaccard": jaccard},
    )
    true_support = ref.matrix.sum(axis=1).astype(np.float64)
    for method in AVERAGES:
        ref.averages[method] = _averages(y_true, y_pred, ref, method, true_support, common)
    ref.accuracy = _quiet(metrics.accuracy_score, y_true, y_pred, sample_weight=sample_weight)
    ref.balanced_accuracy = _quiet(
        metrics.balanced_accuracy_score, y_true, y_pred, sample_weight=sample_weight
    )
    ref.cohen_kappa = _quiet(metrics.cohen_kappa_score, y_true, y_pred, **common)
    ref.mcc = _quiet(metrics.matthews_corrcoef, y_true, y_pred, sample_weight=sample_weight)
    return ref


def _averages(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    ref: Reference,
    method: str,
    true_support: np.ndarray,
    common: dict[str, Any],
) -> dict[str, float]:
    """scikit-learn's averages, except where its policy differs from confmat's (see above)."""
    p, r, f, _ = _quiet(
        metrics.precision_recall_fscore_support,
        y_true,
        y_pred,
        average=method,
        zero_division=np.nan,
        **common,
    )
    result = {"precision": p, "recall": r, "f1": f}
    weights = true_support if method == "weighted" else None
    for name in PRF:
        values = ref.per_class[name]
        # where scikit-learn's average policy differs from confmat's (see the module docstring)
        differs = method != "micro" and name == "jaccard" and bool(np.isnan(values).any())
        if weights is not None:
            defined = ~np.isnan(values)
            differs = differs or bool(defined.any() and weights[defined].sum() == 0)
        if differs:
            result[name] = nan_average(values, weights)
        elif name == "jaccard":
            result[name] = _jaccard(y_true, y_pred, method, common, ref.matrix)
    return {k: float(v) for k, v in result.items()}


def _jaccard(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    average: str | None,
    common: dict[str, Any],
    matrix: np.ndarray,
) -> Any:
    """``jaccard_score`` with 0/0 as NaN.

    Its ``zero_division`` refuses ``np.nan``; the classes where it applies are those with
    ``tp + fp + fn = 0`` in scikit-learn's own matrix, and they are set to NaN here.
    """
    values = _quiet(
        metrics.jaccard_score, y_true, y_pred, average=average, zero_division=0.0, **common
    )
    if average is None:
        union = matrix.sum(axis=0) + matrix.sum(axis=1) - np.diagonal(matrix)
        values = np.where(union == 0, np.nan, values)
    return values


def sklearn_mcc(y_true: Sequence[Any], y_pred: Sequence[Any], sample_weight: Any = None) -> float:
    """scikit-learn's MCC as it is (0.0 where undefined), for the policy-difference tests."""
    return float(_quiet(metrics.matthews_corrcoef, y_true, y_pred, sample_weight=sample_weight))


def sklearn_weighted(
    y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any], name: str
) -> float:
    """scikit-learn's own weighted average of precision/recall/f1, for the policy tests."""
    index = ("precision", "recall", "f1").index(name)
    values = _quiet(
        metrics.precision_recall_fscore_support,
        np.asarray(y_true),
        np.asarray(y_pred),
        labels=list(labels),
        average="weighted",
        zero_division=np.nan,
    )
    return float(values[index])


# -- multilabel indicators and top-k scores --------------------------------------------------

MULTILABEL_AVERAGES = ("macro", "weighted", "micro", "samples")


@dataclass
class MultilabelReference:
    """scikit-learn's answers for ``(N, L)`` indicator predictions (``zero_division=np.nan``)."""

    counts: np.ndarray  # (L, 2, 2) multilabel_confusion_matrix
    samplewise: np.ndarray  # (N, 2, 2) multilabel_confusion_matrix(samplewise=True)
    per_label: dict[str, np.ndarray]
    averages: dict[str, dict[str, float]]
    subset_accuracy: float
    hamming_loss: float


def multilabel_reference(
    y_true: np.ndarray, y_pred: np.ndarray, sample_weight: Any = None, zero_division: Any = np.nan
) -> MultilabelReference:
    """Everything scikit-learn says about multilabel indicators, labels = the L columns.

    Averages are scikit-learn's own, except ``weighted`` where the labels left after dropping
    NaN all have zero support: scikit-learn then falls back to an unweighted mean, confmat
    says NaN (the documented policy of the module docstring), so ``nan_average`` is used.
    """
    common = {"sample_weight": sample_weight}
    mcm = _quiet(metrics.multilabel_confusion_matrix, y_true, y_pred, **common)
    samplewise = _quiet(
        metrics.multilabel_confusion_matrix, y_true, y_pred, samplewise=True, **common
    )
    prf = {"zero_division": zero_division, **common}
    p, r, f, _ = _quiet(
        metrics.precision_recall_fscore_support, y_true, y_pred, average=None, **prf
    )
    per_label = {"precision": p, "recall": r, "f1": f}
    support = mcm[:, 1].sum(axis=1).astype(np.float64)
    averages: dict[str, dict[str, float]] = {}
    for method in MULTILABEL_AVERAGES:
        values = _quiet(
            metrics.precision_recall_fscore_support, y_true, y_pred, average=method, **prf
        )
        row = dict(zip(("precision", "recall", "f1"), (float(v) for v in values[:3]), strict=True))
        if method == "weighted" and np.isnan(
            zero_division if isinstance(zero_division, float) else 0
        ):
            for name, per in per_label.items():
                defined = ~np.isnan(per)
                if defined.any() and support[defined].sum() == 0:
                    row[name] = nan_average(per, support)
        averages[method] = row
    return MultilabelReference(
        counts=mcm,
        samplewise=samplewise,
        per_label=per_label,
        averages=averages,
        subset_accuracy=float(_quiet(metrics.accuracy_score, y_true, y_pred, **common)),
        hamming_loss=float(_quiet(metrics.hamming_loss, y_true, y_pred, **common)),
    )


def top_k_accuracy(
    y_true: np.ndarray, scores: np.ndarray, k: int, sample_weight: Any = None
) -> float:
    """scikit-learn's ``top_k_accuracy_score`` with ``labels`` = every column of ``scores``."""
    return float(
        _quiet(
            metrics.top_k_accuracy_score,
            y_true,
            scores,
            k=k,
            labels=list(range(scores.shape[1])),
            sample_weight=sample_weight,
        )
    )
