"""MultilabelConfusion: per-label 2x2 counts of multilabel predictions and their statistics.

Each sample carries any subset of L labels. Per label l the counts are scikit-learn's layout
``counts[l] = [[tn, fp], [fn, tp]]`` (rows true 0/1, columns predicted 0/1). The label
co-confusion ``co_confusion[i, j]`` counts the samples in which label i is missed (true, not
predicted) while label j is predicted without being true: what was "predicted instead".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch

from confmat._internal.core import checks
from confmat._internal.core import multilabel as ml
from confmat._internal.core import multilabel_kernels as kernels
from confmat._internal.core.types import ClassCounts, IntervalMethod, ZeroDivision
from confmat._internal.stats import intervals, measures
from confmat._internal.stats import multilabel as mstats
from confmat.exceptions import MatrixError, MergeError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from pandas import DataFrame

RARE_PREVALENCE = 0.01
"""Labels true in fewer than this share of samples are named as rare in the findings."""


class MultilabelConfusion:
    """Per-label confusion counts of multilabel predictions, with every statistic.

    Args:
        counts: ``(L, 2, 2)`` per-label ``[[tn, fp], [fn, tp]]`` (scikit-learn's
            ``multilabel_confusion_matrix`` layout); int64, or float64 sums of weights.
        labels: the label names (default ``"0"`` .. ``"L-1"``).
        co_confusion: ``(L, L)`` co-confusion (see the module docstring), if counted.
        sample_sums: the per-sample sums behind the "samples" averages and the subset
            accuracy (:data:`core.multilabel_kernels.SAMPLE_ROWS`), if counted.
        zero_division: the value of 0/0 statistics: ``"nan"`` (default), ``"warn"``, 0 or 1.

    Examples:
        >>> ml = MultilabelConfusion.from_predictions(
        ...     [[1, 0, 1], [0, 1, 0]], [[1, 0, 0], [0, 1, 1]], labels=["a", "b", "c"])
        >>> ml.counts[2].tolist(), ml.hamming_loss, ml.subset_accuracy
        ([[0, 1], [1, 0]], 0.3333333333333333, 0.0)
        >>> ml.per_label("recall").tolist(), ml.average("f1", "samples")
        ([1.0, 1.0, 0.0], 0.6666666666666666)
    """

    __slots__ = ("_co", "_counts", "_labels", "_sums", "_zero_division")

    def __init__(
        self,
        counts: object,
        labels: Sequence[Any] | None = None,
        *,
        co_confusion: object = None,
        sample_sums: torch.Tensor | None = None,
        zero_division: ZeroDivision = "nan",
    ) -> None:
        self._counts = _check_counts(counts)
        size = self._counts.shape[0]
        self._labels = ml.label_names(labels, size)
        self._co = None if co_confusion is None else _check_co(co_confusion, size)
        self._sums = None if sample_sums is None else sample_sums.to(torch.float64)
        self._zero_division = checks.check_zero_division(zero_division)

    @classmethod
    def from_predictions(
        cls,
        y_true: object,
        y_pred: object,
        labels: Sequence[Any] | None = None,
        threshold: float | Sequence[float] | torch.Tensor = 0.5,
        sample_weight: object = None,
        *,
        from_logits: bool = False,
        zero_division: ZeroDivision = "nan",
    ) -> MultilabelConfusion:
        """Count ``(N, L)`` multilabel predictions against ``(N, L)`` true indicators.

        Args:
            y_true: 0/1 (or bool) label indicators ``(N, L)``.
            y_pred: 0/1 decisions ``(N, L)``, or float scores: probabilities, positive iff
                ``probability >= threshold``, or logits with ``from_logits=True``.
            labels: the label names, one per column.
            threshold: one threshold in [0, 1] or one per label.
            sample_weight: non-negative weights ``(N,)``; counts become float64 sums.
            from_logits: the scores are logits (a sigmoid is applied before the threshold).
            zero_division: the value of 0/0 statistics (default NaN).

        Raises:
            ConfmatError: for values that are not 0/1, scores out of range, shapes, options.

        Examples:
            >>> ml = MultilabelConfusion.from_predictions(
            ...     [[0, 1], [1, 1]], [[0.2, 0.9], [0.6, 0.4]], threshold=[0.5, 0.3])
            >>> ml.counts[:, 1, 1].tolist()
            [1, 2]
        """
        true, pred, weight = prepare(y_true, y_pred, sample_weight, threshold, from_logits)
        found = kernels.count(true, pred, weight)
        return cls(
            found.counts,
            labels,
            co_confusion=found.co_confusion,
            sample_sums=found.sample_sums,
            zero_division=zero_division,
        )

    # -- the data ---------------------------------------------------------------------------

    @property
    def counts(self) -> torch.Tensor:
        """The ``(L, 2, 2)`` per-label counts ``[[tn, fp], [fn, tp]]``."""
        return self._counts

    @property
    def labels(self) -> list[str]:
        """The label names."""
        return list(self._labels)

    @property
    def num_labels(self) -> int:
        """L."""
        return len(self._labels)

    @property
    def n(self) -> int | float:
        """The number (or total weight) of samples."""
        value = self._counts[0].sum().item() if self.num_labels else 0
        return value

    @property
    def is_weighted(self) -> bool:
        """Whether the counts are sums of sample weights."""
        return self._counts.is_floating_point()

    @property
    def zero_division(self) -> ZeroDivision:
        """The value of 0/0 statistics."""
        return self._zero_division

    @property
    def co_confusion(self) -> torch.Tensor | None:
        """``(L, L)``: [i, j] = samples where label i is missed and j predicted but not true."""
        return self._co

    @property
    def sample_sums(self) -> torch.Tensor | None:
        """The per-sample sums behind the samples averages (None if not counted)."""
        return self._sums

    @property
    def label_counts(self) -> ClassCounts:
        """One-vs-rest counts of every label, float64 ``(L,)`` each."""
        return mstats.label_counts(self._counts)

    @property
    def support(self) -> torch.Tensor:
        """Samples in which each label is true ``(L,)``."""
        return self._counts[:, 1].sum(dim=1)

    @property
    def predicted(self) -> torch.Tensor:
        """Samples in which each label is predicted ``(L,)``."""
        return self._counts[:, :, 1].sum(dim=1)

    # -- statistics -------------------------------------------------------------------------

    def per_label(self, name: str) -> torch.Tensor:
        """A per-label statistic ``(L,)`` by name (any of ``ConfusionMatrix.per_class``).

        Examples:
            >>> MultilabelConfusion([[[1, 0], [1, 2]]]).per_label("sensitivity").tolist()
            [0.6666666666666666]
        """
        return measures.statistic(name)(self.label_counts, self._zero_division)

    def average(self, name: str, method: str = "macro") -> float:
        """``name`` averaged over labels: "macro", "weighted" (by support), "micro" or "samples".

        Examples:
            >>> MultilabelConfusion([[[1, 0], [1, 2]], [[0, 2], [0, 2]]]).average("recall", "micro")
            0.8
        """
        return mstats.average(self._counts, self._sums, name, method, self._zero_division)

    @property
    def subset_accuracy(self) -> float:
        """Share of samples whose predicted label set is exactly the true one (NaN if unknown)."""
        return float("nan") if self._sums is None else mstats.subset_accuracy(self._sums)

    @property
    def hamming_loss(self) -> float:
        """Share of (sample, label) decisions that are wrong."""
        return mstats.hamming_loss(self._counts)

    @property
    def cardinality(self) -> tuple[float, float]:
        """Mean number of labels per sample: ``(true, predicted)``."""
        return mstats.cardinality(self._counts)

    def interval(
        self, name: str, level: float = 0.95, method: IntervalMethod = "wilson"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-label confidence interval ``(lo, hi)`` of a proportion (recall, precision, ...).

        NaN where the statistic is undefined or the counts are weighted.

        Examples:
            >>> lo, hi = MultilabelConfusion([[[8, 0], [1, 9]]]).interval("recall")
            >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
            (0.5958, 0.9821)
        """
        return intervals.per_class(self.label_counts, name, level, method)

    def never_predicted(self) -> list[str]:
        """Labels predicted in no sample (their precision is undefined)."""
        return [self._labels[i] for i in (self.predicted == 0).nonzero()[:, 0].tolist()]

    def rare(self, below: float = RARE_PREVALENCE) -> list[str]:
        """Labels true in fewer than ``below`` of the samples (prevalence), rarest first."""
        n = float(self.n)
        if n <= 0:
            return []
        share = self.support.to(torch.float64) / n
        order = torch.argsort(share, stable=True).tolist()
        return [self._labels[i] for i in order if float(share[i]) < below]

    # -- combining and moving ---------------------------------------------------------------

    def __add__(self, other: object) -> MultilabelConfusion:
        """Counts of two disjoint sets of samples with the same labels, summed."""
        if not isinstance(other, MultilabelConfusion):
            return NotImplemented
        if other._labels != self._labels:
            raise MergeError(
                f"cannot add results with different labels: {self._labels[:5]} and "
                f"{other._labels[:5]}"
            )
        return MultilabelConfusion(
            _sum(self._counts, other._counts),
            self._labels,
            co_confusion=_sum_optional(self._co, other._co),
            sample_sums=_sum_optional(self._sums, other._sums),
            zero_division=self._zero_division,
        )

    def __repr__(self) -> str:
        shown = ", ".join(self._labels[:6]) + (", ..." if self.num_labels > 6 else "")
        return (
            f"MultilabelConfusion(labels=[{shown}], n={self.n:g}, "
            f"hamming_loss={self.hamming_loss:.4f})"
        )

    # -- presentation (report and show, imported lazily) ---------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (``"kind": "multilabel"``; see tests/schema).

        Examples:
            >>> d = MultilabelConfusion([[[1, 0], [1, 2]]], ["cat"]).to_dict()
            >>> d["kind"], d["per_label"]["cat"]["recall"]
            ('multilabel', 0.6666666666666666)
        """
        from confmat._internal.report.multilabel import document

        return document(self)

    def to_pandas(self, table: str = "per_label") -> DataFrame:
        """``"per_label"``, ``"overall"`` or ``"co_confusion"`` as a DataFrame (needs pandas).

        Examples:
            >>> MultilabelConfusion([[[1, 0], [1, 2]]], ["cat"]).to_pandas().index.tolist()
            ['cat']
        """
        from confmat._internal.report.multilabel_views import to_pandas

        return to_pandas(self, table)

    def findings(self) -> list[str]:
        """Notable facts in words: labels never predicted, rare labels, frequent co-confusions.

        Examples:
            >>> MultilabelConfusion([[[3, 0], [1, 0]]], ["cat"]).findings()[0]
            'Never predicted: cat (1 true sample(s)).'
        """
        from confmat._internal.report.multilabel import findings

        return findings(self)

    def plot(self, **kwargs: Any) -> Axes:
        """The co-confusion heatmap (rows: label missed, columns: label predicted instead).

        Keyword arguments go to :func:`show.heatmap.heatmap`.
        """
        from confmat._internal.report.multilabel_views import co_confusion_heatmap

        return co_confusion_heatmap(self, **kwargs)


def prepare(
    y_true: object,
    y_pred: object,
    sample_weight: object,
    threshold: object,
    from_logits: bool,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Checked boolean ``(N, L)`` targets and predictions, and float64 weights (or None)."""
    true_grid, pred_grid = ml.as_grid(y_true, "y_true"), ml.as_grid(y_pred, "y_pred")
    ml.check_pair(true_grid, pred_grid)
    thresholds = ml.check_label_thresholds(threshold, true_grid.shape[1])
    true = ml.check_indicators(true_grid, "y_true")
    pred = ml.predictions(pred_grid, thresholds, bool(from_logits))
    weight = None
    if sample_weight is not None:
        weight = checks.check_weights(sample_weight, true.shape[0], true.device)
    return true, pred, weight


def samplewise_counts(
    y_true: object,
    y_pred: object,
    threshold: float | Sequence[float] | torch.Tensor = 0.5,
    sample_weight: object = None,
    *,
    from_logits: bool = False,
) -> torch.Tensor:
    """Per-sample 2x2 counts ``(N, 2, 2)`` over each sample's labels (``samplewise=True``).

    Examples:
        >>> samplewise_counts([[1, 0, 1]], [[1, 1, 0]]).tolist()
        [[[0, 1], [1, 1]]]
    """
    true, pred, weight = prepare(y_true, y_pred, sample_weight, threshold, from_logits)
    return kernels.samplewise_counts(true, pred, weight)


def _check_counts(counts: object) -> torch.Tensor:
    values = _as_counts(counts, "counts")
    if values.ndim != 3 or tuple(values.shape[1:]) != (2, 2) or values.shape[0] == 0:
        raise MatrixError(
            f"counts must have shape (L, 2, 2) (one [[tn, fp], [fn, tp]] per label), got "
            f"{tuple(values.shape)}",
            argument="counts",
        )
    totals = values.sum(dim=(1, 2))
    if not bool(torch.isclose(totals.double(), totals[0].double(), rtol=1e-9).all()):
        raise MatrixError(
            "counts must describe the same samples for every label: each label's four cells "
            f"must sum to n, got sums {totals[:5].tolist()}",
            argument="counts",
        )
    return values


def _as_counts(counts: object, name: str) -> torch.Tensor:
    values = checks.as_values(counts, name)
    if checks.is_strings(values):
        raise MatrixError(f"{name} must hold numbers, got strings", argument=name)
    assert isinstance(values, torch.Tensor)
    if values.is_floating_point():
        if not bool(torch.isfinite(values).all()):
            raise MatrixError(f"{name} must be finite, got NaN or infinity", argument=name)
        values = values.to(torch.float64)
    else:
        values = values.to(torch.int64)
    if bool((values < 0).any()):
        raise MatrixError(f"{name} must be non-negative, got {values.min().item()}", argument=name)
    return values


def _check_co(co: object, size: int) -> torch.Tensor:
    values = _as_counts(co, "co_confusion")
    if tuple(values.shape) != (size, size):
        raise MatrixError(
            f"co_confusion must have shape ({size}, {size}), got {tuple(values.shape)}",
            argument="co_confusion",
        )
    return values


def _sum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.dtype != b.dtype:
        return a.to(torch.float64) + b.to(device=a.device, dtype=torch.float64)
    return a + b.to(a.device)


def _sum_optional(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    return None if a is None or b is None else _sum(a, b)
