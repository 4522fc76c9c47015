"""Hugging Face: ComputeMetrics in Trainer.evaluate, and counting in an Accelerate loop.

A tiny BERT built from a config (nothing is downloaded), on random token ids.

    pip install "confmat[huggingface]"
    HF_HUB_OFFLINE=1 python examples/huggingface_trainer.py
"""

from __future__ import annotations

import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments

from confmat import Accumulator
from confmat.integrations.huggingface import ComputeMetrics, update

LABELS = ["negative", "neutral", "positive"]


def dataset(n: int) -> list[dict[str, torch.Tensor]]:
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(1, 100, (n, 12), generator=generator)
    labels = torch.randint(0, len(LABELS), (n,), generator=generator)
    return [{"input_ids": i, "labels": y} for i, y in zip(ids, labels, strict=True)]


def main() -> None:
    config = BertConfig(
        vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=16, num_labels=len(LABELS),
    )  # fmt: skip
    model = BertForSequenceClassification(config)
    data = dataset(300)

    metrics = ComputeMetrics(classes=LABELS)
    arguments = TrainingArguments(
        output_dir=tempfile.mkdtemp(), report_to=[], use_cpu=True, disable_tqdm=True
    )
    trainer = Trainer(model=model, args=arguments, eval_dataset=data, compute_metrics=metrics)
    print({k: round(v, 4) for k, v in trainer.evaluate().items() if k.startswith("eval_macro")})
    print(metrics.matrix)

    accelerator = Accelerator(cpu=True)
    model, loader = accelerator.prepare(model, DataLoader(data, batch_size=32))
    counted = Accumulator(classes=LABELS)
    model.eval()
    with torch.no_grad():
        for batch in loader:
            update(accelerator, counted, batch["labels"], model(batch["input_ids"]).logits)
    print("Accelerate:", counted.compute())  # every sample once, summed over the processes


if __name__ == "__main__":
    main()
