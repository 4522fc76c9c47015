"""Bootstrap from the counts: equal to resampling samples, batched statistics, seeding."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import confmat
from confmat._internal.stats import bootstrap, measures

MATRIX = torch.tensor([[50, 3, 0], [4, 40, 6], [0, 2, 45]])


def test_batched_counts_equal_dense_counts() -> None:
    size = 4
    flat = MATRIX.new_zeros(size * size)
    flat[torch.tensor([0, 1, 5, 6, 10, 12, 15])] = torch.tensor([9, 2, 7, 1, 5, 3, 8])
    matrix = flat.reshape(size, size)
    nonzero = flat.nonzero().reshape(-1)
    rows, cols = nonzero // size, nonzero % size
    chunk = next(bootstrap.resample(flat[nonzero].numpy(), 50, seed=1))
    batched = bootstrap.CellLayout(rows.numpy(), cols.numpy(), size).class_counts(chunk)
    for b in range(50):
        dense = torch.zeros(size * size, dtype=torch.int64)
        dense[nonzero] = torch.from_numpy(chunk[b])
        one = measures.class_counts(dense.reshape(size, size))
        for ours, theirs in zip(batched, one, strict=True):
            assert torch.equal(ours[b], theirs)
        for name, statistic in bootstrap.STATISTICS.items():
            value = float(statistic(batched)[b])
            expected = float(statistic(one))
            assert value == pytest.approx(expected, nan_ok=True), name
    assert set(chunk.sum(axis=1).tolist()) == {int(matrix.sum())}


def test_estimates_are_the_matrix_statistics() -> None:
    cm = confmat.ConfusionMatrix(MATRIX)
    result = cm.bootstrap(
        ["accuracy", "macro_f1", "weighted_f1", "mcc", "balanced_accuracy", "cohen_kappa"]
    )
    assert result["accuracy"].estimate == pytest.approx(cm.accuracy)
    assert result["macro_f1"].estimate == pytest.approx(cm.average("f1", "macro"))
    assert result["weighted_f1"].estimate == pytest.approx(cm.average("f1", "weighted"))
    assert result["mcc"].estimate == pytest.approx(cm.mcc)
    assert result["balanced_accuracy"].estimate == pytest.approx(cm.balanced_accuracy)
    assert result["cohen_kappa"].estimate == pytest.approx(cm.cohen_kappa)
    for interval in result.values():
        assert interval.lo < interval.estimate < interval.hi
        assert interval.defined == 2000


def test_seeded_and_reproducible() -> None:
    first = bootstrap.bootstrap_counts(MATRIX, seed=7)
    again = bootstrap.bootstrap_counts(MATRIX, seed=7)
    other = bootstrap.bootstrap_counts(MATRIX, seed=8)
    assert first == again
    assert first != other


def test_resampling_counts_is_resampling_samples() -> None:
    """The multinomial draw of the cells has the law of the sample bootstrap: compare moments."""
    generator = np.random.default_rng(3)
    cells = MATRIX.reshape(-1).numpy()
    samples = np.repeat(np.arange(cells.size), cells)
    draws = generator.choice(samples, size=(4000, samples.size), replace=True)
    by_samples = np.stack([np.bincount(d, minlength=cells.size) for d in draws])
    by_counts = np.concatenate(list(bootstrap.resample(cells, 4000, seed=3)))
    np.testing.assert_allclose(by_counts.mean(axis=0), by_samples.mean(axis=0), atol=0.35)
    np.testing.assert_allclose(by_counts.std(axis=0), by_samples.std(axis=0), rtol=0.08, atol=0.1)


def test_interval_narrows_with_more_samples() -> None:
    small = bootstrap.bootstrap_counts(MATRIX, ["mcc"])["mcc"]
    large = bootstrap.bootstrap_counts(MATRIX * 100, ["mcc"])["mcc"]
    assert (large.hi - large.lo) < (small.hi - small.lo) / 5
    assert large.estimate == pytest.approx(small.estimate)


def test_percentile_interval_of_a_known_distribution() -> None:
    """Bootstrap of accuracy approaches the binomial: width about 2 z sqrt(p (1 - p) / n)."""
    cm = confmat.ConfusionMatrix([[400, 100], [100, 400]])
    interval = cm.bootstrap(["accuracy"], n_resamples=4000, seed=0)["accuracy"]
    half = 1.96 * math.sqrt(0.8 * 0.2 / 1000)
    assert interval.lo == pytest.approx(0.8 - half, abs=0.006)
    assert interval.hi == pytest.approx(0.8 + half, abs=0.006)


def test_undefined_replicates_are_left_out() -> None:
    cm = confmat.ConfusionMatrix([[1, 0], [0, 1]])  # resamples with one class make MCC NaN
    interval = cm.bootstrap(["mcc"], n_resamples=400, seed=0)["mcc"]
    assert 0 < interval.defined < 400


def test_weighted_counts_have_no_interval() -> None:
    cm = confmat.ConfusionMatrix(torch.tensor([[2.5, 1.0], [0.5, 3.0]]))
    interval = cm.bootstrap(["accuracy"])["accuracy"]
    assert interval.estimate == pytest.approx(cm.accuracy)
    assert math.isnan(interval.lo)
    assert math.isnan(interval.hi)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"statistics": ["auc"]}, "statistics must be among"),
        ({"statistics": []}, "statistics must be among"),
        ({"n_resamples": 0}, "n_resamples"),
        ({"n_resamples": 2.5}, "n_resamples"),
        ({"level": 0.0}, "level"),
    ],
    ids=["unknown", "empty", "zero", "float", "level"],
)
def test_bad_options(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(confmat.OptionError, match=match):
        confmat.ConfusionMatrix(MATRIX).bootstrap(**kwargs)  # type: ignore[arg-type]


def test_layout_sums_cells_sharing_a_position() -> None:
    """The paired bootstrap draws (true, a, b) triples: several cells per (true, a) position."""
    rows, cols = np.array([0, 0, 1, 1, 1, 2]), np.array([0, 0, 1, 2, 1, 0])
    cells = np.array([[3, 2, 4, 1, 5, 6]])
    counts = bootstrap.CellLayout(rows, cols, 3).class_counts(cells)
    dense = np.zeros((3, 3), dtype=np.int64)
    np.add.at(dense, (rows, cols), cells[0])
    expected = measures.class_counts(torch.from_numpy(dense))
    for ours, theirs in zip(counts, expected, strict=True):
        assert torch.equal(ours[0], theirs)
