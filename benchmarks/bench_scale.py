"""Large class spaces: building the matrix and its document at C = 10^3 .. 10^6, N = 10^7.

Every contender counts the same integer codes in the same run. The floor is numpy's sort-based
``unique(y_true * C + y_pred, return_counts=True)``; scikit-learn and torchmetrics build a dense
``(C, C)`` array, so they run only where it fits in ``--memory-gb`` and are reported
"out of memory" otherwise (without trying). Torch runs on one thread.

    python benchmarks/bench_scale.py [--n 10000000] [--classes 1000 10000 100000 1000000]
    python benchmarks/bench_scale.py --report-at 1000000   # + text and HTML report, to_dict

For peak memory, run one size under ``/usr/bin/time -v``.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

import numpy as np
import torch

import confmat


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def cpu_timed(work: Callable[[], object]) -> tuple[str, object]:
    """Wall and CPU seconds (CPU tells a busy machine's share apart) and peak RSS so far."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return f"{wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {peak:.2f} GiB", result


def labels(classes: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Zipf-like true labels (a long tail, as catalogues have) and 60 % correct predictions."""
    rng = np.random.default_rng(seed)
    y_true = np.minimum(rng.zipf(1.3, n) - 1, classes - 1).astype(np.int64)
    y_true = (y_true * 2654435761) % classes  # spread the head over the class range
    wrong = rng.integers(0, classes, n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, wrong)
    return y_true, y_pred


def dense_fits(classes: int, memory_gb: float) -> bool:
    return classes * classes * 8 <= memory_gb * 2**30


def row(classes: int, n: int, memory_gb: float) -> dict[str, str]:
    y_true, y_pred = labels(classes, n)
    floor, _ = timed(lambda: np.unique(y_true * classes + y_pred, return_counts=True))
    build, cm = timed(
        lambda: confmat.ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes)
    )
    assert isinstance(cm, confmat.ConfusionMatrix)
    out = {
        "C": f"{classes:,}",
        "numpy unique": f"{floor:.2f} s",
        "confmat": f"{build:.2f} s ({build / floor:.1f}x)",
        "store": "sparse" if cm.is_sparse else "dense",
    }
    if dense_fits(classes, memory_gb):
        from sklearn.metrics import confusion_matrix
        from torchmetrics.functional.classification import multiclass_confusion_matrix

        seconds, _ = timed(lambda: confusion_matrix(y_true, y_pred, labels=np.arange(classes)))
        out["scikit-learn"] = f"{seconds:.2f} s"
        t, p = torch.from_numpy(y_true), torch.from_numpy(y_pred)
        seconds, _ = timed(lambda: multiclass_confusion_matrix(p, t, classes))
        out["torchmetrics"] = f"{seconds:.2f} s"
    else:
        needs = f"out of memory ({classes * classes * 8 / 2**30:,.0f} GiB dense)"
        out["scikit-learn"] = out["torchmetrics"] = needs
    return out


def report_at(classes: int, n: int) -> None:
    """The acceptance run: matrix, text and HTML report, to_dict, each timed."""
    from confmat.report import render_html, render_text

    y_true, y_pred = labels(classes, n)
    floor, _ = cpu_timed(lambda: np.unique(y_true * classes + y_pred, return_counts=True))
    print(f"C={classes:,} N={n:,}: numpy unique {floor}")
    build, cm = cpu_timed(
        lambda: confmat.ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes)
    )
    assert isinstance(cm, confmat.ConfusionMatrix)
    print(f"  matrix {build}")
    for name, render in (("text", render_text), ("html", render_html)):
        figures, _ = cpu_timed(lambda render=render: render(cm))  # type: ignore[misc]
        print(f"  {name} report {figures}")
    figures, _ = cpu_timed(cm.to_dict)
    print(f"  to_dict {figures}")


def parquet_run(rows: int, classes: int, path: str) -> None:
    """A file bigger than is comfortable in memory: DuckDB's GROUP BY alone, then through confmat.

    The file is written once (under /tmp by default, never into the repository).
    """
    import os

    import duckdb

    from confmat import engines

    if not os.path.exists(path):
        duckdb.sql(
            f"COPY (SELECT (hash(i) % {classes})::BIGINT AS y_true, CASE WHEN hash(i + 1) % 10 < 6 "
            f"THEN (hash(i) % {classes})::BIGINT ELSE (hash(i + 2) % {classes})::BIGINT END AS "
            f"y_pred FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet)"
        )
    source = f"'{path}'"
    alone, _ = cpu_timed(
        lambda: duckdb.sql(
            f"SELECT y_true, y_pred, COUNT(*) AS count FROM {source} GROUP BY ALL"
        ).fetchall()
    )
    print(f"{rows:,} rows, C={classes:,}: DuckDB GROUP BY alone {alone}")
    both, cm = cpu_timed(lambda: confmat.ConfusionMatrix.from_counts(engines.duckdb_counts(source)))
    assert isinstance(cm, confmat.ConfusionMatrix)
    assert cm.n == rows
    print(f"  duckdb_counts + from_counts {both}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--classes", type=int, nargs="+", default=[10**3, 10**4, 10**5, 10**6])
    parser.add_argument("--memory-gb", type=float, default=4.0, help="dense peers' memory budget")
    parser.add_argument("--report-at", type=int, help="time the reports at this C instead")
    parser.add_argument("--parquet-rows", type=int, help="time a Parquet file of this many rows")
    parser.add_argument("--parquet", default="/tmp/confmat_bench_scale.parquet")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.report_at:
        report_at(args.report_at, args.n)
        return
    if args.parquet_rows:
        parquet_run(args.parquet_rows, args.classes[0], args.parquet)
        return
    rows = [row(c, args.n, args.memory_gb) for c in args.classes]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(r[k] for k in keys) + " |")


if __name__ == "__main__":
    main()
