from __future__ import annotations

from pathlib import Path

import pytest
import torch
from tiny import CLASSES, predictions

from confmat import ConfusionMatrix, OptionError
from confmat.integrations import tensorboard


def grid_counts(markdown: str) -> list[list[int]]:
    """The counts back from the Markdown grid (rows true, columns predicted)."""
    rows = [line.strip("|").split("|") for line in markdown.splitlines()[2:]]
    return [[int(cell) for cell in row[1:]] for row in rows]


def read_events(logdir: Path) -> object:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0, "images": 0, "tensors": 0})
    events.Reload()
    return events


def test_logged_matrix_scalars_and_heatmap_read_back(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter

    data = predictions()
    expected = ConfusionMatrix.from_predictions(data.y_true, data.scores, classes=CLASSES)
    halves = (slice(0, 100), slice(0, 203))  # two "epochs": the first 100 samples, then all
    with SummaryWriter(tmp_path) as writer:
        for step, part in enumerate(halves):
            cm = ConfusionMatrix.from_predictions(
                data.y_true[part], data.scores[part], classes=CLASSES
            )
            tensorboard.log(cm, writer, step=step, prefix="val")
    events = read_events(tmp_path)
    texts = events.Tensors("val/matrix/text_summary")
    assert [t.step for t in texts] == [0, 1]
    logged = grid_counts(texts[-1].tensor_proto.string_val[0].decode())
    assert logged == expected.counts.tolist()
    accuracy = events.Scalars("val/accuracy")
    assert [s.step for s in accuracy] == [0, 1]
    assert accuracy[-1].value == pytest.approx(expected.accuracy, abs=1e-7)  # stored as float32
    assert events.Scalars("val/samples")[-1].value == 203
    assert events.Scalars("val/f1/cat")[-1].value == pytest.approx(
        expected.per_class("f1")[2].item(), abs=1e-7
    )
    image = events.Images("val/heatmap")[-1]
    assert image.step == 1
    assert image.encoded_image_string[:4] == b"\x89PNG"
    assert image.width > 200
    report = events.Tensors("val/report/text_summary")[-1].tensor_proto.string_val[0].decode()
    assert report.startswith("# Confusion matrix report")
    assert "203 samples" in report


def test_large_class_counts_log_the_non_zero_cells(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter

    c = 300
    y_true = torch.arange(3 * c) % c
    y_pred = torch.where(torch.arange(3 * c) < c, (y_true + 1) % c, y_true)
    cm = ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=c)
    with SummaryWriter(tmp_path) as writer:
        tensorboard.log(cm, writer, step=0, heatmap=False, report=False)
    events = read_events(tmp_path)
    text = events.Tensors("confusion_matrix/matrix/text_summary")[0]
    lines = text.tensor_proto.string_val[0].decode().splitlines()
    assert lines[0] == "| true class | predicted class | count |"
    assert len(lines) == 2 + 2 * c  # the diagonal and the c shifted errors
    assert "| 0 | 1 | 1 |" in lines
    assert "| 5 | 5 | 2 |" in lines
    assert "confusion_matrix/f1/0" not in events.Tags()["scalars"]  # per class only up to 20


def test_not_a_writer() -> None:
    with pytest.raises(OptionError, match=r"writer must be a TensorBoard SummaryWriter.*got str"):
        tensorboard.log(ConfusionMatrix([[1]]), "runs/")
