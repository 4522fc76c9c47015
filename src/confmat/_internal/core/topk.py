"""Top-k: whether each sample's true class is among its k highest scores, with one tie rule.

The rank of the true class y of a sample with scores s is

    rank = #{j : s_j > s_y} + #{j < y : s_j == s_y}

that is, classes are ordered by decreasing score and, at equal scores, by increasing class
index (the rule of ``argmax``, which takes the first maximum, so top-1 is the argmax). The
sample is a top-k hit iff ``rank < k``. Computed with two comparisons per score, no sort.

scikit-learn's ``top_k_accuracy_score`` breaks ties the other way (a stable ascending sort,
reversed, puts the *higher* index first); both agree whenever the true class's score is not
tied with a competitor at the k-th place. ``torch.topk`` documents no tie order at all.
"""

from __future__ import annotations

import torch

from confmat._internal.core import checks as v
from confmat.exceptions import OptionError, ShapeError


def check_scores(scores: object) -> torch.Tensor:
    """Float scores ``(N, C)`` with C >= 2, finite.

    Examples:
        >>> check_scores([[0.2, 0.8]]).shape
        torch.Size([1, 2])
    """
    values = v.as_values(scores, "y_score")
    if not v.is_float(values) or values.ndim != 2 or values.shape[1] < 2:
        shape = tuple(values.shape)
        raise ShapeError(
            f"y_score must be float scores of shape (N, C) with C >= 2, got {shape}",
            argument="y_score",
        )
    v.check_finite_scores(values, "y_score")
    return values


def check_k(k: object, num_classes: int) -> int:
    """``k`` must be a whole number in ``[1, C]``.

    Examples:
        >>> check_k(5, 10)
        5
    """
    k = v.check_positive_count(k, "k")
    if k > num_classes:
        raise OptionError(
            f"k must be at most the number of classes ({num_classes}), got {k}", argument="k"
        )
    return k


def true_rank(scores: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    """The 0-based rank ``(N,)`` of each sample's true class under the tie rule above.

    Examples:
        >>> true_rank(torch.tensor([[0.5, 0.5, 0.1], [0.5, 0.5, 0.9]]), torch.tensor([1, 0]))
        tensor([1, 1])
    """
    own = scores.gather(1, true[:, None])
    index = torch.arange(scores.shape[1], device=scores.device)
    before = (scores > own) | ((scores == own) & (index[None, :] < true[:, None]))
    return before.sum(dim=1)


def hits(scores: torch.Tensor, true: torch.Tensor, k: int) -> torch.Tensor:
    """Whether each sample's true class is among its top ``k`` ``(N,)`` (bool).

    Examples:
        >>> hits(torch.tensor([[0.1, 0.6, 0.3]]), torch.tensor([2]), 2).tolist()
        [True]
    """
    return true_rank(scores, true) < k
