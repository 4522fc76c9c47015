"""ROC and precision-recall curves with the chosen threshold marked (matplotlib, imported lazily).

The curves come from :mod:`stats.curves`; this module only draws them.

Examples:
    >>> from confmat._internal.stats import curves
    >>> counts = curves.threshold_counts([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.35, 0.8, 0.6, 0.7])
    >>> choice = curves.choose_threshold(counts, "youden")
    >>> ax = roc(counts, choice=choice)
    >>> ax.get_xlabel(), ax.get_legend().get_texts()[0].get_text()
    ('False positive rate (1 - specificity)', 'ROC, AUC = 0.889')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from confmat._internal.core.types import ClassCounts
from confmat._internal.stats import curves, measures

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_SIZE = (4.8, 4.4)


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    from confmat._internal.show import figures

    return figures.new_axes(_SIZE)


def _counts_at(choice: curves.ThresholdChoice) -> ClassCounts:
    """The positive class's counts at the chosen threshold, for :mod:`stats.measures`."""
    c = choice.counts
    values = (c.tp, c.fp, c.fn, c.tn)
    return ClassCounts(*(torch.tensor([float(v)], dtype=torch.float64) for v in values))


def _finish(ax: Axes, xlabel: str, ylabel: str) -> None:
    """Unit square limits and the axis labels."""
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _mark(ax: Axes, x: float, y: float, choice: curves.ThresholdChoice) -> None:
    """The chosen operating point, labelled with its threshold and criterion."""
    ax.plot(
        [x],
        [y],
        marker="o",
        markersize=8,
        color="#d62728",
        linestyle="none",
        label=f"threshold {choice.threshold:.4g} ({choice.criterion})",
    )


def roc(
    counts: curves.ThresholdCounts,
    *,
    choice: curves.ThresholdChoice | None = None,
    ax: Axes | None = None,
    label: str = "ROC",
) -> Axes:
    """The ROC curve (true against false positive rate), its AUC and the chance diagonal.

    Args:
        counts: from :func:`stats.curves.threshold_counts`.
        choice: a threshold from :func:`stats.curves.choose_threshold`, drawn as a point.
        ax: the axes to draw into (default: a new figure).
        label: the curve's legend label (the AUC is appended).

    Returns:
        The axes.

    Examples:
        >>> from confmat._internal.stats import curves
        >>> ax = roc(curves.threshold_counts([0, 1, 1], [0.2, 0.9, 0.4]))
        >>> len(ax.get_lines())
        2
    """
    ax = _axes(ax)
    curve = curves.roc_curve(counts)
    ax.plot(
        curve.x.numpy(),
        curve.y.numpy(),
        color="#1f77b4",
        linewidth=1.8,
        label=f"{label}, AUC = {curves.roc_auc(counts):.3f}",
    )
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", linewidth=1, label="_chance")
    if choice is not None:
        c = _counts_at(choice)
        _mark(ax, float(measures.fpr(c)[0]), float(measures.recall(c)[0]), choice)
    ax.set_aspect("equal")
    _finish(ax, "False positive rate (1 - specificity)", "True positive rate (sensitivity)")
    ax.set_title("ROC curve")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def precision_recall(
    counts: curves.ThresholdCounts,
    *,
    choice: curves.ThresholdChoice | None = None,
    ax: Axes | None = None,
    label: str = "PR",
) -> Axes:
    """The precision-recall curve (as a step function), its average precision and the baseline.

    The baseline is the prevalence: the precision of random guessing.

    Examples:
        >>> from confmat._internal.stats import curves
        >>> ax = precision_recall(curves.threshold_counts([0, 1, 1], [0.2, 0.9, 0.4]))
        >>> ax.get_legend().get_texts()[0].get_text()
        'PR, AP = 1.000'
    """
    ax = _axes(ax)
    curve = curves.precision_recall_curve(counts)
    ax.plot(
        curve.x.numpy(),
        curve.y.numpy(),
        color="#1f77b4",
        linewidth=1.8,
        drawstyle="steps-post",
        label=f"{label}, AP = {curves.average_precision(counts):.3f}",
    )
    positives = float(counts.tp[-1] + counts.fn[-1])
    total = positives + float(counts.fp[-1] + counts.tn[-1])
    ax.axhline(positives / total, color="#999999", linestyle="--", linewidth=1, label="_baseline")
    if choice is not None:
        c = _counts_at(choice)
        _mark(ax, float(measures.recall(c)[0]), float(measures.precision(c)[0]), choice)
    _finish(ax, "Recall (sensitivity)", "Precision (PPV)")
    ax.set_title("Precision-recall curve")
    ax.legend(loc="lower left", fontsize="small")
    return ax
