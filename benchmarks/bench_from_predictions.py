"""ConfusionMatrix.from_predictions on 10^7 int64 labels against numpy, scikit-learn, torchmetrics.

Every contender counts the same labels into a (C, C) matrix, in the same run, with its input
validation on: confmat checks labels (range, sign, dtype), torchmetrics runs with
``validate_args=True``; ``numpy.bincount(y_true * C + y_pred)`` and ``torch.bincount`` are the
bare floors. Rounds interleave the contenders so that a busy machine slows them all alike; each
figure is the best of the rounds, in milliseconds.

    python benchmarks/bench_from_predictions.py [--repeats 5] [--n 10000000]

Acceptance (issue 2): from_predictions <= 2.0x numpy.bincount and <= 0.1x scikit-learn, for
C = 10 and C = 1000, classes known (``num_classes=`` or ``classes=``) and inferred. The exit
status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import torch

from confmat import ConfusionMatrix

Run = Callable[[], object]

MAX_VS_NUMPY = 2.0
MAX_VS_SKLEARN = 0.1
CONFMAT_ROWS = ("confmat num_classes=C", "confmat classes=[0..C-1]", "confmat inferred")


def contenders(y_true: torch.Tensor, y_pred: torch.Tensor, num_classes: int) -> dict[str, Run]:
    from sklearn.metrics import confusion_matrix
    from torchmetrics.functional.classification import multiclass_confusion_matrix

    t_np, p_np = y_true.numpy(), y_pred.numpy()
    classes = list(range(num_classes))
    cells = num_classes * num_classes
    return {
        "numpy.bincount": lambda: np.bincount(t_np * num_classes + p_np, minlength=cells),
        "confmat num_classes=C": lambda: ConfusionMatrix.from_predictions(
            y_true, y_pred, num_classes=num_classes
        ),
        "confmat classes=[0..C-1]": lambda: ConfusionMatrix.from_predictions(
            y_true, y_pred, classes=classes
        ),
        "confmat inferred": lambda: ConfusionMatrix.from_predictions(y_true, y_pred),
        "torch.bincount": lambda: torch.bincount(y_true * num_classes + y_pred, minlength=cells),
        "torchmetrics (validate_args)": lambda: multiclass_confusion_matrix(
            y_pred, y_true, num_classes, validate_args=True
        ),
        "sklearn confusion_matrix": lambda: confusion_matrix(t_np, p_np, labels=classes),
    }


def as_matrix(result: object, num_classes: int) -> np.ndarray:
    if isinstance(result, ConfusionMatrix):
        return result.counts.numpy()
    array = result.numpy() if isinstance(result, torch.Tensor) else np.asarray(result)
    return array.reshape(num_classes, num_classes)


def measure(num_classes: int, n: int, repeats: int) -> dict[str, float]:
    """Best seconds of each contender over ``repeats`` interleaved rounds."""
    generator = torch.Generator().manual_seed(num_classes)
    y_true = torch.randint(0, num_classes, (n,), generator=generator, dtype=torch.int64)
    y_pred = torch.randint(0, num_classes, (n,), generator=generator, dtype=torch.int64)
    runs = contenders(y_true, y_pred, num_classes)
    expected = as_matrix(runs["numpy.bincount"](), num_classes)
    for name, run in runs.items():  # same answer everywhere (and a warm-up)
        if not np.array_equal(as_matrix(run(), num_classes), expected):
            raise SystemExit(f"{name} disagrees with numpy.bincount at C={num_classes}")
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def report(num_classes: int, best: dict[str, float]) -> list[str]:
    """Print the table of one C; return the targets missed."""
    floor, sklearn = best["numpy.bincount"], best["sklearn confusion_matrix"]
    print(f"\nC = {num_classes}")
    print(f"{'contender':<30} {'best ms':>9} {'x numpy.bincount':>17} {'x sklearn':>10}")
    for name, seconds in best.items():
        print(
            f"{name:<30} {seconds * 1e3:>9.1f} {seconds / floor:>17.2f} {seconds / sklearn:>10.3f}"
        )
    missed = []
    for name in CONFMAT_ROWS:
        if best[name] / floor > MAX_VS_NUMPY:
            missed.append(f"C={num_classes} {name}: {best[name] / floor:.2f}x numpy.bincount")
        if best[name] / sklearn > MAX_VS_SKLEARN:
            missed.append(f"C={num_classes} {name}: {best[name] / sklearn:.3f}x sklearn")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="number of labels")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved rounds (best of)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # torchmetrics' and sklearn's notes are not results
    print(
        f"from_predictions on {args.n:,} int64 labels, best of {args.repeats}, torch "
        f"{torch.__version__} with {torch.get_num_threads()} thread(s), numpy {np.__version__}"
    )
    missed: list[str] = []
    for num_classes in (10, 1000):
        missed += report(num_classes, measure(num_classes, args.n, args.repeats))
    print(
        f"\ntargets: confmat <= {MAX_VS_NUMPY}x numpy.bincount and <= {MAX_VS_SKLEARN}x sklearn: "
        + ("met" if not missed else "MISSED: " + "; ".join(missed))
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
