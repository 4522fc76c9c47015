from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny import CLASSES, predictions

from confmat import ConfusionMatrix, OptionError
from confmat.integrations import mlflow as confmat_mlflow


@pytest.fixture
def tracking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A local file store under tmp_path (MLflow 3 asks for MLFLOW_ALLOW_FILE_STORE)."""
    import mlflow

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    mlflow.set_tracking_uri(uri)
    yield uri
    mlflow.set_tracking_uri(None)


@pytest.mark.slow
def test_metrics_and_artifacts_read_back(tracking: str, tmp_path: Path) -> None:
    import mlflow

    data = predictions()
    expected = ConfusionMatrix.from_predictions(data.y_true, data.scores, classes=CLASSES)
    with mlflow.start_run() as run:
        confmat_mlflow.log(expected, step=0)
        confmat_mlflow.log(expected, run.info.run_id, step=1, prefix="val", report=False)
    client = mlflow.MlflowClient(tracking)
    run_id = run.info.run_id
    history = client.get_metric_history(run_id, "val/accuracy")
    assert [(m.step, m.value) for m in history] == [(1, expected.accuracy)]
    assert client.get_metric_history(run_id, "confusion_matrix/samples")[0].value == 203
    listed = {f.path for f in client.list_artifacts(run_id, "confusion_matrix/step_0")}
    names = ["confusion_matrix.json", "heatmap.png", "matrix.md", "report.html", "report.md"]
    assert listed == {f"confusion_matrix/step_0/{name}" for name in names}
    assert {f.path for f in client.list_artifacts(run_id, "val/step_1")} == {
        "val/step_1/confusion_matrix.json",
        "val/step_1/heatmap.png",
        "val/step_1/matrix.md",
    }
    folder = Path(client.download_artifacts(run_id, "confusion_matrix/step_0", str(tmp_path)))
    document = json.loads((folder / "confusion_matrix.json").read_text())
    assert document["matrix"] == expected.counts.tolist()
    assert document["classes"] == CLASSES
    assert (folder / "heatmap.png").read_bytes()[:4] == b"\x89PNG"
    assert "<!DOCTYPE html>" in (folder / "report.html").read_text()


def test_no_active_run(tracking: str) -> None:
    with pytest.raises(OptionError, match=r"no MLflow run to log to: call mlflow.start_run"):
        confmat_mlflow.log(ConfusionMatrix([[1]]))


def test_not_a_run() -> None:
    with pytest.raises(
        OptionError, match="run must be an MLflow run id, ActiveRun or Run, got int"
    ):
        confmat_mlflow.log(ConfusionMatrix([[1]]), 7)
