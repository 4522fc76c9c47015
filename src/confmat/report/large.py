"""Reports of many classes: which classes the per-class table shows, and what it leaves out.

Above :data:`LARGE_CLASSES` classes a table of every class is unreadable (and a million rows
long), so a report lists the :data:`SHOWN_CLASSES` classes of lowest recall, says so, and
describes all classes by the distribution of their recall and precision. Nothing is dropped
from the JSON document (``to_dict()``), which keeps every class.

Examples:
    >>> import torch
    >>> from confmat import ConfusionMatrix
    >>> cm = ConfusionMatrix(torch.eye(300, dtype=torch.int64) * 4 + 1)
    >>> shown_classes(cm)[:3].tolist(), len(shown_classes(cm))
    ([0, 1, 2], 50)
"""

from __future__ import annotations

import torch

from confmat.core.types import MatrixLike
from confmat.report.findings import Finding

LARGE_CLASSES = 200
"""Above this many classes, a report's per-class table shows only the worst classes."""

SHOWN_CLASSES = 50
"""How many classes (lowest recall first) the per-class table of a large report shows."""

CUTS = (0.25, 0.5, 0.75)
"""The recall and precision levels whose share of classes below them a large report states."""


def shown_classes(cm: MatrixLike) -> torch.Tensor:
    """Indices of the classes a report's table shows: every class, or the worst when many.

    The worst are the classes with samples of lowest recall (more samples first among equal
    recall), then classes without samples, by how often they are predicted.
    """
    size = cm.num_classes
    if size <= LARGE_CLASSES:
        return torch.arange(size)
    counts = cm.class_counts
    recall = cm.per_class("recall").nan_to_num(2.0)  # undefined: after every defined recall
    # one stable sort by recall, support descending inside equal recall (a two-key sort)
    by_support = torch.argsort(-(counts.support + counts.predicted), stable=True)
    order = by_support[torch.argsort(recall[by_support], stable=True)]
    return order[:SHOWN_CLASSES]


def left_out(cm: MatrixLike, shown: int) -> list[Finding]:
    """Findings saying what a large report's table leaves out, and how all classes fare."""
    size = cm.num_classes
    if size <= LARGE_CLASSES:
        return []
    notes = [
        Finding(
            "info",
            "classes-left-out",
            f"The per-class table shows the {shown} classes of lowest recall of {size:,}; "
            f"the other {size - shown:,} are left out here (the JSON document has every class).",
        )
    ]
    for name, among in (("recall", "with samples"), ("precision", "ever predicted")):
        values = cm.per_class(name)
        values = values[~torch.isnan(values)]
        if values.numel() == 0:
            continue
        shares = ", ".join(
            f"{float((values < cut).double().mean()):.0%} below {cut:g}" for cut in CUTS
        )
        notes.append(
            Finding(
                "info",
                f"{name}-distribution",
                f"{name.capitalize()} of the {values.numel():,} classes {among}: {shares} "
                f"(median {float(values.median()):.3f}, lowest {float(values.min()):.3f}).",
            )
        )
    return notes
