"""MLflow: a confusion matrix as metrics and artifacts of a run, one folder per step.

The scalars become metrics at ``step`` (so runs compare on ``confusion_matrix/macro_f1``
instead of one metric per cell); the JSON document, the HTML report, the matrix as Markdown and
the heatmap become artifacts under ``prefix/step_<step>/``. Works with any tracking store
(MLflow 3 accepts a local ``file:`` store only with ``MLFLOW_ALLOW_FILE_STORE=true``; a
``sqlite:`` one needs the full ``mlflow`` package) and with Lightning's ``MLFlowLogger``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from confmat._internal.core.types import MatrixLike
from confmat._internal.report.html import render_html
from confmat._internal.report.json import render_json
from confmat._internal.report.markdown import render_markdown
from confmat.exceptions import OptionError
from confmat.integrations import _logged as logged

__all__ = ["artifact_folder", "log"]


def artifact_folder(prefix: str, step: int | None) -> str:
    """Where :func:`log` puts the artifacts of ``step``.

    Examples:
        >>> artifact_folder("confusion_matrix", 3), artifact_folder("val", None)
        ('confusion_matrix/step_3', 'val')
    """
    return prefix if step is None else f"{prefix}/step_{step}"


def log(
    cm: MatrixLike,
    run: Any = None,
    step: int | None = None,
    *,
    client: Any = None,
    prefix: str = "confusion_matrix",
    scalars: bool = True,
    per_class: bool | None = None,
    heatmap: bool = True,
    report: bool = True,
) -> None:
    """Log ``cm`` (rows true class, columns predicted) to an MLflow run.

    Metrics ``prefix/<name>`` (:func:`confmat.integrations._logged.scalars`) at ``step``, and in
    the artifact folder :func:`artifact_folder`: ``confusion_matrix.json`` (the JSON document),
    ``matrix.md`` (the counts; the non-zero cells beyond 30 classes), ``report.html`` and
    ``report.md``, ``heatmap.png`` (the 30 most confused classes at most).

    Args:
        cm: the confusion matrix.
        run: a run id, an ``mlflow.ActiveRun`` / ``Run``, or None for the active run.
        step: the step of the metrics and the artifact folder.
        client: an ``MlflowClient`` (default: one for the current tracking URI).
        prefix: the metrics' prefix and the artifacts' folder.
        scalars: log the scalar statistics as metrics.
        per_class: also per-class precision, recall and F1 (default: up to 20 classes).
        heatmap: log the heatmap image (needs matplotlib).
        report: log the HTML and Markdown reports.

    Raises:
        OptionError: when there is no run to log to.
    """
    import mlflow
    from mlflow.entities import Metric

    run_id = _run_id(run, mlflow)
    if client is None:
        client = mlflow.MlflowClient()
    if scalars:
        now = int(time.time() * 1000)
        values = logged.scalars(cm, per_class).items()
        metrics = [Metric(f"{prefix}/{k}", v, now, step or 0) for k, v in values]
        client.log_batch(run_id, metrics=metrics)
    with tempfile.TemporaryDirectory(prefix="confmat-") as folder:
        files = {"confusion_matrix.json": render_json(cm), "matrix.md": logged.grid_markdown(cm)}
        if report:
            files |= {"report.html": render_html(cm), "report.md": render_markdown(cm)}
        for name, text in files.items():
            Path(folder, name).write_text(text, encoding="utf-8")
        if heatmap:
            Path(folder, "heatmap.png").write_bytes(logged.heatmap_png(cm))
        client.log_artifacts(run_id, folder, artifact_folder(prefix, step))


def _run_id(run: Any, mlflow: Any) -> str:
    if run is None:
        run = mlflow.active_run()
        if run is None:
            raise OptionError(
                "no MLflow run to log to: call mlflow.start_run() first or pass run= (a run id)"
            )
    if isinstance(run, str):
        return run
    info = getattr(run, "info", None)
    if info is None or not isinstance(getattr(info, "run_id", None), str):
        raise OptionError(
            f"run must be an MLflow run id, ActiveRun or Run, got {type(run).__name__}",
            argument="run",
        )
    return str(info.run_id)
