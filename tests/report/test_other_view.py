"""The bounded matrix views keep every count: an "(other)" row and column sum the classes left out.

Each view is checked against a brute-force oracle that visits every cell of the dense matrix
(rows true, columns predicted; the (other, other) cell holds every cell among left-out classes,
their diagonal included), on dense and sparse stores, counts and weights.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from confmat import ConfusionMatrix
from confmat._internal.core import sparse
from confmat._internal.report.model import build_report, matrix_view


def oracle(dense: np.ndarray, index: list[int]) -> np.ndarray:
    """The (k + 1, k + 1) view, one cell at a time."""
    k = len(index)
    place = {c: p for p, c in enumerate(index)}
    out = np.zeros((k + 1, k + 1), dtype=dense.dtype)
    for i in range(dense.shape[0]):
        for j in range(dense.shape[1]):
            out[place.get(i, k), place.get(j, k)] += dense[i, j]
    return out


def random_matrix(size: int, seed: int, weighted: bool = False) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    dense = rng.integers(0, 50, (size, size)) * (rng.random((size, size)) < 0.3)
    dense[np.arange(size), np.arange(size)] += rng.integers(0, 200, size)
    if weighted:
        return torch.from_numpy(dense * rng.random((size, size)))
    return torch.from_numpy(dense.astype(np.int64))


@pytest.mark.parametrize("store", ["dense", "sparse"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_block_with_other_matches_the_oracle(store: str, weighted: bool, seed: int) -> None:
    counts = random_matrix(23, seed, weighted)
    rng = np.random.default_rng(100 + seed)
    index = [int(i) for i in rng.choice(23, size=int(rng.integers(1, 23)), replace=False)]
    matrix = counts.to_sparse().coalesce() if store == "sparse" else counts
    got = sparse.block(matrix, torch.tensor(index), other=True).numpy()
    expected = oracle(counts.numpy(), index)
    dense = counts.numpy()
    if weighted:
        np.testing.assert_allclose(got, expected, rtol=1e-12)
        np.testing.assert_allclose(got.sum(), dense.sum(), rtol=1e-12)
    else:
        np.testing.assert_array_equal(got, expected)
        assert got.sum() == dense.sum()  # every count kept
        np.testing.assert_array_equal(got.sum(axis=1)[:-1], dense.sum(axis=1)[index])  # support
        np.testing.assert_array_equal(got.sum(axis=0)[:-1], dense.sum(axis=0)[index])
    assert got.shape == (len(index) + 1, len(index) + 1)


def test_block_shares_of_the_other_row_are_of_the_left_out_samples() -> None:
    counts = random_matrix(9, 7)
    index = torch.tensor([4, 1, 6])
    shares = sparse.block_shares(counts.to_sparse().coalesce(), index, "true", other=True)
    np.testing.assert_allclose(shares.sum(dim=1).numpy(), 1.0, rtol=1e-12)
    expected = oracle(counts.numpy(), [4, 1, 6]).astype(np.float64)
    np.testing.assert_allclose(shares.numpy(), expected / expected.sum(axis=1, keepdims=True))
    columns = sparse.block_shares(counts, index, "pred", other=True)
    np.testing.assert_allclose(columns.sum(dim=0).numpy(), 1.0, rtol=1e-12)


@pytest.mark.parametrize("store", [False, True])
def test_report_view_keeps_every_count(store: bool) -> None:
    counts = random_matrix(40, 11)
    cm = ConfusionMatrix(counts.to_sparse() if store else counts)
    report = build_report(cm)
    view = matrix_view(report, 12)
    assert view.left_out == 28
    assert len(view.counts) == 13
    got = np.array(view.counts)
    np.testing.assert_array_equal(got, oracle(counts.numpy(), list(view.indices)))
    assert got.sum() == cm.n
    np.testing.assert_array_equal(got.sum(axis=1)[:-1], cm.class_counts.support[list(view.indices)])


def test_a_view_of_every_class_has_no_other_row() -> None:
    report = build_report(ConfusionMatrix([[5, 1], [2, 8]]))
    assert matrix_view(report, 12).counts == [[5, 1], [2, 8]]


@pytest.mark.slow
def test_a_view_of_many_classes_reads_only_the_cells() -> None:
    size = 100_000
    rng = np.random.default_rng(0)
    true = torch.from_numpy(rng.integers(0, size, 200_000))
    other = torch.from_numpy(rng.integers(0, size, 200_000))
    pred = torch.where(torch.from_numpy(rng.random(200_000) < 0.7), true, other)
    cm = ConfusionMatrix.from_predictions(true, pred, num_classes=size)
    view = matrix_view(build_report(cm), 20)
    got = np.array(view.counts)
    assert got.shape == (21, 21)
    assert got.sum() == cm.n == 200_000
    support = cm.class_counts.support[list(view.indices)].numpy()
    np.testing.assert_array_equal(got.sum(axis=1)[:-1], support)


@pytest.mark.parametrize("store", [False, True])
def test_heatmap_top_draws_the_other_row_and_column(store: bool) -> None:
    pytest.importorskip("matplotlib")
    from confmat._internal.show import figures
    from confmat._internal.show.heatmap import heatmap

    counts = random_matrix(30, 5)
    cm = ConfusionMatrix(counts.to_sparse() if store else counts)
    display = heatmap(cm, top=6)
    try:
        drawn = [np.ma.filled(image.get_array(), 0.0) for image in display.images]
        values = sum(drawn)
        assert values.shape == (7, 7)
        np.testing.assert_array_equal(values, oracle(counts.numpy(), list(display.order)))
        assert display.ax.get_yticklabels()[-1].get_text() == "(other)"
    finally:
        figures.close(display)
