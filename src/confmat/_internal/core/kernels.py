"""Counting kernels: class indices in, a ``(C, C)`` matrix out. They trust their input.

C[i, j] is the number (or total weight) of samples of true class i predicted as class j.
"""

from __future__ import annotations

import numpy as np
import torch


def confusion_counts(
    true: torch.Tensor,
    pred: torch.Tensor,
    num_classes: int,
    weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """Count index pairs into a ``(C, C)`` matrix on the inputs' device.

    Args:
        true: int64 true class indices, shape ``(N,)``, values in ``[0, C)``.
        pred: int64 predicted class indices, shape ``(N,)``, values in ``[0, C)``.
        num_classes: C.
        weight: optional float64 sample weights ``(N,)``.

    Returns:
        int64 counts (float64 with weights), shape ``(C, C)``, rows true, columns predicted.

    Examples:
        >>> confusion_counts(torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1]), 2)
        tensor([[1, 0],
                [1, 1]])
    """
    if true.device.type == "cpu":
        return _numpy_counts(true, pred, num_classes, weight)
    flat = true * num_classes + pred
    cells = num_classes * num_classes
    if weight is None:
        # Integer bincount is deterministic on every device.
        return torch.bincount(flat, minlength=cells).reshape(num_classes, num_classes)
    # index_put_ with accumulate has a deterministic implementation, bincount with weights not.
    out = torch.zeros(cells, dtype=torch.float64, device=true.device)
    out.index_put_((flat,), weight.to(torch.float64), accumulate=True)
    return out.reshape(num_classes, num_classes)


def _numpy_counts(
    true: torch.Tensor, pred: torch.Tensor, num_classes: int, weight: torch.Tensor | None
) -> torch.Tensor:
    """CPU path: numpy's bincount is about twice as fast as torch's on one core."""
    flat = true.numpy() * num_classes
    flat += pred.numpy()
    weights = None if weight is None else weight.numpy()
    counts = np.bincount(flat, weights=weights, minlength=num_classes * num_classes)
    dtype = np.int64 if weight is None else np.float64
    return torch.from_numpy(counts.astype(dtype, copy=False).reshape(num_classes, num_classes))
