"""Exact evaluation under torch.distributed: summing counts over ranks, dropping sampler padding.

:meth:`confmat.Accumulator.compute` sums the counts of every rank of a process group with
``all_reduce`` (any backend: gloo, nccl, mpi; any launcher: torchrun, Lightning, Accelerate).
Every rank of the group must call it; a rank that saw no data simply adds zeros.

``DistributedSampler`` pads the dataset by repeating samples so that every rank gets the same
number; counted naively, those duplicates bias the result. The padded positions always sit at
the tail of each rank's stream, so ``Accumulator(max_samples=real_samples_on_rank(sampler))``
counts every sample exactly once (with ``DataLoader(drop_last=False)``, in the sampler's order).

Limits: when only some ranks call ``compute``, the gloo backend detects it with a monitored
barrier and raises :class:`DistributedError` after ``timeout`` seconds. Other backends have no
monitored barrier: there the collective waits until the process group's own timeout (for NCCL,
set ``TORCH_NCCL_ASYNC_ERROR_HANDLING`` and ``timeout=`` of ``init_process_group``).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import torch

from confmat.exceptions import DistributedError, OptionError

__all__ = ["DEFAULT_TIMEOUT", "DistributedError", "real_samples_on_rank"]

DEFAULT_TIMEOUT = 300.0
"""Seconds ``compute`` waits for the other ranks (gloo) before raising DistributedError."""


def real_samples_on_rank(sampler: Any) -> int:
    """How many samples of this rank's stream are real, not ``DistributedSampler`` padding.

    Without ``drop_last``, the sampler pads the N dataset positions to a multiple of the world
    size W; rank r gets positions r, r + W, r + 2W, ... so its real samples are the first
    ``ceil((N - r) / W)``. With ``drop_last`` nothing is padded.

    Args:
        sampler: a ``torch.utils.data.DistributedSampler`` (or anything with its ``dataset``,
            ``num_replicas``, ``rank``, ``drop_last`` and ``num_samples`` attributes).

    Returns:
        The ``max_samples`` to give this rank's :class:`~confmat.Accumulator`.

    Examples:
        >>> from torch.utils.data import DistributedSampler
        >>> data = list(range(1001))
        >>> [real_samples_on_rank(DistributedSampler(data, num_replicas=4, rank=r))
        ...  for r in range(4)]
        [251, 250, 250, 250]
    """
    try:
        size = len(sampler.dataset)
        world, rank = int(sampler.num_replicas), int(sampler.rank)
        drop_last, per_rank = bool(sampler.drop_last), int(sampler.num_samples)
    except (AttributeError, TypeError):
        raise OptionError(
            "sampler must be a DistributedSampler (with dataset, num_replicas, rank, drop_last "
            f"and num_samples), got {type(sampler).__name__}"
        ) from None
    if drop_last:
        return per_rank
    return min(per_rank, max(0, math.ceil((size - rank) / world)))


def is_active(group: Any = None) -> bool:
    """Whether torch.distributed is initialized with more than one rank in ``group``."""
    dist = torch.distributed
    return bool(dist.is_available() and dist.is_initialized() and dist.get_world_size(group) > 1)


def rank(group: Any = None) -> int:
    """This process's rank in ``group``; 0 when torch.distributed is not running."""
    return int(torch.distributed.get_rank(group)) if is_active(group) else 0


def _collective_device(group: Any, device: torch.device) -> torch.device:
    """NCCL reduces CUDA tensors only; other backends take the tensor where it is."""
    backend = str(torch.distributed.get_backend(group)).lower()
    if "nccl" in backend and device.type != "cuda":
        return torch.device("cuda", torch.cuda.current_device())
    return device


def wait_for_all(group: Any, timeout: float | None) -> None:
    """Raise DistributedError unless every rank of ``group`` arrives (gloo only; else no-op)."""
    dist = torch.distributed
    if "gloo" not in str(dist.get_backend(group)).lower():
        return
    seconds = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    try:
        dist.monitored_barrier(
            group, timeout=datetime.timedelta(seconds=seconds), wait_all_ranks=True
        )
    except RuntimeError as error:
        raise DistributedError(
            f"Accumulator.compute() must be called on every rank of the process group; some "
            f"ranks did not join within {seconds:g} s ({_first_line(error)})"
        ) from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def agree_on_space(
    size: int | None, weighted: bool, group: Any, timeout: float | None
) -> tuple[int, bool] | None:
    """All ranks agree on C and on float64 counts; None when no rank knows C.

    Raises:
        DistributedError: when ranks disagree on C (on every rank alike) or do not all join.
    """
    wait_for_all(group, timeout)
    known = -1 if size is None else size
    header = torch.tensor([known, -known if size is not None else -(2**62), int(weighted)])
    device = _collective_device(group, torch.device("cpu"))
    header = header.to(device)
    torch.distributed.all_reduce(header, op=torch.distributed.ReduceOp.MAX, group=group)
    high, neg_low, any_weighted = (int(x) for x in header.tolist())
    if high < 0:
        return None
    if neg_low != -(2**62) and -neg_low != high:
        raise DistributedError(
            f"the ranks disagree on the number of classes ({-neg_low} and {high}): create every "
            "rank's Accumulator with the same num_classes or classes"
        )
    return high, bool(any_weighted)


def all_reduce_sum(tensor: torch.Tensor, group: Any) -> torch.Tensor:
    """The sum of ``tensor`` over the ranks of ``group`` (a new tensor on its device)."""
    device = _collective_device(group, tensor.device)
    work = tensor.to(device).contiguous()
    torch.distributed.all_reduce(work, op=torch.distributed.ReduceOp.SUM, group=group)
    return work.to(tensor.device)


def sum_over_ranks(
    grid: torch.Tensor | None,
    size: int | None,
    extra: int,
    device: torch.device | None,
    group: Any,
    timeout: float | None,
) -> tuple[torch.Tensor | None, int | None]:
    """Every rank's grid summed (a copy), and the agreed C; ``(None, None)`` if no rank knows C.

    A rank that counted nothing (``grid`` None) takes part with zeros of the agreed size
    ``(C + extra, C + extra)``; if any rank's counts are weighted, the sum is float64.
    """
    header = agree_on_space(size, grid is not None and grid.is_floating_point(), group, timeout)
    if header is None:
        return None, None
    agreed, weighted = header
    if grid is None:
        side = agreed + extra
        grid = torch.zeros((side, side), dtype=torch.int64, device=device)
    grid = grid.to(torch.float64 if weighted else grid.dtype, copy=True)
    return all_reduce_sum(grid, group), agreed
