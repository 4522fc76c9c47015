"""Multilabel counting kernels: boolean ``(N, L)`` grids in, every count a result needs out.

They trust their input (checked by :mod:`confmat.core.multilabel`) and never read a value on
the host, so the streaming shell can call them per batch without a device sync.

What is counted, for labels ``l`` and samples ``s`` (t true, p predicted, w the sample weight):

- per label, scikit-learn's 2x2 layout ``[[tn, fp], [fn, tp]]``: ``tp[l] = sum_s w t p``, ...;
- the **co-confusion** ``M[i, j] = sum_s w [t_i and not p_i] [p_j and not t_j]``: the samples
  in which label i is missed while label j is predicted without being true ("predicted
  instead"). Its diagonal is 0; row i sums, over the misses of label i, the number of wrong
  extra labels predicted alongside; ``M = missed^T @ extra``, one matrix product;
- per-sample sums for the "samples" averages: with ``tp_s, fp_s, fn_s`` the sample's counts
  over its labels, the rows of :data:`SAMPLE_ROWS` hold ``(sum_s w value_s, sum_s w)`` over
  the samples where the value is defined (``subset_accuracy``: ``fp_s + fn_s == 0``, always
  defined; ``precision``: ``tp_s / (tp_s + fp_s)``; ``recall``: ``tp_s / (tp_s + fn_s)``;
  ``f1``: ``2 tp_s / (2 tp_s + fp_s + fn_s)``; ``jaccard``: ``tp_s / (tp_s + fp_s + fn_s)``).

Samples are processed in chunks of :data:`CHUNK` rows through float32 matrix products: sums of
0/1 values below 2^24 are exact in float32, and each chunk's integer result is added in int64
(float64 with weights).
"""

from __future__ import annotations

from typing import NamedTuple

import torch

CHUNK = 1024
"""Rows per matrix product: small enough for the blocks to stay in cache, exact in float32."""

SAMPLE_ROWS = ("subset_accuracy", "precision", "recall", "f1", "jaccard")
"""The rows of the per-sample sums, each ``(sum of w * value, sum of w)`` where defined."""


class MultilabelCounts(NamedTuple):
    """Everything counted from multilabel samples.

    Attributes:
        counts: ``(L, 2, 2)`` per-label ``[[tn, fp], [fn, tp]]``, int64 (float64 weighted).
        co_confusion: ``(L, L)``, ``M[i, j]`` = samples where i is missed and j predicted
            without being true; int64 (float64 weighted).
        sample_sums: float64 ``(5, 2)``, rows :data:`SAMPLE_ROWS`, columns (sum of weight times
            value, sum of weight) over the samples where the value is defined.
    """

    counts: torch.Tensor
    co_confusion: torch.Tensor
    sample_sums: torch.Tensor


class RunningSums(NamedTuple):
    """Float64 running sums from which :func:`finish` makes the counts (exact below 2^53).

    Attributes:
        co: ``(L, L)`` co-confusion.
        columns: ``(3 L,)`` per label: fn, then fp, then true (support).
        samples: ``(5, 2)`` the per-sample sums of :data:`SAMPLE_ROWS`.
        total: ``()`` the number (or weight) of samples.
    """

    co: torch.Tensor
    columns: torch.Tensor
    samples: torch.Tensor
    total: torch.Tensor


def zeros(num_labels: int, device: torch.device) -> RunningSums:
    """Running sums of no sample.

    Examples:
        >>> zeros(3, torch.device("cpu")).columns.shape
        torch.Size([9])
    """
    f64 = torch.float64
    return RunningSums(
        torch.zeros((num_labels, num_labels), dtype=f64, device=device),
        torch.zeros(3 * num_labels, dtype=f64, device=device),
        torch.zeros((len(SAMPLE_ROWS), 2), dtype=f64, device=device),
        torch.zeros((), dtype=f64, device=device),
    )


def add(
    sums: RunningSums, true: torch.Tensor, pred: torch.Tensor, weight: torch.Tensor | None
) -> None:
    """Add boolean ``(N, L)`` samples (and optional weights ``(N,)``) into ``sums`` in place.

    Weights may be float32 0/1 (a mask) or float64 sample weights; without them every sample
    counts once.
    """
    num_labels, device = true.shape[1], true.device
    dtype = torch.float32 if weight is None or weight.dtype == torch.float32 else torch.float64
    for start in range(0, true.shape[0], CHUNK):
        t, p = true[start : start + CHUNK], pred[start : start + CHUNK]
        rows = t.shape[0]
        if weight is None:
            w = torch.ones(rows, dtype=dtype, device=device)
        else:
            w = weight[start : start + CHUNK].to(dtype)
        block = torch.cat((t > p, p > t, t), dim=1)  # (n, 3L): missed, extra, true
        block = block.view(torch.uint8).to(dtype)  # from uint8: several times faster than bool
        missed, extra = block[:, :num_labels], block[:, num_labels : 2 * num_labels]
        sums.co.add_((missed if weight is None else missed * w[:, None]).T @ extra)
        sums.columns.add_(w @ block)
        sums.total.add_(w.sum())
        per_sample = block.view(rows, 3, num_labels).sum(2)  # (n, 3): fn, fp, true
        sums.samples.add_(_sample_sums(per_sample.double() @ _TERMS.to(device), w.double()))


_TERMS = torch.tensor(
    [
        [1.0, -1.0, -1.0, 0.0, -1.0, 0.0],  # fn
        [1.0, 0.0, 1.0, 0.0, 1.0, 1.0],  # fp
        [0.0, 1.0, 1.0, 1.0, 2.0, 1.0],  # true = tp + fn
    ],
    dtype=torch.float64,
)
"""Per sample ``(fn, fp, true) @ _TERMS`` = ``(fp + fn, tp, tp + fp, tp + fn, 2 tp + fp + fn,
tp + fp + fn)``: the exact-match test, then the numerator and the denominators of
:data:`SAMPLE_ROWS`."""

_NUMERATOR_TIMES = torch.tensor([1.0, 1.0, 2.0, 1.0], dtype=torch.float64)
"""The numerators of precision, recall, f1 and jaccard in units of tp."""


def finish(sums: RunningSums, weighted: bool) -> MultilabelCounts:
    """The counts of running sums: int64 unless ``weighted`` (then float64)."""
    fn, fp, true_sums = sums.columns.view(3, -1)
    tp = true_sums - fn
    tn = (sums.total - tp - fn - fp).clamp(min=0)  # weighted sums can round below 0
    counts = torch.stack((tn, fp, fn, tp), dim=1).reshape(-1, 2, 2)
    if not weighted:
        return MultilabelCounts(counts.round().long(), sums.co.round().long(), sums.samples)
    return MultilabelCounts(counts, sums.co.clone(), sums.samples.clone())


def count(
    true: torch.Tensor, pred: torch.Tensor, weight: torch.Tensor | None = None
) -> MultilabelCounts:
    """Count boolean ``(N, L)`` targets against boolean predictions (see the module docstring).

    Args:
        true: bool ``(N, L)`` true label indicators.
        pred: bool ``(N, L)`` predicted label indicators.
        weight: optional float64 sample weights ``(N,)``.

    Examples:
        >>> t = torch.tensor([[1, 0, 1], [0, 1, 0]]).bool()
        >>> p = torch.tensor([[1, 0, 0], [0, 1, 1]]).bool()
        >>> found = count(t, p)
        >>> found.counts[:, 1, 1].tolist(), found.co_confusion.tolist()
        ([1, 1, 0], [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        >>> count(t, torch.tensor([[1, 1, 0], [0, 1, 0]]).bool()).co_confusion[2].tolist()
        [0, 1, 0]
    """
    sums = zeros(true.shape[1], true.device)
    add(sums, true, pred, weight)
    return finish(sums, weight is not None)


def _sample_sums(terms: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """``(5, 2)``: per statistic of :data:`SAMPLE_ROWS`, (sum of w value, sum of w) if defined.

    ``terms`` is ``(n, 6)`` float64 (see :data:`_TERMS`), ``weight`` ``(n,)`` float64.
    """
    tp, denominators = terms[:, 1:2], terms[:, 2:]
    # tp <= each denominator: a ratio is 0 where its denominator is (no mask needed)
    ratios = tp * _NUMERATOR_TIMES.to(tp) / denominators.clamp(min=1)
    exact, ones = (terms[:, :1] == 0).double(), torch.ones_like(tp)
    values = torch.cat((exact, ratios, ones, (denominators > 0).double()), dim=1)  # (n, 10)
    return (weight @ values).view(2, len(SAMPLE_ROWS)).T


def samplewise_counts(
    true: torch.Tensor, pred: torch.Tensor, weight: torch.Tensor | None = None
) -> torch.Tensor:
    """Per-sample 2x2 counts ``(N, 2, 2)`` ``[[tn, fp], [fn, tp]]`` over the sample's labels.

    With weights every cell of a sample is multiplied by its weight (scikit-learn's
    ``multilabel_confusion_matrix(samplewise=True, sample_weight=...)``).

    Examples:
        >>> t = torch.tensor([[1, 0, 1]]).bool()
        >>> samplewise_counts(t, torch.tensor([[1, 1, 0]]).bool()).tolist()
        [[[0, 1], [1, 1]]]
    """
    tp = (true & pred).sum(dim=1)
    fn = (true > pred).sum(dim=1)
    fp = (pred > true).sum(dim=1)
    tn = true.shape[1] - tp - fn - fp
    counts = torch.stack((tn, fp, fn, tp), dim=1).reshape(-1, 2, 2)
    if weight is None:
        return counts
    return counts.to(torch.float64) * weight.to(torch.float64)[:, None, None]
