"""Which kept samples a report shows: errors first, a few per cell, a bounded number in all.

A report cannot carry every kept sample (100 classes with 8 kept per cell are 80,000 images), so
it shows as many cells as it can, those that matter most first. The off-diagonal cells (errors)
come first: round after round, one more sample (the next highest loss) of each, the cells of
most samples first; then the diagonal cells in the same way; at most ``per_cell`` rounds and
``limit`` samples in all. So a large matrix shows one sample of each of its most frequent errors
before a second of any. Pure tensor code: no loop over samples or cells.
"""

from __future__ import annotations

import torch

REPORT_PER_CELL = 8
"""Samples a report shows per cell, at most."""

REPORT_LIMIT = 400
"""Samples a report shows in all, at most (about 1 MB of small thumbnails)."""


def report_rows(
    cells: torch.Tensor, losses: torch.Tensor, counts: torch.Tensor, per_cell: int, limit: int
) -> torch.Tensor:
    """Positions of the rows to show, in display order.

    Args:
        cells: (N,) the cell of each kept row, ``true * C + pred``.
        losses: (N,) the loss of each kept row.
        counts: (C, C) the confusion matrix (rows true, columns predicted).
        per_cell: at most this many rows per cell.
        limit: at most this many rows in all.

    Returns:
        (M,) int64 positions into the rows: errors before correct cells; then by round (the
        k-th highest loss of its cell); then by the cell's count, most first (ties by cell).

    Examples:
        >>> counts = torch.tensor([[5, 2], [1, 4]])
        >>> cells = torch.tensor([0, 1, 1, 2, 3])
        >>> losses = torch.tensor([0.1, 0.5, 0.9, 0.7, 0.2])
        >>> report_rows(cells, losses, counts, per_cell=1, limit=10).tolist()  # 0->1 first
        [2, 3, 0, 4]
        >>> report_rows(cells, losses, counts, per_cell=2, limit=10).tolist()
        [2, 3, 1, 0, 4]
        >>> report_rows(cells, losses, counts, per_cell=2, limit=2).tolist()
        [2, 3]
    """
    size = counts.shape[0]
    flat = counts.reshape(-1).to(torch.float64).cpu()
    errors = torch.ones(size * size, dtype=torch.bool)
    errors[:: size + 1] = False
    priority = flat + errors * (flat.max() + 1)  # every error cell before every correct one
    by_priority = torch.sort(priority, descending=True, stable=True).indices
    rank = torch.empty_like(by_priority)
    rank[by_priority] = torch.arange(size * size)
    by_loss = torch.sort(losses.cpu(), descending=True, stable=True).indices
    ordered = by_loss[torch.sort(rank[cells.cpu()][by_loss], stable=True).indices]
    ranks = rank[cells.cpu()][ordered]
    positions = torch.arange(ranks.shape[0])
    first = torch.ones_like(ranks, dtype=torch.bool)
    first[1:] = ranks[1:] != ranks[:-1]
    start = torch.cummax(torch.where(first, positions, 0), dim=0).values
    rounds = positions - start
    kept = rounds < per_cell
    correct = ~errors[cells.cpu()][ordered]
    key = correct * per_cell + rounds  # errors round by round, then correct cells likewise
    by_round = torch.sort(key[kept], stable=True).indices
    return ordered[kept][by_round][:limit]
