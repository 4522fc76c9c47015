"""Large class spaces: building the matrix and its document at C = 10^3 .. 10^6, N = 10^7.

Every contender counts the same integer codes in the same run. The floor is numpy's sort-based
``unique(y_true * C + y_pred, return_counts=True)``; scikit-learn and torchmetrics build a dense
``(C, C)`` array, so they run only where it fits in ``--memory-gb`` and are reported
"out of memory" otherwise (without trying). Torch runs on one thread.

    python benchmarks/bench_scale.py [--n 10000000] [--classes 1000 10000 100000 1000000]
    python benchmarks/bench_scale.py --report-at 1000000   # + text and HTML report, to_dict
    python benchmarks/bench_scale.py --parquet-rows 100000000 --classes 1000 --cli 3
        # writes the file once, then ``confmat report FILE`` vs DuckDB's GROUP BY as processes
    python benchmarks/bench_scale.py --report-at 1000000 --browser /tmp/report.html

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
    floors, builds = [], []
    cm: object = None
    for _ in range(3):  # interleaved, best of 3 each: neither pays the first touch of memory
        floors.append(timed(lambda: np.unique(y_true * classes + y_pred, return_counts=True))[0])
        cm = None
        seconds, cm = timed(
            lambda: confmat.ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes)
        )
        builds.append(seconds)
    floor, build = min(floors), min(builds)
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


def report_at(classes: int, n: int, browser: str | None = None) -> None:
    """The acceptance run: matrix (against numpy's unique), text and HTML report, to_dict.

    The build and its floor run interleaved three times on the same codes (the first of each
    pays the page faults of fresh memory): the ratio is of the best CPU times.
    """
    from confmat.report import render_html, render_text

    y_true, y_pred = labels(classes, n)
    floors, builds = [], []
    cm: object = None
    for _ in range(3):
        floors.append(cpu_seconds(lambda: np.unique(y_true * classes + y_pred, return_counts=True)))
        cm = None  # the previous matrix is freed before the next is built
        seconds, cm = cpu_seconds_and(
            lambda: confmat.ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes)
        )
        builds.append(seconds)
    assert isinstance(cm, confmat.ConfusionMatrix)
    floor, build = min(floors, key=lambda t: t[1]), min(builds, key=lambda t: t[1])
    print(f"C={classes:,} N={n:,}")
    print(f"  numpy unique (best of 3): {floor[0]:.2f} s wall, {floor[1]:.2f} s CPU")
    print(
        f"  matrix (best of 3): {build[0]:.2f} s wall, {build[1]:.2f} s CPU = "
        f"{build[1] / floor[1]:.2f}x numpy's CPU ({build[0] / floor[0]:.2f}x wall)"
    )
    total_wall, total_cpu = build
    html = ""
    for name, render in (("text", render_text), ("html", render_html)):
        (wall, cpu), page = cpu_seconds_and(lambda render=render: render(cm))  # type: ignore[misc]
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        html = str(page)
        print(f"  {name} report: {wall:.2f} s wall, {cpu:.2f} s CPU, {len(html):,} characters")
    print(
        f"  matrix + text + html: {total_wall:.2f} s wall, {total_cpu:.2f} s CPU (target <= 10 s)"
    )
    figures, _ = cpu_timed(cm.to_dict)
    print(f"  to_dict {figures} (target <= 10 s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"  peak RSS of the whole run: {peak:.2f} GiB (target <= 2 GB = 1.86 GiB)")
    if browser:
        open_in_chromium(html, browser)


def open_in_chromium(html: str, where: str) -> None:
    """Write the HTML report to ``where`` (a .html path), open it in headless Chromium (the
    test suite's DevTools driver) and time its load event; a screenshot goes beside it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from devtools import chromium

    path = Path(where)
    path.write_text(html, encoding="utf-8")
    with chromium(path.parent / "chromium-profile") as page:
        start = time.perf_counter()
        page.open(path.as_uri())
        loaded = time.perf_counter() - start
        errors = page.errors() + page.csp_violations()
        path.with_suffix(".png").write_bytes(page.screenshot())
    print(
        f"  HTML in headless Chromium: {path.stat().st_size:,} bytes, load event after "
        f"{loaded:.2f} s (target < 5 s), {len(errors)} errors; screenshot "
        f"{path.with_suffix('.png')}"
    )


def cpu_seconds_and(work: Callable[[], object]) -> tuple[tuple[float, float], object]:
    """Wall and CPU seconds of ``work``, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def cpu_seconds(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of ``work`` (its result dropped at once)."""
    return cpu_seconds_and(work)[0]


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


DUCKDB_GROUP_BY = (
    'import sys, duckdb; duckdb.sql("SELECT y_true, y_pred, COUNT(*) AS count FROM \'" + '
    'sys.argv[1] + "\' GROUP BY ALL").fetchall()'
)


def child(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS GiB) of one child process, from its own resource usage."""
    import os
    import subprocess

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 2**20


def cli_run(path: str, repeats: int) -> None:
    """The acceptance run: ``confmat report FILE`` against DuckDB's GROUP BY, whole processes.

    Interleaved, ``repeats`` times each; prints every run and the ratios of the medians.
    """
    import statistics
    import sys

    commands = {
        "confmat report": [
            sys.executable,
            "-m",
            "confmat",
            "report",
            path,
            "--format",
            "json",
            "--output",
            "/tmp/confmat_bench_scale.json",
        ],
        "DuckDB GROUP BY": [sys.executable, "-c", DUCKDB_GROUP_BY, path],
    }
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            wall, cpu, peak = child(command)
            runs[name].append((wall, cpu, peak))
            print(f"  {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {peak:.2f} GiB")
    median = {n: [statistics.median(r[i] for r in rs) for i in range(3)] for n, rs in runs.items()}
    mine, peer = median["confmat report"], median["DuckDB GROUP BY"]
    print(
        f"confmat report {mine[0]:.2f} s wall, {mine[1]:.2f} s CPU, peak RSS {mine[2]:.2f} GiB; "
        f"DuckDB GROUP BY {peer[0]:.2f} s wall, {peer[1]:.2f} s CPU, peak RSS {peer[2]:.2f} GiB; "
        f"ratio {mine[0] / peer[0]:.2f}x wall, {mine[1] / peer[1]:.2f}x CPU (medians of {repeats})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--classes", type=int, nargs="+", default=[10**3, 10**4, 10**5, 10**6])
    parser.add_argument("--memory-gb", type=float, default=4.0, help="dense peers' memory budget")
    parser.add_argument("--report-at", type=int, help="time the reports at this C instead")
    parser.add_argument(
        "--browser", metavar="HTML", help="with --report-at: open the HTML report in Chromium"
    )
    parser.add_argument("--parquet-rows", type=int, help="time a Parquet file of this many rows")
    parser.add_argument("--parquet", default="/tmp/confmat_bench_scale.parquet")
    parser.add_argument(
        "--cli", type=int, metavar="REPEATS", help="with --parquet-rows: time the CLI as a process"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.report_at:
        report_at(args.report_at, args.n, args.browser)
        return
    if args.parquet_rows:
        parquet_run(args.parquet_rows, args.classes[0], args.parquet)
        if args.cli:
            cli_run(args.parquet, args.cli)
        return
    rows = [row(c, args.n, args.memory_gb) for c in args.classes]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(r[k] for k in keys) + " |")


if __name__ == "__main__":
    main()
