"""The Accumulator's sparse store against its dense grid: the same documents, states and errors."""

from __future__ import annotations

import io
import itertools
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
import strategies as cs
from confmat import Accumulator, ConfusionMatrix
from confmat._internal.core import sparse as store
from confmat._internal.stream import sparse_grid
from confmat.exceptions import LabelError, MergeError, ScoreError, WeightError

SETTINGS = settings(max_examples=25, deadline=None)
LARGE = 100_000


@contextmanager
def tiny_buffer(size: int) -> Iterator[None]:
    """Buffers of ``size`` codes that never grow: a merge every few samples."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparse_grid, "BUFFER_SIZE", size)
        patch.setattr(sparse_grid, "BUFFER_MAX", size)
        yield


@st.composite
def partitions(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    return list(itertools.pairwise([0, *cuts, n]))


def kwargs_of(case: cs.Case) -> dict[str, Any]:
    return case.kwargs or {"classes": case.labels}


def assert_close_documents(a: Any, b: Any, path: str = "") -> None:
    """Equal documents, floats to 1e-12 (the two stores' intervals may differ in the last bits)."""
    if isinstance(a, dict):
        assert list(a) == list(b), path
        for key in a:
            assert_close_documents(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close_documents(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12), path
    else:
        assert a == b, path


def assert_same_document(sparse: ConfusionMatrix, dense: ConfusionMatrix) -> None:
    """The same counts to the last bit, the same document to 1e-12."""
    assert sparse.is_sparse
    assert not dense.is_sparse
    assert torch.equal(sparse.to_dense(), dense.counts)
    assert_close_documents(sparse.to_dict(), dense.to_dict())


def counted(stream: list[tuple[Any, ...]], **kwargs: Any) -> Accumulator:
    acc = Accumulator(**kwargs)
    for batch in stream:
        acc.update(*batch)
    return acc


def random_stream(
    c: int, n: int = 3000, batch: int = 257, seed: int = 0
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    y_true = torch.randint(0, c, (n,), generator=generator)
    y_pred = torch.where(
        torch.rand(n, generator=generator) < 0.5,
        y_true,
        torch.randint(0, c, (n,), generator=generator),
    )
    return list(zip(y_true.split(batch), y_pred.split(batch), strict=True))


# -- the same matrix as the dense grid --------------------------------------------------------


@pytest.mark.slow
@SETTINGS
@given(case=cs.cases(), data=st.data(), buffer=st.sampled_from([None, 1, 3, 16]))
def test_sparse_store_gives_the_dense_document_whatever_the_partition_and_merge_order(
    case: cs.Case, data: Any, buffer: int | None
) -> None:
    parts = data.draw(partitions(len(case.y_true)))
    k = data.draw(st.integers(1, 3))
    owners = data.draw(st.lists(st.integers(0, k - 1), min_size=len(parts), max_size=len(parts)))
    order = data.draw(st.permutations(range(k)))
    results = {}
    for sparse in (False, True):
        with tiny_buffer(buffer) if buffer and sparse else pytest.MonkeyPatch.context():
            accs = [Accumulator(sparse=sparse, **kwargs_of(case)) for _ in range(k)]
            for (start, stop), owner in zip(parts, owners, strict=True):
                weight = None if case.sample_weight is None else case.sample_weight[start:stop]
                accs[owner].update(case.y_true[start:stop], case.y_pred[start:stop], weight)
            first, *rest = (accs[i] for i in order)
            results[sparse] = first.merge(*rest).compute()
    assert_same_document(results[True], results[False])
    eager = ConfusionMatrix.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight, sparse=True, **case.kwargs
    )
    assert results[True].classes == eager.classes
    torch.testing.assert_close(results[True].to_dense(), eager.to_dense(), rtol=1e-12, atol=0)


@SETTINGS
@given(sample=cs.binary_scores(), logits=st.booleans(), data=st.data())
def test_binary_scores_and_logits_count_alike_in_both_stores(
    sample: Any, logits: bool, data: Any
) -> None:
    y_true, scores, threshold = sample
    batches = [
        (torch.from_numpy(y_true[a:b]), torch.from_numpy(scores[a:b]))
        for a, b in data.draw(partitions(len(y_true)))
    ]
    options = {"threshold": threshold, "from_logits": logits}
    with pytest.MonkeyPatch.context():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", confmat.FromLogitsWarning)
            dense = counted(batches, **options).compute()
            sparse = counted(batches, sparse=True, **options).compute()
    assert_same_document(sparse, dense)


@SETTINGS
@given(sample=cs.multiclass_scores(), data=st.data())
def test_multiclass_scores_fix_the_class_space_of_the_sparse_store(sample: Any, data: Any) -> None:
    y_true, scores = sample
    batches = [
        (y_true[a:b], torch.from_numpy(scores[a:b])) for a, b in data.draw(partitions(len(y_true)))
    ]
    with tiny_buffer(2):
        sparse = counted(batches, sparse=True).compute()
    assert_same_document(sparse, counted(batches).compute())


def test_many_classes_are_sparse_by_the_size_rule_and_match_from_predictions() -> None:
    batches = random_stream(LARGE)
    acc = counted(batches, num_classes=LARGE)
    assert isinstance(acc._grid, sparse_grid.SparseGrid)
    result = acc.compute()
    y_true = torch.cat([t for t, _ in batches])
    y_pred = torch.cat([p for _, p in batches])
    eager = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=LARGE)
    assert result.is_sparse
    assert eager.is_sparse
    assert torch.equal(result.counts.indices(), eager.counts.indices())
    assert torch.equal(result.counts.values(), eager.counts.values())
    assert result.accuracy == eager.accuracy
    at_the_limit = counted(
        random_stream(store.DENSE_MAX_CLASSES), num_classes=store.DENSE_MAX_CLASSES
    )
    assert not at_the_limit.compute().is_sparse


def test_a_batch_larger_than_the_buffer_and_every_merge_point_count_alike() -> None:
    batches = random_stream(50, n=400, batch=37)
    expected = counted(batches, num_classes=50).compute()
    for size in (1, 5, 36, 37, 38, 1000):
        with tiny_buffer(size):
            assert_same_document(counted(batches, num_classes=50, sparse=True).compute(), expected)


def test_one_merge_per_full_buffer_and_none_before(monkeypatch: pytest.MonkeyPatch) -> None:
    merges = []
    merge = sparse_grid.SparseGrid._merge

    def counting(self: sparse_grid.SparseGrid, codes: torch.Tensor, values: torch.Tensor) -> None:
        merges.append(int(codes.shape[0]))
        merge(self, codes, values)

    monkeypatch.setattr(sparse_grid.SparseGrid, "_merge", counting)
    monkeypatch.setattr(sparse_grid, "BUFFER_SIZE", 1000)
    monkeypatch.setattr(sparse_grid, "BUFFER_MAX", 1000)
    acc = Accumulator(num_classes=LARGE)
    for y_true, y_pred in random_stream(LARGE, n=2570, batch=257):
        acc.update(y_true, y_pred)
    assert merges == [3 * 257 + 1, 3 * 257, 3 * 257]  # the first holds the by-position mark
    acc.compute()
    assert merges[3:] == [257]


def test_the_buffer_grows_with_the_kept_cells_up_to_its_bound() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparse_grid, "BUFFER_SIZE", 64)
        patch.setattr(sparse_grid, "BUFFER_MAX", 1024)
        grid = sparse_grid.SparseGrid(LARGE, torch.device("cpu"))
        codes = torch.arange(5000)
        for start in range(0, 5000, 50):
            grid.add(codes[start : start + 50], codes[start : start + 50])
        grid.flush()
    assert grid.capacity == 1024
    assert grid.codes.numel() == 5000


# -- the deferred checks, ignore_index, max_samples ------------------------------------------

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("y_true", "y_pred", "weight", "error", "match"),
    [
        ([0, 1, 9, 2], [0, 1, 1, 2], None, LabelError, "1 y_true label"),
        ([0, -1, -3, 2], [0, 1, 1, 2], None, LabelError, "2 y_true label"),
        ([0, 1, 1, 2], [0, 3, 1, 2], None, LabelError, "1 y_pred label"),
        ([0, 1, 1, 2], [0, -7, 1, 2], None, LabelError, "1 y_pred label"),
        ([0, 1, 1, 2], [[1, 0, 0], [0, 1, 0], [NAN, 0, 0], [0, 0, 1]], None, ScoreError, "1 score"),
        ([0, 1, 1, 2], [0, 1, 1, 2], [1, -1, 1, 1], WeightError, "1 sample weight"),
        ([0, 9, 1, 2], [0, 1, 5, 2], [1, 1, 1, INF], LabelError, "1 y_true.*1 y_pred.*1 sample"),
    ],
    ids=["true-high", "true-negative", "pred-high", "pred-negative", "nan-score", "weight", "all"],
)  # fmt: skip
def test_deferred_errors_are_the_dense_grids(
    y_true: list[Any], y_pred: list[Any], weight: list[float] | None, error: type, match: str
) -> None:
    messages = []
    for sparse in (False, True):
        acc = Accumulator(num_classes=3, sparse=sparse).update([0], [0])
        acc.update(y_true, y_pred, weight)
        with pytest.raises(error, match=match) as caught:
            acc.compute()
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("limit", [0, 1, 300, 2999, 5000])
def test_ignore_index_and_max_samples_in_the_sparse_store(limit: int) -> None:
    batches = random_stream(LARGE)
    batches = [(t.masked_fill(t % 7 == 0, -100), p) for t, p in batches]
    options = {"num_classes": LARGE, "ignore_index": -100, "max_samples": limit}
    sparse = counted(batches, **options).compute()
    if limit == 0:
        assert sparse.n == 0
        return
    y_true = torch.cat([t for t, _ in batches])[:limit]
    y_pred = torch.cat([p for _, p in batches])[:limit]
    eager = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=LARGE, ignore_index=-100)
    assert sparse.n == eager.n
    assert torch.equal(sparse.counts.indices(), eager.counts.indices())
    assert torch.equal(sparse.counts.values(), eager.counts.values())


def test_validate_false_trusts_the_input_without_counting_elsewhere() -> None:
    acc = Accumulator(num_classes=3, sparse=True, validate=False).update([0, 1, 2], [0, 2, 2])
    assert acc.compute().to_dense().tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]
    bad = Accumulator(num_classes=3, sparse=True, validate=False).update([0, 50], [0, 1])
    with pytest.raises(LabelError, match="1 y_true label"):  # clamped to a refused row
        bad.compute()


# -- state, merge, persistence ----------------------------------------------------------------


def test_state_dict_round_trip_with_weights_only_mid_stream() -> None:
    batches = random_stream(LARGE, seed=3)
    whole = counted(batches, num_classes=LARGE)
    first = counted(batches[:4], num_classes=LARGE)
    buffer = io.BytesIO()
    torch.save(first.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    assert state["grid"] is None
    assert state["codes"].dtype == torch.int64
    resumed = Accumulator().load_state_dict(state)
    for y_true, y_pred in batches[4:]:
        resumed.update(y_true, y_pred)
    result, expected = resumed.compute(), whole.compute()
    assert torch.equal(result.counts.indices(), expected.counts.indices())
    assert torch.equal(result.counts.values(), expected.counts.values())
    assert resumed.samples_seen == whole.samples_seen


def test_state_of_one_store_loads_into_the_other() -> None:
    y = ([0, 1, 2, 7], [1, 1, 2, 0], [0.5, 1.0, 2.0, 1.0])
    for saved_sparse, loaded_sparse in ((True, False), (False, True)):
        state = Accumulator(num_classes=3, sparse=saved_sparse).update(*y).state_dict()
        state["config"]["sparse"] = loaded_sparse
        acc = Accumulator().load_state_dict(state)
        assert isinstance(acc._grid, sparse_grid.SparseGrid) == loaded_sparse
        with pytest.raises(LabelError, match="1 y_true label"):  # the refused cells came along
            acc.compute()


def sparse_state(**changes: Any) -> dict[str, Any]:
    state = Accumulator(classes=[3, 5], sparse=True).update([3, 5], [5, 5]).state_dict()
    state.update(changes)
    return state


CODES = torch.tensor([1, 7, 20])
COUNTS = torch.tensor([1, 1, 1])


@pytest.mark.parametrize(
    ("state", "match"),
    [
        (sparse_state(codes=torch.tensor([7, 1, 20]), counts=COUNTS), "sorted and unique"),
        (sparse_state(codes=torch.tensor([1, 1, 20]), counts=COUNTS), "sorted and unique"),
        (sparse_state(codes=torch.tensor([-1, 7, 20]), counts=COUNTS), r"lie in \[0, 36\)"),
        (sparse_state(codes=torch.tensor([1, 7, 36]), counts=COUNTS), r"lie in \[0, 36\)"),
        (sparse_state(codes=CODES.float(), counts=COUNTS), "1-d int64"),
        (sparse_state(codes=CODES, counts=COUNTS[:2]), "as many counts"),
        (sparse_state(codes=CODES, counts=-COUNTS), "non-negative"),
        (sparse_state(codes=CODES, counts=COUNTS.double() * NAN), "non-negative"),
        (sparse_state(codes=CODES, counts=COUNTS.to(torch.int32)), "int64 or float64"),
        (sparse_state(codes=CODES, counts=[1, 1, 1]), "tensors of sparse codes"),
        (sparse_state(grid=torch.zeros(6, 6, dtype=torch.int64)), "both a dense grid"),
        (sparse_state(classes=None, class_values=None), "no classes"),
    ],
    ids=["unsorted", "repeated", "negative", "beyond", "float-codes", "lengths", "negative-count",
         "nan", "int32", "list", "both", "no-classes"],
)  # fmt: skip
def test_load_state_dict_refuses_hostile_sparse_states(state: dict[str, Any], match: str) -> None:
    with pytest.raises(confmat.OptionError, match=match):
        Accumulator().load_state_dict(state)


def test_a_version_1_state_still_loads() -> None:
    state = Accumulator(num_classes=2).update([0, 1], [1, 1]).state_dict()
    state["version"] = 1
    del state["codes"], state["counts"]
    state["config"].pop("sparse")
    assert Accumulator().load_state_dict(state).compute().counts.tolist() == [[0, 1], [0, 1]]


def test_merge_across_stores_and_into_itself() -> None:
    a = Accumulator(num_classes=3, sparse=True).update([0, 1], [0, 2])
    b = Accumulator(num_classes=3).update([2, 2], [2, 1], [0.5, 0.25])
    expected = [[1.0, 0, 0], [0, 0, 1.0], [0, 0.25, 0.5]]
    assert a.merge(b).compute().to_dense().tolist() == expected
    c = Accumulator(num_classes=3).update([2, 2], [2, 1], [0.5, 0.25])
    assert (
        c.merge(Accumulator(num_classes=3, sparse=True).update([0, 1], [0, 2]))
        .compute()
        .counts.tolist()
        == expected
    )
    assert a.merge(a).compute().to_dense().tolist() == [[2 * x for x in r] for r in expected]
    with pytest.raises(MergeError, match="same classes"):
        a.merge(Accumulator(num_classes=4, sparse=True).update([0], [0]))


def test_reset_to_pickle_repr_and_inference_mode() -> None:
    acc = Accumulator(classes=["a", "b"], sparse=True)
    with torch.inference_mode():
        acc.update(["a", "b"], ["b", "b"], torch.tensor([0.5, 2.0]))
    acc.update(["a"], ["a"])
    assert (
        repr(acc) == "Accumulator(classes=[a, b], device='cpu', samples=3, weighted, validate=True)"
    )
    copy = pickle.loads(pickle.dumps(acc.to("cpu")))
    assert copy.compute().to_dict() == acc.compute().to_dict()
    assert acc.compute().to_dense().tolist() == [[1.0, 0.5], [0.0, 2.0]]
    acc.reset()
    assert acc.samples_seen == 0
    result = acc.update(["b"], ["a"]).compute()
    assert result.is_sparse
    assert not result.is_weighted
    assert result.to_dense().tolist() == [[0, 0], [1, 0]]


def test_an_empty_sparse_accumulator_computes_zeros() -> None:
    result = Accumulator(num_classes=LARGE).compute()
    assert result.is_sparse
    assert result.n == 0
    empty = Accumulator(num_classes=LARGE).update(torch.tensor([], dtype=torch.int64), [])
    assert empty.compute().n == 0


def test_the_sparse_option_is_checked() -> None:
    with pytest.raises(confmat.OptionError, match="sparse must be True, False or None"):
        Accumulator(num_classes=2, sparse="yes")  # type: ignore[arg-type]


# -- evaluate() at large C --------------------------------------------------------------------


def test_evaluate_counts_a_hundred_thousand_classes_sparse() -> None:
    torch.manual_seed(0)
    model = torch.nn.Linear(8, LARGE)
    inputs = torch.randn(300, 8)
    with torch.no_grad():
        predicted = model(inputs).argmax(1)
    targets = torch.where(torch.arange(300) < 120, predicted, torch.randint(0, LARGE, (300,)))
    data = torch.utils.data.TensorDataset(inputs, targets)
    result = confmat.evaluate(
        model, torch.utils.data.DataLoader(data, batch_size=64), progress=False
    )
    eager = ConfusionMatrix.from_predictions(targets, predicted, num_classes=LARGE)
    assert result.matrix.is_sparse
    assert result.matrix.num_classes == LARGE
    assert torch.equal(result.matrix.counts.indices(), eager.counts.indices())
    assert torch.equal(result.matrix.counts.values(), eager.counts.values())
    assert np.isclose(result.matrix.accuracy, eager.accuracy)
