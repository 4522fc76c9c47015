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

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import torch

from confmat._internal.core.types import MatrixLike
from confmat._internal.report.findings import Finding

LARGE_CLASSES = 200
"""Above this many classes, a report's per-class table shows only the worst classes."""

SHOWN_CLASSES = 50
"""How many classes (lowest recall first) the per-class table of a large report shows."""

BINS = 10
"""A large report counts the classes' recall and precision in this many bins of [0, 1]."""

EDGES = tuple(np.linspace(0.0, 1.0, BINS + 1).tolist())
"""The bins' edges, as ``numpy.histogram(values, BINS, (0, 1))`` has them: every bin is
half-open ``[lo, hi)`` but the last, ``[0.9, 1]``, which holds 1."""

DISTRIBUTED = {"recall": "no samples", "precision": "never predicted"}
"""The statistics whose distribution over the classes a large report shows, and why a class
has none."""


@dataclass(frozen=True)
class Distribution:
    """How many classes have a statistic in each bin of :data:`EDGES`.

    ``counts[b]`` classes have a value in bin ``b``; ``undefined`` classes have none (NaN:
    ``why``); ``below_half`` of the defined values are below 0.5; ``classes`` counts every
    class, defined or not.

    Examples:
        >>> d = distribution("recall", torch.tensor([0.0, 0.5, 1.0, float("nan")]))
        >>> d.counts, d.undefined, d.below_half
        ((1, 0, 0, 0, 0, 1, 0, 0, 0, 1), 1, 1)
        >>> d.sentence()
        '1 of 4 classes have recall below 0.5 (1 has none: no samples).'
    """

    statistic: str
    counts: tuple[int, ...]
    undefined: int
    below_half: int
    classes: int
    why: str

    def sentence(self) -> str:
        """The sentence "N of C classes have <statistic> below 0.5", and how many have none."""
        text = f"{self.below_half:,} of {self.classes:,} classes have {self.statistic} below 0.5"
        if self.undefined:
            verb = "has" if self.undefined == 1 else "have"
            text += f" ({self.undefined:,} {verb} none: {self.why})"
        return text + "."

    def bins(self) -> list[tuple[str, int]]:
        """``(label, count)`` per bin: ``"0.0-0.1"`` .. ``"0.9-1.0"``, then ``"undefined"``."""
        labels = [f"{lo:.1f}-{hi:.1f}" for lo, hi in pairwise(EDGES)]
        return [*zip(labels, self.counts, strict=True), ("undefined", self.undefined)]


def distribution(statistic: str, values: torch.Tensor) -> Distribution:
    """Count per-class ``values`` in [0, 1] (NaN: undefined) into the bins of :data:`EDGES`.

    The counts are ``numpy.histogram(defined, BINS, (0, 1))``'s: a value on an inner edge
    goes to the bin it starts, 1 to the last bin.
    """
    array = values.detach().cpu().numpy().astype(np.float64, copy=False)
    defined = array[~np.isnan(array)]
    bin_of = np.searchsorted(np.asarray(EDGES), defined, side="right") - 1
    counts = np.bincount(np.minimum(bin_of, BINS - 1), minlength=BINS)
    return Distribution(
        statistic,
        tuple(int(c) for c in counts),
        int(array.size - defined.size),
        int(np.count_nonzero(defined < 0.5)),
        int(array.size),
        DISTRIBUTED.get(statistic, "undefined"),
    )


def distributions(cm: MatrixLike) -> tuple[Distribution, ...]:
    """The distributions of recall and precision over the classes of a large matrix (else none)."""
    if cm.num_classes <= LARGE_CLASSES:
        return ()
    return tuple(distribution(name, cm.per_class(name)) for name in DISTRIBUTED)


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
        whole = distribution(name, cm.per_class(name))
        notes.append(
            Finding(
                "info",
                f"{name}-distribution",
                f"{whole.sentence()} {name.capitalize()} of the {values.numel():,} classes "
                f"{among}: median {float(values.median()):.3f}, lowest {float(values.min()):.3f}.",
            )
        )
    return notes
