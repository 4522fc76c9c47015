"""TensorBoard: one confusion matrix per epoch (scalars, heatmap, text tables).

pip install "confmat[tensorboard]"
python examples/tensorboard_log.py
"""

from __future__ import annotations

import tempfile

import torch
from torch.utils.tensorboard import SummaryWriter

from confmat import ConfusionMatrix
from confmat.integrations import tensorboard


def main() -> None:
    logdir = tempfile.mkdtemp(prefix="confmat-tb-")
    generator = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 4, (400,), generator=generator)
    with SummaryWriter(logdir) as writer:
        for epoch in range(3):  # a model that improves: fewer labels replaced by noise
            noise = torch.rand(400, generator=generator) < 0.6 / (epoch + 1)
            y_pred = torch.where(noise, torch.randint(0, 4, (400,), generator=generator), y_true)
            cm = ConfusionMatrix.from_predictions(y_true, y_pred, classes=["a", "b", "c", "d"])
            tensorboard.log(cm, writer, step=epoch, prefix="val")
            print(f"epoch {epoch}: accuracy {cm.accuracy:.3f}")
    print(f"tensorboard --logdir {logdir}")


if __name__ == "__main__":
    main()
