"""Figures: the heatmap of a matrix, ROC and precision-recall curves, and saving them.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> from confmat.show import heatmap
    >>> display = heatmap(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]))
    >>> display.classes
    ('no', 'yes')
"""

from __future__ import annotations

from confmat._internal.show.curves import precision_recall, roc
from confmat._internal.show.figures import close, save
from confmat._internal.show.heatmap import HeatmapDisplay, heatmap

__all__ = ["HeatmapDisplay", "close", "heatmap", "precision_recall", "roc", "save"]
