"""The sparse store under torch.distributed: 2 gloo processes (spawned) against one process.

Every scenario runs inside the same spawned group (starting processes is the slow part); each
rank saves what it saw and the test process checks it, exactly, against one process.
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

import confmat
from confmat import Accumulator, ConfusionMatrix
from confmat._internal.stream.distributed import real_samples_on_rank

N, C, WORLD = 2001, 100_000, 2
BOUNDS = [0, 1300, N]  # uneven shards


def dataset() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(2001)
    y_true = torch.randint(0, C, (N,), generator=generator)
    wrong = torch.randint(0, C, (N,), generator=generator)
    y_pred = torch.where(torch.rand(N, generator=generator) < 0.6, y_true, wrong)
    weights = torch.rand(N, generator=generator, dtype=torch.float64)
    return y_true, y_pred, weights


def cells(matrix: ConfusionMatrix) -> tuple[torch.Tensor, torch.Tensor]:
    """The non-zero cells of a sparse matrix: ``(2, nnz)`` indices and their counts."""
    counts = matrix.counts.coalesce()
    return counts.indices(), counts.values()


def counted(rank: int, weighted: bool = False, **kwargs: Any) -> ConfusionMatrix:
    y_true, y_pred, weights = dataset()
    acc = Accumulator(num_classes=C, **kwargs)
    for start in range(BOUNDS[rank], BOUNDS[rank + 1], 97):
        stop = min(start + 97, BOUNDS[rank + 1])
        acc.update(
            y_true[start:stop], y_pred[start:stop], weights[start:stop] if weighted else None
        )
    return acc.compute()


# -- what each rank runs --------------------------------------------------------------------


def uneven(rank: int) -> Any:
    return cells(counted(rank))


def weighted(rank: int) -> Any:
    return cells(counted(rank, weighted=rank == 1))


def one_rank_counts_nothing(rank: int) -> Any:
    y_true, y_pred, _ = dataset()
    acc = Accumulator(num_classes=C)
    if rank == 1:
        acc.update(y_true, y_pred)
    return cells(acc.compute())


def sampler_without_padding(rank: int) -> Any:
    y_true, y_pred, _ = dataset()
    data = TensorDataset(y_true, y_pred)
    sampler = DistributedSampler(data, num_replicas=WORLD, rank=rank, shuffle=True, seed=7)
    exact = Accumulator(num_classes=C, max_samples=real_samples_on_rank(sampler))
    for labels, predicted in DataLoader(data, batch_size=256, sampler=sampler):
        exact.update(labels, predicted)
    return cells(exact.compute())


def deferred_error_on_one_rank(rank: int) -> Any:
    acc = Accumulator(num_classes=C).update([0, 1], [0, 1])
    if rank == 1:
        acc.update([0, C + 5], [0, 1])
    try:
        acc.compute()
    except confmat.LabelError as error:
        return str(error)
    return None


def mixed_stores_and_class_orders(rank: int) -> Any:
    """Rank 0 dense, rank 1 sparse with its classes in another order: aligned by name."""
    names = [f"c{i}" for i in range(6)]
    classes = names if rank == 0 else names[::-1]
    acc = Accumulator(classes=classes, sparse=rank == 1)
    y_true = ["c0", "c1", "c5", "c5"] if rank == 0 else ["c2", "c5", "c0"]
    y_pred = ["c0", "c2", "c5", "c4"] if rank == 0 else ["c2", "c1", "c3"]
    result = acc.update(y_true, y_pred).compute()
    return result.is_sparse, result.classes, result.to_dense()


SCENARIOS = [
    uneven,
    weighted,
    one_rank_counts_nothing,
    sampler_without_padding,
    deferred_error_on_one_rank,
    mixed_stores_and_class_orders,
]


def worker(rank: int, directory: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"file://{directory}/init",
        rank=rank,
        world_size=WORLD,
        timeout=datetime.timedelta(seconds=60),
    )
    try:
        results = {scenario.__name__: scenario(rank) for scenario in SCENARIOS}
    finally:
        dist.destroy_process_group()
    torch.save(results, f"{directory}/rank{rank}.pt")


# -- the checks -----------------------------------------------------------------------------


def assert_same_cells(found: tuple[torch.Tensor, torch.Tensor], matrix: ConfusionMatrix) -> None:
    indices, values = cells(matrix)
    assert torch.equal(found[0], indices)
    assert torch.equal(found[1], values)


@pytest.mark.distributed
def test_two_spawned_gloo_ranks_give_the_one_process_matrix_at_a_hundred_thousand_classes(
    tmp_path: Path,
) -> None:
    mp.start_processes(worker, args=(str(tmp_path),), nprocs=WORLD, start_method="spawn")
    results = [torch.load(tmp_path / f"rank{r}.pt", weights_only=False) for r in range(WORLD)]
    y_true, y_pred, weights = dataset()
    one_process = Accumulator(num_classes=C).update(y_true, y_pred).compute()
    assert one_process.is_sparse
    mixed = torch.where(torch.arange(N) >= BOUNDS[1], weights, torch.ones(N, dtype=torch.float64))
    weighted_one = Accumulator(num_classes=C).update(y_true, y_pred, mixed).compute()
    names = [f"c{i}" for i in range(6)]
    expected_mixed = ConfusionMatrix.from_predictions(
        ["c0", "c1", "c5", "c5", "c2", "c5", "c0"],
        ["c0", "c2", "c5", "c4", "c2", "c1", "c3"],
        classes=names,
    ).counts
    for rank, result in enumerate(results):
        assert_same_cells(result["uneven"], one_process)
        assert_same_cells(result["one_rank_counts_nothing"], one_process)
        assert_same_cells(result["sampler_without_padding"], one_process)
        indices, values = result["weighted"]
        assert torch.equal(indices, cells(weighted_one)[0])
        torch.testing.assert_close(values, cells(weighted_one)[1], rtol=1e-12, atol=0)
        assert "1 y_true label" in result["deferred_error_on_one_rank"], rank
        assert result["mixed_stores_and_class_orders"][0]  # one rank sparse: the sum is sparse
        assert result["mixed_stores_and_class_orders"][1] == names
        assert torch.equal(result["mixed_stores_and_class_orders"][2], expected_mixed)
    assert torch.equal(results[0]["weighted"][1], results[1]["weighted"][1])  # the same bits
