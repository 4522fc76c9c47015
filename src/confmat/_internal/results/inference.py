"""Intervals and tests of a confusion matrix: the inference half of ConfusionMatrix's methods.

A mixin of :class:`confmat.ConfusionMatrix` (C[i, j] counts samples of true class i predicted as
class j). Every interval and test is NaN where the statistic is undefined or the matrix is
weighted (sums of sample weights are not counts, even when they are whole numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import overload

import torch

from confmat._internal.core import checks, sparse
from confmat._internal.core.types import (
    ClassCounts,
    IntervalMethod,
    PredictiveValues,
    ZeroDivision,
)
from confmat._internal.stats import intervals, measures, significance
from confmat._internal.stats.bootstrap import (
    DEFAULT_STATISTICS,
    BootstrapInterval,
    bootstrap_counts,
)


class PerClassStatistic:
    """A read-only attribute giving one per-class statistic as a ``(C,)`` float64 tensor."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"Per-class {name} ``(C,)`` (see :func:`confmat._internal.stats.{name}`)."

    @overload
    def __get__(self, obj: None, owner: type) -> PerClassStatistic: ...
    @overload
    def __get__(self, obj: InferenceMethods, owner: type) -> torch.Tensor: ...
    def __get__(
        self, obj: InferenceMethods | None, owner: type
    ) -> PerClassStatistic | torch.Tensor:
        return self if obj is None else obj.per_class(self.name)


class InferenceMethods:
    """Confidence intervals, bootstrap and significance tests, from the counts alone."""

    __slots__ = ("_cells", "_class_counts")

    _counts: torch.Tensor
    _class_counts: ClassCounts | None
    _zero_division: ZeroDivision

    def _store(self) -> torch.Tensor | sparse.Cells:
        """The counts as the statistics read them: a sparse matrix's cells, found once."""
        if not self._counts.is_sparse:
            return self._counts
        cells: sparse.Cells | None = getattr(self, "_cells", None)
        if cells is None:
            cells = self._cells = sparse.cells(self._counts)
        return cells

    def per_class(self, name: str) -> torch.Tensor:
        """The per-class statistic ``name`` (or an alias such as ``"sensitivity"``), ``(C,)``.

        Examples:
            >>> from confmat import ConfusionMatrix
            >>> ConfusionMatrix([[3, 1], [0, 4]]).per_class("ppv").tolist()
            [1.0, 0.8]
        """
        return measures.statistic(name)(self.class_counts, self._zero_division)

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

    @property
    def no_information_rate(self) -> float:
        """Accuracy of always predicting the most frequent true class."""
        return measures.no_information_rate(self.class_counts)

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
