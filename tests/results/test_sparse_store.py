"""The sparse store: the same matrix, statistics and document as the dense one, without C^2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import torch
from hypothesis import given, settings

import confmat
import strategies as cst
from confmat import ConfusionMatrix
from confmat._internal.core import sparse
from confmat.exceptions import ClassesError, MatrixError

SCHEMA = json.loads((Path(__file__).parents[1] / "schema" / "confmat.schema.json").read_text())
FAST = settings(max_examples=40, deadline=None, derandomize=True)


def assert_same_document(a: object, b: object, where: str = "") -> None:
    """Two JSON documents equal, numbers to 1e-12 (relative for large ones)."""
    if isinstance(a, dict):
        assert isinstance(b, dict), where
        assert list(a) == list(b), where
        for key in a:
            assert_same_document(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list), where
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same_document(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), (where, a, b)
    else:
        assert a == b, (where, a, b)
        assert type(a) is type(b), (where, a, b)


def both_stores(case: cst.Case) -> tuple[ConfusionMatrix, ConfusionMatrix]:
    def build(store: bool) -> ConfusionMatrix:
        return ConfusionMatrix.from_predictions(
            case.y_true, case.y_pred, sample_weight=case.sample_weight, sparse=store, **case.kwargs
        )

    return build(False), build(True)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(cst.cases())
def test_sparse_and_dense_give_the_same_document(case: cst.Case) -> None:
    dense, sparse_cm = both_stores(case)
    assert not dense.is_sparse
    assert sparse_cm.is_sparse
    assert sparse_cm.counts.layout == torch.sparse_coo
    assert torch.equal(sparse_cm.to_dense(), dense.counts)
    assert_same_document(sparse_cm.to_dict(), dense.to_dict())
    assert sparse_cm.to_dict() == dense.to_dict()  # bit for bit: sums over the same cells
    assert sparse_cm.most_confused(None) == dense.most_confused(None)
    assert sparse_cm.most_confused(3, by="rate") == dense.most_confused(3, by="rate")
    assert torch.equal(sparse_cm.support, dense.support)
    assert sparse_cm.n == dense.n
    for name in ("recall", "precision", "lr_plus"):
        for got, want in zip(sparse_cm.interval(name), dense.interval(name), strict=True):
            torch.testing.assert_close(got, want, rtol=0, atol=0, equal_nan=True)
    if dense.num_classes == 2:
        assert sparse_cm.binary_counts() == dense.binary_counts()


@FAST
@given(cst.count_matrices(max_classes=8))
def test_a_sparse_tensor_gives_the_matrix_of_its_dense_twin(matrix: np.ndarray) -> None:
    dense = ConfusionMatrix(matrix)
    sparse_cm = ConfusionMatrix(torch.from_numpy(matrix).to_sparse())
    assert sparse_cm.is_sparse
    assert_same_document(sparse_cm.to_dict(), dense.to_dict())
    assert sparse_cm.mcnemar_p_value == pytest.approx(dense.mcnemar_p_value, rel=1e-12, nan_ok=True)
    lo, hi = sparse_cm.cohen_kappa_ci()
    assert (lo, hi) == pytest.approx(dense.cohen_kappa_ci(), rel=1e-12, nan_ok=True)


@FAST
@given(cst.index_labels())
def test_merging_sparse_halves_gives_the_whole(data) -> None:
    y_true, y_pred, c = data
    whole = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=c, sparse=True)
    if len(y_true) < 2:
        return
    cut = len(y_true) // 2
    first = ConfusionMatrix.from_predictions(y_true[:cut], y_pred[:cut], num_classes=c, sparse=True)
    second = ConfusionMatrix.from_predictions(y_true[cut:], y_pred[cut:], num_classes=c)
    merged = first + second  # sparse + dense is sparse
    assert merged.is_sparse
    assert torch.equal(merged.to_dense(), whole.to_dense())
    assert merged.to_dict() == whole.to_dict()


def large(c: int = 100_000, n: int = 200_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, c, n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, c, n))
    return y_true, y_pred


def test_the_size_rule_picks_the_sparse_store_for_many_classes() -> None:
    y_true, y_pred = large()
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=100_000)
    assert cm.is_sparse
    assert sparse.use_sparse(sparse.DENSE_MAX_CLASSES, None) is False
    assert sparse.use_sparse(sparse.DENSE_MAX_CLASSES + 1, None) is True
    assert cm.n == 200_000
    assert cm.accuracy == pytest.approx(float(np.mean(y_true == y_pred)), abs=1e-15)
    assert cm.counts.values().sum().item() == 200_000
    small = ConfusionMatrix.from_predictions([0, 1], [1, 1])
    assert not small.is_sparse


def test_to_dense_of_a_huge_matrix_is_a_clear_error() -> None:
    y_true, y_pred = large()
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=100_000)
    with pytest.raises(ClassesError, match=r"100000 classes .* GiB"):
        cm.to_dense()
    with pytest.raises(ClassesError, match="100000 classes"):
        cm.normalized()


@pytest.mark.slow
def test_the_document_of_a_huge_matrix_lists_cells() -> None:
    y_true, y_pred = large(c=20_000, n=50_000)
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=20_000)
    document = json.loads(json.dumps(cm.to_dict(), allow_nan=False))
    assert document["matrix"] is None
    jsonschema.validate(document, SCHEMA)
    cells = document["cells"]
    assert sum(cells["count"]) == 50_000
    again = ConfusionMatrix(
        torch.sparse_coo_tensor(
            torch.tensor([cells["true"], cells["pred"]]),
            torch.tensor(cells["count"]),
            (20_000, 20_000),
            check_invariants=True,
        ),
        document["classes"],
    )
    assert again.to_dict() == document
    pairs = cm.most_confused(5)
    assert len(pairs) == 5
    assert pairs[0].count >= pairs[-1].count


def test_sparse_counts_are_checked() -> None:
    bad = torch.sparse_coo_tensor(
        torch.tensor([[0], [1]]), torch.tensor([-2]), (2, 2), check_invariants=True
    )
    with pytest.raises(MatrixError, match="non-negative, got -2 in row 0, column 1"):
        ConfusionMatrix(bad)
    with pytest.raises(confmat.ConfmatError, match="sparse must be True, False or None"):
        ConfusionMatrix.from_predictions([0, 1], [0, 1], sparse="yes")  # type: ignore[arg-type]


def test_weighted_sparse_matches_dense() -> None:
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 50, 2000), rng.integers(0, 50, 2000)
    weight = rng.random(2000)
    kwargs = {"num_classes": 50, "sample_weight": weight}
    dense = ConfusionMatrix.from_predictions(y_true, y_pred, sparse=False, **kwargs)
    sparse_cm = ConfusionMatrix.from_predictions(y_true, y_pred, sparse=True, **kwargs)
    assert sparse_cm.is_weighted
    assert_same_document(sparse_cm.to_dict(), dense.to_dict())


def test_a_report_of_many_classes_shows_the_worst_and_says_what_it_left_out() -> None:
    from confmat._internal.report import build_report, render_html, render_markdown
    from confmat._internal.report.large import LARGE_CLASSES, SHOWN_CLASSES

    y_true, y_pred = large(c=5_000, n=20_000)
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=5_000)
    report = build_report(cm)
    assert len(report.classes) == SHOWN_CLASSES
    recall = report.per_class["recall"]
    assert recall == sorted(recall)
    assert recall[0] == float(cm.recall.nan_to_num(2.0).min())
    codes = [f.code for f in report.findings]
    assert "classes-left-out" in codes
    assert "recall-distribution" in codes
    text = render_markdown(cm)
    assert "the other 4,950 are left out" in text
    below = int((cm.recall[~cm.recall.isnan()] < 0.5).sum())
    assert f"{below:,} of 5,000 classes have recall below 0.5" in text
    page = render_html(cm)
    assert "the other 4,950 are left out" in page
    assert cm.most_confused(1)[0].true in page
    small = build_report(ConfusionMatrix(torch.eye(LARGE_CLASSES, dtype=torch.int64)))
    assert len(small.classes) == LARGE_CLASSES


def test_json_column_is_json_number_over_the_column() -> None:
    from confmat._internal.results.document import json_column, json_number, paused_gc

    values = torch.tensor([0.25, float("nan"), float("inf"), -float("inf"), 0.0, 1.0])
    assert json_column(values.double()) == [json_number(x) for x in values.double().tolist()]
    assert json_column(torch.tensor([3, 4])) == [3, 4]
    import gc

    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_json_column_keeps_every_bit_and_shares_equal_values() -> None:
    from confmat._internal.results.document import json_column, json_number

    rng = np.random.default_rng(3)
    pool = np.array([0.1, 0.0, -0.0, np.nan, np.inf, -np.inf, 1 / 3, 2.0**-1074, 2**53])
    values = torch.from_numpy(rng.choice(pool, 5000))
    got = json_column(values)
    want = [json_number(x) for x in values.tolist()]
    assert got == want
    assert [math.copysign(1, x) for x in got if x == 0] == [
        math.copysign(1, x) for x in want if x == 0
    ]
    floats = [x for x in got if isinstance(x, float)]
    assert len({id(x) for x in floats}) <= len(pool)  # one object per distinct value
    big = torch.tensor([2**40, 7, 2**40, -(2**40)])
    assert json_column(big) == big.tolist()
    assert all(type(x) is int for x in json_column(big))
    assert json_column(torch.tensor([True, False, True])) == [True, False, True]


@pytest.mark.parametrize("weighted", [False, True])
def test_the_per_class_document_is_its_statistics_class_by_class(weighted: bool) -> None:
    """The columnar, shared document against a naive one built class by class."""
    from confmat._internal.results.document import INTERVAL_KEYS, json_number
    from confmat._internal.stats import measures

    rng = np.random.default_rng(5)
    n, classes = 3000, 5000  # a long tail: many classes share their counts
    y_true = rng.zipf(1.5, n) % classes
    y_pred = np.where(rng.random(n) < 0.5, y_true, rng.integers(0, classes, n))
    weight = rng.random(n) if weighted else None
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes, sample_weight=weight)
    assert cm.is_sparse
    per_class = cm.to_dict()["per_class"]
    counts = cm.class_counts
    columns = {
        name: getattr(counts, name).tolist() if weighted else getattr(counts, name).long().tolist()
        for name in ("tp", "fp", "fn", "tn", "support")
    }
    columns |= {name: cm.per_class(name).tolist() for name in measures.PER_CLASS}
    intervals = {name: [t.tolist() for t in cm.interval(name)] for name in INTERVAL_KEYS}
    for i, name in enumerate(cm.classes):
        row = per_class[name]
        want = {key: json_number(values[i]) for key, values in columns.items()}
        for key, (lo, hi) in intervals.items():
            want[f"{key}_ci"] = None if math.isnan(lo[i]) else [lo[i], hi[i]]
        assert row == want, name
        assert [type(v) for v in row.values()] == [type(v) for v in want.values()], name
    pairs = [row["specificity_ci"] for row in per_class.values() if row["specificity_ci"]]
    assert len({id(pair) for pair in pairs}) == len(pairs)  # lists are never shared
    assert len(pairs) == (0 if weighted else classes)


def test_per_class_dicts_are_plain_dicts_sharing_their_keys() -> None:
    import copy
    import pickle
    import platform
    import sys

    per_class = ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 0, 3]]).to_dict()["per_class"]
    row = per_class["1"]
    assert type(row) is dict
    assert list(row) == list(per_class["0"])
    assert pickle.loads(pickle.dumps(row)) == row == copy.deepcopy(row)
    assert json.loads(json.dumps(row)) == row
    row["extra"] = 1  # every dict stays its own
    assert "extra" not in per_class["2"]
    if platform.python_implementation() == "CPython":
        assert sys.getsizeof(per_class["2"]) < sys.getsizeof(dict(per_class["2"])) / 2


@pytest.mark.parametrize("seed", range(4))
def test_the_k_most_confused_are_the_first_k_of_the_full_ranking(seed: int) -> None:
    from confmat._internal.stats import confusions

    rng = np.random.default_rng(seed)
    classes = 300
    y_true = rng.integers(0, classes, 4000)
    y_pred = np.where(rng.random(4000) < 0.3, y_true, rng.integers(0, classes, 4000))
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes, sparse=True)
    for by in ("count", "rate"):
        everything = cm.most_confused(None, by=by)  # many ties: counts of 1 and 2
        for k in (1, 5, 37, len(everything), len(everything) + 3):
            assert cm.most_confused(k, by=by) == everything[:k]
    index = {name: i for i, name in enumerate(cm.classes)}
    order = [index[n] for p in cm.most_confused(None) for n in (p.true, p.pred)]
    for k in (1, 7, 50):
        want = sorted(list(dict.fromkeys(order))[:k])
        assert confusions.most_confused_classes(cm.counts, k) == want


@pytest.mark.parametrize("weighted", [False, True])
def test_a_sparse_matrix_finds_its_cells_once(weighted: bool, monkeypatch) -> None:
    from confmat._internal.stats import intervals, significance
    from confmat._internal.stats.confusions import most_confused

    rng = np.random.default_rng(11)
    y_true, y_pred = rng.integers(0, 40, 500), rng.integers(0, 40, 500)
    weight = rng.random(500) if weighted else None
    fresh = ConfusionMatrix.from_predictions(
        y_true, y_pred, sample_weight=weight, num_classes=40, sparse=True
    )
    calls = []
    found = sparse.cells
    monkeypatch.setattr(
        sparse, "cells", lambda m: calls.append(not isinstance(m, sparse.Cells)) or found(m)
    )
    cm = ConfusionMatrix.from_predictions(
        y_true, y_pred, sample_weight=weight, num_classes=40, sparse=True
    )
    document = cm.to_dict()
    cm.most_confused(5)
    tensor_calls = sum(calls)  # the matrix's cells are found from its tensor once
    monkeypatch.setattr(sparse, "cells", found)
    assert_same_document(document, fresh.to_dict())
    counts = fresh.counts
    assert cm.most_confused(None) == most_confused(counts, fresh.classes, None)
    assert cm.cohen_kappa_ci() == intervals.cohen_kappa(counts)
    p = significance.mcnemar_p_value(counts)
    assert cm.mcnemar_p_value == p or (math.isnan(p) and math.isnan(cm.mcnemar_p_value))
    assert cm.n == fresh.n
    assert torch.equal(cm.support, fresh.support)
    assert tensor_calls == 1
    two = ConfusionMatrix(torch.tensor([[5, 3], [1, 4]]).to_sparse())
    assert two.mcnemar_p_value == significance.mcnemar_p_value(torch.tensor([[5, 3], [1, 4]]))
