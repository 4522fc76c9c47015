"""Per-update cost of confmat.Accumulator against torchmetrics, torcheval and a bare bincount.

Every contender counts the same batches of integer labels into a kept state, in the same run:
the rounds interleave the contenders so that a busy machine slows them all alike. Each figure is
the median over many single updates, in microseconds, with torch on one thread.

``--scale`` measures the Accumulator at large C instead: the mean update over a stream of
SCALE_SAMPLES samples in batches of SCALE_BATCH, at C = 10^3 (the dense grid) and C = 10^5 (the
sparse store), with torchmetrics at C = 10^3 for reference; wall and CPU time, interleaved batch
by batch, and the final ``compute`` (the sparse store's merge) amortised over the updates.

    python benchmarks/bench_accumulator.py [--quick] [--scale]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import torch

import confmat

Update = Callable[[torch.Tensor, torch.Tensor], object]

CLASSES = (10, 1000)
BATCHES = (32, 256, 4096)
TARGETS = {(10, 256): 0.35, (1000, 256): 0.1}
"""Acceptance: confmat (validation on) / torchmetrics (validate_args=True) at these (C, batch)."""

SCALE_SAMPLES = 10**6
SCALE_BATCH = 4096
SCALE_TARGET = 2.0
"""Acceptance: the mean update at C = 10^5 is at most this many times that at C = 10^3."""


def contenders(num_classes: int) -> dict[str, Update]:
    from torcheval.metrics import MulticlassConfusionMatrix as TorchevalConfusionMatrix
    from torchmetrics.classification import MulticlassConfusionMatrix

    on = confmat.Accumulator(num_classes=num_classes)
    off = confmat.Accumulator(num_classes=num_classes, validate=False)
    tm_on = MulticlassConfusionMatrix(num_classes, validate_args=True)
    tm_off = MulticlassConfusionMatrix(num_classes, validate_args=False)
    te = TorchevalConfusionMatrix(num_classes)
    kept = torch.zeros(num_classes * num_classes, dtype=torch.int64)

    def bincount(y_true: torch.Tensor, y_pred: torch.Tensor) -> None:
        kept.add_(torch.bincount(y_true * num_classes + y_pred, minlength=kept.shape[0]))

    return {
        "confmat": on.update,
        "confmat (no validation)": off.update,
        "torchmetrics": lambda t, p: tm_on.update(p, t),
        "torchmetrics (no validation)": lambda t, p: tm_off.update(p, t),
        "torcheval": lambda t, p: te.update(p, t),
        "bincount loop": bincount,
    }


def measure(num_classes: int, batch: int, rounds: int, per_round: int) -> dict[str, float]:
    """Median microseconds per update of each contender."""
    generator = torch.Generator().manual_seed(num_classes * 7919 + batch)
    data = [
        (
            torch.randint(0, num_classes, (batch,), generator=generator),
            torch.randint(0, num_classes, (batch,), generator=generator),
        )
        for _ in range(8)
    ]
    updates = contenders(num_classes)
    times: dict[str, list[float]] = {name: [] for name in updates}
    for update in updates.values():  # warm-up
        for y_true, y_pred in data:
            update(y_true, y_pred)
    for _ in range(rounds):
        for name, update in updates.items():
            samples = times[name]
            for i in range(per_round):
                y_true, y_pred = data[i % len(data)]
                start = time.perf_counter_ns()
                update(y_true, y_pred)
                samples.append((time.perf_counter_ns() - start) / 1000)
    return {name: statistics.median(samples) for name, samples in times.items()}


def table(results: dict[tuple[int, int], dict[str, float]]) -> list[str]:
    """A markdown table: microseconds per update, and confmat's ratios to torchmetrics."""
    names = list(next(iter(results.values())))
    header = ["C", "batch", *names, "ratio vs torchmetrics", "ratio (no validation)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    for (num_classes, batch), row in results.items():
        ratio_on = row["confmat"] / row["torchmetrics"]
        ratio_off = row["confmat (no validation)"] / row["torchmetrics (no validation)"]
        cells = [str(num_classes), str(batch), *(f"{row[name]:.1f}" for name in names)]
        cells += [f"{ratio_on:.3f}", f"{ratio_off:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def scale_stream(num_classes: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """SCALE_SAMPLES uniform random (true, pred) labels in batches of SCALE_BATCH."""
    generator = torch.Generator().manual_seed(num_classes)
    true = torch.randint(0, num_classes, (SCALE_SAMPLES,), generator=generator)
    pred = torch.randint(0, num_classes, (SCALE_SAMPLES,), generator=generator)
    return list(zip(true.split(SCALE_BATCH), pred.split(SCALE_BATCH), strict=True))


def scale_round() -> dict[str, tuple[float, float, float, float]]:
    """One pass over the stream per contender, interleaved batch by batch.

    Returns per contender: mean wall and CPU microseconds per update, then the same with the
    final ``compute`` amortised over the updates.
    """
    from torchmetrics.classification import MulticlassConfusionMatrix

    small, large = scale_stream(1000), scale_stream(100_000)
    contenders: dict[str, tuple[object, Update, list[tuple[torch.Tensor, torch.Tensor]]]] = {}
    for name, num_classes, stream in (
        ("confmat C=10^3 (dense)", 1000, small),
        ("confmat C=10^5 (sparse)", 100_000, large),
    ):
        acc = confmat.Accumulator(num_classes=num_classes)
        contenders[name] = (acc.compute, acc.update, stream)
    metric = MulticlassConfusionMatrix(1000, validate_args=True)
    contenders["torchmetrics C=10^3"] = (metric.compute, lambda t, p: metric.update(p, t), small)
    wall = dict.fromkeys(contenders, 0)
    cpu = dict.fromkeys(contenders, 0)
    for i in range(len(small)):
        for name, (_, update, stream) in contenders.items():
            w, c = time.perf_counter_ns(), time.process_time_ns()
            update(*stream[i])
            cpu[name] += time.process_time_ns() - c
            wall[name] += time.perf_counter_ns() - w
    out = {}
    for name, (compute, _, _) in contenders.items():
        w, c = time.perf_counter_ns(), time.process_time_ns()
        compute()  # type: ignore[operator]
        end_cpu, end_wall = time.process_time_ns() - c, time.perf_counter_ns() - w
        n = len(small) * 1000
        out[name] = (
            wall[name] / n,
            cpu[name] / n,
            (wall[name] + end_wall) / n,
            (cpu[name] + end_cpu) / n,
        )
    return out


def scale(rounds: int) -> None:
    """Print the large-C figures: the best of ``rounds`` passes, and the acceptance ratio."""
    results = [scale_round() for _ in range(rounds)]
    best = {name: tuple(min(r[name][k] for r in results) for k in range(4)) for name in results[0]}
    print(
        f"Accumulator.update, {SCALE_SAMPLES:,} samples in batches of {SCALE_BATCH}, "
        f"microseconds per update (mean; best of {rounds} passes), torch {torch.__version__}, "
        "one thread"
    )
    print("| contender | wall | CPU | wall with compute | CPU with compute |")
    print("|---|---:|---:|---:|---:|")
    for name, row in best.items():
        print(f"| {name} | " + " | ".join(f"{x:.1f}" for x in row) + " |")
    dense, sparse = best["confmat C=10^3 (dense)"], best["confmat C=10^5 (sparse)"]
    for label, k in (("wall", 0), ("CPU", 1), ("wall with compute", 2), ("CPU with compute", 3)):
        ratio = sparse[k] / dense[k]
        verdict = "met" if ratio <= SCALE_TARGET else "NOT met"
        print(
            f"target C=10^5 / C=10^3 per update ({label}): {ratio:.3f} <= {SCALE_TARGET} {verdict}"
        )
    peer = best["torchmetrics C=10^3"]
    print(f"C=10^5 sparse / torchmetrics C=10^3 (wall): {sparse[0] / peer[0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a rough figure)")
    parser.add_argument("--scale", action="store_true", help="C = 10^3 vs 10^5 (issue 12)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")  # the peers warn about their own defaults
    if args.scale:
        scale(1 if args.quick else 3)
        return
    results = {}
    for num_classes in CLASSES:
        for batch in BATCHES:
            slow = num_classes >= 1000 or batch >= 4096
            rounds = (3 if args.quick else 10) if slow else (5 if args.quick else 20)
            per_round = 20 if slow else 100
            results[num_classes, batch] = measure(num_classes, batch, rounds, per_round)
    print(f"Microseconds per update (median), torch {torch.__version__}, one thread")
    print("\n".join(table(results)))
    for (num_classes, batch), target in TARGETS.items():
        row = results[num_classes, batch]
        ratio = row["confmat"] / row["torchmetrics"]
        verdict = "met" if ratio <= target else "NOT met"
        print(f"target C={num_classes} batch={batch}: {ratio:.3f} <= {target} {verdict}")


if __name__ == "__main__":
    main()
