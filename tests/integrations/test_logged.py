from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from confmat import ConfusionMatrix
from confmat.integrations import _logged as logged

FRAMEWORKS = (
    "lightning", "pytorch_lightning", "transformers", "accelerate", "ignite", "tensorboard",
    "torch.utils.tensorboard", "mlflow", "wandb", "matplotlib", "PIL",
)  # fmt: skip


@pytest.mark.slow
def test_importing_the_integrations_loads_no_framework() -> None:
    modules = ", ".join(
        f"confmat.integrations.{m}"
        for m in ("lightning", "huggingface", "ignite", "tensorboard", "mlflow", "wandb")
    )
    code = (
        f"import sys, confmat, {modules}\n"
        f"print(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_scalars_match_the_matrix() -> None:
    cm = ConfusionMatrix([[5, 1, 0], [2, 7, 1], [0, 3, 8]], ["a b", "c/d", "e+f"])
    values = logged.scalars(cm)
    assert values["mcc"] == cm.mcc
    assert values["weighted_f1"] == cm.average("f1", "weighted")
    assert values["recall/e_f"] == cm.per_class("recall")[2].item()  # '+' is not a safe name
    assert values["f1/a b"] == cm.per_class("f1")[0].item()
    assert "f1/a b" not in logged.scalars(cm, per_class=False)


def test_cells_are_the_non_zero_counts_at_large_c() -> None:
    c = 2000
    y_true = torch.arange(4000) % c
    cm = ConfusionMatrix.from_predictions(y_true, (y_true * 7) % c, num_classes=c)
    rows = logged.cells(cm)
    assert len(rows) == int((cm.counts > 0).sum())
    rebuilt = torch.zeros(c, c, dtype=torch.int64)
    for true, pred, count in rows:
        rebuilt[int(true), int(pred)] = count
    assert torch.equal(rebuilt, cm.counts)
