"""A tiny LightningModule for the callback's tests (importable by spawned DDP workers)."""

from __future__ import annotations

from typing import Any

import lightning.pytorch as pl
import torch
from tiny import tiny_data, tiny_model
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class TinyClassifier(pl.LightningModule):
    """Trains the tiny model; its validation step also counts its samples the Lightning way."""

    def __init__(self, n_val: int = 1001) -> None:
        super().__init__()
        self.model = tiny_model().train()
        self.n_val = n_val

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> dict[str, torch.Tensor]:
        x, y = batch
        # Lightning's own count: summed over batches and ranks, padding included.
        self.log("lightning_samples", float(len(y)), reduce_fx="sum", sync_dist=True)
        return {"preds": self(x), "target": y}

    def test_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        return self(batch[0])  # the targets come from the batch

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=0.1)

    def train_dataloader(self) -> DataLoader[Any]:
        return DataLoader(TensorDataset(*tiny_data(256, seed=1)), batch_size=64)

    def val_dataloader(self) -> DataLoader[Any]:
        return DataLoader(TensorDataset(*tiny_data(self.n_val)), batch_size=100)

    def test_dataloader(self) -> DataLoader[Any]:
        return self.val_dataloader()
