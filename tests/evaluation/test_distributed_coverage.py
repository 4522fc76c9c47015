"""evaluate() under torch.distributed (2 gloo ranks, spawn): samples dropped by the samplers, or
counted on every rank, are named by a SampleCountWarning; a sharded loader counts each once;
``classes=list(set(names))``, ordered per process, is refused (targets index the classes)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.utils.data import DataLoader, DistributedSampler, Subset, TensorDataset

from confmat import DistributedError, SampleCountWarning, evaluate

N = 1003


def thousand_and_three() -> TensorDataset:
    g = torch.Generator().manual_seed(5)
    return TensorDataset(torch.randn(N, 2, generator=g), torch.randint(0, 3, (N,), generator=g))


def three_class(x: torch.Tensor) -> torch.Tensor:
    return torch.stack([x[:, 0], x[:, 1], -x[:, 0] - x[:, 1]], dim=1)


def loaders(rank: int) -> dict[str, DataLoader]:
    data = thousand_and_three()

    def sharded(**options: Any) -> DistributedSampler:
        return DistributedSampler(data, num_replicas=2, rank=rank, shuffle=False, **options)

    return {
        "whole_data_on_every_rank": DataLoader(data, batch_size=100),
        "sampler_drop_last": DataLoader(data, batch_size=100, sampler=sharded(drop_last=True)),
        "loader_drop_last": DataLoader(data, batch_size=128, sampler=sharded(), drop_last=True),
        "sharded": DataLoader(data, batch_size=100, sampler=sharded()),
        "subset_per_rank": DataLoader(Subset(data, range(rank, N, 2)), batch_size=100),
    }


def worker(rank: int, world: int, directory: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo", init_method=f"file://{directory}/init", rank=rank, world_size=world
    )
    results = {}
    try:
        for name, loader in loaders(rank).items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                n = evaluate(three_class, loader, progress=False).matrix.n
            messages = [str(w.message) for w in caught if w.category is SampleCountWarning]
            results[name] = (n, messages)
        names = ["ant", "bee", "cat"]
        try:  # targets index the classes: an order that differs per rank is refused
            evaluate(
                three_class, loaders(rank)["sharded"], classes=list(set(names)), progress=False
            )
            results["classes_from_a_set"] = None
        except DistributedError as error:
            results["classes_from_a_set"] = str(error)
        results["set_orders"] = list(set(names))
        try:
            order = names if rank == 0 else names[::-1]
            evaluate(three_class, loaders(rank)["sharded"], classes=order, progress=False)
            results["classes_reversed"] = None
        except DistributedError as error:
            results["classes_reversed"] = str(error)
    finally:
        dist.destroy_process_group()
    torch.save(results, f"{directory}/rank{rank}.pt")


@pytest.mark.distributed
@pytest.mark.slow
def test_dropped_and_duplicated_samples_are_named(tmp_path: Path) -> None:
    mp.start_processes(worker, args=(2, str(tmp_path)), nprocs=2, start_method="spawn")
    for rank in range(2):
        result = torch.load(tmp_path / f"rank{rank}.pt", weights_only=False)
        n, messages = result["whole_data_on_every_rank"]
        assert n == 2 * N
        assert len(messages) == 1
        assert f"all 2 ranks evaluated the same {N} samples" in messages[0]
        assert f"counts each of them 2 times, {2 * N} in all" in messages[0]
        assert "DistributedSampler" in messages[0]

        n, messages = result["sampler_drop_last"]
        assert n == N - 1
        assert len(messages) == 1
        assert (
            f"DistributedSampler(drop_last=True) left out 1 sample(s) of the data set's {N}"
            in messages[0]
        )

        n, messages = result["loader_drop_last"]
        assert n == 2 * 3 * 128  # 502 a rank: three full batches each
        assert len(messages) == 1
        assert f"counted {n} of the {N} samples" in messages[0]
        assert f"{N - n} were never seen" in messages[0]

        assert result["sharded"] == (N, [])
        assert result["subset_per_rank"] == (N, [])  # each rank its own share: no warning

        assert "ranks 0 and 1 count integer labels or scores" in result["classes_reversed"]
        orders = [
            torch.load(tmp_path / f"rank{r}.pt", weights_only=False)["set_orders"] for r in range(2)
        ]
        if orders[0] != orders[1]:  # spawn: each rank hashes strings with its own seed
            assert "by their position" in result["classes_from_a_set"]
        else:
            assert result["classes_from_a_set"] is None
