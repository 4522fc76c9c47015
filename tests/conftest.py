"""Shared fixtures. Each section belongs to the tests that use it; add new ones as new sections."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

# -- a small real model: digits (scikit-learn's bundled 8x8 images) -------------------------


@dataclass(frozen=True)
class Digits:
    """A classifier trained on the first 1200 digits and the 597 held-out ones."""

    model: nn.Module
    test: TensorDataset  # images (N, 1, 8, 8) float32 in [0, 1], labels (N,) int64
    images: torch.Tensor
    labels: torch.Tensor
    train_seconds: float  # wall time
    train_cpu_seconds: float  # CPU time of this process


def _digits_model() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, 48),
        nn.BatchNorm1d(48),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(48, 10),
    )


@pytest.fixture(scope="session")
def digits() -> Digits:
    """Trains in well under a second (full-batch Adam), once per test session (per worker)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    images = torch.as_tensor(data.images, dtype=torch.float32).div(16.0).unsqueeze(1)
    labels = torch.as_tensor(data.target, dtype=torch.int64)
    started, started_cpu = time.perf_counter(), time.process_time()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: threads only add waiting on a shared machine
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = _digits_model()
        optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
        x, y = images[:1200], labels[:1200]
        for _ in range(100):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            optimizer.step()
    torch.set_num_threads(threads)
    model.eval()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    test_images, test_labels = images[1200:], labels[1200:]
    test = TensorDataset(test_images, test_labels)
    return Digits(model, test, test_images, test_labels, seconds, cpu_seconds)


# -- streamed reports in tiny batches (tests/cli) ----------------------------------------------


@pytest.fixture
def tiny_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few rows, merged often: every small file streams in several batches."""
    from confmat._internal.cli import streaming as cli_stream
    from confmat._internal.io import batches as cli_batches

    monkeypatch.setattr(cli_batches, "BATCH_ROWS", 3)
    monkeypatch.setattr(cli_batches, "BLOCK_BYTES", 80)
    monkeypatch.setattr(cli_stream, "MERGE_ROWS", 4)
    monkeypatch.setattr(cli_batches, "PROGRESS", False)
