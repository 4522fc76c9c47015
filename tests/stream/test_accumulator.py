from __future__ import annotations

import io
import itertools
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
import strategies as cs
from confmat import Accumulator, ConfusionMatrix
from confmat.exceptions import (
    ClassesError,
    LabelError,
    MergeError,
    ScoreError,
    ShapeError,
    WeightError,
)

SETTINGS = settings(max_examples=60, deadline=None)


def assert_same(result: ConfusionMatrix, expected: ConfusionMatrix) -> None:
    assert result.classes == expected.classes
    if expected.is_weighted:
        assert result.is_weighted
        torch.testing.assert_close(result.counts, expected.counts, rtol=1e-12, atol=1e-9)
    else:
        assert result.counts.dtype == torch.int64
        assert torch.equal(result.counts, expected.counts)


def grid_counts(acc: Accumulator) -> torch.Tensor:
    """What was counted into the classes' cells, without compute's checks."""
    size = acc.num_classes
    assert size is not None
    return acc.state_dict()["grid"][:size, :size]


@st.composite
def partitions(draw: st.DrawFn, n: int) -> list[tuple[int, int]]:
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    bounds = [0, *cuts, n]
    return list(itertools.pairwise(bounds))


def accumulator_kwargs(case: cs.Case) -> dict[str, Any]:
    """The class space fixed up front: the case's own, else its (inferred) label list."""
    return case.kwargs or {"classes": case.labels}


# -- equal to the one-shot matrix -----------------------------------------------------------


@SETTINGS
@given(case=cs.cases(), data=st.data())
def test_any_partition_and_merge_order_give_the_one_shot_matrix(case: cs.Case, data: Any) -> None:
    expected = ConfusionMatrix.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight, **case.kwargs
    )
    parts = data.draw(partitions(len(case.y_true)))
    k = data.draw(st.integers(1, 4))
    owners = data.draw(st.lists(st.integers(0, k - 1), min_size=len(parts), max_size=len(parts)))
    accumulators = [Accumulator(**accumulator_kwargs(case)) for _ in range(k)]
    for (start, stop), owner in zip(parts, owners, strict=True):
        weight = None if case.sample_weight is None else case.sample_weight[start:stop]
        accumulators[owner].update(case.y_true[start:stop], case.y_pred[start:stop], weight)
    order = data.draw(st.permutations(range(k)))
    first, *rest = (accumulators[i] for i in order)
    assert_same(first.merge(*rest).compute(), expected)


@SETTINGS
@given(sample=cs.binary_scores(), data=st.data())
def test_binary_scores_in_batches_tie_at_the_threshold(sample: Any, data: Any) -> None:
    y_true, scores, threshold = sample
    expected = ConfusionMatrix.from_predictions(y_true, scores, threshold=threshold)
    acc = Accumulator(threshold=threshold)
    for start, stop in data.draw(partitions(len(y_true))):
        acc.update(torch.from_numpy(y_true[start:stop]), torch.from_numpy(scores[start:stop]))
    assert_same(acc.compute(), expected)


@SETTINGS
@given(sample=cs.multiclass_scores(), logits=st.booleans(), data=st.data())
def test_multiclass_scores_fix_the_class_space(sample: Any, logits: bool, data: Any) -> None:
    y_true, scores = sample
    expected = ConfusionMatrix.from_predictions(y_true, scores, from_logits=logits)
    acc = Accumulator(from_logits=logits)
    for start, stop in data.draw(partitions(len(y_true))):
        acc.update(y_true[start:stop], torch.from_numpy(scores[start:stop]))
    assert acc.num_classes == scores.shape[1]
    assert_same(acc.compute(), expected)


def test_binary_logits_and_named_positive() -> None:
    logits = torch.tensor([-2.0, 0.0, 3.0, -0.1])
    y_true = ["ok", "sick", "sick", "ok"]
    for positive in ("ok", "sick"):
        expected = ConfusionMatrix.from_predictions(  # the scores describe score_of's class
            y_true,
            logits,
            classes=["ok", "sick"],
            from_logits=True,
            positive=positive,
            score_of=positive,
        )
        acc = Accumulator(
            classes=["ok", "sick"], from_logits=True, positive=positive, score_of=positive
        )
        result = acc.update(y_true[:2], logits[:2]).update(y_true[2:], logits[2:]).compute()
        assert_same(result, expected)
        assert result.positive == positive


def test_scores_of_shape_n_by_1_are_binary() -> None:
    acc = Accumulator(num_classes=2).update([0, 1, 1], torch.tensor([[0.2], [0.9], [0.1]]))
    assert acc.compute().counts.tolist() == [[1, 0], [1, 1]]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "expected"),
    [
        ([0, -100, 2, 1], [0, 1, 2, 2], {"num_classes": 3}, [[1, 0, 0], [0, 0, 1], [0, 0, 1]]),
        ([0, 255, 1], [1, 7, 1], {"num_classes": 2}, [[0, 1], [0, 1]]),
        (["a", "skip", "b"], ["a", "zzz", "a"], {"classes": ["a", "b"]}, [[1, 0], [1, 0]]),
    ],
    ids=["negative-index", "index-beyond-classes", "strings"],
)
def test_ignore_index_drops_samples_whatever_their_prediction(
    y_true: list[Any], y_pred: list[Any], kwargs: dict[str, Any], expected: list[list[int]]
) -> None:
    ignore = "skip" if isinstance(y_true[0], str) else next(x for x in y_true if x in (-100, 255))
    acc = Accumulator(ignore_index=ignore, **kwargs).update(y_true, y_pred)
    assert acc.compute().counts.tolist() == expected


@SETTINGS
@given(case=cs.cases(weighted=True))
def test_weights_give_float64_sums(case: cs.Case) -> None:
    expected = ConfusionMatrix.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight, **case.kwargs
    )
    acc = Accumulator(**accumulator_kwargs(case))
    half = len(case.y_true) // 2
    acc.update(case.y_true[:half], case.y_pred[:half])  # unweighted first: weight 1
    acc.update(case.y_true[half:], case.y_pred[half:], case.sample_weight[half:])
    weights = [1.0] * half + case.sample_weight[half:]
    expected = ConfusionMatrix.from_predictions(
        case.y_true, case.y_pred, sample_weight=weights, **case.kwargs
    )
    assert_same(acc.compute(), expected)


def test_small_integer_dtypes_do_not_overflow() -> None:
    y = torch.full((300,), 250, dtype=torch.uint8)
    acc = Accumulator(num_classes=1000).update(y, y).update(y.to(torch.int32), y.to(torch.int16))
    assert int(acc.compute().counts[250, 250]) == 600


def test_float_labels_that_are_whole_numbers_count() -> None:
    acc = Accumulator(num_classes=3).update(torch.tensor([0.0, 2.0]), torch.tensor([2, 2]))
    assert acc.compute().counts.tolist() == [[0, 0, 1], [0, 0, 0], [0, 0, 1]]


def test_integer_class_values_far_apart_use_a_sorted_lookup() -> None:
    classes = [10**9, -5, 3]
    acc = Accumulator(classes=classes).update([3, 10**9, -5, 4], [3, -5, -5, 3])
    with pytest.raises(LabelError, match="1 y_true label"):
        acc.compute()
    assert grid_counts(acc).tolist() == [[0, 1, 0], [0, 1, 0], [0, 0, 1]]


def test_empty_batches_and_empty_accumulators() -> None:
    acc = Accumulator(num_classes=2).update(torch.tensor([], dtype=torch.int64), [])
    assert acc.compute().counts.tolist() == [[0, 0], [0, 0]]
    assert Accumulator(classes=["x", "y"], device="cpu").compute().n == 0


# -- deferred value checks ------------------------------------------------------------------


NAN, INF = float("nan"), float("inf")
BAD_BATCHES = [
    ([0, 1, 9, 2], [0, 1, 1, 2], {}, LabelError, "1 y_true label"),
    ([0, -1, -3, 2], [0, 1, 1, 2], {}, LabelError, "2 y_true label"),
    ([0, 1, 1, 2], [0, 3, 1, 2], {}, LabelError, "1 y_pred label"),
    ([0, 1, 1, 2], [0, -7, 1, 2], {}, LabelError, "1 y_pred label"),
    ([0, 1.5, 1, 2], [0, 1, 1, 2], {}, LabelError, "1 y_true label"),
    ([0, 1, 1, 2], [[1, 0, 0], [0, 1, 0], [NAN, 0, 0], [0, 0, 1]], {}, ScoreError, "1 score"),
    ([0, 1, 1, 2], [[1, 0, 0], [0, 1, 0], [INF, 0, 0], [0, 0, 1]], {}, ScoreError, "1 score"),
    ([0, 1, 1, 2], [0, 1, 1, 2], {"sample_weight": [1, -1, 1, 1]}, WeightError, "1 sample weight"),
    ([0, 1, 1, 2], [0, 1, 1, 2], {"sample_weight": [1, 1, NAN, 1]}, WeightError, "1 sample"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "error", "message"),
    BAD_BATCHES,
    ids=[
        "true-too-large",
        "true-negative",
        "pred-too-large",
        "pred-negative",
        "true-not-whole",
        "nan-score",
        "inf-score",
        "negative-weight",
        "nan-weight",
    ],
)
def test_one_bad_sample_among_good_ones_makes_compute_raise(
    y_true: list[Any], y_pred: list[Any], kwargs: dict[str, Any], error: type, message: str
) -> None:
    acc = Accumulator(num_classes=3)
    acc.update([0, 1], [0, 1])
    acc.update(torch.tensor(y_true), torch.tensor(y_pred), **kwargs)
    with pytest.raises(error, match=message):
        acc.compute()
    counted = grid_counts(acc).sum().item()
    assert counted <= 2 + 3 + (1e-9 if "sample_weight" in kwargs else 0)  # the bad one is out


def test_binary_probabilities_outside_0_1_are_counted_as_bad_scores() -> None:
    acc = Accumulator().update([0, 1, 1], torch.tensor([0.1, 1.2, 0.9]))
    with pytest.raises(ScoreError, match="1 score row"):
        acc.compute()
    assert grid_counts(acc).tolist() == [[1, 0], [0, 1]]


def test_unknown_strings_are_deferred_and_all_problems_named() -> None:
    acc = Accumulator(classes=["cat", "dog"]).update(["cat", "cow", "dog"], ["cat", "dog", "pig"])
    acc.update([0, 1], [1, 5])  # integer labels index the names
    with pytest.raises(LabelError, match=r"1 y_true label.*2 y_pred label"):
        acc.compute()


def test_validate_false_skips_the_checks() -> None:
    acc = Accumulator(num_classes=3, validate=False)
    acc.update(torch.tensor([0, 1, 2]), torch.tensor([[0.0, 1, 2], [3, 2, 1], [0, 0, 9]]))
    assert acc.compute().counts.tolist() == [[0, 0, 1], [1, 0, 0], [0, 0, 1]]


# -- immediate checks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("acc_kwargs", "y_true", "y_pred", "error", "message"),
    [
        ({"num_classes": 3}, [[0, 1]], [0, 1], ShapeError, "y_true must have shape"),
        ({"num_classes": 3}, [0, 1], [0, 1, 2], ShapeError, "one entry per sample"),
        ({"num_classes": 3}, [0, 1], [[0, 1], [1, 0]], ShapeError, "y_pred must have shape"),
        ({"num_classes": 3}, [0, 1], torch.ones(2, 4), ShapeError, "4 score columns"),
        ({"num_classes": 3}, [0, 1], torch.ones(2), ClassesError, "binary scores"),
        ({}, [0, 1], [0, 1], ClassesError, "num_classes="),
        ({}, ["a"], ["a"], ClassesError, "strings needs its class space"),
        ({}, ["a"], torch.ones(1), ClassesError, "strings"),
        ({"num_classes": 3}, "abc", [0], ShapeError, "y_true must be an array"),
    ],
    ids=[
        "2d-labels",
        "length",
        "2d-int-pred",
        "width",
        "binary-vs-3",
        "ints-no-space",
        "strings-no-space",
        "strings-binary",
        "scalar",
    ],
)
def test_shape_and_class_space_errors_are_immediate(
    acc_kwargs: dict[str, Any], y_true: Any, y_pred: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        Accumulator(**acc_kwargs).update(y_true, y_pred)


def test_bad_options_and_weight_shapes() -> None:
    with pytest.raises(confmat.OptionError, match="threshold"):
        Accumulator(threshold=2)
    with pytest.raises(confmat.OptionError, match="max_samples"):
        Accumulator(max_samples=-1)
    with pytest.raises(ClassesError, match="positive"):
        Accumulator(num_classes=3, positive="1")
    with pytest.raises(WeightError, match=r"shape \(2,\)"):
        Accumulator(num_classes=2).update([0, 1], [0, 1], [1.0])
    with pytest.raises(ClassesError, match="before any update"):
        Accumulator().compute()


# -- deterministic mode ---------------------------------------------------------------------


@pytest.fixture
def deterministic() -> Any:
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    yield
    torch.use_deterministic_algorithms(previous)


@pytest.mark.usefixtures("deterministic")
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_works_under_deterministic_algorithms(sparse: bool) -> None:
    generator = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 50, (500,), generator=generator)
    scores = torch.rand(500, 50, generator=generator)
    weights = torch.rand(500, generator=generator, dtype=torch.float64)
    plain = Accumulator(num_classes=50, sparse=sparse).update(y_true, scores).compute()
    expected = ConfusionMatrix.from_predictions(y_true, scores)
    assert_same(ConfusionMatrix(plain.to_dense(), plain.classes), expected)
    weighted = Accumulator(num_classes=50, sparse=sparse).update(y_true, scores, weights)
    result = weighted.compute()
    expected = ConfusionMatrix.from_predictions(y_true, scores, sample_weight=weights)
    assert_same(ConfusionMatrix(result.to_dense(), result.classes), expected)


# -- state, merge, persistence --------------------------------------------------------------


def stream(seed: int = 0, n: int = 400, c: int = 7) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    y_true = torch.randint(0, c, (n,), generator=generator)
    y_pred = torch.randint(0, c, (n,), generator=generator)
    return [(y_true[i : i + 33], y_pred[i : i + 33]) for i in range(0, n, 33)]


def test_state_dict_resume_mid_stream_gives_the_uninterrupted_matrix() -> None:
    batches = stream()
    whole = Accumulator(num_classes=7, ignore_index=3)
    for y_true, y_pred in batches:
        whole.update(y_true, y_pred)
    first = Accumulator(num_classes=7, ignore_index=3)
    for y_true, y_pred in batches[:5]:
        first.update(y_true, y_pred)
    buffer = io.BytesIO()
    torch.save(first.state_dict(), buffer)
    buffer.seek(0)
    resumed = Accumulator(num_classes=7)
    resumed.load_state_dict(torch.load(buffer, weights_only=True))
    for y_true, y_pred in batches[5:]:
        resumed.update(y_true, y_pred)
    assert_same(resumed.compute(), whole.compute())
    assert resumed.samples_seen == whole.samples_seen == 400


def test_state_dict_keeps_weights_class_values_and_problems() -> None:
    acc = Accumulator(classes=[5, 1, 9]).update([5, 1, 2], [1, 1, 9], [0.5, 2.0, 1.0])
    restored = Accumulator().load_state_dict(acc.state_dict())
    assert restored.classes == ["5", "1", "9"]
    with pytest.raises(LabelError, match="1 y_true label"):
        restored.compute()
    restored.update([9], [9])
    assert restored.state_dict()["grid"][2, 2].item() == 1.0


def test_load_state_dict_refuses_foreign_state() -> None:
    with pytest.raises(confmat.OptionError, match="state_dict"):
        Accumulator().load_state_dict({"grid": None})


def test_pickle_round_trip_mid_stream() -> None:
    batches = stream(1)
    acc = Accumulator(num_classes=7, device="cpu")
    for y_true, y_pred in batches[:4]:
        acc.update(y_true, y_pred)
    copy = pickle.loads(pickle.dumps(acc))
    for y_true, y_pred in batches[4:]:
        acc.update(y_true, y_pred)
        copy.update(y_true, y_pred)
    assert_same(copy.compute(), acc.compute())


def test_merge_refuses_other_classes_and_types() -> None:
    with pytest.raises(MergeError, match="same classes"):
        Accumulator(num_classes=2).update([0], [0]).merge(
            Accumulator(classes=["a", "b"]).update([0], [0])
        )
    with pytest.raises(MergeError, match="Accumulators"):
        Accumulator(num_classes=2).merge("nope")  # type: ignore[arg-type]


def test_merge_into_an_empty_accumulator_adopts_the_classes() -> None:
    other = Accumulator(classes=["a", "b"]).update(["a", "b"], ["b", "b"])
    merged = Accumulator().merge(other, Accumulator())
    assert merged.classes == ["a", "b"]
    assert merged.compute().counts.tolist() == [[0, 1], [0, 1]]


def test_reset_forgets_samples_and_weights() -> None:
    acc = Accumulator(num_classes=2).update([0, 1], [0, 1], [0.5, 0.5])
    acc.reset()
    assert acc.samples_seen == 0
    result = acc.update([1], [1]).compute()
    assert result.counts.tolist() == [[0, 0], [0, 1]]
    assert not result.is_weighted


def test_to_moves_the_state_and_repr_describes_it() -> None:
    acc = Accumulator(classes=["a", "b"]).update(["a"], ["b"]).to("cpu")
    assert acc.device == torch.device("cpu")
    assert repr(acc) == "Accumulator(classes=[a, b], device='cpu', samples=1, validate=True)"
    assert "classes=None" in repr(Accumulator())


# -- max_samples ----------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [0, 1, 32, 33, 100, 400, 1000])
def test_max_samples_counts_the_head_of_the_stream(limit: int) -> None:
    batches = stream(2)
    y_true = torch.cat([t for t, _ in batches])
    y_pred = torch.cat([p for _, p in batches])
    acc = Accumulator(num_classes=7, max_samples=limit)
    for t, p in batches:
        acc.update(t, p, torch.ones(len(t)))
    expected = torch.zeros(7, 7, dtype=torch.float64)
    if limit:
        expected = ConfusionMatrix.from_predictions(
            y_true[:limit], y_pred[:limit], num_classes=7, sample_weight=np.ones(min(limit, 400))
        ).counts
    assert torch.equal(acc.compute().counts, expected)
    assert acc.samples_seen == 400


def test_load_state_dict_refuses_other_classes() -> None:
    state = Accumulator(num_classes=2).update([0], [1]).state_dict()
    with pytest.raises(MergeError, match="saved classes"):
        Accumulator(num_classes=3).load_state_dict(state)
    with pytest.raises(confmat.OptionError, match="lacks"):
        Accumulator().load_state_dict({"version": 1})


def test_state_made_inside_inference_mode_takes_updates_outside_it() -> None:
    acc = Accumulator(num_classes=2)
    with torch.inference_mode():
        acc.update(torch.tensor([0, 1]), torch.tensor([0, 0]))
    acc.update([1], [1]).merge(Accumulator(num_classes=2).update([0], [0]))
    assert acc.compute().counts.tolist() == [[2, 0], [1, 1]]


# -- no host synchronization in update ------------------------------------------------------


@pytest.fixture
def no_host_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way a tensor's values reach Python (a host-device sync on GPUs) raises."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a tensor value was read on the host during update")

    for name in ("item", "tolist", "nonzero", "__bool__", "__int__", "__float__", "numpy"):
        monkeypatch.setattr(torch.Tensor, name, refuse)
    for name in ("nonzero", "unique", "masked_select", "aminmax"):
        monkeypatch.setattr(torch, name, refuse)


@pytest.mark.usefixtures("no_host_sync")
@pytest.mark.parametrize(
    ("kwargs", "y_true", "y_pred", "weight"),
    [
        ({"num_classes": 3}, [0, 5, -1, 2], [2, 1, 0, 9], None),
        ({"classes": [7, 3, 11]}, [7, 3, 4, 11], [3, 3, 11, 8], None),
        ({"classes": [10**9, 3]}, [3, 10**9, 4, 3], [3, 3, 3, 2], None),
        ({"num_classes": 3}, [0, 1, 2, 1], [[0.1, 0.5, 0.4]] * 4, [1.0, -1.0, 2.0, 0.5]),
        ({"num_classes": 2}, [0, 1, 1, 0], [0.2, 0.7, 1.5, 0.5], None),
        ({"from_logits": True}, [0, 1, 1, 0], [-0.2, 0.7, 9.0, 0.0], None),
        ({"num_classes": 3, "ignore_index": -1, "max_samples": 3}, [0, -1, 2, 1], [1] * 4, None),
    ],
    ids=["indices", "values-table", "values-sorted", "weights", "binary", "logits", "ignored"],
)  # fmt: skip
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_update_never_reads_tensor_values_on_the_host(
    kwargs: dict[str, Any],
    y_true: list[Any],
    y_pred: list[Any],
    weight: list[float] | None,
    sparse: bool,
) -> None:
    acc = Accumulator(sparse=sparse, **kwargs)
    for _ in range(2):
        acc.update(
            torch.tensor(y_true),
            torch.tensor(y_pred),
            None if weight is None else torch.tensor(weight),
        )
    with pytest.raises(AssertionError, match="on the host"):
        bool(torch.tensor([True]))  # the guard is on


@pytest.mark.parametrize(
    "timeout",
    [float("nan"), 0, -1, "abc", True, None.__class__],
    ids=["nan", "zero", "negative", "text", "bool", "type"],
)
def test_compute_refuses_a_timeout_that_is_not_a_positive_number(timeout: Any) -> None:
    acc = Accumulator(num_classes=2).update([0], [0])
    with pytest.raises(confmat.OptionError, match="timeout must be a positive number of seconds"):
        acc.compute(timeout=timeout)


@pytest.mark.parametrize("timeout", [None, 0.5, 3, float("inf"), 1e300])
def test_compute_takes_a_positive_timeout_or_inf_for_no_limit(timeout: Any) -> None:
    counts = Accumulator(num_classes=2).update([0], [0]).compute(timeout=timeout).counts
    assert counts.tolist() == [[1, 0], [0, 0]]


# -- hostile options and saved states ----------------------------------------------------------


def test_class_values_at_the_ends_of_int64_count_exactly() -> None:
    low, high = -(2**63), 2**63 - 1
    for classes in ([low, low + 1], [high - 1, high], [low, 0, high]):
        first, last = classes[0], classes[-1]
        y_true, y_pred = torch.tensor([first, last, first]), torch.tensor([first, first, last])
        acc = Accumulator(classes=classes).update(y_true, y_pred)
        expected = ConfusionMatrix.from_predictions(y_true, y_pred, classes=classes)
        assert torch.equal(acc.compute().counts, expected.counts), classes
        assert int(expected.counts.sum()) == 3
        with pytest.raises(LabelError, match="1 y_true label"):
            Accumulator(classes=classes).update(torch.tensor([7]), y_pred[:1]).compute()


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 1e30])
def test_class_values_beyond_int64_are_refused_alike(value: Any) -> None:
    with pytest.raises(ClassesError, match="within int64"):
        Accumulator(classes=[value, 1])
    with pytest.raises(ClassesError, match="within int64"):
        ConfusionMatrix.from_predictions([1], [1], classes=[value, 1])


@pytest.mark.parametrize(
    ("ignore_index", "match"),
    [(True, "whole number within int64"), (2**70, "within int64"), (1.5, "whole number"),
     (b"0", "whole number"), ([0], "whole number")],
    ids=["bool", "above-int64", "fraction", "bytes", "list"],
)  # fmt: skip
def test_bad_ignore_index_is_refused_by_both_paths(ignore_index: Any, match: str) -> None:
    with pytest.raises(confmat.OptionError, match=match):
        Accumulator(num_classes=3, ignore_index=ignore_index)
    with pytest.raises(confmat.OptionError, match=match):
        ConfusionMatrix.from_predictions([0, 1, 2], [0, 1, 2], ignore_index=ignore_index)


def test_a_string_ignore_index_on_integer_labels_is_refused_by_both_paths() -> None:
    acc = Accumulator(num_classes=3, ignore_index="0")
    with pytest.raises(confmat.OptionError, match="number for numeric labels"):
        acc.update([0, 1, 2], [0, 1, 2])
    assert acc.samples_seen == 0  # refused before anything was counted
    with pytest.raises(confmat.OptionError, match="number for numeric labels"):
        ConfusionMatrix.from_predictions([0, 1, 2], [0, 1, 2], ignore_index="0")
    names = Accumulator(classes=["0", "1"], ignore_index="0").update(["0", "1"], ["1", "1"])
    assert names.compute().counts.tolist() == [[0, 0], [0, 1]]


def test_ignore_index_of_numpy_types_is_a_plain_label() -> None:
    acc = Accumulator(num_classes=3, ignore_index=np.int64(2)).update([0, 1, 2], [0, 1, 0])
    assert acc.compute().counts.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 0]]
    assert type(acc.state_dict()["config"]["ignore_index"]) is int


def saved(**changes: Any) -> dict[str, Any]:
    state = Accumulator(classes=[3, 5]).update([3, 5], [5, 5]).state_dict()
    state.update(changes)
    return state


@pytest.mark.parametrize(
    ("state", "match"),
    [
        (saved(grid=torch.ones(6, 6, dtype=torch.bool)), "int64 or float64, got torch.bool"),
        (saved(grid=torch.ones(6, 6, dtype=torch.uint8)), "int64 or float64, got torch.uint8"),
        (saved(grid=torch.ones(6, 6, dtype=torch.complex128)), "int64 or float64, got torch.c"),
        (saved(grid=-torch.ones(6, 6, dtype=torch.int64)), "finite and non-negative"),
        (saved(grid=torch.full((6, 6), float("nan"), dtype=torch.float64)), "non-negative"),
        (saved(grid=torch.full((6, 6), float("inf"), dtype=torch.float64)), "finite"),
        (saved(class_values=[5, 3]), r"class_values \[5, 3\] contradict its classes"),
        (saved(samples_seen=-1), "samples_seen must be a non-negative integer, got -1"),
        (saved(samples_seen=2.5), "samples_seen must be a non-negative integer"),
        (saved(config={"threshold": 2.0}), "threshold must be in"),
        (saved(config={"ignore_index": True}), "ignore_index must be"),
        (saved(config={"bogus": 1}), "not made by state_dict"),
    ],
    ids=["bool", "uint8", "complex", "negative", "nan", "inf", "values", "seen", "seen-float",
         "threshold", "ignore-bool", "unknown-option"],
)  # fmt: skip
def test_load_state_dict_refuses_hostile_states(state: dict[str, Any], match: str) -> None:
    with pytest.raises(confmat.OptionError, match=match):
        Accumulator().load_state_dict(state)


def test_state_dict_of_numpy_options_loads_with_weights_only() -> None:
    acc = Accumulator(
        classes=["no", "yes"],
        positive=np.str_("yes"),
        score_of=np.str_("yes"),
        threshold=np.float64(0.3),
    )
    acc.update(["yes", "no"], torch.tensor([0.4, 0.2]))
    buffer = io.BytesIO()
    torch.save(acc.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    assert type(state["config"]["positive"]) is str
    assert type(state["config"]["score_of"]) is str
    resumed = Accumulator().load_state_dict(state)
    assert torch.equal(resumed.compute().counts, acc.compute().counts)


def test_probabilities_read_as_logits_warn_once_at_compute() -> None:
    y_true, probabilities = torch.tensor([0, 1, 1, 0]), torch.tensor([0.1, 0.8, 0.6, 0.4])
    acc = Accumulator(from_logits=True)
    for _ in range(3):
        acc.update(y_true, probabilities)
    with pytest.warns(confmat.FromLogitsWarning, match="all 12 binary scores lie in") as caught:
        acc.compute()
    assert len(caught) == 1
    assert "from_logits=False" in str(caught[0].message)
    resumed = Accumulator().load_state_dict(acc.state_dict())  # the tally is saved
    with pytest.warns(confmat.FromLogitsWarning, match="all 12 binary scores"):
        resumed.compute()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Accumulator().update(y_true, probabilities).compute()  # probabilities, as the default
        acc.update(y_true, torch.tensor([-2.0, 3.0, 0.5, 0.5]))  # one logit outside [0, 1]
        acc.compute()
        Accumulator(from_logits=True, validate=False).update(y_true, probabilities).compute()
