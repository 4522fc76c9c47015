"""Top-k evaluation of multiclass scores: accuracy, per-class recall and the top-k confusion.

A sample is a top-k hit when its true class is among its k highest scores, ties broken by the
lower class index (:mod:`core.topk`; top-1 is the argmax). The top-k confusion counts,
over the samples whose true class is *not* in their top k, the true class (rows) against the
top-1 prediction (columns): what the model put first when even k guesses missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from confmat._internal.core import checks, codes, encode
from confmat._internal.core import topk as core
from confmat._internal.core.kernels import confusion_counts
from confmat._internal.core.types import ZeroDivision
from confmat._internal.results.document import json_number
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stats import measures
from confmat.exceptions import ShapeError


class TopK:
    """Top-k results of multiclass scores (see :func:`top_k`).

    Attributes:
        k: how many guesses count.
        classes: the class names, one per score column.
        hits: per true class, the samples (or weight) whose true class is in the top k ``(C,)``.
        support: per true class, the samples (or weight) ``(C,)``.
        misses: the top-k confusion, a :class:`~confmat.ConfusionMatrix` of true class against
            top-1 prediction over the samples that are not top-k hits.
    """

    __slots__ = ("_zero_division", "classes", "hits", "k", "misses", "support")

    def __init__(
        self,
        k: int,
        hits: torch.Tensor,
        support: torch.Tensor,
        misses: ConfusionMatrix,
        zero_division: ZeroDivision = "nan",
    ) -> None:
        self.k = k
        self.classes = misses.classes
        self.hits, self.support, self.misses = hits, support, misses
        self._zero_division = checks.check_zero_division(zero_division)

    @property
    def accuracy(self) -> float:
        """Share (weight) of samples whose true class is among their top k (NaN if none)."""
        total = float(self.support.sum())
        return float(self.hits.sum()) / total if total > 0 else float("nan")

    @property
    def per_class_recall(self) -> torch.Tensor:
        """Per true class, the share of its samples with the class in their top k ``(C,)``."""
        return measures.safe_divide(
            self.hits.to(torch.float64),
            self.support.to(torch.float64),
            self._zero_division,
            "top-k recall",
        )

    @property
    def balanced_accuracy(self) -> float:
        """The mean of :attr:`per_class_recall` over the classes present ("macro" top-k)."""
        return float(torch.nanmean(self.per_class_recall))

    def to_dict(self) -> dict[str, Any]:
        """The top-k part of a JSON document (NaN is null).

        Examples:
            >>> top_k([0, 1], [[0.5, 0.4, 0.1], [0.1, 0.2, 0.7]], k=2).to_dict()["accuracy"]
            1.0
        """
        recall = self.per_class_recall.tolist()
        return {
            "k": self.k,
            "accuracy": json_number(self.accuracy),
            "balanced_accuracy": json_number(self.balanced_accuracy),
            "per_class": {
                name: {"support": s, "hits": h, "recall": json_number(r)}
                for name, s, h, r in zip(
                    self.classes, self.support.tolist(), self.hits.tolist(), recall, strict=True
                )
            },
            "misses": self.misses.counts.tolist(),
        }

    def __repr__(self) -> str:
        return f"TopK(k={self.k}, accuracy={self.accuracy:.4f}, classes={len(self.classes)})"


def top_k(
    y_true: object,
    y_score: object,
    k: int = 5,
    classes: Sequence[Any] | None = None,
    sample_weight: object = None,
    *,
    num_classes: int | None = None,
    ignore_index: int | str | None = None,
    from_logits: bool = False,
    positive: object = None,
    zero_division: ZeroDivision = "nan",
) -> TopK:
    """Top-k accuracy, per-class top-k recall and the top-k confusion of ``(N, C)`` scores.

    The options mean what they mean in :meth:`ConfusionMatrix.from_predictions`; score column
    j is label j (with class names, ``classes[j]``).

    Args:
        y_true: true labels ``(N,)``: integers (column j is label j; with classes that are
            label values, looked up by value) or strings (with ``classes``, one per column).
        y_score: scores ``(N, C)`` (logits or probabilities: only their order matters).
        k: a sample is a hit when its true class is among its ``k`` highest scores; at equal
            scores the lower column ranks first (top-1 is the argmax).
        classes: the classes of the columns (default ``"0"`` .. ``"C-1"``).
        sample_weight: non-negative weights ``(N,)``; counts become float64 sums.
        num_classes: C, which must be the scores' width.
        ignore_index: samples with this true label are left out.
        from_logits: the scores are logits (the ranks are the same either way).
        positive: the positive class of a two-class ``misses`` matrix.
        zero_division: the per-class recall of a class without samples (default NaN).

    Raises:
        ConfmatError: for invalid labels, scores, weights, shapes or ``k``.

    Examples:
        >>> scores = [[0.5, 0.2, 0.2], [0.3, 0.4, 0.2], [0.2, 0.4, 0.3], [0.7, 0.2, 0.1]]
        >>> result = top_k([0, 1, 2, 2], scores, k=2)
        >>> result.accuracy, result.per_class_recall.tolist()
        (0.75, [1.0, 1.0, 0.5])
        >>> result.misses.counts.tolist()  # the sample of class 2 missed was put first as 0
        [[0, 0, 0], [0, 0, 0], [1, 0, 0]]
    """
    scores = core.check_scores(y_score)
    width = scores.shape[1]
    if checks.check_num_classes(num_classes) not in (None, width):
        raise ShapeError(
            f"y_score has {width} score columns, but num_classes={num_classes}",
            argument="num_classes",
            value=num_classes,
        )
    k = core.check_k(k, width)
    true = checks.as_values(y_true, "y_true")
    checks.check_labels_shape(true, "y_true")
    if true.shape[0] != scores.shape[0]:
        raise ShapeError(
            f"y_score must have one row per sample: y_true has {true.shape[0]}, y_score has "
            f"{scores.shape[0]}",
            argument="y_score",
        )
    weight = None
    if sample_weight is not None:
        weight = checks.check_weights(sample_weight, true.shape[0], scores.device)
    if ignore_index is not None:
        true, scores, weight = encode.drop_ignored(true, scores, weight, ignore_index)  # type: ignore[assignment]
    checks.check_not_empty(true.shape[0])
    rows, names = encode.encode_true(true, classes, width, scores.device)
    order = codes.column_classes(names, width)  # column j -> class index
    columns = rows if order is None else torch.argsort(order.to(rows.device))[rows]
    hit = core.hits(scores, columns, k)
    top1 = encode.score_columns(scores.argmax(dim=1), names)
    # hits go to an extra column that is dropped: one counting pass, no data-dependent shape
    pred = torch.where(hit, width, top1)
    counts = confusion_counts(rows, pred, width + 1, weight)[:width]
    misses = ConfusionMatrix(
        counts[:, :width], names, positive=positive, zero_division=zero_division
    )
    return TopK(k, counts[:, width], counts.sum(dim=1), misses, zero_division)
