"""Overhead of confmat.evaluate over the bare inference loop it replaces.

A small CNN over 20,000 synthetic 32x32 RGB images on the CPU (TensorDataset + DataLoader,
batch 256). In the same process, runs alternate between

    bare:     with torch.inference_mode(): for x, y in loader: model(x)
    evaluate: confmat.evaluate(model, loader, progress=False)   (counts, reservoirs, worst)

so that a busy machine slows both alike; the figure is the ratio of the medians of the wall
times (>= 5 runs each), with the ratio of the medians of the process CPU times beside it (less
sensitive to other programs on a shared machine). Target: overhead <= 3%.

    python benchmarks/bench_evaluate.py [--runs 7] [--threads N] [--images 20000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import confmat

TARGET = 0.03


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
    """evaluate()'s own cost per batch, in microseconds: both loops with a model that costs
    nothing (a slice of the input as 10 logits), median difference of interleaved runs."""

    def free_model(x: torch.Tensor) -> torch.Tensor:
        return x[:, 0, 0, :10]

    differences = []
    for _ in range(runs):
        start = time.perf_counter()
        bare(free_model, loader)  # type: ignore[arg-type]
        middle = time.perf_counter()
        with_evaluate(free_model, loader)  # type: ignore[arg-type]
        differences.append((time.perf_counter() - middle) - (middle - start))
    return statistics.median(differences) / len(loader) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each loop (>= 5)")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: torch's)"
    )
    parser.add_argument("--images", type=int, default=20_000)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = small_cnn().eval()
    loader = synthetic_loader(args.images, 256)
    loops = {"bare": bare, "evaluate": with_evaluate}
    for loop in loops.values():  # warm-up
        loop(model, loader)
    times: dict[str, list[float]] = {name: [] for name in loops}
    cpu: dict[str, list[float]] = {name: [] for name in loops}
    for run in range(max(5, args.runs)):
        order = list(loops.items()) if run % 2 == 0 else list(loops.items())[::-1]
        for name, loop in order:
            start, start_cpu = time.perf_counter(), time.process_time()
            loop(model, loader)
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    ratio = medians["evaluate"] / medians["bare"]
    cpu_ratio = cpu_medians["evaluate"] / cpu_medians["bare"]
    print(
        f"evaluate() over the bare loop: {args.images} images 3x32x32, batch 256, "
        f"{torch.get_num_threads()} torch thread(s), {len(times['bare'])} interleaved runs each"
    )
    for name, values in times.items():
        shown = ", ".join(f"{v:.3f}" for v in values)
        print(
            f"  {name:9s} median {medians[name]:.3f} s (CPU {cpu_medians[name]:.3f} s)   "
            f"runs: {shown}"
        )
    verdict = "met" if ratio - 1 <= TARGET else "MISSED"
    print(f"  overhead ratio {ratio:.4f} ({(ratio - 1) * 100:+.2f}%), target <= +3%: {verdict}")
    print(f"  CPU-time ratio {cpu_ratio:.4f} ({(cpu_ratio - 1) * 100:+.2f}%)")
    per_batch = loop_cost(loader, max(5, args.runs))
    model_per_batch = medians["bare"] / len(loader) * 1e6
    print(
        f"  evaluate()'s own cost: {per_batch:.0f} us per batch of 256 "
        f"(the CNN's forward pass: {model_per_batch:.0f} us per batch)"
    )


if __name__ == "__main__":
    main()
