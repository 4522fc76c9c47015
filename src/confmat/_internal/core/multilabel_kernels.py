"""Multilabel counting kernels: boolean ``(N, L)`` grids in, every count a result needs out.

They trust their input (checked by :mod:`core.multilabel`) and never read a value on
the host, so the streaming shell can call them per batch without a device sync.

A (sample, label) cell can be *ignored* (its true indicator was ``ignore_index``): it is left
out of everything below, as if the sample did not have that label column; a sample whose every
cell is ignored is left out entirely (it counts in no per-label count, in no samples average,
not in ``n``). Each label's counts then cover the samples where its cell is counted.

What is counted, for labels ``l`` and samples ``s`` (t true, p predicted, w the sample weight):

- per label, scikit-learn's 2x2 layout ``[[tn, fp], [fn, tp]]``: ``tp[l] = sum_s w t p``, ...,
  and ``tn[l]`` the rest of the label's counted cells;
- the **co-confusion** ``M[i, j] = sum_s w [t_i and not p_i] [p_j and not t_j]``: the samples
  in which label i is missed while label j is predicted without being true ("predicted
  instead"). Its diagonal is 0; row i sums, over the misses of label i, the number of wrong
  extra labels predicted alongside; ``M = missed^T @ extra``, one matrix product;
- for the "samples" averages, each sample's ratios over its own labels (with ``tp_s, fp_s,
  fn_s`` its counts): ``subset_accuracy`` ``[fp_s + fn_s = 0] / 1``, ``precision``
  ``tp_s / (tp_s + fp_s)``, ``recall`` ``tp_s / (tp_s + fn_s)``, ``f1``
  ``2 tp_s / (2 tp_s + fp_s + fn_s)``, ``jaccard`` ``tp_s / (tp_s + fp_s + fn_s)``
  (:data:`SAMPLE_ROWS`). Every denominator ``d`` is a whole number in ``0 .. 2L``, so
  ``sum_s w_s num_s / d_s = sum_d (sum_{s: d_s = d} w_s num_s) / d``: the running sums keep, per
  ratio and per denominator, the summed (weighted) numerators and weights
  (:attr:`RunningSums.ratios`), and divide only in :func:`finish`.

Every running sum of unweighted samples is a whole number (float64, exact below 2^53), so sums
are exact and the same in any order: over batches, chunks or torch.distributed ranks. With
sample weights they are float sums, equal up to float rounding. Samples are processed in chunks
of :data:`CHUNK` rows through float32 matrix products (sums of 0/1 values below 2^24 are exact
in float32), each chunk's result added in float64.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import torch

CHUNK = 2048
"""Rows per matrix product: few enough for exact float32 sums and small buffers, enough to
spread each product's fixed cost (2048 measured faster than 1024 at L = 100)."""

SAMPLE_ROWS = ("subset_accuracy", "precision", "recall", "f1", "jaccard")
"""The ratios of the samples averages; :func:`finish` gives each ``(sum of w * value, sum of
w)`` over the samples where it is defined (denominator > 0)."""


class MultilabelCounts(NamedTuple):
    """Everything counted from multilabel samples.

    Attributes:
        counts: ``(L, 2, 2)`` per-label ``[[tn, fp], [fn, tp]]``, int64 (float64 weighted).
        co_confusion: ``(L, L)``, ``M[i, j]`` = samples where i is missed and j predicted
            without being true; int64 (float64 weighted).
        sample_sums: float64 ``(5, 2)``, rows :data:`SAMPLE_ROWS`, columns (sum of weight times
            value, sum of weight) over the samples where the value is defined.
        n: the number (int) or weight (float) of samples counted.
    """

    counts: torch.Tensor
    co_confusion: torch.Tensor
    sample_sums: torch.Tensor
    n: int | float


class RunningSums(NamedTuple):
    """Float64 running sums from which :func:`finish` makes the counts (exact below 2^53).

    Attributes:
        co: ``(L, L)`` co-confusion.
        columns: ``(3 L,)`` per label: fn, then fp, then true (support).
        ratios: ``(5, 2 L + 1, 2)``: ``[r, d]`` = (sum of w * numerator, sum of w) over the
            samples whose ratio ``SAMPLE_ROWS[r]`` has denominator ``d``.
        total: ``()`` the number (or weight) of samples (with at least one counted cell).
        cells: ``(L,)`` per label, the number (or weight) of its counted cells: ``total`` for
            every label unless cells were ignored.
    """

    co: torch.Tensor
    columns: torch.Tensor
    ratios: torch.Tensor
    total: torch.Tensor
    cells: torch.Tensor


def shapes(num_labels: int) -> tuple[tuple[int, ...], ...]:
    """The shapes of the :class:`RunningSums` of ``num_labels`` labels, in field order.

    Examples:
        >>> shapes(2)
        ((2, 2), (6,), (5, 5, 2), (), (2,))
    """
    return (
        (num_labels, num_labels),
        (3 * num_labels,),
        (len(SAMPLE_ROWS), 2 * num_labels + 1, 2),
        (),
        (num_labels,),
    )


def zeros(num_labels: int, device: torch.device) -> RunningSums:
    """Running sums of no sample.

    Examples:
        >>> zeros(3, torch.device("cpu")).columns.shape
        torch.Size([9])
    """
    return RunningSums(
        *(torch.zeros(shape, dtype=torch.float64, device=device) for shape in shapes(num_labels))
    )


class Workspace(NamedTuple):
    """Buffers one chunk is counted in, reused from chunk to chunk (no allocation per chunk).

    Attributes:
        flags: bool ``(rows, 3 L)``: missed, extra, true.
        values: float32 ``(rows, 3 L)``: the flags as numbers, for the matrix products.
        decided: bool ``(rows, L)``: room for the caller's predicted labels.
    """

    flags: torch.Tensor
    values: torch.Tensor
    decided: torch.Tensor


def workspace(num_labels: int, device: torch.device, rows: int = CHUNK) -> Workspace:
    """The buffers of :func:`add` for ``num_labels`` labels and up to ``rows`` (<= CHUNK) rows.

    Examples:
        >>> workspace(2, torch.device("cpu")).values.shape == (CHUNK, 6)
        True
    """
    shape = (rows, 3 * num_labels)
    return Workspace(
        torch.empty(shape, dtype=torch.bool, device=device),
        torch.empty(shape, dtype=torch.float32, device=device),
        torch.empty((rows, num_labels), dtype=torch.bool, device=device),
    )


def add(
    sums: RunningSums,
    true: torch.Tensor,
    pred: torch.Tensor,
    weight: torch.Tensor | None = None,
    keep: torch.Tensor | None = None,
    space: Workspace | None = None,
    ignored: torch.Tensor | None = None,
) -> None:
    """Add boolean ``(N, L)`` samples into ``sums`` in place.

    Args:
        sums: the running sums.
        true: ``(N, L)`` true label indicators (bool, or numbers: non-zero is true).
        pred: bool ``(N, L)`` predicted label indicators.
        weight: float64 sample weights ``(N,)`` (default: every sample counts once).
        keep: bool ``(N,)``: the samples to count (default: all); the others count nowhere.
        space: buffers to reuse (see :func:`workspace`).
        ignored: bool ``(N, L)``: the cells left out (default: none).
    """
    num_labels = true.shape[1]
    space = space or workspace(num_labels, true.device, min(CHUNK, true.shape[0]))
    for start in range(0, true.shape[0], CHUNK):
        t, p = true[start : start + CHUNK], pred[start : start + CHUNK]
        rows = t.shape[0]
        flags = space.flags[:rows]
        flags[:, 2 * num_labels :] = t  # non-zero is true
        t = flags[:, 2 * num_labels :]
        counted = None
        if ignored is not None:  # an ignored cell is neither true, predicted, missed nor extra
            counted = ~ignored[start : start + CHUNK]
            t.logical_and_(counted)
            p = p & counted
        torch.gt(t, p, out=flags[:, :num_labels])  # missed
        torch.gt(p, t, out=flags[:, num_labels : 2 * num_labels])  # extra
        w = None if weight is None else weight[start : start + CHUNK]
        if keep is not None:  # refused rows weigh 0 (a float32 0/1 mask keeps counts exact)
            k = keep[start : start + CHUNK]
            w = k.to(torch.float32) if w is None else torch.where(k, w, 0.0)
        if counted is not None:  # a sample without a counted cell weighs 0
            some = counted.any(dim=1)
            w = some.to(torch.float32) if w is None else torch.where(some, w, 0.0)
        if weight is None:
            block = space.values[:rows]
            block.copy_(flags.view(torch.uint8))  # from uint8: several times faster than bool
        else:
            block = flags.view(torch.uint8).to(torch.float64)
        _add_block(sums, block, w, counted)


def _add_block(
    sums: RunningSums,
    block: torch.Tensor,
    weight: torch.Tensor | None,
    counted: torch.Tensor | None,
) -> None:
    """Add one chunk's ``(n, 3 L)`` float 0/1 block (missed, extra, true), scaled in place.

    ``weight``: ``(n,)`` in the block's dtype: a 0/1 mask or sample weights, or None (then
    ``counted`` is None too); ``counted``: bool ``(n, L)``, the cells counted (None: all).
    """
    rows, num_labels = block.shape[0], block.shape[1] // 3
    per_sample = block.view(rows, 3, num_labels).sum(2)  # (n, 3): fn, fp, true
    _add_ratios(sums.ratios, per_sample, None if weight is None else weight.double())
    missed, extra = block[:, :num_labels], block[:, num_labels : 2 * num_labels]
    if weight is None:
        sums.columns.add_(block.sum(0))
        sums.total.add_(rows)
        sums.cells.add_(rows)
    else:
        sums.columns.add_(block.T @ weight)  # matrix-vector: faster than weight @ block
        total = weight.sum()
        sums.total.add_(total)
        if counted is None:
            sums.cells.add_(total)
        else:  # the total where a label has no ignored cell (the same bits as without)
            kept = counted.to(block.dtype)
            left_out = (1 - kept).T @ weight
            sums.cells.add_(torch.where(left_out > 0, kept.T @ weight, total))
        missed.mul_(weight[:, None])  # the block is a buffer: scaled in place, used no more
    sums.co.add_(missed.T @ extra)


_TERMS = (
    (1.0, -1.0, -1.0, -2.0, -1.0, 0.0, -1.0, 0.0, -1.0, 0.0),  # fn
    (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0),  # fp
    (0.0, 1.0, 1.0, 2.0, 1.0, 0.0, 1.0, 1.0, 2.0, 1.0),  # true = tp + fn
)
"""Per sample ``(fn, fp, true) @ _TERMS`` = the numerators ``(fp + fn, tp, tp, 2 tp, tp)``
(the first becomes ``[fp + fn = 0]``) and the denominators ``(0, tp + fp, tp + fn,
2 tp + fp + fn, tp + fp + fn)`` of :data:`SAMPLE_ROWS` (subset accuracy's 1 is its offset)."""


def _add_ratios(
    ratios: torch.Tensor, per_sample: torch.Tensor, weight: torch.Tensor | None
) -> None:
    """Scatter each sample's numerators (and weight) by ratio and denominator into ``ratios``."""
    rows, count_of = per_sample.shape[0], len(SAMPLE_ROWS)
    terms_matrix, offsets = _constants(per_sample.device, per_sample.dtype, ratios.shape[1])
    terms = per_sample @ terms_matrix
    index = terms[:, count_of:].long() + offsets  # (n, 5) flat positions in ratios
    values = torch.empty((rows, count_of, 2), dtype=torch.float64, device=per_sample.device)
    values[..., 0] = terms[:, :count_of]
    values[:, 0, 0] = terms[:, 0] == 0
    if weight is None:
        values[..., 1] = 1.0
    else:
        w = weight[:, None]
        values[..., 0] *= w
        values[..., 1] = w
    ratios.view(-1, 2).index_add_(0, index.view(-1), values.view(-1, 2))


@functools.lru_cache(maxsize=16)
def _constants(
    device: torch.device, dtype: torch.dtype, width: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """:data:`_TERMS` and each ratio's offset in the flat ``ratios``, made once per device."""
    offsets = torch.arange(len(SAMPLE_ROWS), device=device) * width
    offsets[0] += 1  # subset accuracy: denominator 1
    return torch.tensor(_TERMS, dtype=dtype, device=device), offsets


def finish(sums: RunningSums, weighted: bool) -> MultilabelCounts:
    """The counts of running sums: int64 unless ``weighted`` (then float64).

    The samples averages' sums are ``sum_d numerators[d] / d`` over ``d >= 1``, computed on the
    CPU in one fixed order: the same sums give the same bits in every process.
    """
    fn, fp, true_sums = sums.columns.view(3, -1)
    tp = true_sums - fn
    tn = (sums.cells - tp - fn - fp).clamp(min=0)  # weighted sums can round below 0
    counts = torch.stack((tn, fp, fn, tp), dim=1).reshape(-1, 2, 2)
    ratios = sums.ratios.detach().to("cpu", torch.float64)[:, 1:]
    denominators = torch.arange(1, ratios.shape[1] + 1, dtype=torch.float64)
    sample_sums = torch.stack(((ratios[..., 0] / denominators).sum(1), ratios[..., 1].sum(1)), 1)
    sample_sums = sample_sums.to(sums.ratios.device)
    n = float(sums.total)
    if not weighted:
        counts, co = counts.round().long(), sums.co.round().long()
        return MultilabelCounts(counts, co, sample_sums, round(n))
    return MultilabelCounts(counts, sums.co.clone(), sample_sums, n)


def count(
    true: torch.Tensor,
    pred: torch.Tensor,
    weight: torch.Tensor | None = None,
    ignored: torch.Tensor | None = None,
) -> MultilabelCounts:
    """Count boolean ``(N, L)`` targets against boolean predictions (see the module docstring).

    Args:
        true: bool ``(N, L)`` true label indicators.
        pred: bool ``(N, L)`` predicted label indicators.
        weight: optional float64 sample weights ``(N,)``.
        ignored: optional bool ``(N, L)``: the cells left out.

    Examples:
        >>> t = torch.tensor([[1, 0, 1], [0, 1, 0]]).bool()
        >>> p = torch.tensor([[1, 0, 0], [0, 1, 1]]).bool()
        >>> found = count(t, p)
        >>> found.counts[:, 1, 1].tolist(), found.co_confusion.tolist()
        ([1, 1, 0], [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        >>> count(t, torch.tensor([[1, 1, 0], [0, 1, 0]]).bool()).co_confusion[2].tolist()
        [0, 1, 0]
        >>> found.sample_sums[2].tolist()  # recall: (1/2 + 1/1, 2 samples where defined)
        [1.5, 2.0]
        >>> count(t, p, ignored=torch.tensor([[False, False, True], [True, True, True]])).n
        1
    """
    sums = zeros(true.shape[1], true.device)
    add(sums, true, pred, weight, ignored=ignored)
    return finish(sums, weight is not None)


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
