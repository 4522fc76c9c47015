"""ConfusionMatrix: differential tests against scikit-learn, properties and input kinds."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import event, given, settings
from hypothesis import strategies as st

import confmat
import sklearn_oracle as oracle
import strategies as cst
from confmat import ConfusionMatrix

FAST = settings(max_examples=60, deadline=None, derandomize=True)

TOL = {"rtol": 0.0, "atol": 1e-12}


STORES = pytest.mark.parametrize("store", [False, True], ids=["dense", "sparse"])
"""The matrix properties hold in both stores of counts (``sparse=``), each test run on both."""


def from_case(case: cst.Case, store: bool = False) -> ConfusionMatrix:
    return ConfusionMatrix.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight, sparse=store, **case.kwargs
    )


def assert_close(actual: object, expected: object, what: str) -> None:
    """Equal to 1e-12 where defined, and undefined (NaN) in the same places."""
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        equal_nan=True,
        err_msg=what,
        **TOL,
    )


def mcc_undefined(matrix: np.ndarray) -> bool:
    """MCC is 0/0 when all true labels, or all predictions, fall in one class."""
    return bool((matrix.sum(axis=1) > 0).sum() <= 1 or (matrix.sum(axis=0) > 0).sum() <= 1)


# -- differential: scikit-learn through the one adapter --------------------------------------


@STORES
@settings(max_examples=200, deadline=None, derandomize=True)
@given(cst.cases())
def test_matches_scikit_learn(store: bool, case: cst.Case) -> None:
    cm = from_case(case, store)
    assert cm.is_sparse is store
    ref = oracle.reference(case.y_true, case.y_pred, case.labels, case.sample_weight)
    kind = type(case.labels[0]).__name__
    event(f"labels: {kind}; weighted: {case.sample_weight is not None}")
    absent = set(case.labels) - set(case.y_true) - set(case.y_pred)
    event(f"classes absent from the data: {bool(absent)}")

    assert cm.classes == case.names
    assert cm.counts.dtype == (torch.float64 if case.sample_weight else torch.int64)
    assert_close(cm.to_dense().numpy(), ref.matrix, "matrix")
    assert_close(cm.support.numpy(), ref.support, "support")
    for name in oracle.PRF:
        assert_close(cm.per_class(name).numpy(), ref.per_class[name], name)
        for method in oracle.AVERAGES:
            assert_close(cm.average(name, method), ref.averages[method][name], f"{method} {name}")
    assert_close(cm.accuracy, ref.accuracy, "accuracy")
    assert_close(cm.balanced_accuracy, ref.balanced_accuracy, "balanced accuracy")
    assert_close(cm.cohen_kappa, ref.cohen_kappa, "kappa")
    if math.isnan(cm.mcc):  # policy: NaN where scikit-learn says 0 (see test below)
        assert ref.mcc == 0.0
        assert mcc_undefined(ref.matrix)
    else:
        assert_close(cm.mcc, ref.mcc, "mcc")


@STORES
@FAST
@given(cst.binary_scores())
def test_binary_scores_match_scikit_learn_on_thresholded_labels(
    store: bool, data: tuple[np.ndarray, np.ndarray, float]
) -> None:
    y_true, scores, threshold = data
    cm = ConfusionMatrix.from_predictions(y_true, scores, threshold=threshold, sparse=store)
    expected = oracle.confusion_matrix(y_true, (scores >= threshold).astype(int), [0, 1])
    np.testing.assert_array_equal(cm.to_dense().numpy(), expected)


@STORES
@FAST
@given(cst.multiclass_scores())
def test_multiclass_scores_match_scikit_learn_on_argmax(
    store: bool, data: tuple[np.ndarray, np.ndarray]
) -> None:
    y_true, scores = data
    c = scores.shape[1]
    cm = ConfusionMatrix.from_predictions(y_true, scores, sparse=store)
    expected = oracle.confusion_matrix(y_true, scores.argmax(axis=1), range(c))
    np.testing.assert_array_equal(cm.to_dense().numpy(), expected)
    assert cm.classes == [str(i) for i in range(c)]


# -- documented policy differences from scikit-learn ------------------------------------------


@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [
        pytest.param([0, 0, 0], [0, 1, 0], id="one-true-class"),
        pytest.param([0, 1, 1], [1, 1, 1], id="one-predicted-class"),
        pytest.param([2, 2], [2, 2], id="one-class-only"),
    ],
)
def test_policy_mcc_is_nan_where_scikit_learn_says_zero(y_true: list[int], y_pred: list[int]):
    assert oracle.sklearn_mcc(y_true, y_pred) == 0.0
    assert math.isnan(ConfusionMatrix.from_predictions(y_true, y_pred).mcc)


def test_policy_kappa_is_nan_when_chance_agreement_is_certain():
    # p_e = 1 when truth and prediction hold one and the same class: (p_o - p_e) / (1 - p_e) = 0/0.
    cm = ConfusionMatrix.from_predictions(["a", "a"], ["a", "a"], classes=["a", "b"])
    assert math.isnan(cm.cohen_kappa)
    assert math.isnan(oracle.reference(["a", "a"], ["a", "a"], ["a", "b"]).cohen_kappa)


def test_policy_weighted_average_is_nan_when_defined_classes_have_no_support():
    # precision of class 0 is 0/0 (never predicted); class 1's precision 0/2 = 0 is defined
    # but class 1 has no support. scikit-learn falls back to the unweighted mean (0.0).
    y_true, y_pred = [0, 0], [1, 1]
    cm = ConfusionMatrix.from_predictions(y_true, y_pred)
    assert cm.precision.tolist()[1] == 0.0
    assert math.isnan(float(cm.precision[0]))
    assert oracle.sklearn_weighted(y_true, y_pred, [0, 1], "precision") == 0.0
    assert math.isnan(cm.average("precision", "weighted"))
    assert cm.average("precision", "macro") == 0.0


# -- properties ---------------------------------------------------------------------------


@STORES
@FAST
@given(cst.cases(weighted=False))
def test_total_is_n_and_row_sums_are_support(store: bool, case: cst.Case) -> None:
    cm = from_case(case, store)
    assert cm.n == len(case.y_true) == int(cm.to_dense().sum())
    truth = [str(x) for x in case.y_true]
    expected = [truth.count(c) for c in cm.classes]
    assert cm.support.tolist() == expected
    assert cm.to_dense().sum(dim=0).tolist() == [
        [str(x) for x in case.y_pred].count(c) for c in cm.classes
    ]


@STORES
@FAST
@given(cst.index_labels(), st.randoms(use_true_random=False))
def test_relabelling_classes_permutes_rows_and_columns(store: bool, data, random) -> None:
    y_true, y_pred, c = data
    perm = np.arange(c)
    random.shuffle(perm)
    base = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=c, sparse=store)
    moved = ConfusionMatrix.from_predictions(
        perm[y_true], perm[y_pred], num_classes=c, sparse=store
    )
    base, moved = base.to_dense(), moved.to_dense()
    # class k became perm[k]: moved[perm[i], perm[j]] == base[i, j]
    inverse = np.argsort(perm)
    np.testing.assert_array_equal(moved.numpy()[np.ix_(perm, perm)], base.numpy())
    np.testing.assert_array_equal(base.numpy()[np.ix_(inverse, inverse)], moved.numpy())


@STORES
@FAST
@given(cst.cases(), st.randoms(use_true_random=False))
def test_shuffling_samples_changes_nothing(store: bool, case: cst.Case, random) -> None:
    order = list(range(len(case.y_true)))
    random.shuffle(order)
    shuffled = cst.Case(
        [case.y_true[i] for i in order],
        [case.y_pred[i] for i in order],
        case.labels,
        case.kwargs,
        None if case.sample_weight is None else [case.sample_weight[i] for i in order],
    )
    a, b = from_case(case, store), from_case(shuffled, store)
    assert a.classes == b.classes
    torch.testing.assert_close(a.to_dense(), b.to_dense(), rtol=0, atol=1e-12)


@STORES
@FAST
@given(cst.index_labels(), st.data())
def test_merging_two_halves_gives_the_whole(store: bool, data, draw) -> None:
    y_true, y_pred, c = data
    cut = draw.draw(st.integers(1, len(y_true))) if len(y_true) > 1 else 1
    whole = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=c, sparse=store)
    if cut == len(y_true):
        return
    first = ConfusionMatrix.from_predictions(
        y_true[:cut], y_pred[:cut], num_classes=c, sparse=store
    )
    second = ConfusionMatrix.from_predictions(
        y_true[cut:], y_pred[cut:], num_classes=c, sparse=store
    )
    assert torch.equal((first + second).to_dense(), whole.to_dense())
    assert torch.equal((second + first).to_dense(), whole.to_dense())
    assert (first + second).to_dict() == whole.to_dict()


@FAST
@given(cst.binary_scores())
def test_score_exactly_at_threshold_is_positive(data) -> None:
    y_true, scores, threshold = data
    at = np.full_like(scores, threshold)
    cm = ConfusionMatrix.from_predictions(y_true, at, threshold=threshold)
    # every sample predicted positive (class 1): column 1 holds them all
    assert cm.counts[:, 1].tolist() == [int((y_true == 0).sum()), int((y_true == 1).sum())]
    below = np.full_like(scores, np.nextafter(threshold, -1.0)) if threshold > 0 else None
    if below is not None:
        cm_below = ConfusionMatrix.from_predictions(y_true, below, threshold=threshold)
        assert int(cm_below.counts[:, 1].sum()) == 0


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.7, 1.0])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16, torch.bfloat16])
def test_tie_rule_holds_in_the_scores_precision(threshold: float, dtype: torch.dtype):
    # float32(0.7) < 0.7 as doubles; the threshold is compared in the scores' own precision,
    # so a score that is the threshold written in that precision still counts as positive
    scores = torch.tensor([threshold, threshold], dtype=dtype)
    cm = ConfusionMatrix.from_predictions([0, 1], scores, threshold=threshold)
    assert cm.counts.tolist() == [[0, 1], [0, 1]]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.uint16])
def test_small_integer_dtypes_do_not_overflow(dtype):
    # 120 * C + 120 overflows 8-bit arithmetic; labels must be widened before counting
    y = np.array([120, 100, 100, 5], dtype=dtype)
    cm = ConfusionMatrix.from_predictions(y, y[::-1].copy(), classes=[5, 100, 120])
    assert cm.counts.tolist() == [[0, 0, 1], [0, 2, 0], [1, 0, 0]]
    big = np.full(300, 99, dtype=dtype)
    cm = ConfusionMatrix.from_predictions(torch.from_numpy(big), torch.from_numpy(big))
    assert cm.counts.tolist() == [[300]]
    assert cm.counts.dtype == torch.int64
    inferred = ConfusionMatrix.from_predictions(y, y[::-1].copy())
    assert inferred.classes == ["5", "100", "120"]
    assert inferred.counts.tolist() == [[0, 0, 1], [0, 2, 0], [1, 0, 0]]


def test_uint8_labels_with_num_classes_do_not_overflow():
    y = torch.full((1000,), 255, dtype=torch.uint8)
    cm = ConfusionMatrix.from_predictions(y, y, num_classes=256)
    assert int(cm.counts[255, 255]) == 1000
    assert cm.counts.dtype == torch.int64


def test_results_stay_on_the_input_device_cpu():
    cm = ConfusionMatrix.from_predictions(torch.tensor([0, 1]), torch.tensor([1, 1]))
    assert cm.counts.device.type == "cpu"
    weighted = ConfusionMatrix.from_predictions(
        torch.tensor([0, 1]), torch.tensor([0.2, 0.9]), sample_weight=torch.tensor([1.0, 2.0])
    )
    assert weighted.counts.device.type == "cpu"
    assert weighted.counts.dtype == torch.float64
    assert cm.to("cpu").counts.device.type == "cpu"


# -- normalized, to_dict, zero_division -------------------------------------------------------


def test_normalized_true_pred_all_with_nan_rows_and_columns():
    cm = ConfusionMatrix([[3, 1, 0], [0, 0, 0], [1, 0, 0]])
    true = cm.normalized("true").numpy()
    np.testing.assert_allclose(true[0], [0.75, 0.25, 0.0])
    assert np.isnan(true[1]).all()
    np.testing.assert_allclose(true[2], [1.0, 0.0, 0.0])
    pred = cm.normalized("pred").numpy()
    np.testing.assert_allclose(pred[:, 0], [0.75, 0.0, 0.25])
    np.testing.assert_allclose(pred[:, 1], [1.0, 0.0, 0.0])
    assert np.isnan(pred[:, 2]).all()
    np.testing.assert_allclose(cm.normalized("all").numpy(), cm.counts.numpy() / 5)
    assert cm.normalized().dtype == torch.float64
    with pytest.raises(confmat.OptionError, match="normalize"):
        cm.normalized("rows")  # type: ignore[arg-type]


@STORES
@FAST
@given(cst.count_matrices())
def test_normalized_matches_scikit_learn(store: bool, matrix: np.ndarray) -> None:
    counts = torch.from_numpy(matrix)
    cm = ConfusionMatrix(counts.to_sparse().coalesce() if store else counts)
    assert cm.is_sparse is store
    c = matrix.shape[0]
    y_true = np.repeat(np.repeat(np.arange(c), c), matrix.reshape(-1))
    y_pred = np.repeat(np.tile(np.arange(c), c), matrix.reshape(-1))
    for how in ("true", "pred", "all"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from sklearn.metrics import confusion_matrix

            expected = confusion_matrix(y_true, y_pred, labels=range(c), normalize=how)
        ours = cm.normalized(how)
        ours = (ours.to_dense() if ours.is_sparse else ours).numpy()
        # scikit-learn writes 0 for an empty row/column; confmat NaN (documented policy)
        empty = np.isnan(ours)
        assert (expected[empty] == 0).all()
        np.testing.assert_allclose(ours[~empty], expected[~empty], rtol=0, atol=1e-12)


@STORES
@FAST
@given(cst.count_matrices())
def test_to_dict_round_trip(store: bool, matrix: np.ndarray) -> None:
    counts = torch.from_numpy(matrix)
    cm = ConfusionMatrix(
        counts.to_sparse().coalesce() if store else counts,
        classes=[f"c{i}" for i in range(matrix.shape[0])],
    )
    document = json.loads(json.dumps(cm.to_dict(), allow_nan=False))
    again = ConfusionMatrix(
        document["matrix"], document["classes"], positive=document["positive_class"]
    )
    assert again.to_dict() == document
    assert document["n"] == int(matrix.sum())
    for i, name in enumerate(document["classes"]):
        row = document["per_class"][name]
        assert row["support"] == int(matrix[i].sum())
        assert row["tp"] + row["fn"] + row["fp"] + row["tn"] == document["n"]


def test_zero_division_values_and_warning():
    counts = [[2, 0], [1, 0]]  # class 1 never predicted: precision 0/0
    assert math.isnan(float(ConfusionMatrix(counts).precision[1]))
    assert float(ConfusionMatrix(counts, zero_division=0).precision[1]) == 0.0
    assert float(ConfusionMatrix(counts, zero_division=1).precision[1]) == 1.0
    assert math.isnan(float(ConfusionMatrix(counts, zero_division=float("nan")).precision[1]))
    with pytest.warns(confmat.UndefinedMetricWarning, match="precision"):
        value = ConfusionMatrix(counts, zero_division="warn").precision
    assert math.isnan(float(value[1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ConfusionMatrix([[2, 1], [1, 2]], zero_division="warn").precision  # noqa: B018


def test_zero_division_matches_scikit_learn_zero_and_one():
    from sklearn.metrics import precision_recall_fscore_support

    y_true, y_pred = [0, 0, 1, 2], [0, 0, 0, 0]
    for value in (0, 1):
        cm = ConfusionMatrix.from_predictions(
            y_true, y_pred, classes=[0, 1, 2, 3], zero_division=value
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, r, f, _ = precision_recall_fscore_support(
                y_true, y_pred, labels=[0, 1, 2, 3], zero_division=value
            )
        np.testing.assert_allclose(cm.precision.numpy(), p, **TOL)
        np.testing.assert_allclose(cm.recall.numpy(), r, **TOL)
        np.testing.assert_allclose(cm.f1.numpy(), f, **TOL)


def test_zero_division_default_gives_null_in_json():
    document = ConfusionMatrix([[2, 0], [1, 0]]).to_dict()
    assert document["per_class"]["1"]["precision"] is None
    assert document["undefined"]["precision"] == ["1"]


# -- input kinds ----------------------------------------------------------------------------


def test_from_logits_binary_and_multiclass():
    logits = torch.tensor([-2.0, 0.0, 3.0, -0.1])
    cm = ConfusionMatrix.from_predictions([0, 1, 1, 1], logits, from_logits=True)
    # sigmoid(0) = 0.5 >= 0.5 is positive; sigmoid(-0.1) < 0.5
    assert cm.counts.tolist() == [[1, 0], [1, 2]]
    scores = torch.tensor([[2.0, 1.0, -1.0], [0.0, 0.1, 5.0]])
    cm = ConfusionMatrix.from_predictions([0, 1], scores, from_logits=True)
    assert cm.counts.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 0]]


def test_logits_without_from_logits_are_refused():
    # (whole-number floats outside [0, 1], such as [-2.0, 3.0], are labels: see test_inputs.py)
    with pytest.raises(confmat.ScoreError, match="from_logits"):
        ConfusionMatrix.from_predictions([0, 1], [-2.5, 3.0])


def test_positive_first_class_with_binary_scores():
    y_true = ["sick", "well", "sick", "well"]
    scores = [0.9, 0.2, 0.4, 0.5]  # probability of "sick"
    with pytest.raises(confmat.ClassesError, match="score_of='well'"):  # strings cannot tell
        ConfusionMatrix.from_predictions(y_true, scores, positive="sick")
    cm = ConfusionMatrix.from_predictions(y_true, scores, score_of="sick", positive="sick")
    assert cm.classes == ["sick", "well"]
    assert cm.positive == "sick"
    # predicted sick iff score >= 0.5: sick, well, well, sick
    assert cm.counts.tolist() == [[1, 1], [1, 1]]
    assert cm.binary_counts() == confmat.BinaryCounts(tn=1, fp=1, fn=1, tp=1)
    assert cm.to_dict()["positive_class"] == "sick"


def test_positive_default_is_second_class():
    cm = ConfusionMatrix.from_predictions([0, 1, 1], [0.1, 0.8, 0.3])
    assert cm.positive == "1"
    assert cm.binary_counts() == confmat.BinaryCounts(tn=1, fp=0, fn=1, tp=1)


def test_ignore_index_drops_samples_and_their_weights():
    cm = ConfusionMatrix.from_predictions(
        [0, -100, 1, 1], [0, 1, 0, 1], ignore_index=-100, sample_weight=[1.0, 50.0, 2.0, 3.0]
    )
    assert cm.classes == ["0", "1"]
    assert cm.counts.tolist() == [[1.0, 0.0], [2.0, 3.0]]
    cm = ConfusionMatrix.from_predictions(["a", "?", "b"], ["a", "b", "b"], ignore_index="?")
    assert cm.classes == ["a", "b"]
    assert cm.counts.tolist() == [[1, 0], [0, 1]]


def test_pandas_series_input():
    y_true = pd.Series(["cat", "dog", "dog"], index=[10, 20, 30])
    y_pred = pd.Series(["cat", "cat", "dog"], index=[30, 20, 10])  # positions count, not index
    cm = ConfusionMatrix.from_predictions(y_true, y_pred)
    assert cm.counts.tolist() == [[1, 0], [1, 1]]
    cm = ConfusionMatrix.from_predictions(pd.Series([0, 1, 1]), pd.Series([0.2, 0.7, 0.1]))
    assert cm.counts.tolist() == [[1, 0], [1, 1]]
    cat = pd.Series(["b", "a"], dtype="category")
    assert ConfusionMatrix.from_predictions(cat, cat).classes == ["a", "b"]


def test_read_only_numpy_arrays_are_accepted_and_untouched():
    y_true = np.array([2, 0, 1, 1])
    scores = np.array([[0.1, 0.2, 0.7], [0.9, 0.05, 0.05], [0.3, 0.4, 0.3], [0.5, 0.4, 0.1]])
    weights = np.array([1.0, 2.0, 1.0, 1.0])
    for array in (y_true, scores, weights):
        array.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cm = ConfusionMatrix.from_predictions(y_true, scores, sample_weight=weights)
        labels = ConfusionMatrix.from_predictions(y_true, y_true)
    assert cm.counts.tolist() == [[2.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    assert labels.counts.trace() == 4
    assert y_true.tolist() == [2, 0, 1, 1]


def test_classes_may_name_classes_absent_from_the_data():
    cm = ConfusionMatrix.from_predictions(["b", "b"], ["b", "c"], classes=["a", "b", "c", "d"])
    assert cm.classes == ["a", "b", "c", "d"]
    assert cm.counts.tolist() == [[0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert cm.support.tolist() == [0, 2, 0, 0]
    assert math.isnan(float(cm.recall[0]))


def test_integer_classes_are_values_and_names_are_indexed():
    by_value = ConfusionMatrix.from_predictions([3, 1, 2, 3], [1, 1, 2, 3], classes=[3, 1, 2])
    assert by_value.classes == ["3", "1", "2"]
    # rows: true 3, 1, 2; the 3 predicted as 1 lands in row 0, column 1
    assert by_value.counts.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    by_index = ConfusionMatrix.from_predictions([2, 1, 0], [2, 0, 0], classes=["x", "y", "z"])
    assert by_index.counts.tolist() == [[1, 0, 0], [1, 0, 0], [0, 0, 1]]
    with pytest.raises(confmat.LabelError, match="not one of the classes"):
        ConfusionMatrix.from_predictions([0, 1], [1, 1], classes=[3, 1, 2])


def test_inferred_classes_sort_numbers_numerically_and_strings_as_text():
    assert ConfusionMatrix.from_predictions([10, 9, 100], [9, 9, 9]).classes == ["9", "10", "100"]
    assert ConfusionMatrix.from_predictions(["10", "9"], ["9", "9"]).classes == ["10", "9"]
    big = ConfusionMatrix.from_predictions([10**12, 7], [7, 7])
    assert big.classes == ["7", str(10**12)]
    assert big.counts.tolist() == [[1, 0], [1, 0]]


def test_float_labels_that_are_whole_numbers_are_labels():
    cm = ConfusionMatrix.from_predictions(np.array([0.0, 2.0, 1.0]), [0, 2, 2])
    assert cm.counts.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]


def test_bool_labels():
    cm = ConfusionMatrix.from_predictions([True, False, True], [True, True, False])
    assert cm.classes == ["False", "True"]
    assert cm.positive == "True"
    assert cm.binary_counts() == confmat.BinaryCounts(tn=0, fp=1, fn=1, tp=1)
    assert ConfusionMatrix.from_predictions([True], [True]).classes == ["False", "True"]


def test_all_zero_weights_give_an_empty_weighted_matrix():
    cm = ConfusionMatrix.from_predictions([0, 1], [0, 1], sample_weight=[0.0, 0.0])
    assert cm.counts.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert cm.classes == ["0", "1"]  # a weight of 0 does not hide a class that occurs
    document = cm.to_dict()
    assert document["overall"]["accuracy"] is None
    assert document["overall"]["accuracy_ci"] is None


def test_weighted_exact_tests_are_null():
    cm = ConfusionMatrix.from_predictions([0, 1, 1], [0, 1, 0], sample_weight=[1.0, 2.0, 1.0])
    assert cm.is_weighted
    document = cm.to_dict()
    assert document["overall"]["accuracy_ci"] is None
    assert document["overall"]["accuracy_p_value_vs_nir"] is None
    assert document["overall"]["accuracy"] == 0.75
    assert document["matrix"] == [[1.0, 0.0], [1.0, 2.0]]


def test_merge_refuses_different_classes():
    with pytest.raises(confmat.MergeError, match="same classes"):
        ConfusionMatrix([[1, 0], [0, 1]], ["a", "b"]) + ConfusionMatrix(
            [[1, 0], [0, 1]], ["b", "a"]
        )
    assert ConfusionMatrix([[1]]).__add__(3) is NotImplemented


def test_aliases_are_the_same_statistic():
    cm = ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 3, 3]])
    assert torch.equal(cm.sensitivity, cm.recall)
    assert torch.equal(cm.tpr, cm.recall)
    assert torch.equal(cm.ppv, cm.precision)
    assert torch.equal(cm.tnr, cm.specificity)
    assert torch.equal(cm.per_class("youden_j"), cm.informedness)
    assert cm.average("sensitivity", "macro") == cm.average("recall", "macro")
    assert cm.average("recall", "micro") == pytest.approx(cm.accuracy, abs=1e-15)


@pytest.mark.parametrize(
    ("classes", "y_true", "y_pred", "expected"),
    [
        pytest.param([0, 1, 2], [2, 0], [2, 1], [[0, 1, 0], [0, 0, 0], [0, 0, 1]], id="range"),
        pytest.param([5, 6, 7], [7, 5], [7, 6], [[0, 1, 0], [0, 0, 0], [0, 0, 1]], id="offset"),
        pytest.param([7, 5, 6], [7, 5], [7, 6], [[1, 0, 0], [0, 0, 1], [0, 0, 0]], id="table"),
        pytest.param(
            [-5, 7, 6], [-5, 6], [7, -5], [[0, 1, 0], [0, 0, 0], [1, 0, 0]], id="negative"
        ),
        pytest.param([10**12, 3], [3, 10**12], [10**12, 10**12], [[1, 0], [1, 0]], id="sparse"),
    ],
)
def test_integer_class_values_every_lookup_path(classes, y_true, y_pred, expected):
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, classes=classes)
    assert cm.counts.tolist() == expected
    assert cm.classes == [str(c) for c in classes]


@pytest.mark.parametrize(
    ("classes", "label"),
    [
        pytest.param([0, 2], 1, id="hole-in-table"),
        pytest.param([5, 6], 4, id="below"),
        pytest.param([10**12, 3], 4, id="sparse"),
        pytest.param([-5, 7], 0, id="negative-table"),
    ],
)
def test_integer_label_not_among_class_values(classes, label):
    with pytest.raises(confmat.LabelError, match=f"label {label} at index 1"):
        ConfusionMatrix.from_predictions([classes[0], label], [classes[0]] * 2, classes=classes)
