"""evaluate() says when its outputs contradict ``from_logits``, and when it did not see every
sample once (a loader that drops its last batch, ranks that all read the whole data set)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
from torch import nn
from torch.utils.data import (
    BatchSampler,
    DataLoader,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
)

import confmat
from confmat import FromLogitsWarning, evaluate
from confmat._internal.evaluation import loop


def separable(n: int = 400) -> TensorDataset:
    g = torch.Generator().manual_seed(3)
    x = torch.randn(n, 2, generator=g)
    return TensorDataset(x, (x.sum(dim=1) > 0).long())


def sigmoid_model() -> nn.Module:
    """A binary model with one output that ends in a sigmoid: it gives probabilities."""
    linear = nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight.fill_(3.0)
        linear.bias.zero_()
    return nn.Sequential(linear, nn.Sigmoid())


# -- outputs that contradict from_logits --------------------------------------------------------


def test_a_model_ending_in_a_sigmoid_warns_under_the_logits_default() -> None:
    loader = DataLoader(separable(), batch_size=50)
    with pytest.warns(FromLogitsWarning, match=r"all lie in \[0, 1\].*pass from_logits=False"):
        wrong = evaluate(sigmoid_model(), loader, progress=False)
    assert wrong.matrix.binary_counts().tn == 0  # sigmoid(probability) >= 0.5: everything positive
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right = evaluate(sigmoid_model(), loader, progress=False, from_logits=False)
    assert right.matrix.accuracy == 1.0


def test_a_model_ending_in_a_softmax_warns_once(digits: Any) -> None:
    model = nn.Sequential(digits.model, nn.Softmax(dim=1))
    loader = DataLoader(digits.test, batch_size=64)
    with pytest.warns(FromLogitsWarning, match="sum to 1 in every row") as caught:
        probabilities = evaluate(model, loader, progress=False)
    assert len([w for w in caught if w.category is FromLogitsWarning]) == 1
    logits = evaluate(digits.model, loader, progress=False)
    assert torch.equal(probabilities.matrix.counts, logits.matrix.counts)  # the argmax agrees
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate(model, loader, progress=False, from_logits=False)


def test_logits_read_as_probabilities_warn(digits: Any) -> None:
    loader = DataLoader(digits.test, batch_size=64)
    with pytest.warns(FromLogitsWarning, match=r"outside \[0, 1\].*Pass from_logits=True"):
        evaluate(digits.model, loader, progress=False, from_logits=False)


def test_binary_logits_outside_0_1_read_as_probabilities_are_refused() -> None:
    linear = sigmoid_model()[0]
    with pytest.raises(confmat.ScoreError, match="pass from_logits=True"):
        evaluate(linear, DataLoader(separable(), batch_size=50), progress=False, from_logits=False)


@pytest.fixture
def host_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way a tensor's values reach Python (a host-device sync on GPUs), counted."""
    reads: list[str] = []

    def counting(name: str, original: Any) -> Any:
        def read(*args: Any, **kwargs: Any) -> Any:
            reads.append(name)
            return original(*args, **kwargs)

        return read

    for name in ("item", "tolist", "__bool__", "__int__", "__float__", "numpy", "nonzero"):
        monkeypatch.setattr(torch.Tensor, name, counting(name, getattr(torch.Tensor, name)))
    monkeypatch.setattr(loop, "_GATHER_SAMPLES", 1)  # count every batch on its own
    return reads


@pytest.mark.parametrize("model", [sigmoid_model(), nn.Sequential(nn.Linear(2, 3), nn.Softmax(1))])
def test_the_output_range_is_read_once_not_per_batch(host_reads: list[str], model: Any) -> None:
    counts = []
    for batches in (2, 8):
        host_reads.clear()
        with pytest.warns(FromLogitsWarning):
            evaluate(model, DataLoader(separable(50 * batches), batch_size=50), progress=False)
        counts.append(len(host_reads))
    assert counts[0] == counts[1], counts  # the same reads for 2 batches as for 8


# -- samples dropped or counted twice -----------------------------------------------------------


N = 1003


def thousand_and_three() -> TensorDataset:
    g = torch.Generator().manual_seed(5)
    return TensorDataset(torch.randn(N, 2, generator=g), torch.randint(0, 3, (N,), generator=g))


def three_class(x: torch.Tensor) -> torch.Tensor:
    return torch.stack([x[:, 0], x[:, 1], -x[:, 0] - x[:, 1]], dim=1)


@pytest.mark.parametrize(("batch_size", "counted"), [(2, 1002), (128, 896)])
def test_a_loader_dropping_its_last_batch_is_named(batch_size: int, counted: int) -> None:
    loader = DataLoader(thousand_and_three(), batch_size=batch_size, drop_last=True)
    missing = N - counted
    with pytest.warns(
        confmat.SampleCountWarning,
        match=rf"counted {counted} of the {N} samples.*{missing} were never seen.*drop_last=False",
    ):
        result = evaluate(three_class, loader, progress=False)
    assert result.matrix.n == counted


def test_a_batch_sampler_dropping_its_last_batch_is_named() -> None:
    data = thousand_and_three()
    batches = BatchSampler(SequentialSampler(data), batch_size=100, drop_last=True)
    with pytest.warns(confmat.SampleCountWarning, match="counted 1000 of the 1003.*drop_last"):
        evaluate(three_class, DataLoader(data, batch_sampler=batches), progress=False)


def test_a_loader_that_keeps_every_sample_does_not_warn() -> None:
    data = thousand_and_three()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate(three_class, DataLoader(data, batch_size=128), progress=False)
        subset = RandomSampler(data, num_samples=500)  # fewer on purpose: not a drop
        assert (
            evaluate(three_class, DataLoader(data, sampler=subset), progress=False).matrix.n == 500
        )
    assert result.matrix.n == N


class Stream(IterableDataset):
    def __iter__(self) -> Any:
        data = thousand_and_three()
        return iter(data[i] for i in range(N))


def test_an_iterable_dataset_with_drop_last_warns_how_many_may_be_missing() -> None:
    loader = DataLoader(Stream(), batch_size=128, drop_last=True)
    with pytest.warns(confmat.SampleCountWarning, match="up to 127 samples of its IterableData"):
        assert evaluate(three_class, loader, progress=False).matrix.n == 896
