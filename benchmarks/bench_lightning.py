"""Overhead of confmat's Lightning callback over the same validation epoch without it.

The workload of ``bench_evaluate.py``: a small CNN over 20,000 synthetic 32x32 RGB images on
the CPU (TensorDataset + DataLoader, batch 256), validated by ``trainer.validate`` with and
without ``ConfusionMatrixCallback`` (counting every batch on the device, computing the matrix
and logging its 11 scalars through ``pl_module.log`` at the epoch's end; no logger attached, so
no figure is drawn). Each arm keeps its trainer, as ``fit`` does from one validation epoch to
the next. Runs alternate, so that a busy machine slows both alike; the figures are the ratios
of the medians of the wall and the process CPU times. The callback's own time (inside its
hooks) is measured too: it does not depend on the noise of the forward pass. Target: <= 3%.

    python benchmarks/bench_lightning.py [--runs 7] [--images 20000]

glibc's allocator is held steady for both arms, as in ``bench_evaluate.py``.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from typing import Any

import torch
from bench_evaluate import ALLOCATOR, small_cnn, synthetic_loader
from torch.utils.data import DataLoader

TARGET = 0.03
"""Acceptance: the callback adds at most 3% to a validation epoch."""


def lightning_module() -> Any:
    import lightning.pytorch as pl

    class CNN(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.net = small_cnn()

        def validation_step(self, batch: Any, batch_idx: int) -> dict[str, torch.Tensor]:
            x, y = batch
            return {"preds": self.net(x), "target": y}

    return CNN()


def timed_callback() -> Any:
    """The callback, adding the seconds spent inside its hooks to ``.spent``."""
    from confmat.integrations.lightning import ConfusionMatrixCallback

    class Timed(ConfusionMatrixCallback):  # type: ignore[misc, valid-type]
        spent = 0.0

        def _update(self, *args: Any) -> None:
            start = time.perf_counter()
            super()._update(*args)
            Timed.spent += time.perf_counter() - start

        def _finish(self, *args: Any) -> None:
            start = time.perf_counter()
            super()._finish(*args)
            Timed.spent += time.perf_counter() - start

    return Timed(num_classes=10)


def trainer(callbacks: list[Any]) -> Any:
    import lightning.pytorch as pl

    return pl.Trainer(
        accelerator="cpu",
        devices=1,
        logger=False,
        callbacks=callbacks,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
    )


def run(each: Any, model: Any, data: DataLoader[Any]) -> tuple[float, float]:
    """Wall and process CPU seconds of one validation epoch."""
    wall, cpu = time.perf_counter(), time.process_time()
    each.validate(model, data, verbose=False)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each arm (>= 3)")
    parser.add_argument("--images", type=int, default=20_000)
    args = parser.parse_args()
    if not ALLOCATOR.keys() <= os.environ.keys():
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **ALLOCATOR})
    warnings.filterwarnings("ignore")  # Lightning's advice on workers and torch versions
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    model, data = lightning_module(), synthetic_loader(args.images, 256)
    callback = timed_callback()
    arms = {"bare": trainer([]), "callback": trainer([callback])}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in arms}
    for each in arms.values():  # warm-up
        run(each, model, data)
    type(callback).spent = 0.0
    runs = max(3, args.runs)
    for i in range(runs):
        for name in ("bare", "callback") if i % 2 == 0 else ("callback", "bare"):
            times[name].append(run(arms[name], model, data))
    medians = {
        name: [statistics.median(t[k] for t in times[name]) for k in (0, 1)] for name in arms
    }
    own = type(callback).spent / runs
    print(
        f"trainer.validate over {args.images} images 3x32x32, batch 256, "
        f"{torch.get_num_threads()} torch thread(s), {runs} interleaved runs each"
    )
    for k, what in enumerate(("wall", "CPU")):
        bare, counted = medians["bare"][k], medians["callback"][k]
        print(f"  {what:4} median: {bare:.3f} s bare, {counted:.3f} s with the callback: "
              f"{counted / bare - 1:+.2%}")  # fmt: skip
    share = own / medians["bare"][0]
    verdict = "ok" if share <= TARGET else "MISSED"
    print(f"  the callback's own time: {own * 1000:.1f} ms per epoch, {share:.2%} of the bare "
          f"epoch (target <= {TARGET:.0%}: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
