"""Multilabel inputs: ``(N, L)`` indicator targets and ``(N, L)`` predictions -> boolean grids.

A multilabel sample carries any number of the L labels at once (none, one or several). Targets
are ``(N, L)`` indicators: bools, or numbers that are 0 or 1. Predictions are ``(N, L)``:

- bools or integers: 0/1 decisions, taken as they are;
- floats: probabilities of each label, positive iff ``probability >= threshold`` (the one
  score rule of :mod:`core.codes`, compared in the scores' own precision); the
  threshold is one number or one per label. Logits go through a sigmoid (in float64) first,
  only when the caller says so (``from_logits=True``), never guessed from the values.

Every check here raises at once (a whole input is at hand). The streaming shell uses
:func:`invalid_rows` instead, which flags bad samples on the device without reading them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import torch

from confmat._internal.core import checks as v
from confmat._internal.core.types import IntervalMethod
from confmat.exceptions import LabelError, OptionError, ScoreError, ShapeError


def as_grid(values: object, name: str) -> torch.Tensor:
    """A user container as an ``(N, L)`` tensor of numbers or bools (no strings, L >= 1).

    Examples:
        >>> as_grid([[0, 1], [1, 1]], "y_true").shape
        torch.Size([2, 2])
    """
    grid = v.as_values(values, name)
    if v.is_strings(grid):
        raise ShapeError(
            f"{name} must hold 0/1 label indicators or scores, got strings (write each label "
            "as a column of 0/1, or read a JSON list column with the command line)",
            argument=name,
        )
    assert isinstance(grid, torch.Tensor)
    if grid.ndim != 2 or grid.shape[1] == 0:
        raise ShapeError(
            f"{name} must have shape (N, L) with one column per label, got shape "
            f"{tuple(grid.shape)}",
            argument=name,
        )
    return grid


def check_indicators(grid: torch.Tensor, name: str) -> torch.Tensor:
    """Label indicators ``(N, L)`` must be 0 or 1 (bools, integers or whole floats); as bool.

    Examples:
        >>> check_indicators(torch.tensor([[0, 1]]), "y_true").tolist()
        [[False, True]]
    """
    if grid.dtype == torch.bool:
        return grid
    bad = (grid != 0) & (grid != 1)
    if bool(bad.any()):
        row, col = (int(i) for i in bad.nonzero()[0])
        hint = " (pass scores as y_pred, not as y_true)" if name == "y_true" else ""
        raise LabelError(
            f"{name} must hold 0/1 label indicators, got {grid[row, col].item()!r} in sample "
            f"{row}, label {col}{hint}",
            argument=name,
        )
    return grid != 0


def check_label_thresholds(threshold: object, num_labels: int | None) -> float | torch.Tensor:
    """One threshold in [0, 1], or one per label (float64 ``(L,)``), for probabilities.

    ``num_labels`` None takes as many labels as there are thresholds.

    Examples:
        >>> check_label_thresholds(0.3, 2)
        0.3
        >>> check_label_thresholds([0.2, 0.7], 2).tolist()
        [0.2, 0.7]
    """
    if isinstance(threshold, (int, float, np.floating)) and not isinstance(threshold, bool):
        return v.check_threshold(float(threshold))
    try:
        values = torch.as_tensor(np.asarray(threshold, dtype=np.float64)).reshape(-1)
    except (TypeError, ValueError, RuntimeError):
        raise OptionError(
            f"threshold must be a number in [0, 1] or one per label, got {threshold!r:.60}",
            argument="threshold",
        ) from None
    if num_labels is None:
        num_labels = values.numel()
    if values.numel() != num_labels or not bool(((values >= 0) & (values <= 1)).all()):
        raise OptionError(
            f"threshold must be a number in [0, 1] or {num_labels} of them (one per label), "
            f"got {threshold!r:.60}",
            argument="threshold",
        )
    return values


def decide(
    scores: torch.Tensor,
    threshold: float | torch.Tensor,
    from_logits: bool,
    out: torch.Tensor | None = None,
) -> torch.Tensor:
    """Boolean decisions ``(N, L)`` of float scores: positive iff ``probability >= threshold``.

    Probabilities are compared in their own precision (a per-label threshold is written in
    that precision first); logits go through a sigmoid in float64. ``out``: a bool ``(N, L)``
    tensor to write the decisions into.

    Examples:
        >>> decide(torch.tensor([[0.2, 0.5]]), 0.5, False).tolist()
        [[False, True]]
        >>> decide(torch.tensor([[0.0, -1.0]]), torch.tensor([0.5, 0.1]), True).tolist()
        [[True, True]]
    """
    probabilities = torch.sigmoid(scores.to(torch.float64)) if from_logits else scores
    if isinstance(threshold, torch.Tensor):
        threshold = threshold.to(device=scores.device, dtype=probabilities.dtype)
    if out is None:
        return probabilities >= threshold
    return torch.ge(probabilities, threshold, out=out)


def predictions(
    grid: torch.Tensor, threshold: float | torch.Tensor, from_logits: bool
) -> torch.Tensor:
    """Checked boolean predictions ``(N, L)`` from 0/1 decisions or scores (raises at once).

    Examples:
        >>> predictions(torch.tensor([[0.1, 0.9]]), 0.5, False).tolist()
        [[False, True]]
    """
    if not grid.is_floating_point():
        if from_logits:
            raise ScoreError("from_logits=True needs float scores as y_pred, got integer labels")
        return check_indicators(grid, "y_pred")
    v.check_finite_scores(grid, "y_pred")
    if not from_logits:
        v.check_probabilities(grid, "y_pred")
    return decide(grid, threshold, from_logits)


def invalid_rows(grid: torch.Tensor, from_logits: bool, is_target: bool) -> torch.Tensor:
    """Which samples ``(N,)`` hold a bad value, computed on the device without reading it.

    Targets must be 0/1; integer predictions 0/1; float predictions finite and, unless they
    are logits, within [0, 1].

    Examples:
        >>> invalid_rows(torch.tensor([[0, 2], [1, 0]]), False, True).tolist()
        [True, False]
        >>> invalid_rows(torch.tensor([[0.5, 1.5]]), False, False).tolist()
        [True]
    """
    if grid.dtype == torch.bool:
        return torch.zeros(grid.shape[0], dtype=torch.bool, device=grid.device)
    if not grid.is_floating_point():  # integers: row extremes in [0, 1], one fused reduction
        low, high = grid.aminmax(dim=1)
        return (low < 0) | (high > 1)
    if is_target or from_logits:
        # 0/1 equal their own truth value, nothing else does
        bad = grid != (grid != 0) if is_target else ~torch.isfinite(grid)
        return bad.sum(dim=1) > 0  # a row sum beats any(dim=1) on the CPU
    # probabilities: row extremes in [0, 1]; amin/amax propagate NaN (two row reductions beat
    # one aminmax on floats on the CPU), no full-size temporary
    return ~((grid.amin(dim=1) >= 0) & (grid.amax(dim=1) <= 1))


def label_names(labels: Sequence[Any] | None, num_labels: int) -> list[str]:
    """The label names: given ones (unique, L of them), else ``"0"`` .. ``"L-1"``.

    Examples:
        >>> label_names(None, 2), label_names(["cat", "dog"], 2)
        (['0', '1'], ['cat', 'dog'])
    """
    if labels is None:
        return [str(i) for i in range(num_labels)]
    return v.check_class_names(labels, num_labels)


def check_pair(y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
    """Targets and predictions must have one shape ``(N, L)`` and live on one device."""
    v.check_same_device(y_true, y_pred)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ShapeError(
            f"y_true and y_pred must have the same shape (N, L), got {tuple(y_true.shape)} and "
            f"{tuple(y_pred.shape)}",
            argument="y_true",
        )


class MultilabelLike(Protocol):
    """What presentation reads from a multilabel result (:class:`confmat.MultilabelConfusion`).

    Reports and figures are typed against this protocol, so they never import the class whose
    methods delegate to them.
    """

    @property
    def counts(self) -> torch.Tensor:
        """``(L, 2, 2)`` per-label ``[[tn, fp], [fn, tp]]``."""

    @property
    def labels(self) -> list[str]:
        """The label names."""

    @property
    def n(self) -> int | float:
        """The number (or total weight) of samples."""

    @property
    def is_weighted(self) -> bool:
        """Whether counts are sums of sample weights."""

    @property
    def co_confusion(self) -> torch.Tensor | None:
        """``(L, L)`` label co-confusion, if counted."""

    @property
    def subset_accuracy(self) -> float:
        """Share of samples predicted exactly."""

    @property
    def hamming_loss(self) -> float:
        """Share of wrong (sample, label) decisions."""

    @property
    def cardinality(self) -> tuple[float, float]:
        """Mean labels per sample, true and predicted."""

    @property
    def sample_sums(self) -> torch.Tensor | None:
        """Per-sample sums behind the samples averages, if counted."""

    def per_label(self, name: str) -> torch.Tensor:
        """A per-label statistic ``(L,)``."""

    def average(self, name: str, method: str = "macro") -> float:
        """An averaged statistic."""

    def interval(
        self, name: str, level: float = 0.95, method: IntervalMethod = "wilson"
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-label interval ``(lo, hi)``."""

    def never_predicted(self) -> list[str]:
        """Labels predicted in no sample."""

    def rare(self, below: float = ...) -> list[str]:
        """Labels with a tiny prevalence."""
