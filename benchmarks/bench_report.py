"""Time to report on a 1000-class confusion matrix: confmat's text and HTML reports against peers.

Every contender works on the same predictions (C = 1000, 20 samples per class, 80% correct,
most errors going to neighbouring classes) in the same run, round after round, so a busy machine
slows them all alike. Figures are the median and the best of the rounds, in seconds, after one
warm-up round (imports, template compilation); the first, cold round is shown too.

- confmat text: ``render_text`` (model, statistics, intervals, findings and the rich table).
- confmat HTML: ``render_html`` (the same, plus the heatmap of the 20 most confused classes as
  inline SVG and the per-class table).
- PyCM: building ``pycm.ConfusionMatrix`` from the matrix (its statistics, no report).
- scikit-learn: ``classification_report`` from the labels (a text table of four statistics).

Acceptance: confmat text + HTML < 3 s at C = 1000.

    python benchmarks/bench_report.py [--classes 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import torch

import confmat
from confmat.report import render_html, render_text

TARGET_SECONDS = 3.0


def predictions(num_classes: int, per_class: int = 20) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(num_classes)
    y_true = torch.arange(num_classes).repeat_interleave(per_class)
    draw = torch.rand(y_true.shape, generator=generator)
    near = (y_true + torch.randint(-2, 3, y_true.shape, generator=generator)) % num_classes
    anywhere = torch.randint(0, num_classes, y_true.shape, generator=generator)
    y_pred = torch.where(draw < 0.8, y_true, torch.where(draw < 0.95, near, anywhere))
    return y_true, y_pred


def contenders(y_true: torch.Tensor, y_pred: torch.Tensor) -> dict[str, Callable[[], object]]:
    from sklearn.metrics import classification_report

    classes = [f"class_{i:04d}" for i in range(int(y_true.max()) + 1)]
    cm = confmat.ConfusionMatrix.from_predictions(y_true, y_pred, classes=classes)
    true_np, pred_np = y_true.numpy(), y_pred.numpy()
    rows = cm.counts.tolist()
    table = {i: {j: rows[i][j] for j in range(len(rows))} for i in range(len(rows))}

    def pycm() -> object:
        from pycm import ConfusionMatrix as PycmMatrix

        return PycmMatrix(matrix=table)

    def sklearn() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return classification_report(true_np, pred_np, zero_division=0)

    return {
        "confmat text": lambda: render_text(cm),
        "confmat HTML": lambda: render_html(cm),
        "PyCM statistics": pycm,
        "scikit-learn classification_report": sklearn,
    }


def run(num_classes: int, rounds: int) -> dict[str, list[float]]:
    runs = contenders(*predictions(num_classes))
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds + 1):  # the first round is the cold one
        for name, work in runs.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    times = run(args.classes, args.rounds)
    print(f"Report on C = {args.classes} classes ({args.rounds} rounds after a cold one), seconds")
    print(f"{'contender':<38}{'cold':>8}{'median':>9}{'best':>8}")
    for name, values in times.items():
        warm = values[1:]
        print(f"{name:<38}{values[0]:>8.3f}{statistics.median(warm):>9.3f}{min(warm):>8.3f}")
    total = [t + h for t, h in zip(times["confmat text"], times["confmat HTML"], strict=True)]
    median = statistics.median(total[1:])
    verdict = "met" if median < TARGET_SECONDS else "MISSED"
    print(
        f"\nconfmat text + HTML: median {median:.3f} s, best {min(total[1:]):.3f} s, "
        f"cold {total[0]:.3f} s; target < {TARGET_SECONDS:g} s (median): {verdict}"
    )


if __name__ == "__main__":
    main()
