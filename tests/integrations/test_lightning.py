from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from lightning_models import TinyClassifier
from test_tensorboard import grid_counts, read_events
from tiny import CLASSES, tiny_data

from confmat import ConfusionMatrix, OptionError
from confmat.integrations.lightning import ConfusionMatrixCallback, default_select

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*does not have many workers:UserWarning",  # num_workers=0 is right for tiny data
    "ignore:.*The number of training batches:UserWarning",
    "ignore:.*LeafSpec.* is deprecated:FutureWarning",  # Lightning 2.6 on torch 2.13
)


def trainer(tmp_path: Path, callback: object, logger: object, **options: object) -> object:
    import lightning.pytorch as pl

    return pl.Trainer(
        accelerator="cpu",
        max_epochs=1,
        callbacks=[callback],
        logger=logger,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
        default_root_dir=tmp_path,
        **options,
    )


def expected(module: TinyClassifier, n: int) -> ConfusionMatrix:
    x, y = tiny_data(n)
    with torch.no_grad():
        return ConfusionMatrix.from_predictions(y, module(x), classes=CLASSES)


@pytest.mark.slow
def test_fit_and_test_log_to_tensorboard(tmp_path: Path) -> None:
    from lightning.pytorch.loggers import TensorBoardLogger

    callback = ConfusionMatrixCallback(classes=CLASSES)
    module = TinyClassifier(n_val=301)
    logger = TensorBoardLogger(tmp_path, name="tb", version=0)
    run = trainer(tmp_path, callback, logger)
    run.fit(module)
    want = expected(module, 301)
    assert torch.equal(callback.matrices["val"].counts, want.counts)
    assert run.callback_metrics["val/samples"] == 301
    assert run.callback_metrics["val/accuracy"].item() == pytest.approx(want.accuracy, abs=1e-7)
    run.test(module)  # targets from the batch, predictions the step's return value
    assert torch.equal(callback.matrices["test"].counts, want.counts)
    events = read_events(tmp_path / "tb" / "version_0")
    texts = {t: events.Tensors(f"{t}/matrix/text_summary") for t in ("val", "test")}
    for logged in texts.values():
        assert grid_counts(logged[-1].tensor_proto.string_val[0].decode()) == want.counts.tolist()
    assert texts["val"][-1].step == 4  # trainer.global_step: 256 samples in batches of 64
    assert len(events.Images("val/heatmap")) == 1
    assert events.Scalars("val/macro_f1")[-1].value == pytest.approx(want.average("f1"), 1e-6)


def test_other_loggers_get_the_json_document(tmp_path: Path) -> None:
    from lightning.pytorch.loggers import CSVLogger

    callback = ConfusionMatrixCallback(num_classes=4, stages=["test"], per_class=False)
    module = TinyClassifier(n_val=150)
    trainer(tmp_path, callback, CSVLogger(tmp_path, name="csv", version=0)).test(module)
    path = tmp_path / "csv" / "version_0" / "confusion_matrix" / "test-step_0.json"
    assert json.loads(path.read_text())["matrix"] == expected(module, 150).counts.tolist()


def test_select_errors() -> None:
    with pytest.raises(OptionError, match="found no targets in the step's outputs"):
        default_select(torch.zeros(3, 2), torch.zeros(3, 2))
    with pytest.raises(OptionError, match="stages must hold 'validate' and/or 'test'"):
        ConfusionMatrixCallback(num_classes=2, stages="validate")


# -- 2 processes (DDP, gloo) over 1001 validation samples --------------------------------------


@pytest.mark.slow
@pytest.mark.distributed
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")
def test_ddp_counts_every_sample_once(tmp_path: Path) -> None:
    from lightning.pytorch.loggers import CSVLogger

    callback = ConfusionMatrixCallback(classes=CLASSES)
    module = TinyClassifier(n_val=1001)
    logger = CSVLogger(tmp_path, name="csv", version=0)
    run = trainer(tmp_path, callback, logger, devices=2, strategy="ddp_spawn")
    run.validate(module)
    # Lightning's own count includes the sample DistributedSampler repeats to pad rank 1:
    assert run.callback_metrics["lightning_samples"] == 1002
    assert run.callback_metrics["val/samples"] == 1001  # the callback's: every sample once
    path = tmp_path / "csv" / "version_0" / "confusion_matrix" / "val-step_0.json"
    document = json.loads(path.read_text())  # written by rank 0 from the sum over both ranks
    assert document["matrix"] == expected(module, 1001).counts.tolist()
    assert document["n"] == 1001


@pytest.mark.slow
def test_mlflow_and_wandb_loggers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lightning.pytorch.loggers import MLFlowLogger, WandbLogger
    from wandb_records import history

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    callback = ConfusionMatrixCallback(classes=CLASSES, stages=["test"])
    module = TinyClassifier(n_val=120)
    loggers = [
        MLFlowLogger(tracking_uri=(tmp_path / "mlruns").as_uri()),
        WandbLogger(project="confmat-test", save_dir=str(tmp_path), offline=True),
    ]
    trainer(tmp_path, callback, loggers).test(module)
    want = expected(module, 120).counts.tolist()
    client = loggers[0].experiment
    folder = client.download_artifacts(loggers[0].run_id, "test/step_0", str(tmp_path))
    assert json.loads((Path(folder) / "confusion_matrix.json").read_text())["matrix"] == want
    run = loggers[1].experiment
    run_dir = Path(run.dir).parent
    run.finish()
    import wandb

    wandb.teardown()
    rows = [row for row in history(run_dir) if "test/cells/path" in row]
    cells = json.loads((run_dir / "files" / rows[0]["test/cells/path"]).read_text())["data"]
    counts = [[0] * len(CLASSES) for _ in CLASSES]
    for true, predicted, count in cells:
        counts[CLASSES.index(true)][CLASSES.index(predicted)] = count
    assert counts == want
