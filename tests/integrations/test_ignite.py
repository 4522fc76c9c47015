from __future__ import annotations

import warnings

import pytest
import torch
from tiny import CLASSES, predictions
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from confmat import ConfusionMatrix, OptionError
from confmat.integrations import ignite

with warnings.catch_warnings():  # Ignite imports torch.distributed.optim, which uses jit.script
    warnings.filterwarnings("ignore", "`torch.jit.[a-z]+` is deprecated", DeprecationWarning)
    ConfusionMatrixMetric = ignite.ConfusionMatrixMetric


def test_attached_to_an_evaluator() -> None:
    from ignite.engine import create_supervised_evaluator

    data = predictions()
    loader = DataLoader(TensorDataset(data.features, data.y_true), batch_size=50)
    evaluator = create_supervised_evaluator(data.model, metrics={"cm": ConfusionMatrixMetric(4)})
    state = evaluator.run(loader)
    want = ConfusionMatrix.from_predictions(data.y_true, data.scores)
    assert torch.equal(state.metrics["cm"].counts, want.counts)
    evaluator.run(loader)  # reset at each run's epoch start
    assert state.metrics["cm"].n == 203


def test_distributed_sampler_padding_is_dropped() -> None:
    from ignite.engine import Engine

    data = predictions()
    dataset = TensorDataset(data.scores, data.y_true)
    sampler = DistributedSampler(dataset, num_replicas=2, rank=1, shuffle=False)  # 101 + 1 padded
    engine = Engine(lambda engine, batch: {"y_pred": batch[0], "y": batch[1]})
    ConfusionMatrixMetric(classes=CLASSES).attach(engine, "cm")
    state = engine.run(DataLoader(dataset, batch_size=32, sampler=sampler))
    rank_1 = slice(1, 203, 2)  # the sampler's real samples: every other one
    want = ConfusionMatrix.from_predictions(
        data.y_true[rank_1], data.scores[rank_1], classes=CLASSES
    )
    assert len(list(sampler)) == 102
    assert torch.equal(state.metrics["cm"].counts, want.counts)


def test_bad_output() -> None:
    metric = ConfusionMatrixMetric(num_classes=2)
    with pytest.raises(OptionError, match=r"needs \(y_pred, y\) or a dict"):
        metric.update(torch.tensor([0, 1]))
