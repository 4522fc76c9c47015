"""MultilabelAccumulator: batches give the one-shot result, deferred checks, no host sync."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import confmat
import strategies as cs
from confmat import MultilabelAccumulator, MultilabelConfusion
from confmat._internal.core.multilabel_kernels import CHUNK


def same(a: MultilabelConfusion, b: MultilabelConfusion) -> None:
    torch.testing.assert_close(a.counts, b.counts, rtol=1e-12, atol=1e-12)
    assert a.co_confusion is not None
    assert b.co_confusion is not None
    torch.testing.assert_close(a.co_confusion, b.co_confusion, rtol=1e-12, atol=1e-12)
    assert a.sample_sums is not None
    assert b.sample_sums is not None
    torch.testing.assert_close(a.sample_sums, b.sample_sums, rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(case=cs.multilabel_cases(), data=st.data())
def test_any_batching_gives_the_one_shot_result(case: cs.MultilabelCase, data: Any) -> None:
    expected = MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, sample_weight=case.sample_weight
    )
    n = len(case.y_true)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=4)))
    acc = MultilabelAccumulator()
    for start, stop in zip([0, *cuts], [*cuts, n], strict=True):
        w = None if case.sample_weight is None else case.sample_weight[start:stop]
        acc.update(case.y_true[start:stop], case.y_pred[start:stop], w)
    same(acc.compute(), expected)


def test_scores_thresholds_and_logits_follow_the_one_rule() -> None:
    scores = torch.tensor([[0.5, 0.3], [0.49, 0.7]])
    truth = torch.tensor([[1, 1], [1, 1]])
    acc = MultilabelAccumulator(threshold=[0.49, 0.3]).update(truth, scores)
    assert acc.compute().counts[:, 1, 1].tolist() == [2, 2]
    logits = MultilabelAccumulator(from_logits=True).update([[1, 1]], torch.tensor([[0.0, -1.0]]))
    assert logits.compute().counts[:, 1, 1].tolist() == [1, 0]


def test_bad_values_are_counted_and_raised_by_compute_and_never_counted() -> None:
    acc = MultilabelAccumulator(num_labels=2)
    acc.update([[0, 1], [2, 1], [1, 1]], [[0, 1], [0, 1], [0.5, 1.5]])
    acc.update([[1, 0]], [[1, 0]], sample_weight=[-1.0])
    with pytest.raises(confmat.LabelError, match=r"1 sample\(s\) with y_true") as info:
        acc.compute()
    assert "1 sample(s) with y_pred" in str(info.value)
    assert "1 sample(s) with sample_weight" in str(info.value)
    lenient = MultilabelAccumulator(num_labels=2, validate=False)
    lenient.update([[0, 1], [1, 1]], [[0, 1], [1, 1]])
    assert lenient.compute().n == 2


def test_refused_rows_leave_the_counts_of_the_good_rows() -> None:
    acc = MultilabelAccumulator(num_labels=2, validate=True)
    acc.update([[0, 1], [2, 1], [1, 0]], [[0, 1], [0, 1], [1, 0]])
    acc._flush()
    assert acc._sums is not None
    state = confmat._internal.core.multilabel_kernels.finish(acc._sums, weighted=False)
    good = MultilabelConfusion.from_predictions([[0, 1], [1, 0]], [[0, 1], [1, 0]])
    assert torch.equal(state.counts, good.counts)
    assert good.sample_sums is not None
    assert torch.equal(state.sample_sums, good.sample_sums)


def test_shape_errors_are_immediate_and_max_samples_counts_the_head() -> None:
    acc = MultilabelAccumulator(num_labels=3)
    with pytest.raises(confmat.ShapeError, match="3 label columns"):
        acc.update([[0, 1]], [[0, 1]])
    with pytest.raises(confmat.ShapeError, match="same shape"):
        acc.update([[0, 1, 1]], [[0, 1]])
    with pytest.raises(confmat.ShapeError, match="no batch"):
        MultilabelAccumulator().compute()
    head = MultilabelAccumulator(max_samples=3)
    head.update(np.ones((2, 2)), np.ones((2, 2))).update(np.zeros((2, 2)), np.ones((2, 2)))
    head.update(np.zeros((2, 2)), np.ones((2, 2)))
    result = head.compute()
    assert result.n == 3
    assert result.counts[:, 1, 1].tolist() == [2, 2]


def test_merge_and_reset() -> None:
    a = MultilabelAccumulator().update([[1, 0]], [[1, 1]])
    b = MultilabelAccumulator().update([[0, 1]], [[0, 1]], [2.0])
    merged = a.merge(b).compute()
    assert merged.is_weighted
    assert merged.counts[:, 1, 1].tolist() == [1.0, 2.0]
    assert a.reset().samples_seen == 0
    with pytest.raises(confmat.MergeError, match="3 labels into 2"):
        a.update([[1, 0]], [[1, 0]]).merge(MultilabelAccumulator().update([[1, 0, 1]], [[1, 0, 1]]))


# -- no host synchronization in update (the technique of tests/stream/test_distributed.py) --


@pytest.mark.parametrize(
    ("kwargs", "y_pred", "weight"),
    [
        ({"num_labels": 3}, [[0, 1, 1], [1, 0, 2], [1, 1, 1]], None),
        ({"num_labels": 3, "threshold": [0.2, 0.5, 0.9]}, [[0.1, 0.5, 0.95]] * 3, None),
        ({"from_logits": True}, [[-1.0, 0.0, float("nan")]] * 3, [1.0, -2.0, 0.5]),
        ({"num_labels": 3, "max_samples": 4}, [[1, 1, 0]] * 3, None),
        ({"ignore_index": 3}, [[0.2, float("nan"), 0.9]] * 3, [1.0, 2.0, -1.0]),
    ],
    ids=["labels", "thresholds", "logits-weights", "max-samples", "ignore-index"],
)
def test_update_never_reads_tensor_values_on_the_host(
    kwargs: dict[str, Any], y_pred: list[Any], weight: list[float] | None
) -> None:
    acc = MultilabelAccumulator(**kwargs)
    y_true = torch.tensor([[1, 0, 1], [0, 3, 1], [1, 1, 0]])
    with pytest.MonkeyPatch.context() as patch:
        for name in ("item", "tolist", "nonzero", "__bool__", "__int__", "__float__", "numpy"):
            patch.setattr(torch.Tensor, name, _refuse)
        for name in ("nonzero", "unique", "masked_select", "aminmax"):
            patch.setattr(torch, name, _refuse)
        for _ in range(2):
            acc.update(
                y_true, torch.tensor(y_pred), None if weight is None else torch.tensor(weight)
            )
        with pytest.raises(AssertionError, match="on the host"):
            bool(torch.tensor([True]))  # the guard is on
    with pytest.raises(confmat.LabelError):
        acc.compute()  # y_true holds a 3: compute names it


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a tensor value was read on the host during update")


@pytest.mark.parametrize("share", [0.6, 2.0], ids=["pending-chunk-fills", "large-batch"])
def test_counting_a_full_chunk_never_reads_values_on_the_host(share: float) -> None:
    rows = int(share * CHUNK)
    generator = torch.Generator().manual_seed(rows)
    y_true = torch.randint(0, 3, (rows, 5), generator=generator)  # some 2s: refused rows
    scores = torch.rand(rows, 5, generator=generator)
    weight = torch.rand(rows, generator=generator, dtype=torch.float64)
    acc = MultilabelAccumulator(num_labels=5)
    with pytest.MonkeyPatch.context() as patch:
        for name in ("item", "tolist", "nonzero", "__bool__", "__int__", "__float__", "numpy"):
            patch.setattr(torch.Tensor, name, _refuse)
        for name in ("nonzero", "unique", "masked_select", "aminmax"):
            patch.setattr(torch, name, _refuse)
        acc.update(y_true, scores, weight).update(y_true, scores, weight)
        waiting = 0 if acc._chunk is None else acc._chunk.filled
        assert waiting == (0 if rows >= CHUNK else 2 * rows - CHUNK)  # a full chunk was counted
    good = (y_true <= 1).all(dim=1)
    expected = MultilabelConfusion.from_predictions(
        torch.cat([y_true[good]] * 2),
        torch.cat([scores[good]] * 2),
        sample_weight=torch.cat([weight[good]] * 2),
    )
    acc._flush()  # the rows still waiting are checked and counted too
    acc._validate = False  # the refused rows are known; compare the counted ones
    same(acc.compute(), expected)


def test_batches_across_chunk_boundaries_mixing_weights_and_dtypes_match_one_shot() -> None:
    generator = torch.Generator().manual_seed(13)
    sizes = [300, 700, 100, 1500, 37, 1000, 1]  # fills, splits and skips the chunk buffer
    total = sum(sizes)
    y_true = (torch.rand(total, 6, generator=generator) < 0.3).long()
    scores = torch.rand(total, 6, generator=generator, dtype=torch.float64)
    weight = torch.rand(total, generator=generator, dtype=torch.float64)
    acc, start = MultilabelAccumulator(threshold=0.4), 0
    preds, weights = [], []
    for i, size in enumerate(sizes):
        rows = slice(start, start + size)
        pred = scores[rows] if i % 3 else (scores[rows] >= 0.4).int()  # dtypes alternate
        w = weight[rows] if i % 2 else None
        acc.update(y_true[rows], pred, w)
        preds.append(scores[rows] >= 0.4)
        weights.append(torch.ones(size, dtype=torch.float64) if w is None else w)
        start += size
    expected = MultilabelConfusion.from_predictions(
        y_true, torch.cat(preds), sample_weight=torch.cat(weights)
    )
    same(acc.compute(), expected)


# -- state_dict / load_state_dict and merge -----------------------------------------------


def _saved(acc: MultilabelAccumulator) -> dict[str, Any]:
    """The state as torch.save / torch.load(weights_only=True) give it back."""
    buffer = io.BytesIO()
    torch.save(acc.state_dict(), buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)  # type: ignore[no-any-return]


@settings(max_examples=40, deadline=None)
@given(case=cs.multilabel_cases(), data=st.data())
def test_save_load_and_continue_gives_the_uninterrupted_result(
    case: cs.MultilabelCase, data: Any
) -> None:
    n = len(case.y_true)
    cut = data.draw(st.integers(0, n))
    threshold = data.draw(st.sampled_from([0.5, [0.3] * case.y_true.shape[1]]))
    scores = case.y_pred * 0.6 + 0.2  # 0.8 or 0.2: decided by either threshold
    w = case.sample_weight

    def part(acc: MultilabelAccumulator, rows: slice) -> MultilabelAccumulator:
        return acc.update(case.y_true[rows], scores[rows], None if w is None else w[rows])

    whole = part(MultilabelAccumulator(threshold=threshold), slice(0, n)).compute()
    first = part(MultilabelAccumulator(threshold=threshold), slice(0, cut))
    resumed = MultilabelAccumulator().load_state_dict(_saved(first))
    assert resumed.samples_seen == cut
    result = part(resumed, slice(cut, n)).compute()
    if w is None:  # whole numbers: identical
        assert result.to_dict() == whole.to_dict()
        assert result.sample_sums is not None
        assert whole.sample_sums is not None
        assert torch.equal(result.sample_sums, whole.sample_sums)
    else:
        same(result, whole)


def test_state_keeps_labels_options_problems_and_weights() -> None:
    acc = MultilabelAccumulator(labels=["a", "b"], threshold=[0.2, 0.9], max_samples=5)
    acc.update([[1, 1], [1, 2]], [[0.3, 0.8], [0.1, 0.1]], [2.0, 1.0])
    restored = MultilabelAccumulator().load_state_dict(_saved(acc))
    assert restored.num_labels == 2
    assert restored.state_dict()["config"] == {
        "threshold": [0.2, 0.9],
        "from_logits": False,
        "validate": True,
        "max_samples": 5,
    }
    with pytest.raises(confmat.LabelError, match=r"1 sample\(s\) with y_true"):
        restored.compute()  # the problem seen before saving is still reported
    restored.load_state_dict(_saved(MultilabelAccumulator(labels=["a", "b"], validate=False)))
    assert restored.update([[1, 0]], [[1, 0]]).compute().n == 1
    empty = MultilabelAccumulator().load_state_dict(MultilabelAccumulator().state_dict())
    assert empty.num_labels is None


def _state(**changes: Any) -> dict[str, Any]:
    acc = MultilabelAccumulator(num_labels=2).update([[1, 0], [0, 1]], [[1, 1], [0, 0]])
    state = acc.state_dict()
    sums, config = dict(state["sums"]), dict(state["config"])
    for key, value in changes.items():
        if key in sums:
            sums[key] = value
        elif key in config:
            config[key] = value
        else:
            state[key] = value
    return {"sums": sums, **{k: v for k, v in state.items() if k != "sums"}, "config": config} | {
        k: v for k, v in changes.items() if k in ("sums", "config")
    }


def _f64(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


@pytest.mark.parametrize(
    ("state", "match"),
    [
        ({"grid": None}, "made by MultilabelAccumulator.state_dict"),
        (_state(kind="multiclass"), "made by MultilabelAccumulator.state_dict"),
        (_state(version=2), "made by MultilabelAccumulator.state_dict"),
        ({k: v for k, v in _state().items() if k != "config"}, "lacks 'config'"),
        (_state(config={"bogus": 1}), "not made by state_dict"),
        (_state(samples_seen=-1), "samples_seen"),
        (_state(weighted="yes"), "weighted"),
        (_state(num_labels=3), "shape"),
        (_state(co=torch.zeros(2, 2, dtype=torch.int64)), "float64"),
        (_state(co=torch.zeros(3, 3, dtype=torch.float64)), r"co has shape \(3, 3\)"),
        (_state(total=torch.tensor(-1.0, dtype=torch.float64)), "non-negative"),
        (_state(total=torch.tensor(float("nan"), dtype=torch.float64)), "non-negative"),
        (_state(total=torch.tensor(2.5, dtype=torch.float64)), "whole numbers"),
        (_state(columns=_f64(0, 0, 0, 0, 0, 0)), None),  # zeros are consistent
        (_state(columns=_f64(2, 0, 0, 0, 1, 1)), "contradict"),  # fn > support
        (_state(columns=_f64(0, 0, 2, 0, 1, 1)), "contradict"),  # support + fp > samples
        (_state(sums={"co": None}), "dict of co"),
        (_state(problems=torch.tensor([-1, 0, 0])), "problems"),
        (_state(problems=torch.zeros(2, dtype=torch.int64)), "problems"),
        (_state(problems=None), "problems"),
        (_state(labels=["a"]), "2 class"),
        (_state(threshold=[0.1, 0.2, 0.3]), "3 values for 2 labels"),
        (_state(threshold=2.0), "threshold"),
        (_state(max_samples=-1), "max_samples"),
    ],
    ids=lambda x: "" if isinstance(x, dict) else str(x),
)
def test_load_state_dict_refuses_foreign_or_corrupted_states(
    state: dict[str, Any], match: str | None
) -> None:
    acc = MultilabelAccumulator()
    if match is None:
        acc.load_state_dict(state)
        return
    with pytest.raises(confmat.ConfmatError, match=match):
        acc.load_state_dict(state)
    assert acc.num_labels is None  # nothing restored from a refused state


def test_load_state_dict_refuses_other_labels() -> None:
    state = MultilabelAccumulator(labels=["a", "b"]).update([[1, 0]], [[1, 0]]).state_dict()
    with pytest.raises(confmat.MergeError, match="saved labels"):
        MultilabelAccumulator(labels=["a", "c"]).load_state_dict(state)
    with pytest.raises(confmat.MergeError, match="saved labels"):
        MultilabelAccumulator(num_labels=3).load_state_dict(state)


def test_merge_adds_the_exact_samples_sums() -> None:
    generator = torch.Generator().manual_seed(5)
    y_true = (torch.rand(900, 7, generator=generator) < 0.3).long()
    scores = torch.rand(900, 7, generator=generator)
    parts = [MultilabelAccumulator() for _ in range(3)]
    for i, start in enumerate(range(0, 900, 50)):
        parts[i % 3].update(y_true[start : start + 50], scores[start : start + 50])
    merged = parts[2].merge(parts[0], parts[1]).compute()
    whole = MultilabelConfusion.from_predictions(y_true, scores)
    assert merged.sample_sums is not None
    assert whole.sample_sums is not None
    assert torch.equal(merged.sample_sums, whole.sample_sums)
    assert merged.to_dict() == whole.to_dict()


# -- the vocabulary: ignore_index, classes and their aliases, zero_division ------------------


@settings(max_examples=60, deadline=None)
@given(case=cs.multilabel_cases(), data=st.data())
def test_ignored_cells_in_any_batching_give_the_one_shot_result(
    case: cs.MultilabelCase, data: Any
) -> None:
    seed = data.draw(st.integers(0, 2**32 - 1))
    ignored = np.random.default_rng(seed).random(case.y_true.shape) < 0.3
    ignored[0, 0] = False
    y_true = np.where(ignored, -1, case.y_true)
    expected = MultilabelConfusion.from_predictions(
        y_true, case.y_pred, sample_weight=case.sample_weight, ignore_index=-1
    )
    n = len(y_true)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=4)))
    acc = MultilabelAccumulator(ignore_index=-1)
    for start, stop in zip([0, *cuts], [*cuts, n], strict=True):
        w = None if case.sample_weight is None else case.sample_weight[start:stop]
        acc.update(y_true[start:stop], case.y_pred[start:stop], w)
    result = acc.compute()
    same(result, expected)
    assert result.n == expected.n
    if case.sample_weight is None:  # whole numbers: the samples sums to the last bit
        assert result.sample_sums is not None
        assert expected.sample_sums is not None
        assert torch.equal(result.sample_sums, expected.sample_sums)
        assert result.to_dict() == expected.to_dict()


def test_ignored_cells_across_chunks_bool_batches_and_large_batches() -> None:
    generator = torch.Generator().manual_seed(21)
    sizes = [300, 2 * CHUNK + 5, 100, 1500, 1]
    total = sum(sizes)
    y_true = (torch.rand(total, 4, generator=generator) < 0.4).long()
    y_true[torch.rand(total, 4, generator=generator) < 0.25] = -100
    scores = torch.rand(total, 4, generator=generator)
    acc, start = MultilabelAccumulator(ignore_index=-100), 0
    for i, size in enumerate(sizes):
        rows = slice(start, start + size)
        truth = y_true[rows] if i != 2 else (y_true[rows] == 1)  # bools hold no ignored cell
        acc.update(truth, scores[rows])
        start += size
    reference = y_true.clone()
    part = slice(sum(sizes[:2]), sum(sizes[:3]))
    reference[part] = (y_true[part] == 1).long()
    expected = MultilabelConfusion.from_predictions(reference, scores, ignore_index=-100)
    result = acc.compute()
    assert result.to_dict() == expected.to_dict()
    assert result.sample_sums is not None
    assert expected.sample_sums is not None
    assert torch.equal(result.sample_sums, expected.sample_sums)


def test_a_target_that_is_neither_0_1_nor_ignore_index_is_refused_by_compute() -> None:
    acc = MultilabelAccumulator(ignore_index=-1).update([[1, -1], [2, 0], [-1, -1]], [[1, 0]] * 3)
    with pytest.raises(confmat.LabelError, match=r"1 sample\(s\) with y_true value\(s\) other"):
        acc.compute()


def test_classes_name_the_columns_and_the_aliases() -> None:
    y_true, scores = [[1, 0, 1], [0, 1, 1]], [[0.9, 0.2, 0.4], [0.1, 0.7, 0.6]]
    acc = MultilabelAccumulator(classes=[2, 0, 1]).update(y_true, scores)
    expected = MultilabelConfusion.from_predictions(y_true, scores, classes=[2, 0, 1])
    assert acc.compute().to_dict() == expected.to_dict()
    resumed = MultilabelAccumulator().load_state_dict(_saved(acc))
    assert resumed.compute().to_dict() == expected.to_dict()
    old = MultilabelAccumulator(num_labels=3, labels=["a", "b", "c"]).update(y_true, scores)
    new = MultilabelAccumulator(num_classes=3, classes=["a", "b", "c"]).update(y_true, scores)
    assert old.compute().to_dict() == new.compute().to_dict()
    assert new.num_classes == new.num_labels == 3
    with pytest.raises(confmat.MergeError, match="saved labels"):
        MultilabelAccumulator(classes=[0, 1, 2]).load_state_dict(_saved(acc))


@pytest.mark.parametrize(
    ("kwargs", "width", "match"),
    [
        ({"num_classes": 2, "threshold": [0.5, 0.5, 0.5]}, 2, "2 of them"),
        ({"threshold": [0.5, 0.5, 0.5]}, 2, "2 of them"),
        ({"classes": [0, 0]}, 2, "unique"),
        ({"classes": ["a", "b"], "num_classes": 3}, 2, "num_classes=3"),
    ],
    ids=["thresholds", "thresholds-at-first-batch", "values", "num-classes"],
)
def test_options_are_checked_as_from_predictions_checks_them(
    kwargs: dict[str, Any], width: int, match: str
) -> None:
    with pytest.raises(confmat.ConfmatError, match=match):
        MultilabelAccumulator(**kwargs).update(np.ones((1, width)), np.ones((1, width)))


def test_state_keeps_ignore_index_and_zero_division_and_loads_the_first_layout() -> None:
    acc = MultilabelAccumulator(ignore_index=-1, zero_division=0)
    acc.update([[1, -1], [0, 0]], [[1, 1], [0, 0]])
    state = _saved(acc)
    assert state["config"]["ignore_index"] == -1
    assert state["config"]["zero_division"] == 0.0
    restored = MultilabelAccumulator().load_state_dict(state)
    assert restored.compute().to_dict() == acc.compute().to_dict()
    restored.update([[-1, 1]], [[0, 1]])
    assert restored.compute().n == 3
    # a state of the first layout: no per-label cells, no ignore_index, no zero_division
    plain = MultilabelAccumulator().update([[1, 0], [0, 1]], [[1, 1], [0, 1]])
    first = _saved(plain)
    first["sums"] = {k: v for k, v in first["sums"].items() if k != "cells"}
    assert set(first["config"]) == {"threshold", "from_logits", "validate", "max_samples"}
    loaded = MultilabelAccumulator().load_state_dict(first)
    assert loaded.compute().to_dict() == plain.compute().to_dict()


def test_per_label_thresholds_as_a_tensor_in_the_scores_precision() -> None:
    threshold = torch.tensor([0.3, 0.7], dtype=torch.float64)
    scores = torch.tensor([[0.3, 0.7], [0.29, 0.71]], dtype=torch.float32)  # at and beside
    acc = MultilabelAccumulator(threshold=threshold)
    for _ in range(3):  # the thresholds are placed on the device once, per scores' dtype
        acc.update([[1, 1], [1, 1]], scores)
    acc.update([[1, 1]], scores[:1].double())
    single = MultilabelConfusion.from_predictions(
        [[1, 1]] * 6, torch.cat([scores] * 3), threshold=threshold
    )
    double = MultilabelConfusion.from_predictions(
        [[1, 1]], scores[:1].double(), threshold=threshold
    )
    expected = (single + double).counts[:, 1, 1].tolist()
    assert acc.compute().counts[:, 1, 1].tolist() == expected == [4, 6]  # 0.7f < 0.7 in float64
    with pytest.raises(confmat.OptionError, match="2 of them"):
        MultilabelAccumulator(num_classes=2, threshold=torch.tensor([0.5, 0.5, 0.5]))
