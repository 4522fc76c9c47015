"""MultilabelAccumulator under torch.distributed: 2 gloo processes on CPU against one process.

The technique of ``test_distributed.py``: one group of forked processes runs every scenario,
each rank saves what it computed, the test process compares with one process over all data.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from confmat import MultilabelAccumulator, MultilabelConfusion
from confmat._internal.stream.distributed import real_samples_on_rank

N, L = 1001, 6


def dataset() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(13)
    y_true = (torch.rand(N, L, generator=generator) < 0.3).long()
    scores = (0.6 * y_true + 0.7 * torch.rand(N, L, generator=generator)).clamp(0, 1)
    weights = torch.rand(N, generator=generator, dtype=torch.float64)
    return y_true, scores, weights


def state(result: MultilabelConfusion) -> tuple[Any, ...]:
    return result.counts, result.co_confusion, result.sample_sums, result.to_dict()


def uneven(rank: int, world: int) -> Any:
    y_true, scores, _ = dataset()
    part = slice(0, 700) if rank == 0 else slice(700, N)
    acc = MultilabelAccumulator(num_labels=L)
    for start in range(part.start, part.stop, 97):
        stop = min(start + 97, part.stop)
        acc.update(y_true[start:stop], scores[start:stop])
    return state(acc.compute())


def weighted_on_one_rank(rank: int, world: int) -> Any:
    y_true, scores, weights = dataset()
    part = slice(0, 700) if rank == 0 else slice(700, N)
    acc = MultilabelAccumulator()  # rank 1 alone is weighted; L comes from the batches
    acc.update(y_true[part], scores[part], weights[part] if rank == 1 else None)
    return state(acc.compute())


def sampler_padding(rank: int, world: int) -> Any:
    y_true, scores, _ = dataset()
    data = TensorDataset(y_true, scores)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=3)
    acc = MultilabelAccumulator(num_labels=L, max_samples=real_samples_on_rank(sampler))
    for labels, batch in DataLoader(data, batch_size=64, sampler=sampler):
        acc.update(labels, batch)
    return state(acc.compute())


SCENARIOS = [uneven, weighted_on_one_rank, sampler_padding]


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


@pytest.mark.distributed
def test_two_gloo_ranks_give_the_one_process_result(tmp_path: Path) -> None:
    world = 2
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    mp.start_processes(worker, args=(world, str(tmp_path)), nprocs=world, start_method=method)
    results = [torch.load(tmp_path / f"rank{r}.pt", weights_only=False) for r in range(world)]
    y_true, scores, weights = dataset()
    one = state(MultilabelConfusion.from_predictions(y_true, scores))
    mixed = weights.clone()
    mixed[:700] = 1.0
    weighted = state(MultilabelConfusion.from_predictions(y_true, scores, sample_weight=mixed))
    for result in results:
        for key in ("uneven", "sampler_padding"):  # unweighted: identical to the last bit
            counts, co, sums, document = result[key]
            assert torch.equal(counts, one[0]), key
            assert torch.equal(co, one[1]), key
            assert torch.equal(sums, one[2]), key  # the samples averages' sums too
            assert document == one[3], key  # every statistic of the whole result
        *tensors, document = result["weighted_on_one_rank"]  # float weights: up to rounding
        for got, expected in zip(tensors, weighted[:3], strict=True):
            torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-9)
        assert document.keys() == weighted[3].keys()
