"""Weights & Biases (offline): scalars, the non-zero cells as a table, and the heatmap.

pip install "confmat[wandb]"
python examples/wandb_offline.py      # then `wandb sync` the printed directory, if you like
"""

from __future__ import annotations

import os
import tempfile

import torch
import wandb

from confmat import ConfusionMatrix
from confmat.integrations import wandb as confmat_wandb


def main() -> None:
    os.environ.setdefault("WANDB_MODE", "offline")
    os.environ.setdefault("WANDB_SILENT", "true")
    generator = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 3, (300,), generator=generator)
    run = wandb.init(project="confmat-example", dir=tempfile.mkdtemp(prefix="confmat-wandb-"))
    for epoch in range(2):
        wrong = torch.rand(300, generator=generator) < 0.3 / (epoch + 1)
        y_pred = torch.where(wrong, (y_true + 1) % 3, y_true)
        cm = ConfusionMatrix.from_predictions(y_true, y_pred, classes=["ant", "bee", "cat"])
        confmat_wandb.log(cm, run, step=epoch, prefix="val")
        print(f"epoch {epoch}: accuracy {cm.accuracy:.3f}")
    print(run.dir)
    run.finish()


if __name__ == "__main__":
    main()
