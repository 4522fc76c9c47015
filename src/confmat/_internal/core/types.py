"""Small shared types: option literals, named tuples of counts, findings, result protocols."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol, TypeGuard

import torch

Normalize = Literal["true", "pred", "all"]
"""How to normalize a matrix: by rows (true class), by columns (predicted class) or by the total."""

Average = Literal["macro", "weighted", "micro"]
"""How per-class statistics are averaged."""

ZeroDivision = Literal["nan", "warn"] | float
"""The value of 0/0: ``"nan"`` (default), ``"warn"`` (NaN and a warning), ``0.0`` or ``1.0``."""

Table = Literal["per_class", "overall", "matrix"]
"""Which table of a matrix :meth:`confmat.ConfusionMatrix.to_pandas` returns."""

IntervalMethod = Literal["wilson", "clopper-pearson"]
"""How a per-class proportion's confidence interval is computed."""


Severity = Literal["info", "warning", "critical"]
"""How much a finding matters: ``"critical"`` undermines the headline numbers."""


@dataclass(frozen=True)
class Finding:
    """One observation about a result (a confusion matrix, a multilabel result), in words.

    Args:
        severity: ``"info"``, ``"warning"`` or ``"critical"``.
        code: a stable identifier such as ``"never-predicted"``, for programs and styling.
        message: the sentence a person reads (plain text; renderers escape it).

    Examples:
        >>> Finding("warning", "never-predicted", "'frog' is never predicted.").code
        'never-predicted'
    """

    severity: Severity
    code: str
    message: str


class BinaryCounts(NamedTuple):
    """The four cells of a binary (one-vs-rest) confusion matrix, in scikit-learn's order.

    Examples:
        >>> BinaryCounts(tn=50, fp=3, fn=4, tp=43).tp
        43
    """

    tn: int | float
    fp: int | float
    fn: int | float
    tp: int | float


class PredictiveValues(NamedTuple):
    """Per-class positive and negative predictive values, float64 ``(C,)`` each.

    Examples:
        >>> PredictiveValues(torch.tensor([0.5]), torch.tensor([0.9])).ppv
        tensor([0.5000])
    """

    ppv: torch.Tensor
    npv: torch.Tensor


class ThresholdCriterion(NamedTuple):
    """How to choose a decision threshold (parsed from e.g. ``"sensitivity>=0.95"``).

    ``kind`` is "youden", "fbeta" (``value`` = beta), "sensitivity", "specificity" or
    "precision" (``value`` = the target), or "cost" (``fp_cost``, ``fn_cost``).
    """

    kind: Literal["youden", "fbeta", "sensitivity", "specificity", "precision", "cost"]
    value: float = 0.0
    fp_cost: float = 0.0
    fn_cost: float = 0.0


class ClassCounts(NamedTuple):
    """One-vs-rest counts of every class, each a float64 tensor of shape ``(C,)``.

    A leading batch shape ``(..., C)`` (e.g. bootstrap replicates ``(B, C)``) is allowed too:
    ``n`` and the statistics then reduce over the last dimension only.

    These four vectors are all that the statistics need, so they can come from a dense
    ``(C, C)`` matrix or from a sparse store alike.
    """

    tp: torch.Tensor
    fp: torch.Tensor
    fn: torch.Tensor
    tn: torch.Tensor

    @property
    def support(self) -> torch.Tensor:
        """Samples whose true class is the class: ``tp + fn``."""
        return self.tp + self.fn

    @property
    def predicted(self) -> torch.Tensor:
        """Samples predicted as the class: ``tp + fp``."""
        return self.tp + self.fp

    @property
    def n(self) -> torch.Tensor:
        """Total number (or weight) of samples: a 0-d tensor (shape ``(...)`` for batches)."""
        return self.tp.sum(dim=-1) + self.fn.sum(dim=-1)

    def pooled(self) -> ClassCounts:
        """The counts summed over classes (micro averaging), each ``(1,)`` or ``(..., 1)``."""
        return ClassCounts(*(v.sum(dim=-1, keepdim=True) for v in self))


class ResultLike(Protocol):
    """What presentation reads from every result of counts: a matrix's or a multilabel one's.

    The counts, the classes (a multilabel result's labels) and their one-vs-rest counts, the
    number of samples, per-class statistics and intervals, the JSON document.
    """

    @property
    def counts(self) -> torch.Tensor:
        """The counts: ``(C, C)`` of a matrix, ``(L, 2, 2)`` of a multilabel result."""

    @property
    def classes(self) -> list[str]:
        """The class (or label) names, in the order of the counts."""

    @property
    def num_classes(self) -> int:
        """C (or L)."""

    @property
    def n(self) -> int | float:
        """The number (or total weight) of samples."""

    @property
    def is_weighted(self) -> bool:
        """Whether counts are sums of sample weights."""

    @property
    def class_counts(self) -> ClassCounts:
        """One-vs-rest counts of every class (or label)."""

    def per_class(self, name: str) -> torch.Tensor:
        """A per-class statistic ``(C,)``."""

    def interval(
        self, name: str, level: float = 0.95, method: IntervalMethod = "wilson"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-class confidence interval ``(lo, hi)``."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""


class MatrixLike(ResultLike, Protocol):
    """What presentation (JSON document, reports, figures) reads from a confusion matrix.

    :class:`confmat.ConfusionMatrix` satisfies it; the modules that present a matrix are typed
    against this protocol, so they never import the class whose methods delegate to them.
    C[i, j] counts samples of true class i predicted as class j.
    """

    @property
    def positive(self) -> str | None:
        """The positive class of a two-class matrix."""

    @property
    def support(self) -> torch.Tensor:
        """Samples per true class ``(C,)``."""

    @property
    def accuracy(self) -> float:
        """Share of correct predictions."""

    @property
    def balanced_accuracy(self) -> float:
        """Mean recall over the classes present."""

    @property
    def no_information_rate(self) -> float:
        """Accuracy of always predicting the majority class."""

    @property
    def accuracy_p_value_vs_nir(self) -> float:
        """One-sided exact binomial p-value of accuracy > no-information rate."""

    @property
    def cohen_kappa(self) -> float:
        """Cohen's kappa."""

    @property
    def mcc(self) -> float:
        """Matthews correlation coefficient."""

    @property
    def mcnemar_p_value(self) -> float:
        """McNemar's (two classes) or Bowker's test."""

    def average(self, name: str, method: Average = "macro") -> float:
        """An averaged statistic."""

    def accuracy_ci(self, level: float = 0.95) -> tuple[float, float]:
        """Exact interval of the accuracy."""

    def cohen_kappa_ci(self, level: float = 0.95) -> tuple[float, float]:
        """Interval of Cohen's kappa."""

    def normalized(self, how: Normalize = "true") -> torch.Tensor:
        """Counts as shares of rows, columns or the total."""

    def undefined(self) -> dict[str, list[str]]:
        """Per statistic, the classes where it is undefined."""


class MultilabelLike(ResultLike, Protocol):
    """What presentation reads from a multilabel result (:class:`confmat.MultilabelConfusion`).

    Reports, documents and figures are typed against this protocol, so they never import the
    class whose methods delegate to them. Per label l, ``counts[l]`` is ``[[tn, fp], [fn, tp]]``
    (``(L, 2, 2)``); ``co_confusion[i, j]`` counts samples where label i is missed while label
    j is predicted without being true.
    """

    @property
    def co_confusion(self) -> torch.Tensor | None:
        """``(L, L)`` label co-confusion, if counted."""

    @property
    def sample_sums(self) -> torch.Tensor | None:
        """Per-sample sums behind the samples averages, if counted."""

    @property
    def subset_accuracy(self) -> float:
        """Share of samples predicted exactly."""

    @property
    def hamming_loss(self) -> float:
        """Share of wrong (sample, label) decisions."""

    @property
    def cardinality(self) -> tuple[float, float]:
        """Mean labels per sample, true and predicted."""

    def average(self, name: str, method: str = "macro") -> float:
        """An averaged statistic (also ``"samples"``)."""

    def never_predicted(self) -> list[str]:
        """Labels predicted in no counted cell."""

    def rare(self, below: float = ...) -> list[str]:
        """Labels with a tiny prevalence, rarest first."""


def is_multilabel(result: object) -> TypeGuard[MultilabelLike]:
    """Whether ``result`` is a multilabel result (it has a co-confusion), not a matrix.

    Examples:
        >>> from confmat import ConfusionMatrix, MultilabelConfusion
        >>> is_multilabel(ConfusionMatrix([[1]]))
        False
        >>> is_multilabel(MultilabelConfusion([[[1, 0], [0, 1]]]))
        True
    """
    return hasattr(type(result), "co_confusion")


class TopKLike(Protocol):
    """What a report reads from top-k results (:class:`confmat.TopK`)."""

    k: int
    classes: list[str]
    hits: torch.Tensor
    support: torch.Tensor

    @property
    def accuracy(self) -> float:
        """Share of samples whose true class is among their top k."""

    @property
    def balanced_accuracy(self) -> float:
        """Mean top-k recall over the classes present."""

    @property
    def per_class_recall(self) -> torch.Tensor:
        """Per true class, the share of its samples with the class in their top k."""

    def to_dict(self) -> dict[str, Any]:
        """The top-k part of a JSON document."""
