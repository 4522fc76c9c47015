from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from confmat import Accumulator, ConfusionMatrix, ShapeError
from confmat.integrations.huggingface import ComputeMetrics, update

N, C, LENGTH, VOCAB = 150, 3, 8, 50


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing may reach the network: the model is built from a config, not downloaded."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


class Sentences(Dataset[dict[str, torch.Tensor]]):
    def __init__(self, n: int) -> None:
        generator = torch.Generator().manual_seed(3)
        self.ids = torch.randint(1, VOCAB, (n, LENGTH), generator=generator)
        self.labels = torch.randint(0, C, (n,), generator=generator)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"input_ids": self.ids[i], "labels": self.labels[i]}


def tiny_bert() -> Any:
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=VOCAB,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=LENGTH,
        num_labels=C,
    )
    return BertForSequenceClassification(config).eval()


def direct_matrix(model: Any, data: Sentences) -> ConfusionMatrix:
    with torch.no_grad():
        logits = model(input_ids=data.ids).logits
    return ConfusionMatrix.from_predictions(data.labels, logits, num_classes=C)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
@pytest.mark.parametrize("per_batch", [False, True], ids=["whole", "batch_eval_metrics"])
def test_trainer_evaluate(tmp_path: Path, per_batch: bool) -> None:
    from transformers import Trainer, TrainingArguments

    model, data = tiny_bert(), Sentences(N)
    metrics = ComputeMetrics(num_classes=C)
    arguments = TrainingArguments(
        output_dir=str(tmp_path),
        per_device_eval_batch_size=32,
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        batch_eval_metrics=per_batch,
    )
    trainer = Trainer(model=model, args=arguments, eval_dataset=data, compute_metrics=metrics)
    result = trainer.evaluate()
    want = direct_matrix(model, data)
    assert metrics.matrix is not None
    assert torch.equal(metrics.matrix.counts, want.counts)
    assert result["eval_accuracy"] == pytest.approx(want.accuracy)
    assert result["eval_samples"] == N


def test_token_classification_flattens_and_ignores_padding() -> None:
    logits = torch.tensor([[[2.0, 0.0], [0.0, 1.0]], [[0.0, 3.0], [1.0, 0.0]]])
    labels = torch.tensor([[0, 1], [0, -100]])
    metrics = ComputeMetrics(classes=["O", "B"])
    assert metrics((logits.numpy(), labels.numpy()))["samples"] == 3
    assert metrics.matrix is not None
    assert metrics.matrix.counts.tolist() == [[1, 1], [0, 1]]
    with pytest.raises(ShapeError, match=r"labels of shape \(2, 2\) need predictions"):
        metrics((logits[:, :1], labels))


def test_accelerate_loop() -> None:
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=True)
    model, data = tiny_bert(), Sentences(N)
    loader = accelerator.prepare(DataLoader(data, batch_size=32))
    accumulator = Accumulator(num_classes=C)
    with torch.no_grad():
        for batch in loader:
            update(accelerator, accumulator, batch["labels"], model(batch["input_ids"]).logits)
    assert torch.equal(accumulator.compute().counts, direct_matrix(model, data).counts)


class FakeAccelerator:
    """What update reads from accelerate.Accelerator, on the last batch of 2 processes."""

    def __init__(self, process_index: int, remainder: int) -> None:
        self.num_processes, self.process_index = 2, process_index
        self.gradient_state = type("State", (), {"end_of_dataloader": True, "remainder": remainder})


@pytest.mark.parametrize(
    ("rank", "remainder", "kept"), [(0, 5, 4), (1, 5, 1), (0, 3, 3), (1, 3, 0), (1, 0, 4)]
)
def test_accelerate_padding_rule(rank: int, remainder: int, kept: int) -> None:
    # batches of 4 per process: gather_for_metrics keeps the first `remainder` of the 8 gathered
    accumulator = Accumulator(num_classes=2)
    update(FakeAccelerator(rank, remainder), accumulator, torch.zeros(4, dtype=torch.long), [0] * 4)
    assert accumulator.compute().n == kept
