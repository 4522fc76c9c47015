"""Accumulator under torch.distributed, started with *spawn*: every rank has its own hash seed.

The ranks' class spaces are agreed once per ``compute``: the same names in another order are
aligned by name (the realistic trigger: ``classes=list(set(names))``), other names are refused
on every rank, a rank without classes takes the others'. A missing rank, rank 0 included, is
reported within ``compute``'s timeout. One spawned group runs every scenario.
"""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from confmat import Accumulator, ConfusionMatrix
from confmat.exceptions import DistributedError

NAMES = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen"]
N = 400
TIMEOUT = 1.0


def dataset() -> tuple[list[str], list[str]]:
    generator = torch.Generator().manual_seed(11)
    true = torch.randint(0, len(NAMES), (N,), generator=generator)
    noise = torch.randint(0, len(NAMES), (N,), generator=generator)
    pred = torch.where(torch.rand(N, generator=generator) < 0.7, true, noise)
    return [NAMES[i] for i in true.tolist()], [NAMES[i] for i in pred.tolist()]


def half(rank: int) -> slice:
    return slice(0, 150) if rank == 0 else slice(150, N)


def counted(classes: list[Any], rank: int) -> Any:
    y_true, y_pred = dataset()
    part = half(rank)
    acc = Accumulator(classes=classes)
    for start in range(part.start, part.stop, 64):
        stop = min(start + 64, part.stop)
        acc.update(y_true[start:stop], y_pred[start:stop])
    result = acc.compute()
    return result.classes, result.counts


def classes_from_a_set(rank: int) -> Any:
    order = list(set(NAMES))  # ordered by this process's string hashes
    return order, *counted(order, rank)


def classes_reversed_on_rank_1(rank: int) -> Any:
    return counted(NAMES if rank == 0 else NAMES[::-1], rank)


def rank_0_without_classes(rank: int) -> Any:
    if rank == 0:
        acc = Accumulator()  # counts nothing: takes rank 1's classes
        result = acc.compute()
        return result.classes, result.counts, acc.classes
    return (*counted(NAMES[::-1], rank), None)


def other_names_on_rank_1(rank: int) -> Any:
    classes = NAMES if rank == 0 else [*NAMES[:2], "cow", *NAMES[3:]]
    try:
        Accumulator(classes=classes).update(["ant"], ["bee"]).compute()
    except DistributedError as error:
        return str(error)
    return None


def integer_labels_with_classes_from_a_set(rank: int) -> Any:
    """Integer labels index the classes: their order cannot be aligned by name, only refused."""
    acc = Accumulator(classes=NAMES if rank == 0 else NAMES[::-1]).update([0, 1], [0, 2])
    try:
        acc.compute()
    except DistributedError as error:
        return str(error)
    return None


def more_classes_on_rank_1(rank: int) -> Any:
    classes = NAMES if rank == 0 else [*NAMES, "owl"]
    try:
        Accumulator(classes=classes).compute()
    except DistributedError as error:
        return str(error)
    return None


def rank_0_absent(rank: int) -> Any:
    if rank == 0:
        time.sleep(2.5 * TIMEOUT)  # alive, but not computing: rank 1 must give up in time
        return None
    started = time.perf_counter()
    try:
        Accumulator(num_classes=2).update([0], [0]).compute(timeout=TIMEOUT)
    except DistributedError as error:
        return str(error), time.perf_counter() - started
    return None, time.perf_counter() - started


SCENARIOS = [
    classes_from_a_set,
    classes_reversed_on_rank_1,
    rank_0_without_classes,
    other_names_on_rank_1,
    integer_labels_with_classes_from_a_set,
    more_classes_on_rank_1,
    rank_0_absent,  # last: it leaves the group unusable
]


def worker(rank: int, world: int, directory: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo",
        init_method=f"file://{directory}/init",
        rank=rank,
        world_size=world,
        timeout=datetime.timedelta(seconds=40),
    )
    try:
        results = {scenario.__name__: scenario(rank) for scenario in SCENARIOS}
    finally:
        dist.destroy_process_group()
    torch.save(results, f"{directory}/rank{rank}.pt")


@pytest.mark.distributed
@pytest.mark.slow
def test_spawned_ranks_agree_on_the_class_space(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)  # each spawned rank draws its own seed
    mp.start_processes(worker, args=(2, str(tmp_path)), nprocs=2, start_method="spawn")
    results = [torch.load(tmp_path / f"rank{r}.pt", weights_only=False) for r in range(2)]
    y_true, y_pred = dataset()

    def expected(classes: list[str], part: slice = slice(None)) -> torch.Tensor:
        matrix = ConfusionMatrix.from_predictions(y_true[part], y_pred[part], classes=classes)
        return matrix.counts

    rank0_order = results[0]["classes_from_a_set"][0]
    differed = rank0_order != results[1]["classes_from_a_set"][0]
    print(f"list(set(names)) ordered differently on the two ranks: {differed}")
    for rank, result in enumerate(results):
        _, classes, counts = result["classes_from_a_set"]
        assert classes == rank0_order  # the first rank's order, whatever the others' was
        assert torch.equal(counts, expected(rank0_order)), rank
        classes, counts = result["classes_reversed_on_rank_1"]
        assert classes == NAMES
        assert torch.equal(counts, expected(NAMES))
        classes, counts, _ = result["rank_0_without_classes"]
        assert classes == NAMES[::-1]  # not "0", "1", ...: the classes of the rank that knows
        assert torch.equal(counts, expected(NAMES[::-1], half(1)))
        message = result["other_names_on_rank_1"]
        assert "rank 1 has ['cow'] that rank 0 lacks, and lacks ['cat']" in message
        assert "disagree on the number of classes (8 and 9)" in result["more_classes_on_rank_1"]
        message = result["integer_labels_with_classes_from_a_set"]
        assert "ranks 0 and 1 count integer labels or scores by their position" in message
        assert "sorted(set(names))" in message
    assert results[0]["rank_0_without_classes"][2] == NAMES[::-1]

    message, seconds = results[1]["rank_0_absent"]
    assert "every rank" in message
    print(f"rank 0 absent: DistributedError on rank 1 after {seconds:.2f} s")
    assert seconds < TIMEOUT + 1.5, seconds  # not the process group's 40 s


def test_spawned_ranks_have_their_own_hash_seed() -> None:
    """What makes ``list(set(names))`` differ between ranks: no PYTHONHASHSEED is inherited."""
    assert os.environ.get("PYTHONHASHSEED") in (None, "random")
