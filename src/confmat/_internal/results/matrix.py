"""ConfusionMatrix: the immutable result, its statistics and its JSON document.

C[i, j] is the number (or total sample weight) of samples of true class i predicted as class j:
rows are true classes, columns predicted classes, both in the order of ``classes``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import torch

from confmat._internal.core import checks, codes, encode, sparse, tables
from confmat._internal.core.codes import PredKind
from confmat._internal.core.types import (
    Average,
    BinaryCounts,
    ClassCounts,
    IntervalMethod,
    Normalize,
    PredictiveValues,
    Table,
    ZeroDivision,
)
from confmat._internal.io import engines
from confmat._internal.results import document
from confmat._internal.stats import confusions, intervals, measures, significance
from confmat._internal.stats.bootstrap import (
    DEFAULT_STATISTICS,
    BootstrapInterval,
    bootstrap_counts,
)
from confmat._internal.stats.confusions import ConfusedPair, ConfusionRank
from confmat.exceptions import ClassesError, MergeError, OptionError

if TYPE_CHECKING:  # pictures and tables are drawn by show and report, lazily
    from pandas import DataFrame

    from confmat._internal.show.heatmap import HeatmapDisplay


class PerClassStatistic:
    """A read-only attribute giving one per-class statistic as a ``(C,)`` float64 tensor."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"Per-class {name} ``(C,)``, as ``per_class({name!r})``."

    @overload
    def __get__(self, obj: None, owner: type) -> PerClassStatistic: ...
    @overload
    def __get__(self, obj: ConfusionMatrix, owner: type) -> torch.Tensor: ...
    def __get__(self, obj: ConfusionMatrix | None, owner: type) -> PerClassStatistic | torch.Tensor:
        return self if obj is None else obj.per_class(self.name)


class ConfusionMatrix:
    """A confusion matrix with class names and every statistic derived from it.

    Args:
        counts: a ``(C, C)`` matrix, C[i, j] = samples of true class i predicted as j.
            Integer counts are kept as int64, others (sample weights) as float64. A
            ``torch.sparse_coo_tensor`` is kept sparse (see :attr:`is_sparse`).
        classes: the class names in row order; default ``"0"`` .. ``"C-1"``.
        positive: the positive class of a two-class matrix (default: the second class).
        zero_division: the value of 0/0 statistics: ``"nan"`` (default), ``"warn"``, 0 or 1.

    Examples:
        >>> cm = ConfusionMatrix([[50, 3], [4, 43]], classes=["healthy", "sick"])
        >>> cm.binary_counts()
        BinaryCounts(tn=50, fp=3, fn=4, tp=43)
        >>> round(cm.accuracy, 2), round(float(cm.sensitivity[1]), 4)
        (0.93, 0.9149)
    """

    __slots__ = ("_cells", "_class_counts", "_classes", "_counts", "_positive", "_zero_division")

    def __init__(
        self,
        counts: object,
        classes: Sequence[Any] | None = None,
        *,
        positive: object = None,
        zero_division: ZeroDivision = "nan",
    ) -> None:
        checked = (
            sparse.check(counts)
            if isinstance(counts, torch.Tensor) and counts.is_sparse
            else checks.check_matrix(counts)
        )
        size = checked.shape[0]
        if classes is None:
            names = list(map(str, range(size)))
        else:
            names = checks.check_class_names(classes, size)
        self._setup(checked, names, positive, zero_division)

    def _setup(
        self, counts: torch.Tensor, names: list[str], positive: object, zero: ZeroDivision
    ) -> None:
        """Hold checked counts and names (:meth:`from_predictions`: the encoder checked them)."""
        self._counts, self._classes = counts, names
        self._positive = codes.positive_index(positive, self._classes)
        self._zero_division = checks.check_zero_division(zero)
        self._class_counts: ClassCounts | None = None
        self._cells: sparse.Cells | None = None

    @classmethod
    def from_predictions(
        cls,
        y_true: object,
        y_pred: object,
        classes: Sequence[Any] | None = None,
        sample_weight: object = None,
        ignore_index: int | str | None = None,
        threshold: float | None = None,
        positive: object = None,
        *,
        num_classes: int | None = None,
        from_logits: bool = False,
        score_of: object = None,
        pred_kind: PredKind | None = None,
        dropna: bool = False,
        zero_division: ZeroDivision = "nan",
        sparse: bool | None = None,
    ) -> ConfusionMatrix:
        """Count predictions against true labels.

        Args:
            y_true: true labels ``(N,)``: ints, bools or strings (tensor, array, list, Series).
            y_pred: predicted labels ``(N,)`` of the same kind; or float scores: ``(N, C)``
                (argmax) or ``(N,)`` / ``(N, 1)`` probabilities of one class (``score_of``).
            classes: class order; integer classes are label values, other names are indexed
                by integer labels. Default: sorted unique labels seen.
            sample_weight: non-negative weights ``(N,)``; counts become float64 sums.
            ignore_index: samples with this true label are left out.
            threshold: one score column: the scored class is predicted iff
                ``score >= threshold`` (default 0.5); refused with other predictions.
            positive: the class the binary statistics call positive (default: the scored
                class of one score column, else label 1 / ``True``, else the second class);
                it only names the binary block, never changes the counts.
            num_classes: integer labels are indices ``0..num_classes-1``.
            from_logits: scores are logits (a sigmoid is applied before the threshold).
            score_of: the class one score column ``(N,)`` is the probability of; default
                label 1 (``True``) for numeric labels; required for string labels.
            pred_kind: ``"labels"`` or ``"scores"`` declares what float ``y_pred`` hold;
                default: whole numbers outside [0, 1] are labels, others scores (0.0/1.0
                count alike either way at any threshold in (0, 1]).
            dropna: leave out samples whose label is missing (None, NaN, pandas NA) with a
                :class:`~confmat.MissingValueWarning` saying how many; default: an error.
            zero_division: the value of 0/0 statistics (default NaN).
            sparse: store the counts sparse (True) or dense (False); default: sparse above
                :data:`core.sparse.DENSE_MAX_CLASSES` classes.

        Returns:
            The matrix, on the device of the inputs.

        Raises:
            ConfmatError: for invalid labels, scores, weights, shapes or options.

        Examples:
            >>> cm = ConfusionMatrix.from_predictions(["cat", "dog", "dog"], ["cat", "cat", "dog"])
            >>> cm.classes, cm.counts.tolist()
            (['cat', 'dog'], [[1, 0], [1, 1]])
            >>> ConfusionMatrix.from_predictions([0, 1, 1], [0.2, 0.5, 0.4]).counts.tolist()
            [[1, 0], [1, 1]]
        """
        encoded = encode.encode(
            y_true,
            y_pred,
            classes=classes,
            num_classes=num_classes,
            sample_weight=sample_weight,
            ignore_index=ignore_index,
            threshold=threshold,
            from_logits=from_logits,
            score_of=score_of,
            pred_kind=pred_kind,
            dropna=dropna,
        )
        counts, names = tables.prediction_counts(encoded, sparse)
        scored = None if encoded.score_of is None else names[encoded.score_of]
        cm = cls.__new__(cls)
        cm._setup(counts, names, codes.reported_positive(positive, scored), zero_division)
        return cm

    @classmethod
    def from_counts(
        cls,
        table: object,
        true: str = "y_true",
        pred: str = "y_pred",
        count: str = "count",
        classes: Sequence[Any] | None = None,
        *,
        num_classes: int | None = None,
        positive: object = None,
        zero_division: ZeroDivision = "nan",
        sparse: bool | None = None,
    ) -> ConfusionMatrix:
        """A matrix from a long table: one row per ``(true, pred)`` pair with its ``count``.

        The labels follow the rules of :meth:`ConfusionMatrix.from_predictions` (class order,
        ``classes``, ``num_classes``), so a table of counts gives the matrix its samples would.
        Rows of the same pair add up; pairs absent from the table count 0.

        Args:
            table: a pandas or polars DataFrame, a pyarrow Table, a DuckDB relation, a Spark
                DataFrame (only its rows are collected) or a mapping of columns.
            true: the true-label column.
            pred: the predicted-label column.
            count: integer counts, or float sums of sample weights (a weighted matrix).
            classes: class order, as in ``from_predictions``.
            num_classes: integer labels are indices ``0..num_classes-1``.
            positive: the positive class of a binary problem.
            zero_division: the value of 0/0 statistics (default NaN).
            sparse: the store, as in ``from_predictions`` (default: by the number of classes).

        Raises:
            ConfmatError: for a table of an unknown kind, a missing column, a null label or
                count, a negative count, or labels outside ``classes``.

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> table = {"y_true": ["cat", "cat", "dog"], "y_pred": ["cat", "dog", "dog"],
            ...          "count": [40, 3, 57]}
            >>> ConfusionMatrix.from_counts(table).counts.tolist()
            [[40, 3], [0, 57]]
        """
        columns = engines.table_columns(table, true, pred, count)
        counts, names = tables.table_counts(
            columns.true,
            columns.pred,
            columns.count,
            classes=classes,
            num_classes=num_classes,
            store=sparse,
        )
        return cls(counts, names, positive=positive, zero_division=zero_division)

    # -- the data ---------------------------------------------------------------------------

    @property
    def counts(self) -> torch.Tensor:
        """The ``(C, C)`` counts, int64 (float64 when weighted); rows true, columns predicted.

        A coalesced ``torch.sparse_coo_tensor`` when :attr:`is_sparse`; see :meth:`to_dense`.
        """
        return self._counts

    @property
    def is_sparse(self) -> bool:
        """Whether the counts are stored sparse (large class spaces)."""
        return self._counts.is_sparse

    def to_dense(self) -> torch.Tensor:
        """The dense ``(C, C)`` counts; a ``ClassesError`` naming the size when they would not fit.

        Examples:
            >>> ConfusionMatrix.from_predictions([0, 1], [1, 1], sparse=True).to_dense().tolist()
            [[0, 1], [0, 1]]
        """
        return sparse.to_dense(self._counts)

    @property
    def classes(self) -> list[str]:
        """The class names, in row (and column) order."""
        return list(self._classes)

    @property
    def n(self) -> int | float:
        """The number of samples (total weight when weighted)."""
        return sparse.total(self._store()).item()

    @property
    def positive(self) -> str | None:
        """The positive class of a two-class matrix, else None."""
        return None if self._positive is None else self._classes[self._positive]

    @property
    def support(self) -> torch.Tensor:
        """Samples per true class ``(C,)`` (row sums)."""
        return sparse.sums(self._store(), dim=1)

    def _store(self) -> torch.Tensor | sparse.Cells:
        """The counts as the statistics read them: a sparse matrix's cells, found once."""
        if not self._counts.is_sparse:
            return self._counts
        if self._cells is None:
            self._cells = sparse.cells(self._counts)
        return self._cells

    @property
    def class_counts(self) -> ClassCounts:
        """One-vs-rest ``tp, fp, fn, tn`` of every class, float64 ``(C,)`` each."""
        if self._class_counts is None:
            self._class_counts = measures.class_counts(self._store())
        return self._class_counts

    @property
    def is_weighted(self) -> bool:
        """Whether counts are sums of sample weights."""
        return self._counts.is_floating_point()

    @property
    def num_classes(self) -> int:
        """C, the number of classes."""
        return int(self._counts.shape[0])

    def binary_counts(self, positive: object = None) -> BinaryCounts:
        """``(tn, fp, fn, tp)`` of ``positive`` (default: the positive class) against the rest.

        Examples:
            >>> ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 0, 3]]).binary_counts("1")
            BinaryCounts(tn=8, fp=1, fn=3, tp=8)
        """
        index = (
            checks.class_index(self._classes, positive) if positive is not None else self._positive
        )
        if index is None:
            raise ClassesError(
                f"binary_counts needs positive= for a matrix of {self.num_classes} classes",
                argument="binary_counts",
            )
        c = self.class_counts
        cells = (float(v[index]) for v in (c.tn, c.fp, c.fn, c.tp))
        return BinaryCounts(*(cells if self.is_weighted else (int(v) for v in cells)))

    # -- statistics -------------------------------------------------------------------------

    def per_class(self, name: str) -> torch.Tensor:
        """The per-class statistic ``name`` (or an alias such as ``"sensitivity"``), ``(C,)``.

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> ConfusionMatrix([[3, 1], [0, 4]]).per_class("ppv").tolist()
            [1.0, 0.8]
        """
        return measures.statistic(name)(self.class_counts, self._zero_division)

    def average(self, name: str, method: Average = "macro") -> float:
        """``macro``, ``weighted`` (by support) or ``micro`` (pooled) average of a statistic.

        Macro and weighted averages leave out classes where the statistic is undefined; see
        :meth:`undefined` for which.

        Examples:
            >>> ConfusionMatrix([[3, 1], [0, 4]]).average("recall", "macro")
            0.875
        """
        key = measures.ALIASES.get(name, name)
        return measures.average(
            self.per_class(key), method, self.class_counts, key, self._zero_division
        )

    def fbeta(self, beta: float) -> torch.Tensor:
        """Per-class F-beta ``(C,)``; ``beta > 1`` weighs recall more.

        ``beta = inf`` is the recall, F-beta's limit.

        Examples:
            >>> cm = ConfusionMatrix([[5, 1], [3, 7]])
            >>> [round(v, 4) for v in cm.fbeta(2).tolist()], cm.fbeta(float("inf")).tolist()
            ([0.7812, 0.7292], [0.8333333333333334, 0.7])
        """
        number = isinstance(beta, (int, float, np.integer, np.floating))
        if isinstance(beta, bool) or not number or not float(beta) > 0:
            raise OptionError(
                f"beta must be a positive number, got {beta!r}", argument="beta", value=beta
            )
        return measures.fbeta(self.class_counts, float(beta), self._zero_division)

    def undefined(self) -> dict[str, list[str]]:
        """For each per-class statistic with undefined (NaN) values, the classes concerned."""
        statistics = {name: self.per_class(name) for name in measures.PER_CLASS}
        return document.undefined_classes(statistics, self._classes)

    prevalence = PerClassStatistic("prevalence")
    precision = PerClassStatistic("precision")
    ppv = PerClassStatistic("precision")
    recall = PerClassStatistic("recall")
    sensitivity = PerClassStatistic("recall")
    tpr = PerClassStatistic("recall")
    specificity = PerClassStatistic("specificity")
    tnr = PerClassStatistic("specificity")
    npv = PerClassStatistic("npv")
    f1 = PerClassStatistic("f1")
    fpr = PerClassStatistic("fpr")
    fnr = PerClassStatistic("fnr")
    fdr = PerClassStatistic("fdr")
    false_omission_rate = PerClassStatistic("false_omission_rate")
    jaccard = PerClassStatistic("jaccard")
    informedness = PerClassStatistic("informedness")
    markedness = PerClassStatistic("markedness")
    lr_plus = PerClassStatistic("lr_plus")
    lr_minus = PerClassStatistic("lr_minus")
    dor = PerClassStatistic("dor")

    @property
    def accuracy(self) -> float:
        """Share of correct predictions."""
        return measures.accuracy(self.class_counts, self._zero_division)

    @property
    def balanced_accuracy(self) -> float:
        """Mean recall over the classes present in the true labels."""
        return measures.balanced_accuracy(self.class_counts)

    @property
    def cohen_kappa(self) -> float:
        """Cohen's kappa: agreement beyond chance."""
        return measures.cohen_kappa(self.class_counts, self._zero_division)

    @property
    def mcc(self) -> float:
        """Matthews correlation coefficient (multiclass R_K)."""
        return measures.mcc(self.class_counts, self._zero_division)

    @property
    def no_information_rate(self) -> float:
        """Accuracy of always predicting the most frequent true class."""
        return measures.no_information_rate(self.class_counts, self._zero_division)

    # -- intervals and tests, from the counts alone -----------------------------------------

    def accuracy_ci(self, level: float = 0.95) -> tuple[float, float]:
        """Exact (Clopper-Pearson) interval of the accuracy; NaN when weighted."""
        if self.is_weighted:  # weighted sums are not counts, even when they are whole numbers
            return (math.nan, math.nan)
        return intervals.clopper_pearson(
            float(self.class_counts.tp.sum()), float(self.class_counts.n), level
        )

    def interval(
        self, name: str, level: float = 0.95, method: IntervalMethod = "wilson"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-class confidence interval ``(lo, hi)`` of a proportion, float64 ``(C,)`` each.

        Args:
            name: "recall" (or "sensitivity", "tpr"), "specificity" ("tnr"), "precision"
                ("ppv"), "npv", "accuracy" (one-vs-rest ``(tp + tn) / n``), also "fpr", "fnr",
                "fdr", "false_omission_rate", "prevalence"; "lr_plus" and "lr_minus" always use
                the log method of Simel et al. (1991), whatever ``method`` says.
            level: the confidence level (default 0.95).
            method: "wilson" (default) or "clopper-pearson" (exact).

        Returns:
            NaN where the proportion is undefined (no trials), and everywhere for a weighted
            matrix (weighted sums are not counts, even when they are whole numbers).

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> cm = ConfusionMatrix([[97, 0], [0, 3]], ["ok", "frog"])
            >>> lo, hi = cm.interval("recall")
            >>> round(float(lo[1]), 2), float(hi[1])
            (0.44, 1.0)
        """
        key = measures.ALIASES.get(name, name)
        if key in intervals.RATIOS:
            lo, hi = intervals.RATIOS[key](self.class_counts, level)
        else:
            lo, hi = intervals.per_class(self.class_counts, key, level, method)
        if not measures.holds_counts(self._counts):
            return torch.full_like(lo, math.nan), torch.full_like(hi, math.nan)
        return lo, hi

    def cohen_kappa_ci(self, level: float = 0.95) -> tuple[float, float]:
        """Wald interval of Cohen's kappa with the Fleiss-Cohen-Everitt (1969) standard error.

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> [round(v, 4) for v in ConfusionMatrix([[54, 32], [27, 231]]).cohen_kappa_ci()]
            [0.4292, 0.638]
        """
        store = self._store()
        return intervals.cohen_kappa(store if self._counts.is_sparse else self._counts.cpu(), level)

    @property
    def mcnemar_p_value(self) -> float:
        """McNemar's test (corrected chi-square) for two classes, Bowker's symmetry test for more.

        NaN without off-diagonal counts or for a weighted matrix.

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> round(ConfusionMatrix([[54, 32], [27, 231]]).mcnemar_p_value, 4)
            0.6025
        """
        store = self._store()
        return significance.mcnemar_p_value(store if self._counts.is_sparse else self._counts.cpu())

    def bootstrap(
        self,
        statistics: Sequence[str] = DEFAULT_STATISTICS,
        *,
        n_resamples: int = 2000,
        level: float = 0.95,
        seed: int | None = 0,
    ) -> dict[str, BootstrapInterval]:
        """Percentile bootstrap intervals of whole-matrix statistics, from the counts alone.

        See :func:`stats.bootstrap.bootstrap_counts`: ``statistics`` among "accuracy",
        "balanced_accuracy", "macro_f1", "weighted_f1", "mcc", "cohen_kappa".

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> ci = ConfusionMatrix([[50, 3], [4, 43]]).bootstrap(["mcc"], seed=1)["mcc"]
            >>> ci.lo < ci.estimate < ci.hi
            True
        """
        return bootstrap_counts(
            sparse.to_dense(self._counts),
            statistics,
            n_resamples=n_resamples,
            level=level,
            seed=seed,
        )

    def at_prevalence(self, prevalence: float | Sequence[float]) -> PredictiveValues:
        """PPV and NPV of every class at a population prevalence, by Bayes' rule.

        The sensitivity and specificity measured here do not depend on how enriched the test
        set was; the predictive values do. For a binary matrix, read the positive class's entry
        (index ``cm.classes.index(cm.positive)``).

        Args:
            prevalence: the share of each class in the target population: one number for all
                classes, or one per class.

        Returns:
            ``(ppv, npv)``, float64 ``(C,)`` each (see
            :func:`stats.measures.predictive_values_at_prevalence`).

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> cm = ConfusionMatrix([[900, 100], [5, 95]], ["healthy", "sick"])
            >>> round(float(cm.at_prevalence(0.001).ppv[1]), 4)
            0.0094
        """
        p = checks.check_prevalence(prevalence, self.num_classes)
        ppv, npv = measures.predictive_values_at_prevalence(
            self.class_counts, p, self._zero_division
        )
        return PredictiveValues(ppv, npv)

    @property
    def accuracy_p_value_vs_nir(self) -> float:
        """Exact one-sided binomial p-value of accuracy > no-information rate (NaN if weighted)."""
        if self.is_weighted:
            return math.nan
        c = self.class_counts
        return significance.binomial_p_value_greater(
            float(c.tp.sum()), float(c.n), self.no_information_rate
        )

    # -- views and combinations -------------------------------------------------------------

    def normalized(self, how: Normalize = "true") -> torch.Tensor:
        """Counts as float64 shares: of each row (``"true"``), column (``"pred"``) or the total.

        A row or column with no samples gives NaN, not 0.

        Examples:
            >>> ConfusionMatrix([[3, 1], [0, 0]]).normalized("true").tolist()
            [[0.75, 0.25], [nan, nan]]
        """
        m = self.to_dense().to(torch.float64)
        if how == "true":
            return m / m.sum(dim=1, keepdim=True)
        if how == "pred":
            return m / m.sum(dim=0, keepdim=True)
        if how == "all":
            return m / m.sum()
        raise OptionError(
            f'normalize must be "true", "pred" or "all", got {how!r}', argument="normalize"
        )

    def to(self, device: torch.device | str) -> ConfusionMatrix:
        """The same matrix with its counts on ``device``."""
        return ConfusionMatrix(
            self._counts.to(device),
            self._classes,
            positive=self.positive,
            zero_division=self._zero_division,
        )

    def __add__(self, other: object) -> ConfusionMatrix:
        """Merge two matrices of the same classes: the counts are added."""
        if not isinstance(other, ConfusionMatrix):
            return NotImplemented
        if other._classes != self._classes:
            raise MergeError(
                f"can only merge matrices of the same classes in the same order, got "
                f"{self._classes[:5]} and {other._classes[:5]}"
            )
        if other.positive != self.positive:
            raise MergeError(
                f"can only merge matrices with one positive class, got {self.positive!r} and "
                f"{other.positive!r}"
            )
        counts = sparse.add(self._counts, other._counts.to(self._counts.device))
        return ConfusionMatrix(
            counts, self._classes, positive=self.positive, zero_division=self._zero_division
        )

    # -- pictures and confusions (show, stats.confusions) --------------------

    def plot(self, **kwargs: Any) -> HeatmapDisplay:
        """The annotated heatmap; keyword arguments as :func:`confmat.show.heatmap`.

        Returns the :class:`confmat.show.HeatmapDisplay` that keeps the figure's artists
        (``ax``, ``figure``, ``images``, ``texts``) and the classes shown, as
        :func:`confmat.show.heatmap` does; in a notebook it shows itself.

        Examples:
            >>> display = ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]).plot(normalize="true")
            >>> display.ax.get_ylabel(), [t.get_text() for t in display.ax.get_xticklabels()]
            ('True class', ['no', 'yes'])
        """
        from confmat._internal.show.heatmap import heatmap

        return heatmap(self, **kwargs)

    def most_confused(self, k: int | None = 10, by: ConfusionRank = "count") -> list[ConfusedPair]:
        """The ``k`` largest off-diagonal cells (see :func:`stats.confusions`).

        Examples:
            >>> ConfusionMatrix([[8, 2], [5, 5]], ["a", "b"]).most_confused(1)
            [ConfusedPair(true='b', pred='a', count=5, rate=0.5)]
        """
        return confusions.most_confused(self._store(), self._classes, k, by)

    # -- reports (report, imported lazily) --------------------------------------------

    def to_pandas(self, table: Table = "per_class") -> DataFrame:
        """A table as a DataFrame: ``"per_class"``, ``"overall"`` or ``"matrix"``.

        See :func:`report.to_pandas`; needs pandas.

        Examples:
            >>> ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]).to_pandas("matrix").index.name
            'true'
        """
        from confmat._internal.report.dataframe import to_pandas

        return to_pandas(self, table)

    def _repr_html_(self) -> str:
        """A compact HTML view for Jupyter (see :func:`report.repr_html`)."""
        from confmat._internal.report.html import repr_html

        return repr_html(self)

    def __repr__(self) -> str:
        shown = ", ".join(self._classes[:6]) + (", ..." if self.num_classes > 6 else "")
        return f"ConfusionMatrix(classes=[{shown}], n={self.n:g}, accuracy={self.accuracy:.4f})"

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of INTERFACE.md: NaN becomes None, infinity the string "inf".

        Examples:
            >>> d = ConfusionMatrix([[5, 0], [1, 4]], ["no", "yes"]).to_dict()
            >>> d["n"], d["positive_class"], d["per_class"]["yes"]["recall"]
            (10, 'yes', 0.8)
        """
        return document.matrix_document(self)
