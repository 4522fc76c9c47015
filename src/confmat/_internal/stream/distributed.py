"""Exact evaluation under torch.distributed: summing counts over ranks, dropping sampler padding.

:meth:`confmat.Accumulator.compute` sums the counts of every rank of a process group with
``all_reduce`` (any backend: gloo, nccl, mpi; any launcher: torchrun, Lightning, Accelerate).
Every rank of the group must call it; a rank that saw no data simply adds zeros. When some rank
keeps its counts sparse (:mod:`stream.sparse_grid`), every rank instead gathers every
rank's number of cells, then their ``(code, count)`` arrays padded to the longest, and reduces
their concatenation (in rank order) by sort + reduce (:func:`gather_cells`): the same exact
counts on every rank. Each store of counts sums itself with these collectives
(:meth:`stream.grid.CountGrid.summed_over_ranks`), once the ranks agree on the classes.

The ranks first agree on the class space, once per ``compute``: each rank shares a digest of
its ordered class names. Ranks whose classes are the same names in another order (say
``classes=list(set(names))``, which hash randomisation orders differently in every process)
are aligned by name to the order of the first rank that knows its classes; ranks whose names
differ raise :class:`DistributedError` naming the difference, on every rank alike. A rank
created without classes that counted nothing takes the others' class space.

``DistributedSampler`` pads the dataset by repeating samples so that every rank gets the same
number; counted naively, those duplicates bias the result. The padded positions always sit at
the tail of each rank's stream, so ``Accumulator(max_samples=real_samples_on_rank(sampler))``
counts every sample exactly once (with ``DataLoader(drop_last=False)``, in the sampler's order).

When some ranks do not call ``compute``, the others raise :class:`DistributedError` after
``timeout`` seconds, whichever ranks are missing (rank 0 included), on every backend: the
first collective is a barrier waited for with that timeout. The process group is unusable
afterwards (a collective is left pending): destroy it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from confmat._internal.core.codes import ClassSpace
from confmat.exceptions import DistributedError, OptionError

__all__ = ["DEFAULT_TIMEOUT", "DistributedError", "real_samples_on_rank"]

DEFAULT_TIMEOUT = 300.0
"""Seconds ``compute`` waits for the other ranks before raising DistributedError."""

_NO_TIMEOUT = datetime.timedelta(0)
"""What ``Work.wait`` takes for "no limit of our own" (the process group's timeout applies)."""


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
            f"and num_samples), got {type(sampler).__name__}",
            argument="sampler",
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


def check_timeout(timeout: object) -> datetime.timedelta:
    """``compute``'s timeout as a wait limit: None is the default, ``inf`` no limit of ours.

    Examples:
        >>> check_timeout(None), check_timeout(2.5)
        (datetime.timedelta(seconds=300), datetime.timedelta(seconds=2, microseconds=500000))
        >>> check_timeout(0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: timeout must be a positive number of seconds ...
    """
    if timeout is None:
        return datetime.timedelta(seconds=DEFAULT_TIMEOUT)
    number = isinstance(timeout, (int, float, np.integer, np.floating))
    if isinstance(timeout, bool) or not number or not float(timeout) > 0:  # type: ignore[arg-type]
        raise OptionError(
            "timeout must be a positive number of seconds (or None for the default "
            f"{DEFAULT_TIMEOUT:g} s, or math.inf for the process group's own timeout), got "
            f"{timeout!r}",
            argument="timeout",
        )
    seconds = float(timeout)  # type: ignore[arg-type]
    if seconds >= datetime.timedelta.max.total_seconds():
        return _NO_TIMEOUT
    return datetime.timedelta(seconds=seconds)


def _collective_device(group: Any, device: torch.device) -> torch.device:
    """NCCL reduces CUDA tensors only; other backends take the tensor where it is."""
    backend = str(torch.distributed.get_backend(group)).lower()
    if "nccl" in backend and device.type != "cuda":
        return torch.device("cuda", torch.cuda.current_device())
    return device


def wait_for_all(group: Any, timeout: datetime.timedelta) -> None:
    """Raise DistributedError unless every rank of ``group`` arrives within ``timeout``.

    A barrier, waited for with the timeout on every rank: unlike gloo's monitored barrier,
    whose ranks other than 0 wait for rank 0 as long as the process group's own timeout.
    """
    work = torch.distributed.barrier(group=group, async_op=True)
    try:
        joined, reason = bool(work.wait(timeout)), "timed out"
    except RuntimeError as error:
        joined, reason = False, _first_line(error)
    if not joined:
        limit = f"{timeout.total_seconds():g} s" if timeout else "the process group's timeout"
        raise DistributedError(
            f"Accumulator.compute() must be called on every rank of the process group; rank "
            f"{rank(group)} waited {limit} but some ranks did not join ({reason}); the process "
            "group is unusable now: destroy it"
        )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _digest(space: ClassSpace | None) -> list[int]:
    """Three int64 words that identify the ordered class names (zeros for no class space)."""
    if space is None:
        return [0, 0, 0]
    data = hashlib.blake2b(json.dumps(space.names).encode(), digest_size=24).digest()
    return [int.from_bytes(data[i : i + 8], "little", signed=True) for i in (0, 8, 16)]


def _headers(space: ClassSpace | None, weighted: bool, sparse: bool, group: Any) -> list[list[int]]:
    """Every rank's ``[knows classes, C, weighted, digest (3 words), sparse]``, in rank order."""
    size = -1 if space is None else space.size
    mine = [int(size >= 0), size, int(weighted), *_digest(space), int(sparse)]
    device = _collective_device(group, torch.device("cpu"))
    local = torch.tensor(mine, dtype=torch.int64, device=device)
    parts = [torch.empty_like(local) for _ in range(torch.distributed.get_world_size(group))]
    torch.distributed.all_gather(parts, local, group=group)
    return [part.tolist() for part in parts]


def agree_on_space(
    space: ClassSpace | None,
    weighted: bool,
    by_position: bool,
    group: Any,
    timeout: datetime.timedelta,
    sparse: bool = False,
) -> tuple[ClassSpace, np.ndarray | None, bool, bool] | None:
    """The class space every rank agrees on, this rank's reordering to it, float64, sparse.

    The last two: whether any rank's counts are weighted, and whether any keeps them sparse.

    Returns None when no rank knows its classes. The reordering (None: none needed) lists, for
    each agreed class, its index on this rank. Ranks that counted integer labels or scores
    ``by_position`` (the class names only name positions) must all list the same order.

    Raises:
        DistributedError: when ranks' class names differ, or ranks that count by position
            order them differently (on every rank alike), or some ranks do not join in time.
    """
    wait_for_all(group, timeout)
    headers = _headers(space, weighted, sparse, group)
    any_weighted = any(h[2] for h in headers)
    any_sparse = any(h[6] for h in headers)
    known = [r for r, h in enumerate(headers) if h[0]]
    if not known:
        return None
    if all(_names_of(headers[r]) == _names_of(headers[known[0]]) for r in known):
        if len(known) < len(headers):  # the ranks without classes take the first one's
            space = _from_rank(space, known[0], group)
        assert space is not None
        return space, None, any_weighted, any_sparse
    shared: list[Any] = [None] * len(headers)
    torch.distributed.all_gather_object(shared, (space, by_position), group=group)
    spaces = [found for found, _ in shared]
    _check_same_names(spaces, known)
    _check_same_order([r for r in known if shared[r][1]], spaces)
    agreed = spaces[known[0]]
    order = None if space is None else _reorder(space, agreed)
    return agreed, order, any_weighted, any_sparse


def _check_same_order(positional: list[int], spaces: Sequence[ClassSpace | None]) -> None:
    """Ranks whose names only name positions cannot be aligned by name: one order for all."""
    orders = {r: list(space.names) for r, space in enumerate(spaces) if space and r in positional}
    for r in positional[1:]:
        first = positional[0]
        if orders[r] != orders[first]:
            raise DistributedError(
                f"ranks {first} and {r} count integer labels or scores by their position among "
                f"the classes, but list them in different orders ({orders[first][:5]} and "
                f"{orders[r][:5]}): the same label would mean different classes. Give every "
                "rank the same ordered classes (e.g. sorted(set(names)), not list(set(names)))"
            )


def _names_of(header: list[int]) -> list[int]:
    """The part of a rank's header that identifies its ordered class names."""
    return [header[1], *header[3:6]]


def _from_rank(space: ClassSpace | None, source: int, group: Any) -> ClassSpace:
    """The class space of the rank ``source`` of ``group``, on every rank."""
    shared = [space]
    torch.distributed.broadcast_object_list(shared, group=group, group_src=source)
    found = shared[0]
    assert isinstance(found, ClassSpace)
    return found


def _check_same_names(spaces: Sequence[ClassSpace | None], known: list[int]) -> None:
    """Every rank that knows its classes has the first one's names, in any order."""
    first = known[0]
    reference = set(spaces[first].names)  # type: ignore[union-attr]
    for r in known[1:]:
        names = spaces[r].names  # type: ignore[union-attr]
        if set(names) == reference:
            continue
        extra = sorted(set(names) - reference)[:5]
        missing = sorted(reference - set(names))[:5]
        sizes = ""
        if len(names) != len(reference):
            sizes = (
                f"the ranks disagree on the number of classes ({len(reference)} and {len(names)}); "
            )
        raise DistributedError(
            f"{sizes}the ranks' classes differ: rank {r} has {extra} that rank {first} lacks, and "
            f"lacks {missing}; create every rank's Accumulator with the same classes (their "
            "order may differ: ranks are aligned by name)"
        )


def _reorder(space: ClassSpace, agreed: ClassSpace) -> np.ndarray | None:
    """For each agreed class, its index in ``space`` (None when the order is the same)."""
    if space.names == agreed.names:
        return None
    mine = np.asarray(space.names, dtype=object)
    theirs = np.asarray(agreed.names, dtype=object)
    order = np.empty(len(mine), dtype=np.int64)
    order[np.argsort(theirs, kind="stable")] = np.argsort(mine, kind="stable")
    return order


def all_reduce_sum(tensor: torch.Tensor, group: Any) -> torch.Tensor:
    """The sum of ``tensor`` over the ranks of ``group`` (a new tensor on its device)."""
    device = _collective_device(group, tensor.device)
    work = tensor.to(device).contiguous()
    torch.distributed.all_reduce(work, op=torch.distributed.ReduceOp.SUM, group=group)
    return work.to(tensor.device)


def gather_cells(
    codes: torch.Tensor, counts: torch.Tensor, group: Any
) -> tuple[torch.Tensor, torch.Tensor]:
    """Every rank's ``(code, count)`` arrays, concatenated in rank order and reduced.

    Two collectives: ``all_gather`` of the sizes, then of the arrays padded to the longest
    (a sync in between: the padding's length). The concatenation is reduced by sort + reduce
    in rank order, so every rank gets the same sorted unique codes and the same sums.
    """
    home = codes.device
    device = _collective_device(group, home)
    world = torch.distributed.get_world_size(group)
    size = torch.tensor([codes.numel()], dtype=torch.int64, device=device)
    sizes = [torch.empty_like(size) for _ in range(world)]
    torch.distributed.all_gather(sizes, size, group=group)
    lengths = [int(n) for n in torch.cat(sizes).tolist()]
    longest = max(1, *lengths)  # never an empty collective
    gathered = []
    for values in (codes, counts):
        padded = torch.zeros(longest, dtype=values.dtype, device=device)
        padded[: values.numel()] = values
        parts = [torch.empty_like(padded) for _ in range(world)]
        torch.distributed.all_gather(parts, padded, group=group)
        gathered.append(torch.cat([part[:n] for part, n in zip(parts, lengths, strict=True)]))
    unique, summed = reduce_codes(gathered[0], gathered[1])
    return unique.to(home), summed.to(home)


def reduce_codes(codes: torch.Tensor, counts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Sorted unique ``codes`` and their summed ``counts``, added in the given order.

    Examples:
        >>> reduce_codes(torch.tensor([5, 1, 5]), torch.tensor([1, 2, 3]))
        (tensor([1, 5]), tensor([2, 4]))
    """
    unique, inverse = torch.unique(codes, sorted=True, return_inverse=True)
    summed = torch.zeros(unique.numel(), dtype=counts.dtype, device=counts.device)
    return unique, summed.index_add_(0, inverse, counts)
