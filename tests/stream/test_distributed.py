"""Accumulator under torch.distributed: 2 and 3 gloo processes on CPU, one spawn per world size.

Every scenario runs inside the same spawned group (starting processes is the slow part); each
rank saves what it saw and the test process checks it against one process over the whole data.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

import confmat
from confmat import Accumulator, ConfusionMatrix
from confmat._internal.stream.distributed import real_samples_on_rank
from confmat.exceptions import DistributedError

N, C = 1001, 5


def dataset() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1001)
    y_true = torch.randint(0, C, (N,), generator=generator)
    scores = torch.rand(N, C, generator=generator)
    scores[torch.arange(N), y_true] += 0.4 * torch.rand(N, generator=generator)  # a fair model
    weights = torch.rand(N, generator=generator, dtype=torch.float64)
    return y_true, scores, weights


def shard(rank: int, world: int) -> slice:
    """Uneven shards; in a world of 3, rank 0 gets nothing."""
    bounds = {2: [0, 700, N], 3: [0, 0, 400, N]}[world]
    return slice(bounds[rank], bounds[rank + 1])


# -- what each rank runs --------------------------------------------------------------------


def uneven(rank: int, world: int) -> Any:
    y_true, scores, _ = dataset()
    part = shard(rank, world)
    acc = Accumulator(num_classes=C)
    for start in range(part.start, part.stop, 97):
        stop = min(start + 97, part.stop)
        acc.update(y_true[start:stop], scores[start:stop])
    return acc.compute().counts


def class_space_from_other_ranks(rank: int, world: int) -> Any:
    y_true, scores, _ = dataset()
    acc = Accumulator()  # the class space comes from the scores, which rank 0 may not see
    part = shard(rank, world)
    if part.stop > part.start:
        acc.update(y_true[part], scores[part])
    result = acc.compute()
    return result.classes, result.counts


def weighted_on_one_rank(rank: int, world: int) -> Any:
    y_true, scores, weights = dataset()
    part = shard(rank, world)
    acc = Accumulator(num_classes=C)
    if part.stop > part.start:
        acc.update(y_true[part], scores[part], weights[part] if rank == 1 else None)
    return acc.compute().counts


def sampler_without_padding(rank: int, world: int) -> Any:
    y_true, scores, _ = dataset()
    data = TensorDataset(y_true, scores)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=7)
    exact = Accumulator(num_classes=C, max_samples=real_samples_on_rank(sampler))
    naive = Accumulator(num_classes=C)
    for labels, batch_scores in DataLoader(data, batch_size=64, sampler=sampler):
        exact.update(labels, batch_scores)
        naive.update(labels, batch_scores)
    return exact.compute().counts, naive.compute().counts


def sampler_drop_last(rank: int, world: int) -> Any:
    y_true, scores, _ = dataset()
    data = TensorDataset(y_true, scores)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, drop_last=True)
    acc = Accumulator(num_classes=C, max_samples=real_samples_on_rank(sampler))
    for labels, batch_scores in DataLoader(data, batch_size=100, sampler=sampler):
        acc.update(labels, batch_scores)
    return int(acc.compute().counts.sum())


def deferred_error_on_one_rank(rank: int, world: int) -> Any:
    acc = Accumulator(num_classes=C).update([0, 1], [0, 1])
    if rank == world - 1:
        acc.update([0, 99], [0, 1])
    try:
        acc.compute()
    except confmat.LabelError as error:
        return str(error)
    return None


def classes_disagree(rank: int, world: int) -> Any:
    acc = Accumulator(num_classes=C + rank).update([0], [0])
    try:
        acc.compute()
    except DistributedError as error:
        return str(error)
    return None


def only_rank_0_computes(rank: int, world: int) -> Any:
    if rank != 0:
        time.sleep(1.5)  # alive, but not computing: rank 0 must give up, not hang
        return None
    acc = Accumulator(num_classes=C).update([0], [0])
    try:
        acc.compute(timeout=1)
    except DistributedError as error:
        return str(error)
    return None


SCENARIOS = [
    uneven,
    class_space_from_other_ranks,
    weighted_on_one_rank,
    sampler_without_padding,
    sampler_drop_last,
    deferred_error_on_one_rank,
    classes_disagree,
    only_rank_0_computes,  # last: it leaves the group unusable
]


def worker(rank: int, world: int, directory: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"file://{directory}/init",
        rank=rank,
        world_size=world,
        timeout=datetime.timedelta(seconds=30),
    )
    try:
        results = {scenario.__name__: scenario(rank, world) for scenario in SCENARIOS}
    finally:
        dist.destroy_process_group()
    torch.save(results, f"{directory}/rank{rank}.pt")


# -- the checks -----------------------------------------------------------------------------


def run(world: int, tmp_path: Path) -> list[dict[str, Any]]:
    # fork starts in milliseconds where spawn re-imports torch in every child
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    mp.start_processes(worker, args=(world, str(tmp_path)), nprocs=world, start_method=method)
    return [torch.load(tmp_path / f"rank{rank}.pt", weights_only=False) for rank in range(world)]


@pytest.mark.distributed
@pytest.mark.parametrize("world", [2, 3])
def test_gloo_ranks_sum_to_the_one_process_matrix(world: int, tmp_path: Path) -> None:
    y_true, scores, weights = dataset()
    expected = ConfusionMatrix.from_predictions(y_true, scores).counts
    results = run(world, tmp_path)

    for rank, result in enumerate(results):
        assert torch.equal(result["uneven"], expected), rank
        classes, counts = result["class_space_from_other_ranks"]
        assert classes == [str(i) for i in range(C)]
        assert torch.equal(counts, expected)

        mixed = weights.clone()
        mixed[shard(1, world).stop :] = 1.0
        mixed[: shard(1, world).start] = 1.0
        weighted = ConfusionMatrix.from_predictions(y_true, scores, sample_weight=mixed).counts
        torch.testing.assert_close(result["weighted_on_one_rank"], weighted)

        exact, naive = result["sampler_without_padding"]
        assert int(exact.sum()) == N
        assert torch.equal(exact, expected)
        assert int(naive.sum()) == N + (-N) % world  # what every peer library counts
        assert result["sampler_drop_last"] == N - N % world

        assert "1 y_true label" in result["deferred_error_on_one_rank"]
        assert "disagree on the number of classes" in result["classes_disagree"]

    assert "every rank" in results[0]["only_rank_0_computes"]


def test_real_samples_on_rank_matches_the_sampler() -> None:
    for size in (0, 1, 2, 5, 1001):
        for world in (1, 2, 3, 4, 7):
            for drop_last in (False, True):
                total = 0
                for rank in range(world):
                    sampler = DistributedSampler(
                        range(size), num_replicas=world, rank=rank, drop_last=drop_last
                    )
                    indices = list(sampler)
                    real = real_samples_on_rank(sampler)
                    assert real <= len(indices)
                    total += real
                expected = size - size % world if drop_last else size
                assert total == expected, (size, world, drop_last)


def test_real_samples_on_rank_refuses_other_samplers() -> None:
    with pytest.raises(confmat.OptionError, match="DistributedSampler"):
        real_samples_on_rank(object())


def test_without_torch_distributed_compute_is_local() -> None:
    assert not dist.is_initialized()
    assert Accumulator(num_classes=2).update([1], [1]).compute().counts.tolist() == [[0, 0], [0, 1]]
