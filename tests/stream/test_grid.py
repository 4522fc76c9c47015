"""The two stores of an Accumulator's grid answer every question of the one interface alike."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from confmat._internal.stream import saved_state
from confmat._internal.stream.deferred import EXTRA
from confmat._internal.stream.dense_grid import DenseGrid
from confmat._internal.stream.grid import CountGrid
from confmat._internal.stream.sparse_grid import SparseGrid

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def batches(draw: st.DrawFn) -> tuple[int, list[tuple[torch.Tensor, ...]]]:
    """A class count and batches of (rows, cols[, float64 weights]) in ``[-1, C + EXTRA)``.

    No sample reaches column ``C + 2``, as none does in an Accumulator: its cells are tallies.
    """
    size = draw(st.integers(1, 5))
    row = st.integers(-1, size + EXTRA - 1)
    col = row.filter(lambda c: c != size + 2)
    found = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, 12))
        rows = torch.tensor(draw(st.lists(row, min_size=n, max_size=n)), dtype=torch.int64)
        cols = torch.tensor(draw(st.lists(col, min_size=n, max_size=n)), dtype=torch.int64)
        if draw(st.booleans()):
            weights = st.floats(0, 10, allow_nan=False, allow_infinity=False)
            values = draw(st.lists(weights, min_size=n, max_size=n))
            found.append((rows, cols, torch.tensor(values, dtype=torch.float64)))
        else:
            found.append((rows, cols))
    return size, found


def both(size: int, batch_list: list[tuple[torch.Tensor, ...]]) -> list[CountGrid]:
    grids: list[CountGrid] = [DenseGrid.zeros(size, None), SparseGrid(size, torch.device("cpu"))]
    for grid in grids:
        for batch in batch_list:
            grid.add(*(part.clone() for part in batch))
        grid.add_to_column(size + 2, torch.tensor([3, 1]))
        grid.mark(size + 1, size + 2)
    return grids


def as_dense(grid: CountGrid, side: int) -> torch.Tensor:
    whole = torch.zeros((side, side), dtype=grid.dtype)
    grid.add_to_dense(whole)
    return whole


def outside_dense(grid: CountGrid, side: int) -> torch.Tensor:
    rows, cols, counts = grid.outside()
    whole = torch.zeros((side, side), dtype=counts.dtype)
    whole.index_put_((rows, cols), counts, accumulate=True)
    return whole


@SETTINGS
@given(case=batches())
def test_both_stores_hold_the_same_cells(case: tuple[int, list[tuple[torch.Tensor, ...]]]) -> None:
    size, batch_list = case
    side = size + EXTRA
    dense, sparse = both(size, batch_list)
    assert dense.dtype == sparse.dtype
    assert dense.is_floating_point() == sparse.is_floating_point()
    assert torch.equal(as_dense(dense, side), as_dense(sparse, side))
    assert torch.equal(dense.class_counts(), sparse.class_counts().to_dense())
    assert torch.equal(outside_dense(dense, side), outside_dense(sparse, side))
    assert not outside_dense(dense, side)[:size, :size].any()  # outside the classes' block
    for code in range(0, side * side, 7):
        row, col = divmod(code, side)
        assert torch.equal(dense.cell(row, col), sparse.cell(row, col))
    codes, counts = dense.codes_and_counts()
    kept = sparse.codes_and_counts()
    nonzero = kept[1] != 0
    assert torch.equal(codes, kept[0][nonzero])
    assert torch.equal(counts, kept[1][nonzero])


@SETTINGS
@given(case=batches(), other=st.data())
def test_either_store_adds_the_other_and_itself(
    case: tuple[int, list[tuple[torch.Tensor, ...]]], other: Any
) -> None:
    size, batch_list = case
    side = size + EXTRA
    other_batches = other.draw(batches().filter(lambda found: found[0] == size))[1]
    for kind in (0, 1):
        for other_kind in (0, 1):
            mine, theirs = both(size, batch_list)[kind], both(size, other_batches)[other_kind]
            expected = as_dense(mine, side) + as_dense(theirs, side)
            mine.add_counts(theirs)
            assert torch.equal(as_dense(mine, side), expected)
        mine = both(size, batch_list)[kind]
        before = as_dense(mine, side)
        mine.add_counts(mine)
        assert torch.equal(as_dense(mine, side), 2 * before)


@pytest.mark.parametrize("weighted", [False, True], ids=["counts", "weights"])
def test_a_store_saved_loads_as_its_kind_with_the_same_counts(weighted: bool) -> None:
    values = torch.tensor([0.5, 2.0, 1.0], dtype=torch.float64) if weighted else None
    batch = torch.tensor([0, 1, -1]), torch.tensor([1, 1, 0])
    space = saved_state.ClassSpace(("a", "b"))
    for grid in both(2, [(*batch, values) if weighted else batch]):
        saved: dict[str, Any] = grid.saved()
        loaded = saved_state.check_counts(saved, space)
        assert type(loaded) is type(grid)
        assert torch.equal(as_dense(loaded, 6), as_dense(grid, 6))
        assert list(saved) == (["grid"] if isinstance(grid, DenseGrid) else ["codes", "counts"])


def test_the_dense_grid_sets_the_mark_and_the_sparse_store_adds_it() -> None:
    dense, sparse = both(2, [])
    dense.mark(3, 4)
    sparse.mark(3, 4)
    assert dense.cell(3, 4).item() == 1
    assert sparse.cell(3, 4).item() == 2  # only whether it is non-zero matters
