"""Bounded, streaming "keep the k best rows of each group", vectorized per batch.

With uniform random keys this is reservoir sampling: the k rows of largest key in a group are a
uniform sample without replacement of the group's rows, however many arrive (and merging two
such stores by the same rule keeps the property, which makes them exact across processes).
With the loss as key it keeps the k worst samples. A kept row, read back, is a :class:`Sample`.

Rows arrive in batches and wait in a pending list (no host synchronisation); once the pending
rows outnumber ``max(min_pending, kept rows)`` they are compacted by one sort. So memory stays
below ``2 * k * groups + min_pending + batch`` rows whatever the length of the stream. On the
CPU, where looking at values costs no synchronisation, a row whose key cannot beat the k-th
key of its full group is dropped on arrival, which makes compactions rare. The k-th keys are
kept for the full groups only (sorted by group, looked up by binary search), so the number of
groups may be huge (``C^2`` cells at large C) at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch


class Rows(NamedTuple):
    """A table: ``group`` (N,) int64, ``key`` (N,) float, ``ints`` (N, a), ``floats`` (N, b).

    A key of ``-inf`` marks a row that is never kept (e.g. distributed padding).
    """

    group: torch.Tensor
    key: torch.Tensor
    ints: torch.Tensor
    floats: torch.Tensor

    @property
    def size(self) -> int:
        """The number of rows."""
        return int(self.group.shape[0])

    def cpu(self) -> Rows:
        """The rows on the CPU."""
        return Rows(*(t.cpu() for t in self))


def concat(parts: list[Rows]) -> Rows:
    """Stack tables of rows (all on one device)."""
    return Rows(*(torch.cat(columns) for columns in zip(*parts, strict=True)))


def top_k_per_group(rows: Rows, k: int) -> Rows:
    """The (at most) ``k`` rows of largest key in each group, sorted by group then key (desc).

    Ties keep the earlier row. Rows with key ``-inf`` are dropped.

    Examples:
        >>> rows = Rows(torch.tensor([1, 0, 1, 1]), torch.tensor([0.1, 0.5, 0.9, 0.4]),
        ...             torch.arange(4).reshape(4, 1), torch.zeros(4, 0))
        >>> kept = top_k_per_group(rows, 2)
        >>> kept.group.tolist(), kept.ints.reshape(-1).tolist()
        ([0, 1, 1], [1, 2, 3])
    """
    by_key = torch.sort(rows.key, descending=True, stable=True).indices
    order = by_key[torch.sort(rows.group[by_key], stable=True).indices]
    group = rows.group[order]
    first = torch.searchsorted(group, group)
    rank = torch.arange(group.shape[0], device=group.device) - first
    keep = order[(rank < k) & (rows.key[order] > float("-inf"))]
    return Rows(rows.group[keep], rows.key[keep], rows.ints[keep], rows.floats[keep])


class GroupedTopK:
    """Keeps the ``k`` rows of largest key per group from a stream of batches.

    Args:
        k: rows kept per group (0 keeps nothing).
        groups: the number of groups (group ids are ``0..groups-1``).
        min_pending: rows allowed to wait before a compaction, at least.

    Examples:
        >>> store = GroupedTopK(k=2, groups=3)
        >>> for start in range(0, 100, 10):
        ...     group = torch.arange(start, start + 10) % 3
        ...     key = torch.arange(start, start + 10, dtype=torch.float32)
        ...     store.push(Rows(group, key, key.long().reshape(-1, 1), torch.zeros(10, 0)))
        >>> store.rows().ints.reshape(-1).tolist()
        [99, 96, 97, 94, 98, 95]
    """

    def __init__(self, k: int, groups: int, min_pending: int = 4096) -> None:
        self.k = k
        self.groups = groups
        self.min_pending = min_pending
        self._bar: tuple[torch.Tensor, torch.Tensor] | None = None  # full groups, k-th keys
        self._kept: Rows | None = None
        self._pending: list[Rows] = []
        self._pending_size = 0
        self.peak_size = 0
        """The largest number of rows held at once (kept and pending)."""

    def push(self, rows: Rows) -> None:
        """Add a batch of rows (no host synchronisation, except at an occasional compaction)."""
        if self.k <= 0:
            return
        if self._bar is not None and rows.key.device.type == "cpu":
            passing = rows.key > self._bar_of(rows.group)
            rows = Rows(*(column[passing] for column in rows))
        self._pending.append(rows)
        self._pending_size += rows.size
        kept = 0 if self._kept is None else self._kept.size
        self.peak_size = max(self.peak_size, kept + self._pending_size)
        if self._pending_size > max(self.min_pending, kept):
            self._compact()

    def _bar_of(self, group: torch.Tensor) -> torch.Tensor:
        """The k-th key of each row's group if the group is full, else -inf."""
        assert self._bar is not None
        full, bar = self._bar
        if full.numel() == 0:
            return torch.full(group.shape, float("-inf"), device=group.device)
        at = torch.searchsorted(full, group).clamp_(max=full.numel() - 1)
        return torch.where(full[at] == group, bar[at], float("-inf"))

    def rows(self) -> Rows | None:
        """The rows kept so far (compacting what waits), or None if nothing arrived."""
        if self._pending:
            self._compact()
        return self._kept

    def _compact(self) -> None:
        parts = ([] if self._kept is None else [self._kept]) + self._pending
        kept = top_k_per_group(concat(parts), self.k)
        self._kept = kept
        self._pending = []
        self._pending_size = 0
        # kept rows are sorted by group, key descending: the k-th of a group is its bar
        last = torch.ones_like(kept.group, dtype=torch.bool)
        if kept.size > self.k - 1:
            last[self.k - 1 :] = kept.group[self.k - 1 :] == kept.group[: kept.size - self.k + 1]
        last[: self.k - 1] = False
        self._bar = kept.group[last], kept.key[last]  # one row per full group, by group


@dataclass(frozen=True)
class Sample:
    """One evaluated sample, by reference.

    Attributes:
        index: its dataset index (see :attr:`EvaluationResult.index_source`).
        true: its true class.
        pred: the predicted class.
        confidence: the probability the model gave to ``pred``.
        loss: the cross-entropy of the true class, ``-log p(true)``.

    Examples:
        >>> Sample(index=7, true="cat", pred="dog", confidence=0.9, loss=2.3).pred
        'dog'
    """

    index: int
    true: str
    pred: str
    confidence: float
    loss: float
