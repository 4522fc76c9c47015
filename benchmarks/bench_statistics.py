"""Cost of the statistics of issue 6: bootstrap from counts, threshold sweep, paired comparison.

- Bootstrap: C = 100 classes, B = 2000 replicates of macro and weighted F1, MCC, balanced
  accuracy and kappa, from the counts. The matrix is a 100-class evaluation of N = 10,000
  samples, 80% correct, errors spread uniformly over the other classes (about 1,900 non-zero
  cells). Target: < 1 s. Also shown, without a target: every one of the 10,000 cells non-zero.
- Threshold sweep: 10^7 binary scores (probabilities rounded to 4 decimals, so with ties):
  confmat's counts at every threshold + ROC curve + AUC, against scikit-learn's ``roc_curve``
  alone on the same data in the same run. Target: < 5 s.
- Paired comparison of two 10-class models on 10^5 samples, B = 2000 (no target).

Each figure is the median of a few runs: wall clock (the target), with the CPU time of the
process beside it, which shows how much a busy machine stretched the wall clock.

    python benchmarks/bench_statistics.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch

import confmat

BOOTSTRAP_TARGET = 1.0
SWEEP_TARGET = 5.0


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of ``run``."""
    return median_times(run, repeats)[0]


def median_times(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds (all threads of this process) of ``run``."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def realistic_matrix(generator: np.random.Generator, classes: int, n: int) -> torch.Tensor:
    true = generator.integers(0, classes, n)
    wrong = (true + generator.integers(1, classes, n)) % classes
    pred = np.where(generator.random(n) < 0.8, true, wrong)
    counts = np.bincount(true * classes + pred, minlength=classes * classes)
    return torch.from_numpy(counts.reshape(classes, classes))


def bench_bootstrap(repeats: int) -> bool:
    generator = np.random.default_rng(0)
    realistic = confmat.ConfusionMatrix(realistic_matrix(generator, 100, 10_000))
    dense = generator.integers(1, 20, (100, 100))
    np.fill_diagonal(dense, 1000)
    worst = confmat.ConfusionMatrix(dense)
    print("Bootstrap from counts, C = 100, B = 2000 (macro/weighted F1, MCC, bal. acc., kappa)")
    ok = True
    for name, cm, target in [
        ("N = 10,000, 80% correct", realistic, BOOTSTRAP_TARGET),
        ("all 10,000 cells non-zero", worst, None),
    ]:
        seconds, cpu = median_times(lambda cm=cm: cm.bootstrap(n_resamples=2000), repeats)
        cells = int((cm.counts > 0).sum())
        verdict = ""
        if target is not None:
            ok = seconds < target
            verdict = f"  target < {target:g} s: {'met' if ok else 'MISSED'}"
        print(f"  {name:<28} {cells:>6} cells  {seconds:7.3f} s (CPU {cpu:.3f} s){verdict}")
    return ok


def bench_sweep(repeats: int, n: int) -> bool:
    from sklearn.metrics import roc_curve

    generator = np.random.default_rng(1)
    y = generator.integers(0, 2, n)
    scores = np.clip(generator.normal(0.4 + 0.2 * y, 0.2), 0, 1).round(4)

    def ours() -> float:
        counts = confmat.threshold_counts(y, scores)
        confmat.roc_curve(counts)
        return confmat.roc_auc(counts)

    def theirs() -> object:
        return roc_curve(y, scores)

    ours_s, theirs_s = [], []
    for _ in range(repeats):  # interleaved, so that a busy machine slows both alike
        ours_s.append(median_seconds(ours, 1))
        theirs_s.append(median_seconds(theirs, 1))
    mine, sk = statistics.median(ours_s), statistics.median(theirs_s)
    ok = mine < SWEEP_TARGET
    print(f"Threshold sweep over {n:.0e} scores ({len(np.unique(scores))} distinct)")
    print(
        f"  confmat counts + ROC + AUC   {mine:7.3f} s  target < {SWEEP_TARGET:g} s: "
        f"{'met' if ok else 'MISSED'}"
    )
    print(f"  scikit-learn roc_curve       {sk:7.3f} s")
    print(f"  ratio confmat / scikit-learn {mine / sk:7.2f}")
    return ok


def bench_compare(repeats: int) -> None:
    generator = np.random.default_rng(2)
    n, classes = 100_000, 10
    y = generator.integers(0, classes, n)
    a = np.where(generator.random(n) < 0.8, y, generator.integers(0, classes, n))
    b = np.where(generator.random(n) < 0.82, y, generator.integers(0, classes, n))
    seconds = median_seconds(lambda: confmat.compare(y, a, b, n_resamples=2000), repeats)
    print(f"Paired comparison, C = {classes}, N = {n:,}, B = 2000  {seconds:7.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each, 10^6 scores")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    ok = bench_bootstrap(repeats)
    ok = bench_sweep(repeats, 10**6 if args.quick else 10**7) and ok
    bench_compare(repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
