"""Small shared types: option literals and named tuples of counts."""

from __future__ import annotations

from typing import Literal, NamedTuple

import torch

Normalize = Literal["true", "pred", "all"]
"""How to normalize a matrix: by rows (true class), by columns (predicted class) or by the total."""

Average = Literal["macro", "weighted", "micro"]
"""How per-class statistics are averaged."""

ZeroDivision = Literal["nan", "warn"] | float
"""The value of 0/0: ``"nan"`` (default), ``"warn"`` (NaN and a warning), ``0.0`` or ``1.0``."""


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
