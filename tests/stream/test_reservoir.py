"""GroupedTopK at huge group counts: the k-th keys of full groups only, never one per group."""

from __future__ import annotations

import torch

from confmat._internal.stream.reservoir import GroupedTopK, Rows, concat, top_k_per_group


def test_ten_billion_groups_keep_the_one_shot_top_k() -> None:
    groups = 10**10  # the cells of 10^5 classes: a per-group tensor would take 40 GB
    generator = torch.Generator().manual_seed(5)
    store = GroupedTopK(k=3, groups=groups, min_pending=64)
    batches = []
    for _ in range(40):
        group = torch.randint(0, 12, (50,), generator=generator) * (groups // 13)
        key = torch.rand(50, generator=generator)
        rows = Rows(group, key, torch.arange(50).reshape(-1, 1), key.reshape(-1, 1))
        batches.append(rows)
        store.push(rows)
    kept = store.rows()
    expected = top_k_per_group(concat(batches), 3)
    assert kept is not None
    assert torch.equal(kept.group, expected.group)
    assert torch.equal(kept.key, expected.key)
    assert store.peak_size < 40 * 50  # rows that cannot enter a full group were dropped
