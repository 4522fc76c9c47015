"""Lightning: the exact confusion matrix of every validation epoch, logged to TensorBoard.

pip install "confmat[lightning,tensorboard]"
python examples/lightning_callback.py
"""

from __future__ import annotations

import tempfile
import warnings

import lightning.pytorch as pl
import torch
from lightning.pytorch.loggers import TensorBoardLogger
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from confmat.integrations.lightning import ConfusionMatrixCallback

CLASSES = ["ant", "bee", "cat"]


class Classifier(pl.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, len(CLASSES)))

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self.net(x), y)

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> dict:
        x, y = batch
        return {"preds": self.net(x), "target": y}  # what the callback counts

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.01)


def data(n: int, seed: int) -> DataLoader:
    generator = torch.Generator().manual_seed(seed)
    y = torch.randint(0, len(CLASSES), (n,), generator=generator)
    x = torch.randn(n, 8, generator=generator)
    x[torch.arange(n), y] += 1.0
    return DataLoader(TensorDataset(x, y), batch_size=64)


def main() -> None:
    warnings.filterwarnings("ignore", ".*does not have many workers")
    warnings.filterwarnings("ignore", ".*LeafSpec.* is deprecated")  # Lightning 2.6, torch 2.13
    logdir = tempfile.mkdtemp(prefix="confmat-lightning-")
    callback = ConfusionMatrixCallback(classes=CLASSES)
    trainer = pl.Trainer(
        max_epochs=3,
        accelerator="cpu",
        callbacks=[callback],
        logger=TensorBoardLogger(logdir),
        enable_progress_bar=False,
        enable_checkpointing=False,
        log_every_n_steps=8,
    )
    trainer.fit(Classifier(), data(1024, 0), data(301, 1))
    print(callback.matrices["val"])
    print(f"val/macro_f1 = {trainer.callback_metrics['val/macro_f1']:.4f}")
    print(f"tensorboard --logdir {logdir}")


if __name__ == "__main__":
    main()
