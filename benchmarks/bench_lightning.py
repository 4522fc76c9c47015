"""Overhead of confmat's Lightning callback over the same validation loop without it.

``trainer.validate`` of one small MLP over 20,000 samples (batches of 256, 10 classes), with and
without ``ConfusionMatrixCallback`` (counting every batch on the device, computing the matrix
and logging its 11 scalars through ``pl_module.log`` at the epoch's end; no logger attached, so
no figure is drawn). Each arm keeps its trainer, as ``fit`` does from one validation epoch to
the next. The two runs alternate, so that a busy machine slows both alike; the figure is the
median over the rounds, torch on one thread.

    python benchmarks/bench_lightning.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

TARGET = 0.03
"""Acceptance: the callback adds at most 3% to the validation loop."""
N, FEATURES, CLASSES, BATCH = 20_000, 64, 10, 256


def module() -> Any:
    import lightning.pytorch as pl

    class MLP(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = nn.Sequential(
                nn.Linear(FEATURES, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                nn.Linear(256, CLASSES),
            )  # fmt: skip

        def validation_step(self, batch: Any, batch_idx: int) -> dict[str, torch.Tensor]:
            x, y = batch
            return {"preds": self.net(x), "target": y}

    torch.manual_seed(0)
    return MLP()


def loader() -> DataLoader[Any]:
    generator = torch.Generator().manual_seed(1)
    y = torch.randint(0, CLASSES, (N,), generator=generator)
    x = torch.randn(N, FEATURES, generator=generator)
    return DataLoader(TensorDataset(x, y), batch_size=BATCH)


def trainer(with_callback: bool) -> Any:
    import lightning.pytorch as pl

    from confmat.integrations.lightning import ConfusionMatrixCallback

    return pl.Trainer(
        accelerator="cpu",
        devices=1,
        logger=False,
        callbacks=[ConfusionMatrixCallback(num_classes=CLASSES)] if with_callback else [],
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
    )


def run(trainer: Any, model: Any, data: DataLoader[Any]) -> float:
    """Seconds of one validation epoch (a trainer validates once per epoch during fit)."""
    start = time.perf_counter()
    trainer.validate(model, data, verbose=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 11")
    rounds = 3 if parser.parse_args().quick else 11
    warnings.filterwarnings("ignore")  # Lightning's advice on workers and on torch versions
    import logging

    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    torch.set_num_threads(1)
    model, data = module(), loader()
    trainers = {False: trainer(False), True: trainer(True)}
    times: dict[bool, list[float]] = {False: [], True: []}
    for each in trainers.values():  # warm-up
        run(each, model, data)
    for i in range(rounds):
        for with_callback in (i % 2 == 0, i % 2 == 1):  # alternate which goes first
            times[with_callback].append(run(trainers[with_callback], model, data))
    bare, counted = statistics.median(times[False]), statistics.median(times[True])
    overhead = counted / bare - 1
    print(f"validation of {N} samples in batches of {BATCH}, {CLASSES} classes, {rounds} rounds")
    print(f"  without the callback  {bare * 1000:8.1f} ms (median)")
    print(f"  with the callback     {counted * 1000:8.1f} ms (median)")
    verdict = "ok" if overhead <= TARGET else "MISSED"
    print(f"  overhead              {overhead:8.2%}  (target <= {TARGET:.0%}: {verdict})")


if __name__ == "__main__":
    main()
