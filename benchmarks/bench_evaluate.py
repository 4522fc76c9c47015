"""Overhead of confmat.evaluate over the bare inference loop it replaces.

A small CNN over 20,000 synthetic 32x32 RGB images on the CPU (TensorDataset + DataLoader,
batch 256). In the same process, runs alternate between

    bare:     with torch.inference_mode(): for x, y in loader: model(x)
    evaluate: confmat.evaluate(model, loader, progress=False)   (counts, reservoirs, worst)

so that a busy machine slows both alike; the figure is the ratio of the medians of the wall
times (>= 5 runs each), with the ratio of the medians of the process CPU times beside it (less
sensitive to other programs on a shared machine). Target: overhead <= 3%.

    python benchmarks/bench_evaluate.py [--runs 7] [--threads N] [--images 20000]

On glibc, whether the CNN's large activation buffers are handed back to the system between
batches (mmap / heap trimming) depends on incidental allocations and moves either loop by up
to +-20% from one process to the next. To compare the loops rather than the allocator, the
script fixes it (for both loops alike) by restarting itself with

    MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=268435456

unless these are already set or ``--plain-allocator`` is given.

The last line printed, evaluate()'s own CPU cost per batch (a model that costs nothing, same
batches), does not depend on this.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import confmat

TARGET = 0.03

ALLOCATOR = {
    "MALLOC_MMAP_THRESHOLD_": "1073741824",
    "MALLOC_TRIM_THRESHOLD_": "1073741824",
    "MALLOC_TOP_PAD_": "268435456",
}


def small_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 8 * 8, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def synthetic_loader(images: int, batch: int) -> DataLoader:
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(images, 3, 32, 32, generator=generator)
    y = torch.randint(0, 10, (images,), generator=generator)
    return DataLoader(TensorDataset(x, y), batch_size=batch)


def bare(model: nn.Module, loader: DataLoader) -> None:
    with torch.inference_mode():
        for x, _ in loader:
            model(x)


def with_evaluate(model: nn.Module, loader: DataLoader) -> None:
    confmat.evaluate(model, loader, progress=False)


def loop_cost(loader: DataLoader, runs: int) -> float:
    """evaluate()'s own CPU cost per batch, in microseconds: both loops with a model that costs
    nothing (a slice of the input as 10 logits), median difference of interleaved runs."""

    def free_model(x: torch.Tensor) -> torch.Tensor:
        return x[:, 0, 0, :10]

    differences = []
    for _ in range(runs):  # CPU time: other programs on the machine disturb it less
        start = time.process_time()
        bare(free_model, loader)  # type: ignore[arg-type]
        middle = time.process_time()
        with_evaluate(free_model, loader)  # type: ignore[arg-type]
        differences.append((time.process_time() - middle) - (middle - start))
    return statistics.median(differences) / len(loader) * 1e6


def interleaved(
    model: nn.Module, loader: DataLoader, runs: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each run of each loop; the order alternates from run to run."""
    loops = {"bare": bare, "evaluate": with_evaluate}
    for loop in loops.values():  # warm-up
        loop(model, loader)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in loops}
    for run in range(runs):
        order = list(loops.items()) if run % 2 == 0 else list(loops.items())[::-1]
        for name, loop in order:
            start, start_cpu = time.perf_counter(), time.process_time()
            loop(model, loader)
            times[name].append((time.perf_counter() - start, time.process_time() - start_cpu))
    return times


def report(times: dict[str, list[tuple[float, float]]], per_batch: float, batches: int) -> None:
    for name, runs in times.items():
        wall = ", ".join(f"{w:.2f}" for w, _ in runs)
        cpu = ", ".join(f"{c:.2f}" for _, c in runs)
        print(f"  {name:9s} wall s: {wall}")
        print(f"  {'':9s} CPU s:  {cpu}")
    figures = {}
    for column, what in ((0, "wall time"), (1, "CPU time")):
        bare_runs = [run[column] for run in times["bare"]]
        eval_runs = [run[column] for run in times["evaluate"]]
        of_medians = statistics.median(eval_runs) / statistics.median(bare_runs)
        paired = statistics.median(e / b for e, b in zip(eval_runs, bare_runs, strict=True))
        figures[what] = of_medians
        print(
            f"  {what:9s}: ratio of medians {of_medians:.4f} ({(of_medians - 1) * 100:+.2f}%), "
            f"median of paired ratios {paired:.4f} ({(paired - 1) * 100:+.2f}%)"
        )
    model_cpu = statistics.median(c for _, c in times["bare"]) / batches * 1e6
    print(
        f"  evaluate()'s own cost: {per_batch:.0f} us per batch of 256, against "
        f"{model_cpu:.0f} us (CPU) for the CNN's forward pass: {per_batch / model_cpu:+.2%}"
    )
    verdict = "met" if figures["wall time"] - 1 <= TARGET else "MISSED"
    print(f"  target: overhead <= +3% (ratio of the median wall times): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each loop (>= 5)")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: torch's)"
    )
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument(
        "--plain-allocator", action="store_true", help="leave glibc's allocator as it is"
    )
    args = parser.parse_args()
    if not args.plain_allocator and not ALLOCATOR.keys() <= os.environ.keys():
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **ALLOCATOR})
    allocator = "plain" if args.plain_allocator else "fixed (MALLOC_* settings)"
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = small_cnn().eval()
    loader = synthetic_loader(args.images, 256)
    runs = max(5, args.runs)
    times = interleaved(model, loader, runs)
    per_batch = loop_cost(loader, runs)
    print(
        f"evaluate() over the bare loop: {args.images} images 3x32x32, batch 256, "
        f"{torch.get_num_threads()} torch thread(s), {runs} interleaved runs each, "
        f"allocator {allocator}"
    )
    report(times, per_batch, len(loader))


if __name__ == "__main__":
    main()
