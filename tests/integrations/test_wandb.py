from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny import CLASSES, predictions
from wandb_records import history

from confmat import ConfusionMatrix, OptionError
from confmat.integrations import wandb as confmat_wandb


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_DISABLE_CODE", "true")


@pytest.mark.slow
@pytest.mark.usefixtures("offline")
def test_offline_run_directory_reads_back(tmp_path: Path) -> None:
    import wandb

    data = predictions()
    first = ConfusionMatrix.from_predictions(data.y_true[:50], data.scores[:50], classes=CLASSES)
    expected = ConfusionMatrix.from_predictions(data.y_true, data.scores, classes=CLASSES)
    run = wandb.init(project="confmat-test", dir=tmp_path, mode="offline")
    try:
        confmat_wandb.log(first, step=0)
        confmat_wandb.log(expected, run, step=1, prefix="val")
        run_dir = Path(run.dir).parent
    finally:
        run.finish()
        wandb.teardown()  # waits for the service to write the run file
    rows = history(run_dir)
    assert [row["_step"] for row in rows] == [0, 1]
    assert rows[1]["val/accuracy"] == expected.accuracy
    assert rows[1]["val/samples"] == 203
    table = rows[1]["val/cells/path"]
    cells = json.loads((run_dir / "files" / table).read_text())
    assert cells["columns"] == ["true", "predicted", "count"]
    counts = [[0] * len(CLASSES) for _ in CLASSES]
    for true, predicted, count in cells["data"]:
        counts[CLASSES.index(true)][CLASSES.index(predicted)] = count
    assert counts == expected.counts.tolist()
    heatmap = run_dir / "files" / rows[1]["val/heatmap/path"]
    assert heatmap.read_bytes()[:4] == b"\x89PNG"


def test_no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import wandb

    monkeypatch.setattr(wandb, "run", None)
    with pytest.raises(OptionError, match=r"no W&B run to log to: call wandb.init\(\)"):
        confmat_wandb.log(ConfusionMatrix([[1]]))
