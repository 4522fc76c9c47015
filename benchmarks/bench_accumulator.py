"""Per-update cost of confmat.Accumulator against torchmetrics, torcheval and a bare bincount.

Every contender counts the same batches of integer labels into a kept state, in the same run:
the rounds interleave the contenders so that a busy machine slows them all alike. Each figure is
the median over many single updates, in microseconds, with torch on one thread.

    python benchmarks/bench_accumulator.py [--quick]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a rough figure)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")  # the peers warn about their own defaults
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
