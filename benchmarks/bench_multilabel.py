"""Multilabel counting against scikit-learn and torchmetrics, in the same run.

1. One shot: ``MultilabelConfusion.from_predictions`` (per-label counts, the L x L co-confusion
   and the per-sample sums of the samples averages, input checks on) against scikit-learn's
   ``multilabel_confusion_matrix`` (per-label counts only) on N = 10^6 samples, L = 100 labels
   of 0/1 indicators. Best of the rounds, rounds interleaved.
2. Streaming: ``MultilabelAccumulator.update`` (deferred checks on) against torchmetrics'
   ``MultilabelConfusionMatrix(validate_args=True).update`` on batches of probabilities.
   Microseconds per update, wall and CPU (``time.thread_time``): the mean (what a stream of
   updates costs; confmat counts small batches together once 2048 rows wait, so its cost comes
   in steps) and the median (wall).

    python benchmarks/bench_multilabel.py [--n 1000000] [--labels 100] [--repeats 3]

Acceptance (issue 13): one shot <= 0.2x scikit-learn; per update (mean) <= 0.5x torchmetrics. The
exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import torch

from confmat import MultilabelAccumulator, MultilabelConfusion

MAX_VS_SKLEARN = 0.2
MAX_VS_TORCHMETRICS = 0.5
BATCHES = (256, 4096)


def one_shot(n: int, num_labels: int, repeats: int) -> dict[str, tuple[float, float]]:
    """Best wall and best CPU seconds of each contender on the same indicators."""
    from sklearn.metrics import multilabel_confusion_matrix
    from torchmetrics.functional.classification import multilabel_confusion_matrix as tm

    generator = torch.Generator().manual_seed(n + num_labels)
    y_true = torch.rand(n, num_labels, generator=generator) < 0.1
    flip = torch.rand(n, num_labels, generator=generator) < 0.05
    y_pred = y_true ^ flip
    t_np, p_np = y_true.numpy(), y_pred.numpy()
    t_long, p_long = y_true.long(), y_pred.long()
    runs: dict[str, Callable[[], object]] = {
        "confmat from_predictions": lambda: MultilabelConfusion.from_predictions(y_true, y_pred),
        "sklearn multilabel_confusion_matrix": lambda: multilabel_confusion_matrix(t_np, p_np),
        "torchmetrics (validate_args)": lambda: tm(p_long, t_long, num_labels),
    }
    expected = multilabel_confusion_matrix(t_np, p_np)
    got = MultilabelConfusion.from_predictions(y_true, y_pred).counts.numpy()
    if not np.array_equal(got, expected):
        raise SystemExit("confmat disagrees with scikit-learn")
    best = dict.fromkeys(runs, (float("inf"), float("inf")))
    for _ in range(repeats):
        for name, run in runs.items():
            start, start_cpu = time.perf_counter(), time.thread_time()
            run()
            wall, cpu = time.perf_counter() - start, time.thread_time() - start_cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def per_update(num_labels: int, batch: int, rounds: int) -> dict[str, tuple[float, float, float]]:
    """Mean wall, median wall and mean CPU microseconds per update, rounds interleaved."""
    from torchmetrics.classification import MultilabelConfusionMatrix

    generator = torch.Generator().manual_seed(batch)
    data = [
        (
            (torch.rand(batch, num_labels, generator=generator) < 0.1).long(),
            torch.rand(batch, num_labels, generator=generator),
        )
        for _ in range(8)
    ]
    ours = MultilabelAccumulator(num_labels=num_labels)
    theirs = MultilabelConfusionMatrix(num_labels, validate_args=True)
    updates: dict[str, Callable[[torch.Tensor, torch.Tensor], object]] = {
        "confmat MultilabelAccumulator": ours.update,
        "torchmetrics (validate_args)": lambda t, p: theirs.update(p, t),
    }
    times: dict[str, list[float]] = {name: [] for name in updates}
    cpu: dict[str, list[float]] = {name: [] for name in updates}
    for round_ in range(rounds):
        for name, update in updates.items():
            y_true, scores = data[round_ % len(data)]
            start, start_cpu = time.perf_counter(), time.thread_time()
            update(y_true, scores)
            cpu[name].append(time.thread_time() - start_cpu)
            times[name].append(time.perf_counter() - start)
    ours.compute()
    return {
        name: (
            statistics.mean(values) * 1e6,
            statistics.median(values) * 1e6,
            statistics.mean(cpu[name]) * 1e6,
        )
        for name, values in times.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)  # every contender on one thread: a shared machine slows all alike
    print(
        f"multilabel, N = {args.n:,}, L = {args.labels}, torch {torch.__version__} with "
        f"{torch.get_num_threads()} thread(s)"
    )
    missed = []
    best = one_shot(args.n, args.labels, args.repeats)
    sklearn, sklearn_cpu = best["sklearn multilabel_confusion_matrix"]
    print(
        f"\none shot, best of {args.repeats}\n{'contender':<38} {'best ms':>9} {'x sklearn':>10} "
        f"{'cpu ms':>9} {'x sklearn':>10}"
    )
    for name, (seconds, cpu) in best.items():
        print(
            f"{name:<38} {seconds * 1e3:>9.1f} {seconds / sklearn:>10.3f} {cpu * 1e3:>9.1f} "
            f"{cpu / sklearn_cpu:>10.3f}"
        )
    ratio = best["confmat from_predictions"][0] / sklearn
    if ratio > MAX_VS_SKLEARN:
        missed.append(f"one shot {ratio:.3f}x sklearn")
    for batch in BATCHES:
        timings = per_update(args.labels, batch, args.rounds)
        mean_ref, median_ref, cpu_ref = timings["torchmetrics (validate_args)"]
        print(f"\nper update, batch {batch} x {args.labels}, {args.rounds} updates")
        print(
            f"{'contender':<32} {'mean us':>9} {'ratio':>7} {'cpu us':>9} {'ratio':>7} "
            f"{'median us':>10} {'ratio':>7}"
        )
        for name, (mean, median, cpu) in timings.items():
            print(
                f"{name:<32} {mean:>9.1f} {mean / mean_ref:>7.3f} {cpu:>9.1f} "
                f"{cpu / cpu_ref:>7.3f} {median:>10.1f} {median / median_ref:>7.3f}"
            )
        ratio = timings["confmat MultilabelAccumulator"][0] / mean_ref
        if ratio > MAX_VS_TORCHMETRICS:
            missed.append(f"batch {batch}: mean {ratio:.3f}x torchmetrics")
    print(
        f"\ntargets: one shot <= {MAX_VS_SKLEARN}x sklearn, per update <= "
        f"{MAX_VS_TORCHMETRICS}x torchmetrics: "
        + ("met" if not missed else "MISSED: " + "; ".join(missed))
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
