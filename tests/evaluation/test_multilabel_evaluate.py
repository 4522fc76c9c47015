"""evaluate_multilabel: the loop gives what from_predictions gives on the same outputs."""

from __future__ import annotations

import pytest
import torch

import confmat
from confmat import MultilabelConfusion, evaluate_multilabel


def test_logits_by_default_and_the_same_counts_as_from_predictions() -> None:
    torch.manual_seed(0)
    model = torch.nn.Linear(5, 4)
    data = [(torch.randn(16, 5), torch.randint(0, 2, (16, 4))) for _ in range(3)]
    result = evaluate_multilabel(model, data, threshold=[0.3, 0.5, 0.5, 0.7])
    with torch.no_grad():
        scores = torch.cat([model(x) for x, _ in data])
    targets = torch.cat([y for _, y in data])
    expected = MultilabelConfusion.from_predictions(
        targets, scores, threshold=[0.3, 0.5, 0.5, 0.7], from_logits=True
    )
    assert torch.equal(result.counts, expected.counts)
    assert result.co_confusion is not None
    assert expected.co_confusion is not None
    assert torch.equal(result.co_confusion, expected.co_confusion)


def test_dict_batches_and_bad_targets() -> None:
    model = torch.nn.Linear(3, 2)
    data = [{"x": torch.randn(4, 3), "labels": torch.tensor([[0, 1]] * 4)}]
    result = evaluate_multilabel(model, data, input_key="x", labels=["p", "q"])
    assert result.n == 4
    with pytest.raises(confmat.ShapeError, match="both be"):
        evaluate_multilabel(model, [(torch.randn(4, 3), torch.tensor([0, 1, 0, 1]))])
    with pytest.raises(confmat.LabelError, match="other than 0/1"):
        evaluate_multilabel(model, [(torch.randn(2, 3), torch.tensor([[0, 2], [1, 1]]))])


def test_the_vocabulary_of_from_predictions_with_logits_by_default() -> None:
    torch.manual_seed(1)
    model = torch.nn.Linear(3, 2)
    inputs = torch.randn(6, 3)
    targets = torch.tensor([[1, -100], [0, 1], [-100, -100], [1, 1], [0, 0], [1, 0]])
    data = [(inputs[:4], targets[:4]), (inputs[4:], targets[4:])]
    result = evaluate_multilabel(
        model, data, classes=[1, 0], ignore_index=-100, zero_division=0, num_classes=2
    )
    with torch.no_grad():
        logits = model(inputs)
    expected = MultilabelConfusion.from_predictions(
        targets, logits, classes=[1, 0], from_logits=True, ignore_index=-100, zero_division=0
    )
    assert result.to_dict() == expected.to_dict()
    assert result.n == 5  # the sample whose every cell is ignored counts nowhere
    assert result.zero_division == 0.0
    old = evaluate_multilabel(model, data, labels=["p", "q"], ignore_index=-100)
    assert old.classes == ["p", "q"]
    with pytest.raises(confmat.OptionError, match="older name"):
        evaluate_multilabel(model, data, classes=["p", "q"], labels=["p", "q"])
    with pytest.raises(confmat.OptionError, match="differ from the indicators"):
        evaluate_multilabel(model, data, ignore_index=0)
