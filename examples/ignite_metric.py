"""Ignite: ConfusionMatrixMetric attached to an evaluator engine.

pip install "confmat[ignite]"
python examples/ignite_metric.py
"""

from __future__ import annotations

import warnings

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from confmat.integrations.ignite import ConfusionMatrixMetric


def main() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # torch.jit, in Ignite
    from ignite.engine import create_supervised_evaluator

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    x, y = torch.randn(500, 8), torch.randint(0, 3, (500,))
    evaluator = create_supervised_evaluator(
        model, metrics={"cm": ConfusionMatrixMetric(classes=["ant", "bee", "cat"])}
    )
    state = evaluator.run(DataLoader(TensorDataset(x, y), batch_size=64))
    cm = state.metrics["cm"]  # a confmat.ConfusionMatrix
    print(cm)
    print(cm.counts)


if __name__ == "__main__":
    main()
