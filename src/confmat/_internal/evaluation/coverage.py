"""Did evaluate() count every sample once? What the loader promised against what was counted.

Two ways a loop silently counts the wrong samples, both reported by a
:class:`~confmat.SampleCountWarning` at the end (never silently):

- **dropped**: a DataLoader (or its batch sampler) with ``drop_last=True`` leaves out the last
  incomplete batch, and ``DistributedSampler(drop_last=True)`` leaves out the tail of the data
  set that does not divide among the ranks. Those samples were never seen: nothing can count
  them, so the warning names how many are missing and why.
- **duplicated**: under torch.distributed without a ``DistributedSampler``, every rank reads
  the whole data set and each sample is counted once per rank. Ranks that counted the same
  (dataset index, target) pairs are found by an order-free fingerprint kept on the device.
  confmat does not divide the counts by the number of ranks (the ranks' models or data may
  differ in ways it cannot see): the warning says how to shard the data instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Sized
from typing import Any

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, IterableDataset
from torch.utils.data.distributed import DistributedSampler

from confmat._internal.stream import distributed
from confmat._internal.stream.distributed import real_samples_on_rank
from confmat.exceptions import SampleCountWarning

_MIX = 0x9E3779B1
"""An odd 32-bit multiplier that spreads dataset indices over the fingerprint's bits."""


class Coverage:
    """The samples this rank should count according to its loader, and what it counted.

    Examples:
        >>> data = torch.utils.data.TensorDataset(torch.zeros(10, 1), torch.zeros(10))
        >>> Coverage(DataLoader(data, batch_size=4, drop_last=True)).expected
        10
    """

    def __init__(self, loader: Any) -> None:
        self.expected: int | None = None  # real samples the sampler gives this rank
        self.drop_last = False  # the DataLoader's batches drop their incomplete tail
        self.sampler_drops = 0  # samples DistributedSampler(drop_last=True) leaves out
        self.size = 0  # ... of a data set of this size
        self.sharded = False  # a DistributedSampler gives each rank its own share
        self.fingerprint: torch.Tensor | None = None
        self.unknown_drop = 0  # an IterableDataset's last batch may have been dropped: how big
        if isinstance(loader, DataLoader) and isinstance(loader.dataset, IterableDataset):
            self.unknown_drop = (loader.batch_size or 1) - 1 if loader.drop_last else 0
        if not isinstance(loader, DataLoader) or isinstance(loader.dataset, IterableDataset):
            return
        sampler = loader.sampler
        self.drop_last = bool(getattr(loader.batch_sampler, "drop_last", False))
        if isinstance(sampler, DistributedSampler):
            self.sharded = True
            self.expected = real_samples_on_rank(sampler)
            if sampler.drop_last:
                self.size = len(sampler.dataset)  # type: ignore[arg-type]
                self.sampler_drops = self.size - sampler.total_size
        elif isinstance(sampler, Sized):
            self.expected = len(sampler)

    def add(self, index: torch.Tensor, targets: torch.Tensor) -> None:
        """Fold the ``(index, target)`` pairs of counted samples into the fingerprint."""
        mixed = (index.to(torch.int64) * _MIX) % (1 << 32) + 1
        part = (mixed * (targets.to(torch.int64) + 1)).sum()
        self.fingerprint = part if self.fingerprint is None else self.fingerprint + part

    def check(self, counted: int) -> None:
        """Warn once if samples were dropped or counted on several ranks (one exchange)."""
        mine = [
            counted,
            -1 if self.expected is None else self.expected,
            int(self.sharded),
            0 if self.fingerprint is None else int(self.fingerprint.item()),
        ]
        table = _all_ranks(mine)
        message = " ".join(part for part in (self._dropped(table), _duplicated(table)) if part)
        if message:
            warnings.warn(message, SampleCountWarning, stacklevel=4)

    def _dropped(self, table: list[list[int]]) -> str:
        counted = sum(row[0] for row in table)
        parts = []
        if self.unknown_drop:
            parts.append(
                f"the DataLoader drops its last incomplete batch (drop_last=True): up to "
                f"{self.unknown_drop} samples of its IterableDataset may not have been "
                "evaluated; evaluate with drop_last=False"
            )
        if self.sampler_drops:
            parts.append(
                f"DistributedSampler(drop_last=True) left out {self.sampler_drops} sample(s) of "
                f"the data set's {self.size}: give it drop_last=False"
            )
        if all(row[1] >= 0 for row in table):
            expected = sum(row[1] for row in table)
            if counted < expected:
                cause = (
                    "the DataLoader drops its last incomplete batch (drop_last=True): evaluate "
                    "with drop_last=False"
                    if self.drop_last
                    else "the loader stopped early"
                )
                parts.append(
                    f"evaluate() counted {counted} of the {expected} samples of the loader's "
                    f"sampler: {expected - counted} were never seen, {cause}"
                )
        return ". ".join(parts) + "." if parts else ""


def _all_ranks(row: list[int]) -> list[list[int]]:
    """Every rank's ``row``, in rank order (just this one without torch.distributed)."""
    if not distributed.is_active():
        return [row]
    local = torch.tensor(row, dtype=torch.int64)
    if "nccl" in str(dist.get_backend()).lower():
        local = local.cuda()
    parts = [torch.empty_like(local) for _ in range(dist.get_world_size())]
    dist.all_gather(parts, local)
    return [part.tolist() for part in parts]


def _duplicated(table: list[list[int]]) -> str:
    """Why every rank counted the same samples, or "" (also when a sampler shards the data)."""
    world = len(table)
    if world < 2 or any(row[2] for row in table) or table[0][0] == 0:
        return ""
    if any(row[0] != table[0][0] or row[3] != table[0][3] for row in table):
        return ""
    n = table[0][0]
    return (
        f"all {world} ranks evaluated the same {n} samples (the same dataset indices and "
        f"targets): the matrix counts each of them {world} times, {n * world} in all. Give the "
        "DataLoader sampler=DistributedSampler(dataset, shuffle=False) so that each rank "
        "evaluates its own share, or evaluate on one rank."
    )
