"""MLflow: a confusion matrix's metrics and artifacts in a local tracking store.

pip install "confmat[mlflow]"
python examples/mlflow_log.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import mlflow
import torch

from confmat import ConfusionMatrix
from confmat.integrations import mlflow as confmat_mlflow


def main() -> None:
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3: a local file store
    store = Path(tempfile.mkdtemp(prefix="confmat-mlflow-")) / "mlruns"
    mlflow.set_tracking_uri(store.as_uri())
    generator = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 3, (300,), generator=generator)
    y_pred = torch.where(torch.rand(300, generator=generator) < 0.2, (y_true + 1) % 3, y_true)
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, classes=["ant", "bee", "cat"])
    with mlflow.start_run() as run:
        confmat_mlflow.log(cm, step=0)
    client = mlflow.MlflowClient()
    print(client.get_run(run.info.run_id).data.metrics["confusion_matrix/macro_f1"])
    print([f.path for f in client.list_artifacts(run.info.run_id, "confusion_matrix/step_0")])
    print(f"mlflow ui --backend-store-uri {store.as_uri()}")


if __name__ == "__main__":
    main()
