"""MultilabelConfusion: per-label 2x2 counts of multilabel predictions and their statistics.

Each sample carries any subset of L labels. Per label l the counts are scikit-learn's layout
``counts[l] = [[tn, fp], [fn, tp]]`` (rows true 0/1, columns predicted 0/1). The label
co-confusion ``co_confusion[i, j]`` counts the samples in which label i is missed (true, not
predicted) while label j is predicted without being true: what was "predicted instead".

The names are those of :class:`~confmat.ConfusionMatrix` (``classes``, ``num_classes``,
``per_class``, ``class_counts``: a label is a class of its own one-vs-rest problem); the older
names of the multilabel contract (``labels``, ``num_labels``, ``per_label``, ``label_counts``)
are aliases. The inputs pass through the shared stages: the checks of :mod:`core.checks`, the
score rule of :mod:`core.codes`, the counting of :mod:`core.multilabel_kernels`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import torch

from confmat._internal.core import checks, limits
from confmat._internal.core import multilabel as ml
from confmat._internal.core import multilabel_kernels as kernels
from confmat._internal.core.types import ClassCounts, Finding, IntervalMethod, ZeroDivision
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stats import measures
from confmat._internal.stats import multilabel as mstats
from confmat.exceptions import MatrixError, MergeError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from pandas import DataFrame

RARE_PREVALENCE = 0.01
"""Labels true in fewer than this share of their samples are named as rare in the findings."""


class MultilabelConfusion:
    """Per-label confusion counts of multilabel predictions, with every statistic.

    Args:
        counts: ``(L, 2, 2)`` per-label ``[[tn, fp], [fn, tp]]`` (scikit-learn's
            ``multilabel_confusion_matrix`` layout); int64, or float64 sums of weights. Every
            label's four cells sum to ``n``; their total must fit int64.
        classes: the label names, one per row of ``counts`` (default ``"0"`` .. ``"L-1"``).
        co_confusion: ``(L, L)`` co-confusion (see the module docstring), if counted.
        sample_sums: the ``(5, 2)`` per-sample sums behind the "samples" averages and the
            subset accuracy (:data:`core.multilabel_kernels.SAMPLE_ROWS`), if counted.
        zero_division: the value of 0/0 statistics: ``"nan"`` (default), ``"warn"``, 0 or 1.
        labels: the older name of ``classes`` (not both).

    Examples:
        >>> ml = MultilabelConfusion.from_predictions(
        ...     [[1, 0, 1], [0, 1, 0]], [[1, 0, 0], [0, 1, 1]], classes=["a", "b", "c"])
        >>> ml.counts[2].tolist(), ml.hamming_loss, ml.subset_accuracy
        ([[0, 1], [1, 0]], 0.3333333333333333, 0.0)
        >>> ml.per_class("recall").tolist(), ml.average("f1", "samples")
        ([1.0, 1.0, 0.0], 0.6666666666666666)
    """

    __slots__ = ("_co", "_counts", "_labels", "_n", "_sums", "_zero_division")

    def __init__(
        self,
        counts: object,
        classes: Sequence[Any] | None = None,
        *,
        co_confusion: object = None,
        sample_sums: object = None,
        zero_division: ZeroDivision = "nan",
        labels: Sequence[Any] | None = None,
    ) -> None:
        classes = checks.one_of(classes, labels, "classes", "labels")
        checked = _check_counts(counts)
        size = checked.shape[0]
        if classes is None:
            names = [str(i) for i in range(size)]
        else:
            names = checks.check_class_names(classes, size)
        self._setup(
            checked,
            names,
            None if co_confusion is None else _check_co(co_confusion, size),
            None if sample_sums is None else _check_sample_sums(sample_sums),
            checked[0].sum().item(),
            zero_division,
        )

    def _setup(
        self,
        counts: torch.Tensor,
        names: list[str],
        co: torch.Tensor | None,
        sums: torch.Tensor | None,
        n: int | float,
        zero_division: ZeroDivision,
    ) -> None:
        """Hold checked parts (:meth:`from_predictions`: the counting kernel made them)."""
        self._counts, self._labels, self._co, self._sums = counts, names, co, sums
        self._n = n
        self._zero_division = checks.check_zero_division(zero_division)

    @classmethod
    def from_predictions(
        cls,
        y_true: object,
        y_pred: object,
        classes: Sequence[Any] | None = None,
        threshold: float | Sequence[float] | torch.Tensor = 0.5,
        sample_weight: object = None,
        *,
        num_classes: int | None = None,
        from_logits: bool = False,
        ignore_index: int | None = None,
        zero_division: ZeroDivision = "nan",
        labels: Sequence[Any] | None = None,
    ) -> MultilabelConfusion:
        """Count ``(N, L)`` multilabel predictions against ``(N, L)`` true indicators.

        Args:
            y_true: 0/1 (or bool) label indicators ``(N, L)``; a cell equal to
                ``ignore_index`` is left out.
            y_pred: 0/1 decisions ``(N, L)``, or float scores: probabilities, positive iff
                ``probability >= threshold``, or logits with ``from_logits=True``.
            classes: the label names, one per column, in column order (numbers too: there
                are no label values to look up, see :func:`core.multilabel.label_names`).
            threshold: one threshold in [0, 1], or one per column (column j's label).
            sample_weight: non-negative weights ``(N,)``; counts become float64 sums.
            num_classes: L, checked against the columns.
            from_logits: the scores are logits (a sigmoid is applied before the threshold).
            ignore_index: a true indicator (an int64 other than 0 and 1, e.g. -1 or -100)
                whose (sample, label) cell is left out of everything: the per-label counts,
                the co-confusion, the samples averages, subset accuracy and Hamming loss. A
                sample whose every cell is left out counts nowhere, not in ``n`` either.
            zero_division: the value of 0/0 statistics (default NaN).
            labels: the older name of ``classes`` (not both).

        Raises:
            ConfmatError: for values that are not 0/1, scores out of range, shapes, options,
                or no sample left to count.

        Examples:
            >>> ml = MultilabelConfusion.from_predictions(
            ...     [[0, 1], [1, 1]], [[0.2, 0.9], [0.6, 0.4]], threshold=[0.5, 0.3])
            >>> ml.counts[:, 1, 1].tolist()
            [1, 2]
            >>> ml = MultilabelConfusion.from_predictions(
            ...     [[1, -1], [0, 1]], [[1, 1], [0, 0]], ignore_index=-1)
            >>> ml.counts[1].tolist(), ml.n
            ([[0, 0], [1, 0]], 2)
        """
        classes = checks.one_of(classes, labels, "classes", "labels")
        true_grid, pred_grid = ml.as_grid(y_true, "y_true"), ml.as_grid(y_pred, "y_pred")
        ml.check_pair(true_grid, pred_grid)
        names = ml.label_names(classes, num_classes, true_grid.shape[1])
        checks.check_zero_division(zero_division)
        found = kernels.count(
            *prepare(true_grid, pred_grid, sample_weight, threshold, from_logits, ignore_index)
        )
        return counted(found, names, zero_division)

    # -- the data ---------------------------------------------------------------------------

    @property
    def counts(self) -> torch.Tensor:
        """The ``(L, 2, 2)`` per-label counts ``[[tn, fp], [fn, tp]]``."""
        return self._counts

    @property
    def classes(self) -> list[str]:
        """The label names, in the order of :attr:`counts` (alias :attr:`labels`)."""
        return list(self._labels)

    labels = classes

    @property
    def num_classes(self) -> int:
        """L, the number of labels (alias :attr:`num_labels`)."""
        return len(self._labels)

    num_labels = num_classes

    @property
    def n(self) -> int | float:
        """The number (or total weight) of samples counted."""
        return self._n

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
    def class_counts(self) -> ClassCounts:
        """One-vs-rest counts of every label, float64 ``(L,)`` each (alias ``label_counts``)."""
        return mstats.label_counts(self._counts)

    label_counts = class_counts

    @property
    def support(self) -> torch.Tensor:
        """Samples in which each label is true ``(L,)``."""
        return self._counts[:, 1].sum(dim=1)

    @property
    def predicted(self) -> torch.Tensor:
        """Samples in which each label is predicted ``(L,)``."""
        return self._counts[:, :, 1].sum(dim=1)

    # -- statistics -------------------------------------------------------------------------

    def per_class(self, name: str) -> torch.Tensor:
        """A per-label statistic ``(L,)`` by name (any of ``ConfusionMatrix.per_class``).

        Alias :meth:`per_label`.

        Examples:
            >>> MultilabelConfusion([[[1, 0], [1, 2]]]).per_class("sensitivity").tolist()
            [0.6666666666666666]
        """
        return mstats.statistic(self._counts, name, self._zero_division)

    per_label = per_class

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
        """Share of (sample, label) decisions that are wrong (of the counted cells)."""
        return mstats.hamming_loss(self._counts)

    @property
    def cardinality(self) -> tuple[float, float]:
        """Mean number of labels per sample: ``(true, predicted)``."""
        return mstats.cardinality(self._counts, float(self._n))

    def interval(
        self, name: str, level: float = 0.95, method: IntervalMethod = "wilson"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-label confidence interval ``(lo, hi)`` of a proportion (recall, precision, ...).

        The statistics and methods of :meth:`ConfusionMatrix.interval`, per label. NaN where
        the proportion is undefined, and everywhere when the counts are weighted (weighted sums
        are not counts, even when they are whole numbers).

        Examples:
            >>> lo, hi = MultilabelConfusion([[[8, 0], [1, 9]]]).interval("recall")
            >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
            (0.5958, 0.9821)
            >>> MultilabelConfusion([[[8.0, 0.0], [1.0, 9.0]]]).interval("recall")[0].tolist()
            [nan]
        """
        lo, hi = mstats.interval(self._counts, name, level, method)
        if not measures.holds_counts(self._counts):
            return torch.full_like(lo, float("nan")), torch.full_like(hi, float("nan"))
        return lo, hi

    def never_predicted(self) -> list[str]:
        """Labels predicted in no sample (their precision is undefined)."""
        return [self._labels[i] for i in (self.predicted == 0).nonzero()[:, 0].tolist()]

    def rare(self, below: float = RARE_PREVALENCE) -> list[str]:
        """Labels true in fewer than ``below`` of their samples (prevalence), rarest first."""
        share = mstats.statistic(self._counts, "prevalence")
        order = torch.argsort(share, stable=True).tolist()  # NaN (no counted cell) sorts last
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
        if not (self.is_weighted or other.is_weighted):  # the sum's total must be an int64
            limits.check_total(torch.stack((self._counts, other._counts.to(self._counts.device))))
        counts = _sum(self._counts, other._counts)
        result = MultilabelConfusion.__new__(MultilabelConfusion)
        result._setup(
            counts,
            self._labels,
            _sum_optional(self._co, other._co),
            _sum_optional(self._sums, other._sums),
            self._n + other._n,
            self._zero_division,
        )
        return result

    def __repr__(self) -> str:
        shown = ", ".join(self._labels[:6]) + (", ..." if self.num_classes > 6 else "")
        return (
            f"MultilabelConfusion(classes=[{shown}], n={self.n:g}, "
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
        from confmat._internal.report.findings import label_findings
        from confmat._internal.results.document import multilabel_document

        return multilabel_document(self, [f.message for f in label_findings(self)])

    def to_pandas(self, table: str = "per_label") -> DataFrame:
        """A table as a DataFrame (needs pandas): see :func:`report.to_pandas`.

        ``"per_label"`` (or ``"per_class"``), ``"overall"``, ``"averages"`` or
        ``"co_confusion"``.

        Examples:
            >>> MultilabelConfusion([[[1, 0], [1, 2]]], ["cat"]).to_pandas().index.tolist()
            ['cat']
        """
        from confmat._internal.report.dataframe import to_pandas

        return to_pandas(self, table)

    def findings(self) -> list[Finding]:
        """Notable facts in words: labels never predicted, rare labels, frequent co-confusions.

        Examples:
            >>> MultilabelConfusion([[[3, 0], [1, 0]]], ["cat"]).findings()[0].message
            'Never predicted: cat (1 true sample(s)).'
        """
        from confmat._internal.report.findings import label_findings

        return label_findings(self)

    def plot(self, **kwargs: Any) -> Axes:
        """The co-confusion heatmap (rows: label missed, columns: label predicted instead).

        Keyword arguments go to :func:`show.heatmap.heatmap`.
        """
        from confmat._internal.show.heatmap import co_confusion_heatmap

        co = self._co if self._co is not None else self._counts.new_zeros((self.num_classes,) * 2)
        return co_confusion_heatmap(ConfusionMatrix(co.cpu(), self._labels), self._n, **kwargs)

    def _repr_html_(self) -> str:
        """A compact HTML view for Jupyter (see :func:`report.repr_html`)."""
        from confmat._internal.report.html import repr_html

        return repr_html(self)


class Prepared(NamedTuple):
    """Checked multilabel inputs, ready for :func:`core.multilabel_kernels.count`."""

    true: torch.Tensor
    pred: torch.Tensor
    weight: torch.Tensor | None
    ignored: torch.Tensor | None


def prepare(
    true_grid: torch.Tensor,
    pred_grid: torch.Tensor,
    sample_weight: object,
    threshold: object,
    from_logits: bool,
    ignore_index: object = None,
) -> Prepared:
    """Checked boolean ``(N, L)`` targets and predictions, float64 weights, ignored cells.

    Raises at once (the whole input is at hand), also when no sample is left to count.
    """
    thresholds = checks.check_thresholds(threshold, true_grid.shape[1])
    ignore = ml.check_ignore_index(ignore_index)
    ignored = ml.ignored_cells(true_grid, ignore)
    true = ml.check_indicators(true_grid, "y_true", ignored)
    pred = ml.predictions(pred_grid, thresholds, bool(from_logits), ignored)
    weight = None
    if sample_weight is not None:
        weight = checks.check_weights(sample_weight, true.shape[0], true.device)
    rows = true.shape[0] if ignored is None else int((~ignored).any(dim=1).sum())
    checks.check_not_empty(rows)
    return Prepared(true, pred, weight, ignored)


def counted(
    found: kernels.MultilabelCounts, names: list[str], zero_division: ZeroDivision = "nan"
) -> MultilabelConfusion:
    """The result of what the counting kernel found, one label per column.

    The shared end of :meth:`MultilabelConfusion.from_predictions` and the accumulator's
    ``compute``; ``names`` are already checked (:func:`core.multilabel.label_names`). Unlike the
    constructor, it allows labels with fewer counted cells than ``n`` (ignored cells).

    Examples:
        >>> t = torch.tensor([[1, 0]]).bool()
        >>> counted(kernels.count(t, t), ["a", "b"]).counts[:, 1, 1].tolist()
        [1, 0]
    """
    result = MultilabelConfusion.__new__(MultilabelConfusion)
    result._setup(
        found.counts, names, found.co_confusion, found.sample_sums, found.n, zero_division
    )
    return result


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
    true_grid, pred_grid = ml.as_grid(y_true, "y_true"), ml.as_grid(y_pred, "y_pred")
    ml.check_pair(true_grid, pred_grid)
    true, pred, weight, _ = prepare(true_grid, pred_grid, sample_weight, threshold, from_logits)
    return kernels.samplewise_counts(true, pred, weight)


def _check_counts(counts: object) -> torch.Tensor:
    shape = "of shape (L, 2, 2) (one [[tn, fp], [fn, tp]] per label)"
    values = checks.check_counts(counts, "counts", ("L", 2, 2), shape)
    totals = values.sum(dim=(1, 2))
    if not bool(torch.isclose(totals.double(), totals[0].double(), rtol=1e-9).all()):
        raise MatrixError(
            "counts must describe the same samples for every label: each label's four cells "
            f"must sum to n, got sums {totals[:5].tolist()}",
            argument="counts",
        )
    limits.check_total(values)
    return values


def _check_co(co: object, size: int) -> torch.Tensor:
    return checks.check_counts(co, "co_confusion", (size, size), f"of shape ({size}, {size})")


def _check_sample_sums(sums: object) -> torch.Tensor:
    shape = (len(kernels.SAMPLE_ROWS), 2)
    values = checks.check_counts(sums, "sample_sums", shape, f"of shape {shape}")
    return values.to(torch.float64)


def _sum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if a.dtype != b.dtype:
        return a.to(torch.float64) + b.to(device=a.device, dtype=torch.float64)
    return a + b.to(a.device)


def _sum_optional(a: torch.Tensor | None, b: torch.Tensor | None) -> torch.Tensor | None:
    return None if a is None or b is None else _sum(a, b)
