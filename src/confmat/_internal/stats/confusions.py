"""Which classes a model confuses with which: ranked off-diagonal cells and confusion orders.

C[i, j] counts samples of true class i predicted as class j; the off-diagonal cells (i != j)
are the confusions. Everything here is a pure function of the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import torch

from confmat._internal.core import checks, sparse

ConfusionRank = Literal["count", "rate"]
"""How confusions are ranked: by their count, or by their rate within the true class."""

_OPTIMAL_ORDER_MAX = 300
"""Up to this many classes the leaf order is optimised (its cost grows fast with C)."""


class ConfusedPair(NamedTuple):
    """One off-diagonal cell: samples of class ``true`` predicted as class ``pred``.

    ``rate`` is ``count`` divided by the support of ``true`` (its row sum): the share of that
    class's samples that went to ``pred``.

    Examples:
        >>> ConfusedPair(true="cat", pred="dog", count=4, rate=0.08)
        ConfusedPair(true='cat', pred='dog', count=4, rate=0.08)
    """

    true: str
    pred: str
    count: int | float  # type: ignore[assignment]  # the field shadows tuple.count
    rate: float


def most_confused(
    counts: torch.Tensor | sparse.Cells,
    classes: Sequence[str],
    k: int | None = 10,
    by: ConfusionRank = "count",
) -> list[ConfusedPair]:
    """The ``k`` largest off-diagonal cells, largest first; cells of zero are left out.

    Args:
        counts: the ``(C, C)`` counts, rows true, columns predicted.
        classes: the class names, one per row.
        k: how many pairs at most; ``None`` for every non-zero off-diagonal cell.
        by: ``"count"`` ranks by count (ties by rate), ``"rate"`` by the share of the true
            class (ties by count); remaining ties keep row-major order.

    Returns:
        The pairs as :class:`ConfusedPair`, ``(true, pred, count, rate)``.

    Raises:
        OptionError: if ``k`` is not a positive integer or ``by`` is unknown.

    Examples:
        >>> counts = torch.tensor([[8, 2, 0], [1, 3, 6], [0, 0, 5]])
        >>> for pair in most_confused(counts, ["a", "b", "c"], k=2):
        ...     print(pair.true, pair.pred, pair.count, pair.rate)
        b c 6 0.6
        a b 2 0.2
        >>> [(p.true, p.pred) for p in most_confused(counts, ["a", "b", "c"], by="rate")]
        [('b', 'c'), ('a', 'b'), ('b', 'a')]
    """
    limit = None if k is None else checks.check_positive_count(k, "k")
    checks.check_option_choice(by, ("count", "rate"), "by")
    rows, cols, values, rates = _ranked_cells(counts, by, limit)
    as_count = float if counts.is_floating_point() else int
    return [
        ConfusedPair(classes[i], classes[j], as_count(c), float(r))
        for i, j, c, r in zip(
            rows.tolist(), cols.tolist(), values.tolist(), rates.tolist(), strict=True
        )
    ]


def _ranked_cells(
    counts: torch.Tensor | sparse.Cells, by: str, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns, counts and rates of the non-zero off-diagonal cells, best first.

    With ``limit``, only the first ``limit``: the cells whose primary key reaches the
    ``limit``-th largest (ties included) are sorted, the others never are.
    """
    c = sparse.cells(counts if isinstance(counts, sparse.Cells) else counts.detach().cpu())
    rows, cols = c.rows.cpu().numpy(), c.cols.cpu().numpy()  # row-major: the last tie-break
    values = c.values.to(torch.float64).cpu().numpy()
    support = c.row_sums().to(torch.float64).cpu().numpy()
    rates = values / support[rows]  # support > 0 wherever a cell is non-zero
    primary, secondary = (values, rates) if by == "count" else (rates, values)
    if limit is not None and limit < primary.size:
        kth = np.partition(primary, primary.size - limit)[primary.size - limit]
        candidates = np.flatnonzero(primary >= kth)  # still in row-major order
        rows, cols, values, rates = (a[candidates] for a in (rows, cols, values, rates))
        primary, secondary = primary[candidates], secondary[candidates]
    order = np.lexsort((-secondary, -primary))[:limit]  # stable: ties keep row-major order
    return rows[order], cols[order], values[order], rates[order]


def confused_cells(counts: torch.Tensor) -> int:
    """How many off-diagonal cells are not zero: the pairs ``most_confused(k=None)`` lists.

    O(C) on a (coalesced) sparse matrix: its stored cells less its non-zero diagonal.

    Examples:
        >>> counts = torch.tensor([[8, 2, 0], [1, 3, 6], [0, 0, 5]])
        >>> confused_cells(counts), confused_cells(counts.to_sparse())
        (3, 3)
    """
    if counts.is_sparse:
        m = counts.coalesce()
        rows, cols = m.indices()
        return int(((rows != cols) & (m.values() != 0)).sum())
    off = counts != 0
    return int(off.sum() - off.diagonal().sum())


def most_confused_classes(counts: torch.Tensor, k: int) -> list[int]:
    """Indices of the ``k`` classes most involved in confusions, in class order.

    Classes are taken from the most confused pairs (by count) in turn; if fewer than ``k``
    classes are ever confused, the rest are filled by their total errors (row and column),
    then by class order.

    Examples:
        >>> counts = torch.tensor([[9, 0, 0, 1], [0, 9, 0, 0], [0, 5, 4, 0], [0, 0, 0, 9]])
        >>> most_confused_classes(counts, 2), most_confused_classes(counts, 3)
        ([1, 2], [0, 1, 2])
    """
    size = counts.shape[0]
    k = min(checks.check_positive_count(k, "top"), size)
    limit = 4 * k
    while True:  # the best pairs until k classes are among them (or every pair is)
        rows, cols, _, _ = _ranked_cells(counts, "count", limit)
        sequence = np.stack([rows, cols], axis=1).reshape(-1)
        seen, first = np.unique(sequence, return_index=True)
        if seen.size >= k or rows.size < limit:
            break
        limit *= 4
    chosen = seen[np.argsort(first, kind="stable")][:k]
    if chosen.size < k:
        c = sparse.cells(counts.detach().cpu())
        errors = (c.row_sums() + c.col_sums() - 2 * c.diagonal).to(torch.float64).numpy()
        rest = np.setdiff1d(np.arange(size), chosen)
        rest = rest[np.argsort(-errors[rest], kind="stable")]
        chosen = np.concatenate([chosen, rest[: k - chosen.size]])
    return sorted(int(i) for i in chosen)


def confusion_order(counts: torch.Tensor) -> list[int]:
    """An order of the classes that puts classes confused with each other side by side.

    The similarity of classes i and j is ``R[i, j] + R[j, i]`` where ``R`` is the matrix
    normalized by true class (rows with no samples count as 0); the order is the leaf order of
    an average-linkage hierarchical clustering of ``1 - similarity / max(similarity)``.

    Examples:
        >>> confusion_order(torch.tensor([[9, 0, 1, 0], [0, 9, 0, 1], [1, 0, 9, 0], [0, 1, 0, 9]]))
        [0, 2, 3, 1]
    """
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    size = counts.shape[0]
    if size < 3:
        return list(range(size))
    matrix = counts.detach().to("cpu", torch.float64).numpy()
    support = matrix.sum(axis=1, keepdims=True)
    rates = np.divide(matrix, support, out=np.zeros_like(matrix), where=support > 0)
    similarity = rates + rates.T
    np.fill_diagonal(similarity, 0.0)
    top = similarity.max()
    if top <= 0:
        return list(range(size))
    distance = 1.0 - similarity / top
    np.fill_diagonal(distance, 0.0)
    tree = linkage(
        squareform(distance, checks=False),
        method="average",
        optimal_ordering=size <= _OPTIMAL_ORDER_MAX,
    )
    return [int(i) for i in leaves_list(tree)]
