"""The chunk buffer of :class:`stream.multilabel.MultilabelAccumulator`.

Small batches wait here until :data:`~core.multilabel_kernels.CHUNK` rows are
together, then are checked and counted as one block (one matrix product per chunk).
"""

from __future__ import annotations

import torch

from confmat._internal.core import multilabel_kernels as kernels


class Chunk:
    """A fixed buffer of :data:`~core.multilabel_kernels.CHUNK` rows of small batches.

    Targets are copied as bools (with which rows held a value other than 0/1), predictions
    raw; :meth:`take` hands the filled rows on to be checked and counted as one block.
    """

    def __init__(self, true: torch.Tensor, pred: torch.Tensor) -> None:
        shape, device = (kernels.CHUNK, true.shape[1]), true.device
        self.true = torch.empty(shape, dtype=torch.bool, device=device)
        self.bad_true = torch.zeros(kernels.CHUNK, dtype=torch.bool, device=device)
        self.pred = torch.empty(shape, dtype=pred.dtype, device=device)
        self.weight = torch.ones(kernels.CHUNK, dtype=torch.float64, device=device)
        self.filled = 0
        self.weighted = False  # some row of this chunk carries a sample weight

    def holds(self, pred: torch.Tensor) -> bool:
        """Whether the predictions have this buffer's dtype."""
        return self.pred.dtype == pred.dtype

    def put(
        self,
        true: torch.Tensor,
        pred: torch.Tensor,
        weight: torch.Tensor | None,
        bad_true: torch.Tensor | None,
        offset: int,
    ) -> int:
        """Copy the head of ``true``/``pred`` (rows ``offset:`` of the batch); rows taken."""
        rows = min(true.shape[0], kernels.CHUNK - self.filled)
        end = self.filled + rows
        self.true[self.filled : end] = true[:rows]  # non-zero is true
        self.pred[self.filled : end] = pred[:rows]
        if bad_true is not None:
            self.bad_true[self.filled : end] = bad_true[offset : offset + rows]
        if weight is not None:
            self.weight[self.filled : end] = weight[offset : offset + rows]
            self.weighted = True
        self.filled = end
        return rows

    def take(
        self,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """The filled rows ``(true, pred, weight or None, bad_true)``; the buffer is emptied."""
        rows, self.filled = self.filled, 0
        weight = None
        if self.weighted:  # rows of unweighted batches weigh 1
            weight = self.weight[:rows].clone()
            self.weight.fill_(1.0)
            self.weighted = False
        return self.true[:rows], self.pred[:rows], weight, self.bad_true[:rows]
